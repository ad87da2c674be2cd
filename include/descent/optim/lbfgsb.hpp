// L-BFGS-B (Byrd, Lu, Nocedal, Zhu 1995; the subspace step of version 3.0, Morales and Nocedal
// 2011): limited-memory BFGS on a box. Each step: the generalized Cauchy point along the
// projected gradient path of the compact limited-memory model, a subspace minimization over
// the variables still free there, then a line search capped so that x stays in the box. The
// box comes from MinimizeOptions::bounds (unbounded: a plain L-BFGS). Defaults are scipy's.
// Example: minimize(objective, x0, *make_optimizer("lbfgsb(m=10)"), nullptr, {.bounds = box});
#pragma once

#include <cstdint>
#include <memory>

#include "descent/optim/optimizer.hpp"

namespace descent::optim {

inline constexpr std::int64_t kMaxLbfgsbMemory = 1000;

// One step() is one L-BFGS-B iteration (scipy's nit). The rule stops itself (it leaves x
// where it is, and minimize ends with "its own tolerances were met") when the projected
// gradient's largest component is <= pgtol, or when an iteration lowered f by at most
// factr * machine epsilon * max(|f|, |f_new|, 1).
struct LbfgsbOptions {
  std::int64_t m = 10;       // correction pairs kept, [1, kMaxLbfgsbMemory]
  double pgtol = 1e-5;       // >= 0
  double factr = 1e7;        // >= 0 (1e12 loose, 1e7 moderate, 10 tight, as scipy)
  std::int64_t max_ls = 20;  // function evaluations per line search, [1, 1000]
  bool maximize = false;
};

std::unique_ptr<Optimizer> make_lbfgsb(const LbfgsbOptions& options);

}  // namespace descent::optim
