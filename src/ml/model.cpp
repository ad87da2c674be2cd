// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 GEMM kernels.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "descent/ml/model.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::ml {
namespace {

Init parse_init(const std::string& word) {
  if (word == "zeros") return Init::zeros;
  if (word == "uniform") return Init::uniform;
  if (word == "xavier") return Init::xavier;
  if (word == "he") return Init::he;
  throw_usage("model: init must be zeros, uniform, xavier or he, got '{}'", word);
}

Activation parse_activation(const std::string& word) {
  if (word == "relu") return Activation::relu;
  if (word == "tanh") return Activation::tanh;
  if (word == "sigmoid") return Activation::sigmoid;
  throw_usage("model: activation must be relu, tanh or sigmoid, got '{}'", word);
}

std::vector<std::int64_t> positive_list(const Spec& spec, const char* key,
                                        std::vector<std::int64_t> fallback, bool allow_empty) {
  auto values = spec.integers(key, std::move(fallback));
  if (values.empty() && !allow_empty) throw_usage("{}: {} must not be empty", spec.name(), key);
  for (auto v : values) {
    if (v < 1 || v > 1'000'000) throw_usage("{}: {} entries must lie in [1, 1e6], got {}", spec.name(), key, v);
  }
  return values;
}

SpecValue integer_list(const std::vector<std::int64_t>& values) {
  std::vector<double> numbers(values.begin(), values.end());
  return spec_list(numbers);
}

bool wants_double(const Spec& spec, bool fallback) {
  const std::string dtype = spec.word("dtype", fallback ? "float64" : "float32");
  if (dtype != "float32" && dtype != "float64") {
    throw_usage("{}: dtype must be float32 or float64, got '{}'", spec.name(), dtype);
  }
  return dtype == "float64";
}

}  // namespace

std::string default_model(const ProblemShape& shape) {
  if (!shape.classification) return "linear";
  if (shape.num_classes == 2) return "logistic";
  // Many inputs (pixels): a small hidden layer pays off; a handful of measurements: softmax.
  if (shape.inputs >= 32) return "mlp(hidden=[64])";
  return "softmax";
}

ModelConfig resolve_model(std::string_view spec_text, const ProblemShape& shape) {
  const Spec given = Spec::parse(spec_text, "model");
  const std::string& name = given.name();
  ModelConfig config;
  Spec& out = config.spec;
  out = Spec(name);
  if (name == "linear" || name == "logistic" || name == "softmax") {
    given.check_keys({"init", "dtype"});
    if (name == "linear" && shape.classification) {
      throw_usage("model linear is for regression; use softmax or logistic for classes");
    }
    if (name != "linear" && !shape.classification) {
      throw_usage("model {} is for classification; use linear for a regression target", name);
    }
    if (name == "logistic" && shape.num_classes != 2) {
      throw_usage("model logistic needs 2 classes; this data set has {} (use softmax)", shape.num_classes);
    }
    const std::string init = given.word("init", "zeros");
    parse_init(init);
    out.set("init", spec_word(init));
    config.double_precision = wants_double(given, true);
    config.loss = name == "linear"     ? LossKind::mse
                  : name == "logistic" ? LossKind::binary_logit
                                       : LossKind::cross_entropy;
  } else if (name == "mlp" || name == "cnn") {
    const bool cnn = name == "cnn";
    if (cnn) {
      given.check_keys({"channels", "kernel", "pool", "hidden", "activation", "init", "dtype"});
      if (shape.image.channels <= 0) {
        throw_usage("model cnn needs image data (digits, fashion-mnist); this data set has plain features");
      }
      out.set("channels", integer_list(positive_list(given, "channels", {8, 16}, false)));
      // A kernel or pool wider than the image would only pad it (and kernel^2 overflows).
      const std::int64_t side = std::min(shape.image.height, shape.image.width);
      for (const auto& [key, fallback] : {std::pair{"kernel", 3}, std::pair{"pool", 2}}) {
        const std::int64_t v = given.integer(key, fallback);
        if (v < 1 || v > side) {
          throw_usage("cnn: {} = {}; must lie in [1, {}] for {}x{} images", key, v, side,
                      shape.image.height, shape.image.width);
        }
        out.set(key, spec_number(static_cast<double>(v)));
      }
      const auto hidden = given.integer("hidden", 64);
      if (hidden < 0) throw_usage("cnn: hidden must be >= 0 (0: no hidden dense layer)");
      out.set("hidden", spec_number(static_cast<double>(hidden)));
    } else {
      given.check_keys({"hidden", "activation", "init", "dtype"});
      out.set("hidden", integer_list(positive_list(given, "hidden", {64}, true)));
    }
    const std::string activation = given.word("activation", "relu");
    parse_activation(activation);
    out.set("activation", spec_word(activation));
    // PyTorch's nn.Linear / nn.Conv2d default for every activation: with he (the default before)
    // the MLP and CNN trailed PyTorch by 0.7-1 point after one Fashion-MNIST epoch.
    const std::string init = given.word("init", "uniform");
    parse_init(init);
    out.set("init", spec_word(init));
    config.double_precision = wants_double(given, false);
    config.loss = shape.classification ? LossKind::cross_entropy : LossKind::mse;
  } else {
    throw_usage("unknown model '{}'; known models: linear, logistic, softmax, mlp, cnn", name);
  }
  if (given.has("dtype")) out.set("dtype", spec_word(config.double_precision ? "float64" : "float32"));
  return config;
}

