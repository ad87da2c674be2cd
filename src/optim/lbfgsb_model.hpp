// The pieces of L-BFGS-B (Byrd, Lu, Nocedal, Zhu 1995) behind src/optim/lbfgsb.cpp: the compact
// limited-memory BFGS matrix, the generalized Cauchy point and the subspace minimization (the
// line search is line_search.hpp's MoreThuente).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "descent/core/spec.hpp"
#include "descent/core/types.hpp"
#include "descent/optim/bounds.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::optim::detail {

// B = theta I - W M W^T with W = [Y, theta S] and M = [[-D, L^T], [L, theta S^T S]]^{-1}
// (D = diag(s_i . y_i), L = the strictly lower triangle of S^T Y): the paper's section 3.
class CompactBfgs {
 public:
  explicit CompactBfgs(std::int64_t memory) : memory_(memory) {}
  // Adds the pair unless s . y <= eps * y . y (the curvature condition fails); says which.
  bool update(Vec s, Vec y);
  void clear();
  std::int64_t pairs() const { return static_cast<std::int64_t>(s_.size()); }
  double theta() const { return theta_; }
  const Mat& w() const { return w_; }  // n x 2k
  const Mat& m() const { return m_; }  // 2k x 2k
  const std::deque<Vec>& s() const { return s_; }
  const std::deque<Vec>& y() const { return y_; }

 private:
  void rebuild();
  std::int64_t memory_;
  std::deque<Vec> s_, y_;
  double theta_ = 1.0;
  Mat w_, m_;
};

struct CauchyPoint {
  Vec x;                   // the generalized Cauchy point
  Vec c;                   // W^T (x_cauchy - x), for the subspace step
  std::vector<char> free;  // variables not at a bound at the Cauchy point
};

// The first local minimizer of the model along the projected steepest-descent path
// x(t) = P(x - t g) (the paper's algorithm CP).
CauchyPoint cauchy_point(const CompactBfgs& model, const Bounds& box, const Vec& x, const Vec& g);

// The model's minimizer over the free variables from the Cauchy point (direct primal method,
// Sherman-Morrison-Woodbury on the reduced matrix), projected onto the box; when that
// projection is not a descent direction, the unconstrained step truncated to the box instead
// (L-BFGS-B 3.0).
Vec subspace_minimum(const CompactBfgs& model, const Bounds& box, const Vec& x, const Vec& g,
                     const CauchyPoint& cauchy);

}  // namespace descent::optim::detail
