#include "descent/plot/landscape.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <span>

#include "descent/core/error.hpp"

namespace descent::plot {

namespace {

// Rescales d's slice [offset, offset + size) to the norm of theta's slice.
// (Plain loops: GCC 12 warns falsely on Eigen's AVX-512 reductions over segments.)
void match_norm(Vec& d, const Vec& theta, Index offset, Index size) {
  double target = 0.0, current = 0.0;
  for (Index i = offset; i < offset + size; ++i) {
    target += theta[i] * theta[i];
    current += d[i] * d[i];
  }
  const double factor = current > 0.0 ? std::sqrt(target / current) : 0.0;
  for (Index i = offset; i < offset + size; ++i) d[i] *= factor;
}

// Evaluates the points [first, last) into out[first, last), in parallel (OpenMP threads).
template <typename Fill>
void evaluate_block(std::size_t first, std::size_t last, Index dim, const LossFactory& factory, const Fill& fill,
                    std::vector<double>& out) {
  const int threads = std::max(1, std::min<int>(omp_get_max_threads(), static_cast<int>(last - first)));
  std::vector<LossFn> losses;
  for (int t = 0; t < threads; ++t) losses.push_back(factory());
  const auto lo = static_cast<std::ptrdiff_t>(first), hi = static_cast<std::ptrdiff_t>(last);
#pragma omp parallel num_threads(threads)
  {
    const LossFn& loss = losses[static_cast<std::size_t>(omp_get_thread_num())];
    Vec params(dim);
#pragma omp for schedule(dynamic, 1)
    for (std::ptrdiff_t k = lo; k < hi; ++k) {
      fill(static_cast<std::size_t>(k), params);
      out[static_cast<std::size_t>(k)] = loss(params);
    }
  }
}

// Evaluates `count` points in parallel, point k's parameters made by fill(k, params). With
// several processes each evaluates its block of the points, then all exchange them.
template <typename Fill>
std::vector<double> evaluate_all(std::size_t count, Index dim, const LossFactory& factory, const Fill& fill,
                                 ml::Combiner* processes) {
  const int rank = processes ? processes->rank() : 0, ranks = processes ? processes->ranks() : 1;
  const std::size_t first = ml::block_begin(count, rank, ranks), last = ml::block_begin(count, rank + 1, ranks);
  std::vector<double> out(count);
  if (last > first) evaluate_block(first, last, dim, factory, fill, out);
  if (ranks > 1) {
    std::vector<std::size_t> offsets;
    for (int r = 0; r <= ranks; ++r) offsets.push_back(ml::block_begin(count, r, ranks));
    processes->allgather(std::span<double>(out), offsets);
  }
  return out;
}

}  // namespace

Vec filter_normalized_direction(const Vec& theta, const std::vector<ParamBlock>& blocks, Rng& rng) {
  Vec d(theta.size());
  for (Index i = 0; i < d.size(); ++i) d[i] = rng.normal();
  std::vector<bool> covered(static_cast<std::size_t>(theta.size()), false);
  for (const auto& b : blocks) {
    if (b.offset < 0 || b.offset + b.size() > theta.size()) {
      throw Error(ErrorCode::internal, "landscape: a parameter block lies outside the parameters");
    }
    for (Index i = b.offset; i < b.offset + b.size(); ++i) covered[static_cast<std::size_t>(i)] = true;
    if (b.bias) {
      d.segment(b.offset, b.size()).setZero();
      continue;
    }
    for (Index f = 0; f < b.filters; ++f) match_norm(d, theta, b.offset + f * b.filter_size, b.filter_size);
  }
  // Whatever no block describes is normalized as one piece per contiguous run.
  for (Index i = 0; i < theta.size();) {
    if (covered[static_cast<std::size_t>(i)]) {
      ++i;
      continue;
    }
    Index j = i;
    while (j < theta.size() && !covered[static_cast<std::size_t>(j)]) ++j;
    match_norm(d, theta, i, j - i);
    i = j;
  }
  return d;
}

Grid loss_surface(const Vec& theta, const Vec& d1, const Vec& d2, const LossFactory& factory,
                  double span, std::size_t resolution, ml::Combiner* processes) {
  DESCENT_ASSERT(d1.size() == theta.size() && d2.size() == theta.size());
  if (resolution < 3 || resolution > kMaxSurfaceResolution) {
    throw_usage("landscape: resolution = {}; must lie in [3, {}]", resolution,
                kMaxSurfaceResolution);
  }
  if (!(span > 0.0 && span <= kMaxSpan)) {
    throw_usage("landscape: span = {}; must lie in (0, {}]", span, kMaxSpan);
  }
  Grid grid{resolution, resolution, -span, span, -span, span, {}};
  grid.values = evaluate_all(resolution * resolution, theta.size(), factory, [&](std::size_t k, Vec& params) {
    const double a = grid.x_at(k % resolution);
    const double b = grid.y_at(k / resolution);
    params = theta + a * d1 + b * d2;
  }, processes);
  return grid;
}

std::vector<double> loss_line(const Vec& theta0, const Vec& theta1, const std::vector<double>& alphas,
                              const LossFactory& factory, ml::Combiner* processes) {
  DESCENT_ASSERT(theta0.size() == theta1.size());
  return evaluate_all(alphas.size(), theta0.size(), factory, [&](std::size_t k, Vec& params) {
    params = (1.0 - alphas[k]) * theta0 + alphas[k] * theta1;
  }, processes);
}

Figure surface_figure(const Grid& surface, const std::string& title, std::size_t levels, int width,
                      int height) {
  Figure figure{.width = width, .height = height};
  Panel& panel = figure.add_panel(title);
  panel.x = {"direction 1 (filter-normalized)", surface.x_lo, surface.x_hi, false};
  panel.y = {"direction 2 (filter-normalized)", surface.y_lo, surface.y_hi, false};
  panel.equal_aspect = true;
  panel.legend = LegendPlace::outside;
  panel.colorbar = "training loss";
  std::vector<double> lv = contour_levels(surface.values, levels);
  for (double level : lv) panel.contours.push_back({level, trace_contour(surface, level)});
  panel.fill = ContourFill{surface, std::move(lv)};
  panel.points.push_back({0.0, 0.0, Marker::star, {1.0, 0.82, 0.1, 1.0}, kBlack, 7.5, "trained parameters"});
  return figure;
}

Figure line_figure(const std::vector<double>& alphas, const std::vector<double>& losses,
                   const std::string& title, int width, int height) {
  Figure figure{.width = width, .height = height};
  Panel& panel = figure.add_panel(title);
  panel.x.label = "α   in   (1 − α) θ₀ + α θ₁      (θ₀ initial, θ₁ trained)";
  panel.y.label = "training loss";
  double lo = INFINITY, hi = 0.0;
  for (double v : losses) {
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  panel.y.log = lo > 0.0 && hi / lo > 100.0;
  panel.add_series({.x = alphas, .y = losses, .color = palette(6), .line_width = 2.0, .marker = Marker::circle,
                    .marker_size = 2.2, .label = "loss along the line"});
  auto at = [&](double a) {
    const auto it = std::min_element(alphas.begin(), alphas.end(),
                                     [a](double p, double q) { return std::abs(p - a) < std::abs(q - a); });
    return it == alphas.end() ? NAN : losses[static_cast<std::size_t>(it - alphas.begin())];
  };
  panel.points.push_back({0.0, at(0.0), Marker::circle, kWhite, kBlack, 5.5, "initial (α = 0)"});
  panel.points.push_back({1.0, at(1.0), Marker::star, {1.0, 0.82, 0.1, 1.0}, kBlack, 7.5, "trained (α = 1)"});
  return figure;
}

}  // namespace descent::plot