namespace {

// The layers of a model (no parameter memory yet: layers allocate on bind() and reserve()).
template <typename T>
std::vector<std::unique_ptr<Layer<T>>> build_layers(const ModelConfig& config,
                                                    const ProblemShape& shape) {
  if (shape.inputs < 1) throw_input("model: the data set has no features");
  std::vector<std::unique_ptr<Layer<T>>> layers;
  const Spec& spec = config.spec;
  const Index outputs = config.loss == LossKind::cross_entropy ? shape.num_classes : 1;
  Index width = shape.inputs;
  auto add = [&](std::unique_ptr<Layer<T>> layer) {
    width = layer->output_size();
    layers.push_back(std::move(layer));
  };
  if (spec.name() == "mlp" || spec.name() == "cnn") {
    const Activation activation = parse_activation(spec.word("activation", "relu"));
    std::vector<std::int64_t> hidden;
    if (spec.name() == "cnn") {
      ImageShape image = shape.image;
      if (image.size() != shape.inputs) {
        throw_input("model cnn: images of {}x{}x{} do not match {} features", image.channels,
                    image.height, image.width, shape.inputs);
      }
      if (image.channels > 1) add(make_channels_last<T>(image));
      for (auto channels : spec.integers("channels", {})) {
        add(make_conv2d<T>(image, channels, spec.integer("kernel", 3)));
        image.channels = channels;
        // max(relu(x)) = relu(max(x)), with the gradient reaching the same input (the first
        // maximum, or none where the window's maximum is <= 0): relu runs on the pooled values,
        // pool^2 times fewer. tanh and sigmoid keep their place (they can round two inputs to
        // one output, and the first maximum would then differ).
        const bool relu_after_pool = activation == Activation::relu;
        if (!relu_after_pool) add(make_activation<T>(activation, image.size()));
        const Index pool = spec.integer("pool", 2);
        if (pool > 1) {
          add(make_max_pool<T>(image, pool));
          image.height /= pool;
          image.width /= pool;
        }
        if (relu_after_pool) add(make_activation<T>(activation, image.size()));
      }
      if (spec.integer("hidden", 0) > 0) hidden.push_back(spec.integer("hidden", 0));
    } else {
      hidden = spec.integers("hidden", {});
    }
    for (auto h : hidden) {
      add(make_dense<T>(width, h));
      add(make_activation<T>(activation, h));
    }
  }
  add(make_dense<T>(width, outputs));

  Index total = 0, values = 0;
  for (const auto& layer : layers) {
    total += layer->num_params();
    values += layer->output_size();
  }
  if (total > kMaxParameters) {
    throw_usage("model {}: {} parameters; at most {}", spec.text(), total, kMaxParameters);
  }
  if (values > kMaxValuesPerExample) {
    throw_usage(
        "model {}: {} values per example between layers; at most {} (narrower layers "
        "or fewer channels)",
        spec.text(), values, kMaxValuesPerExample);
  }
  return layers;
}

}  // namespace

Index count_params(std::string_view spec_text, const ProblemShape& shape) {
  Index total = 0;
  for (const auto& layer : build_layers<float>(resolve_model(spec_text, shape), shape)) {
    total += layer->num_params();
  }
  return total;
}

std::string ParamTensor::name() const {
  return fmt::format("layer{}.{}", layer, bias ? "bias" : "weight");
}

