// Loss landscapes (Li, Xu, Taylor, Studer, Goldstein 2018, "Visualizing the Loss Landscape of
// Neural Nets"): the loss on a plane through the trained parameters spanned by two random,
// filter-normalized directions, and along the line from the initial to the trained parameters.
// Example: Grid g = loss_surface(theta, d1, d2, factory, 1.0, 25);
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "descent/core/rng.hpp"
#include "descent/core/types.hpp"
#include "descent/ml/combiner.hpp"
#include "descent/plot/contour.hpp"
#include "descent/plot/figure.hpp"

namespace descent::plot {

// A slice of the flat parameter vector: `filters` consecutive filters of `filter_size` values
// (a dense layer's rows of W, a convolution's output channels), or a bias vector.
struct ParamBlock {
  Index offset = 0;
  Index filters = 1;
  Index filter_size = 0;
  bool bias = false;

  Index size() const { return filters * filter_size; }
};

// A random Gaussian direction with filter normalization: each filter d_f is rescaled to
// ||d_f|| = ||theta_f|| (the matching filter of the weights), and bias components are zero
// (Li et al. 2018, section 4). Parameters outside every block are treated as one filter each
// block-free run (they are rescaled as a whole). Deterministic for the Rng's state.
Vec filter_normalized_direction(const Vec& theta, const std::vector<ParamBlock>& blocks, Rng& rng);

// The loss at given parameters. A LossFactory makes one evaluator per thread (an evaluator
// may keep scratch and need not be thread-safe; the factory is called from one thread).
using LossFn = std::function<double(const Vec& params)>;
using LossFactory = std::function<LossFn()>;

// Limits on what a landscape evaluates: each node is a loss over the whole data set, so these
// bound time as well as memory; a span past kMaxSpan moves every parameter by 1000 times its
// own size (filter-normalized directions), where the loss overflows and nothing is left to draw.
inline constexpr std::size_t kMaxSurfaceResolution = 501;  // 251,001 nodes
inline constexpr std::size_t kMaxLineResolution = 10001;
inline constexpr double kMaxSpan = 1000.0;

// L(theta + a d1 + b d2) on a resolution x resolution grid over a, b in [-span, span], in
// parallel (OpenMP) and deterministic: each node is computed once, by whichever thread. With
// `processes` (several processes calling together) each computes its block of the nodes and
// all receive every node: the same grid as one process. resolution in
// [3, kMaxSurfaceResolution] and span in (0, kMaxSpan], else bad_usage.
Grid loss_surface(const Vec& theta, const Vec& d1, const Vec& d2, const LossFactory& factory,
                  double span, std::size_t resolution, ml::Combiner* processes = nullptr);

// L((1 - a) theta0 + a theta1) for each a, in parallel (and over `processes`, as loss_surface).
std::vector<double> loss_line(const Vec& theta0, const Vec& theta1, const std::vector<double>& alphas,
                              const LossFactory& factory, ml::Combiner* processes = nullptr);

// The pictures: contours of the surface with the trained parameters at the centre, and the
// curve along the line with the initial (a = 0) and trained (a = 1) parameters marked.
Figure surface_figure(const Grid& surface, const std::string& title, std::size_t levels = 20,
                      int width = 800, int height = 600);
Figure line_figure(const std::vector<double>& alphas, const std::vector<double>& losses,
                   const std::string& title, int width = 800, int height = 600);

}  // namespace descent::plot
