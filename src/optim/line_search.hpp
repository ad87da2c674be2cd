// Private: the line searches, shared by the rules that search along a direction (gd with armijo,
// lbfgs; the same API serves any rule that can write f along its direction as phi(t)). Both are
// one-dimensional: they see phi(t) = f(x + t d) and never x or d themselves.
// Example: auto found = armijo_backtrack([&](double t) { return f(x - t * g); }, f0,
// g.squaredNorm(), 1.0, {});
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>

namespace descent::optim::detail {

// Backtracking: t = t0; while phi(t) > phi(0) - c1 t slope: t = shrink t, at most max_backtracks
// times (max_backtracks + 1 trials in all).
struct Backtracking {
  double c1 = 1e-4;
  double shrink = 0.5;
  std::int64_t max_backtracks = 50;
};

struct LinePoint {
  double t;
  double f;  // phi(t)
};

// slope = -phi'(0) > 0 (||g||^2 along -g). Returns the first t that decreases f enough and phi
// there, or nullopt when every trial failed. (A template: it compiles with its caller's
// floating-point contraction, so gd's trajectory did not move when it came here.)
template <typename Phi>
std::optional<LinePoint> armijo_backtrack(Phi&& phi, double f0, double slope, double t0,
                                          const Backtracking& options) {
  double t = t0;
  for (std::int64_t k = 0; k <= options.max_backtracks; ++k, t *= options.shrink) {
    const double f = phi(t);
    if (f <= f0 - options.c1 * t * slope) return LinePoint{t, f};
  }
  return std::nullopt;
}

// Strong Wolfe as torch/optim/lbfgs.py's _strong_wolfe (c1, c2, tolerance_change and 25 tries
// are PyTorch's; PyTorch passes no tolerance_change to the search, so 1e-9 stays).
struct StrongWolfe {
  double c1 = 1e-4;
  double c2 = 0.9;
  double tolerance_change = 1e-9;
  int max_ls = 25;
};

// Minimizer of the cubic through (x1, f1, g1), (x2, f2, g2), clamped to [lo, hi]
// (torch's _cubic_interpolate; without bounds, [min(x1, x2), max(x1, x2)]).
double cubic_interpolate(double x1, double f1, double g1, double x2, double f2, double g2,
                         const double* bounds = nullptr);

// The result of strong_wolfe: the accepted step, the point there, and the evaluations it took.
template <typename Point>
struct WolfeStep {
  double t;
  Point point;
  std::int64_t evals;
};

// torch's _strong_wolfe on a 1-D function. Point is what phi(t) returns: at least .f (phi(t))
// and .dphi (phi'(t) = grad . d); anything else (lbfgs keeps the gradient) travels with it and
// comes back for the accepted t. start is phi at t = 0; d_norm = max |d_i| (for the bracket
// width test); t is the first step tried.
template <typename Point, typename Phi>
WolfeStep<Point> strong_wolfe(Phi&& phi, double t, const Point& start, double d_norm,
                              const StrongWolfe& o = {}) {
  const double f = start.f, gtd = start.dphi;
  Point cur = phi(t);
  std::int64_t evals = 1;
  double t_prev = 0;
  Point prev = start;
  bool done = false;
  int ls_iter = 0;
  double bracket[2] = {0, 0};
  Point bp[2] = {start, start};
  int bracket_size = 0;
  while (ls_iter < o.max_ls) {
    const bool too_high = cur.f > (f + o.c1 * t * gtd) || (ls_iter > 1 && cur.f >= prev.f);
    if (!too_high && std::abs(cur.dphi) <= -o.c2 * gtd) {
      bracket_size = 1;
      bracket[0] = t, bp[0] = cur;
      done = true;
      break;
    }
    if (too_high || cur.dphi >= 0) {
      bracket_size = 2;
      bracket[0] = t_prev, bracket[1] = t;
      bp[0] = prev, bp[1] = cur;
      break;
    }
    // interpolate
    const double bounds[2] = {t + 0.01 * (t - t_prev), t * 10};
    const double tmp = t;
    t = cubic_interpolate(t_prev, prev.f, prev.dphi, t, cur.f, cur.dphi, bounds);
    t_prev = tmp;
    prev = std::move(cur);
    cur = phi(t);
    evals += 1;
    ls_iter += 1;
  }
  if (ls_iter == o.max_ls) {
    bracket_size = 2;
    bracket[0] = 0, bracket[1] = t;
    bp[0] = start, bp[1] = cur;
  }

  // zoom phase: we now have a point satisfying the criteria, or a bracket around it.
  bool insuf_progress = false;
  int low = bp[0].f <= bp[bracket_size - 1].f ? 0 : 1;
  int high = 1 - low;
  while (!done && ls_iter < o.max_ls) {
    if (std::abs(bracket[1] - bracket[0]) * d_norm < o.tolerance_change) break;
    t = cubic_interpolate(bracket[0], bp[0].f, bp[0].dphi, bracket[1], bp[1].f, bp[1].dphi);
    const double b_max = std::max(bracket[0], bracket[1]);
    const double b_min = std::min(bracket[0], bracket[1]);
    const double eps = 0.1 * (b_max - b_min);
    if (std::min(b_max - t, t - b_min) < eps) {
      if (insuf_progress || t >= b_max || t <= b_min) {
        t = std::abs(t - b_max) < std::abs(t - b_min) ? b_max - eps : b_min + eps;
        insuf_progress = false;
      } else {
        insuf_progress = true;
      }
    } else {
      insuf_progress = false;
    }
    cur = phi(t);
    evals += 1;
    ls_iter += 1;
    if (cur.f > (f + o.c1 * t * gtd) || cur.f >= bp[low].f) {
      bracket[high] = t;
      bp[high] = cur;
      low = bp[0].f <= bp[1].f ? 0 : 1;
      high = 1 - low;
    } else {
      if (std::abs(cur.dphi) <= -o.c2 * gtd) {
        done = true;
      } else if (cur.dphi * (bracket[high] - bracket[low]) >= 0) {
        bracket[high] = bracket[low];
        bp[high] = bp[low];
      }
      bracket[low] = t;
      bp[low] = cur;
    }
  }
  return {bracket[low], bp[low], evals};
}

// Moré and Thuente's line search as MINPACK-2's dcsrch (with its dcstep), the search of
// scipy's L-BFGS-B (lbfgsb.f, lnsrlb): a state machine driven by its caller. Start it with
// phi(0), phi'(0) < 0 and a first step; then, while it answers fg, evaluate phi and phi' at
// stp() and call next(). It stops with convergence (sufficient decrease, ftol, and curvature,
// gtol: strong Wolfe), a warning (the step reached stpmax or stpmin, the interval is narrower
// than xtol relative, or rounding stops progress; the last step is then the answer, as
// lnsrlb takes it) or an error in its arguments.
struct MoreThuenteOptions {
  double ftol = 1e-3;  // scipy's L-BFGS-B values
  double gtol = 0.9;
  double xtol = 0.1;
  double stpmin = 0.0;
  double stpmax = 1e10;
};

enum class SearchTask { fg, convergence, warning, error };

class MoreThuente {
 public:
  MoreThuente(double f0, double g0, double stp, const MoreThuenteOptions& options);
  SearchTask next(double f, double g);  // phi(stp()), phi'(stp())
  SearchTask task() const { return task_; }
  double stp() const { return stp_; }

 private:
  MoreThuenteOptions o_;
  SearchTask task_ = SearchTask::fg;
  double stp_;
  bool brackt_ = false;
  int stage_ = 1;
  double finit_, ginit_, gtest_, width_, width1_;
  double stx_ = 0, fx_, gx_, sty_ = 0, fy_, gy_, stmin_ = 0, stmax_;
};

}  // namespace descent::optim::detail