std::vector<ParamTensor> param_layout(std::string_view spec_text, const ProblemShape& shape) {
  std::vector<ParamTensor> tensors;
  Index offset = 0, layer = 0;
  for (const auto& l : build_layers<float>(resolve_model(spec_text, shape), shape)) {
    if (l->num_params() == 0) continue;
    const Index biases = l->bias_count();
    const Index weights = l->num_params() - biases;
    ++layer;
    tensors.push_back({.layer = layer, .bias = false, .offset = offset, .rows = biases, .cols = weights / biases});
    tensors.push_back({.layer = layer, .bias = true, .offset = offset + weights, .rows = biases, .cols = 1});
    offset += l->num_params();
  }
  return tensors;
}

template <typename T>
Network<T>::Network(std::string_view spec_text, const ProblemShape& shape)
    : config_(resolve_model(spec_text, shape)), shape_(shape) {
  layers_ = build_layers<T>(config_, shape);
  Index total = 0;
  for (const auto& layer : layers_) total += layer->num_params();
  params_.assign(static_cast<std::size_t>(total), T(0));
  grad_.assign(static_cast<std::size_t>(total), T(0));
  params_in_use_ = params_.data();
  write_grad_to(nullptr);
  acts_.resize(layers_.size());
}

template <typename T>
Network<T>::~Network() = default;

template <typename T>
Index Network<T>::outputs() const {
  return layers_.back()->output_size();
}

template <typename T>
std::vector<std::string> Network<T>::describe() const {
  std::vector<std::string> lines;
  for (const auto& layer : layers_) lines.push_back(layer->describe());
  return lines;
}

template <typename T>
void Network<T>::init(Rng& rng) {
  const Init init = parse_init(config_.spec.word("init", "zeros"));
  for (const auto& layer : layers_) layer->init(init, rng);
}

template <typename T>
void Network<T>::reserve(Index max_batch) {
  if (max_batch <= max_batch_) return;
  max_batch_ = max_batch;
  Index widest = shape_.inputs;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    layers_[i]->reserve(max_batch);
    acts_[i].resize(static_cast<std::size_t>(max_batch * layers_[i]->output_size()));
    widest = std::max(widest, layers_[i]->output_size());
  }
  delta_a_.resize(static_cast<std::size_t>(max_batch * widest));
  delta_b_.resize(static_cast<std::size_t>(max_batch * widest));
}

template <typename T>
const T* Network<T>::forward(const T* x, Index batch) {
  reserve(batch);
  const T* in = x;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    layers_[i]->forward(in, acts_[i].data(), batch);
    in = acts_[i].data();
  }
  return in;
}

template <typename T>
double Network<T>::loss_and_grad(const T* x, const double* y, Index batch) {
  return loss_sum_and_grad(x, y, batch, 1.0 / static_cast<double>(batch)) / static_cast<double>(batch);
}

template <typename T>
void Network<T>::use_params_of(Network& master) {
  DESCENT_ASSERT(master.num_params() == num_params() && master.layers_.size() == layers_.size());
  params_in_use_ = master.params_.data();
  write_grad_to(nullptr);
}

template <typename T>
void Network<T>::write_grad_to(T* grad) {
  if (grad == nullptr) grad = grad_.data();
  Index offset = 0;
  for (const auto& layer : layers_) {
    layer->bind(params_in_use_ + offset, grad + offset);
    offset += layer->num_params();
  }
}

template <typename T>
double Network<T>::loss_sum_and_grad(const T* x, const double* y, Index batch, double grad_scale) {
  const T* out = forward(x, batch);
  // Backward: delta holds dL/d(output of layer i); the first layer needs no dL/dx.
  T* delta = delta_a_.data();
  T* next = delta_b_.data();
  const double sum = ml::loss_sum(config_.loss, out, y, batch, outputs(), delta, grad_scale);
  for (std::size_t i = layers_.size(); i-- > 0;) {
    const T* in = i == 0 ? x : acts_[i - 1].data();
    layers_[i]->backward(in, acts_[i].data(), delta, i == 0 ? nullptr : next, batch);
    std::swap(delta, next);
  }
  return sum;
}

template <typename T>
double Network<T>::loss_sum(const T* x, const double* y, Index batch) {
  const T* out = forward(x, batch);
  return ml::loss_sum(config_.loss, out, y, batch, outputs(), static_cast<T*>(nullptr), 0.0);
}

template class Network<float>;
template class Network<double>;

}  // namespace descent::ml
