// Direct kernels for a stride-1 convolution over zero-padded channels-last images (private to
// ml). A pixel's receptive field in a padded image is found at fixed offsets from the pixel (one
// per tap: kernel row, kernel column, channel), so the kernels read it in place instead of
// copying it into a matrix first (im2col). Output channels are the vector lanes: a block of
// pixels (or taps) keeps its accumulators in registers while the taps (or pixels) stream by.
// Example: conv_image<float, Lanes<float>>(geometry, padded, wt, bias, out);
#pragma once

#include <algorithm>
#include <cstring>
#include <vector>

#include "descent/core/types.hpp"

namespace descent::ml::detail {

// As many T as fit a 256-bit register; with T itself as V the kernels run one lane wide.
template <typename T>
using Lanes [[gnu::vector_size(32)]] = T;

// Loads and stores through memory (no alignment needed); the vector is never passed by value,
// whose ABI would depend on the target's registers.
template <typename V, typename T>
void load_lanes(V& v, const T* from) {
  std::memcpy(&v, from, sizeof(V));
}
template <typename V, typename T>
void store_lanes(T* to, const V& v) {
  std::memcpy(to, &v, sizeof(V));
}

// A convolution's shape over one padded image of `channels` channels with a kernel x kernel kernel:
// `rows` x `cols` padded pixels, `height` x `width` outputs of `outputs` channels, and each tap's
// offset from its output pixel's top-left corner in the padded image (kernel row, kernel column,
// channel order).
struct ConvGeometry {
  Index channels = 1, kernel = 1, rows = 1, cols = 1, height = 1, width = 1, outputs = 1;
  std::vector<Index> offsets;

  ConvGeometry(Index channels_, Index kernel_, Index height_, Index width_, Index outputs_)
      : channels(channels_),
        kernel(kernel_),
        rows(height_ + kernel_ - 1),
        cols(width_ + kernel_ - 1),
        height(height_),
        width(width_),
        outputs(outputs_) {
    for (Index ky = 0; ky < kernel; ++ky) {
      for (Index j = 0; j < kernel * channels; ++j) offsets.push_back(ky * cols * channels + j);
    }
  }
  Index taps() const { return static_cast<Index>(offsets.size()); }
  Index padded_size() const { return rows * cols * channels; }
  // The padded position of output pixel (y, x).
  Index base(Index y, Index x) const { return (y * cols + x) * channels; }
};

// Zero-padded copies of up to `capacity` images: `pad` zero rows and columns before each image
// (top, left) and kernel - 1 - pad after it, so that the output keeps the image's size. The
// border is zeroed once and never written again.
template <typename T>
class PaddedImages {
 public:
  PaddedImages(const ConvGeometry& g, Index pad, Index capacity)
      : g_(g), pad_(pad), capacity_(capacity) {}
  Index capacity() const { return capacity_; }
  // `count` <= capacity() channels-last images from `images` into the padded slots.
  const T* fill(const T* images, Index count) {
    if (slots_.empty()) slots_.assign(static_cast<std::size_t>(capacity_ * g_.padded_size()), T(0));
    const Index c = g_.channels, run = g_.width * c;
    for (Index i = 0; i < count; ++i) {
      T* slot = slots_.data() + i * g_.padded_size();
      const T* image = images + i * g_.height * run;
      for (Index y = 0; y < g_.height; ++y) {
        std::copy_n(image + y * run, run, slot + ((y + pad_) * g_.cols + pad_) * c);
      }
    }
    return slots_.data();
  }

