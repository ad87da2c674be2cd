// Box constraints lower <= x <= upper for the minimize driver (projected gradient methods) and
// for lbfgsb. A bound may be infinite (no bound on that side); lower == upper fixes a variable.
// Example: Bounds b{.lower = vec({0, -inf}), .upper = vec({1, 2})}; project(b, x);
#pragma once

#include "descent/core/types.hpp"

namespace descent::optim {

struct Bounds {
  Vec lower;  // per coordinate, -infinity for none
  Vec upper;  // per coordinate, +infinity for none

  // True when no bounds were given (both empty): the driver then runs unconstrained.
  bool empty() const { return lower.size() == 0 && upper.size() == 0; }
};

// No bound on any of n coordinates.
Bounds unbounded(Index n);

// Throws descent::Error (bad_usage) unless lower and upper both have n entries, none is NaN,
// lower[i] <= upper[i], lower[i] < +inf and upper[i] > -inf; the message names the coordinate.
void check_bounds(const Bounds& bounds, Index n);

// True when x lies in the box.
bool inside(const Bounds& bounds, const Vec& x);

// x <- the nearest point of the box (clamps each coordinate).
void project(const Bounds& bounds, Vec& x);

// The projected gradient's 2-norm: grad with the components zeroed where x sits on a bound and
// the descent direction (-grad; +grad when ascend) points out of the box. Zero at a
// constrained stationary point (the KKT conditions); ||grad|| inside the box.
double projected_grad_norm(const Bounds& bounds, const Vec& x, const Vec& grad, bool ascend);

// The largest t >= 0 (at most t_max) with lower <= x + t d <= upper, for x in the box.
double max_feasible_step(const Bounds& bounds, const Vec& x, const Vec& d, double t_max);

}  // namespace descent::optim