 private:
  ConvGeometry g_;
  Index pad_, capacity_;
  std::vector<T> slots_;
};

// out[x + r][o] = init[o] + sum over taps t of at[r * channels + offsets[t]] * wt[t][o] for the
// R pixels from `at`, lanes of output channels at a time (V's lanes divide g.outputs). A kernel
// row's taps are one contiguous run of the padded image per pixel.
template <int R, typename T, typename V>
void conv_pixels(const ConvGeometry& g, const T* at, const T* wt, const T* init, T* out) {
  constexpr auto kLanes = static_cast<Index>(sizeof(V) / sizeof(T));
  const Index c = g.channels, oc = g.outputs, kernel = g.kernel, run = kernel * c;
  for (Index o = 0; o < oc; o += kLanes) {
    V acc[R];
    for (int r = 0; r < R; ++r) load_lanes(acc[r], init + o);
    for (Index ky = 0; ky < kernel; ++ky) {
      const T* field[R];
      for (int r = 0; r < R; ++r) field[r] = at + ky * g.cols * c + r * c;
      const T* w = wt + ky * run * oc + o;
      for (Index j = 0; j < run; ++j, w += oc) {
        V wj;
        load_lanes(wj, w);
        for (int r = 0; r < R; ++r) acc[r] += field[r][j] * wj;
      }
    }
    for (int r = 0; r < R; ++r) store_lanes(out + r * oc + o, acc[r]);
  }
}

// out (height * width x outputs) = the convolution of one padded image with wt (taps x
// outputs), each pixel started from init (outputs values: the bias, or zeros). Pixels go in
// blocks of 8 along a row; a row's last block overlaps the one before instead of leaving a tail
// that would run one pixel, one dependent chain of multiply-adds, at a time.
template <typename T, typename V>
void conv_image_lanes(const ConvGeometry& g, const T* padded, const T* wt, const T* init, T* out) {
  constexpr int kBlock = 8;
  for (Index y = 0; y < g.height; ++y) {
    T* row = out + y * g.width * g.outputs;
    if (g.width < kBlock) {
      for (Index x = 0; x < g.width; ++x) {
        conv_pixels<1, T, V>(g, padded + g.base(y, x), wt, init, row + x * g.outputs);
      }
      continue;
    }
    for (Index x = 0;; x += kBlock) {
      x = std::min(x, g.width - kBlock);
      conv_pixels<kBlock, T, V>(g, padded + g.base(y, x), wt, init, row + x * g.outputs);
      if (x + kBlock == g.width) break;
    }
  }
}

// dwt[t + r][o] += sum over the pixels of `count` padded images of the tap's input value times
// dy[pixel][o], for R taps from t.
template <int R, typename T, typename V>
void weight_grad_taps(const ConvGeometry& g, const T* padded, Index count, const T* dy, Index t,
                      T* dwt) {
  constexpr auto kLanes = static_cast<Index>(sizeof(V) / sizeof(T));
  const Index oc = g.outputs;
  Index offset[R];
  for (int r = 0; r < R; ++r) offset[r] = g.offsets[static_cast<std::size_t>(t + r)];
  for (Index o = 0; o < oc; o += kLanes) {
    V acc[R];
    for (int r = 0; r < R; ++r) load_lanes(acc[r], dwt + (t + r) * oc + o);
    const T* grad = dy + o;
    for (Index i = 0; i < count; ++i) {
      const T* image = padded + i * g.padded_size();
      for (Index y = 0; y < g.height; ++y) {
        for (Index x = 0; x < g.width; ++x, grad += oc) {
          V d;
          load_lanes(d, grad);
          const T* at = image + g.base(y, x);
          for (int r = 0; r < R; ++r) acc[r] += at[offset[r]] * d;
        }
      }
    }
    for (int r = 0; r < R; ++r) store_lanes(dwt + (t + r) * oc + o, acc[r]);
  }
}

// dwt (taps x outputs) += the weight gradient over `count` padded images and their dy. Taps go
// in blocks of 9 where they divide (kernel 3), else 8 and then one at a time.
template <typename T, typename V>
void conv_weight_grad_lanes(const ConvGeometry& g, const T* padded, Index count, const T* dy,
                            T* dwt) {
  Index t = 0;
  if (g.taps() % 9 == 0) {
    for (; t < g.taps(); t += 9) weight_grad_taps<9, T, V>(g, padded, count, dy, t, dwt);
  }
  for (; t + 8 <= g.taps(); t += 8) weight_grad_taps<8, T, V>(g, padded, count, dy, t, dwt);
  for (; t < g.taps(); ++t) weight_grad_taps<1, T, V>(g, padded, count, dy, t, dwt);
}

// Column sums of `count` rows of `width` values, lanes of columns at a time.
template <typename T, typename V>
void column_sums_lanes(const T* rows, Index count, Index width, T* sums) {
  constexpr auto kLanes = static_cast<Index>(sizeof(V) / sizeof(T));
  for (Index o = 0; o < width; o += kLanes) {
    V acc[4] = {};
    Index p = 0;
    for (; p + 4 <= count; p += 4) {
      for (Index r = 0; r < 4; ++r) {
        V row;
        load_lanes(row, rows + (p + r) * width + o);
        acc[r] += row;
      }
    }
    for (; p < count; ++p) {
      V row;
      load_lanes(row, rows + p * width + o);
      acc[0] += row;
    }
    acc[0] = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    store_lanes(sums + o, acc[0]);
  }
}

// Whole registers of channels where they divide the channels, else one lane. With AVX-512, 16
// float (8 double) lanes where they divide: twice the multiply-adds per instruction.
template <typename T>
bool fills_lanes(Index channels) {
  return channels % static_cast<Index>(sizeof(Lanes<T>) / sizeof(T)) == 0;
}
#ifdef __AVX512F__
template <typename T>
using WideLanes [[gnu::vector_size(64)]] = T;
template <typename T>
bool fills_wide_lanes(Index channels) {
  return channels % static_cast<Index>(sizeof(WideLanes<T>) / sizeof(T)) == 0;
}
#define DESCENT_ML_WIDE_LANES(T, channels, call) \
  if (fills_wide_lanes<T>(channels)) return call<T, WideLanes<T>>
#else
#define DESCENT_ML_WIDE_LANES(T, channels, call) \
  if (false) return call<T, Lanes<T>>
#endif

template <typename T>
void conv_image(const ConvGeometry& g, const T* padded, const T* wt, const T* init, T* out) {
  DESCENT_ML_WIDE_LANES(T, g.outputs, conv_image_lanes)(g, padded, wt, init, out);
  if (fills_lanes<T>(g.outputs)) return conv_image_lanes<T, Lanes<T>>(g, padded, wt, init, out);
  conv_image_lanes<T, T>(g, padded, wt, init, out);
}
template <typename T>
void conv_weight_grad(const ConvGeometry& g, const T* padded, Index count, const T* dy, T* dwt) {
  DESCENT_ML_WIDE_LANES(T, g.outputs, conv_weight_grad_lanes)(g, padded, count, dy, dwt);
  if (fills_lanes<T>(g.outputs)) {
    return conv_weight_grad_lanes<T, Lanes<T>>(g, padded, count, dy, dwt);
  }
  conv_weight_grad_lanes<T, T>(g, padded, count, dy, dwt);
}
template <typename T>
void column_sums(const T* rows, Index count, Index width, T* sums) {
  if (fills_lanes<T>(width)) return column_sums_lanes<T, Lanes<T>>(rows, count, width, sums);
  column_sums_lanes<T, T>(rows, count, width, sums);
}

}  // namespace descent::ml::detail
