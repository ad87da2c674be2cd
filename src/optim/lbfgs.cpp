// L-BFGS: a line-by-line port of torch/optim/lbfgs.py (PyTorch 1.13), including _strong_wolfe and
// _cubic_interpolate, so trajectories match PyTorch's in float64. One step() here is one call of
// PyTorch's LBFGS.step(closure): the caller's f and grad at x stand for the closure's first call.
#include <algorithm>
#include <cmath>
#include <deque>

#include "closure_rule.hpp"
#include "descent/optim/second_order.hpp"

namespace descent::optim {
namespace {

// PyTorch's p.add_(d, alpha=t): its CPU kernel computes a fused multiply-add, t * d + p.
void add_scaled(Vec& p, double t, const Vec& d) {
  for (Index i = 0; i < p.size(); ++i) p[i] = std::fma(t, d[i], p[i]);
}

// Minimizer of the cubic through (x1, f1, g1), (x2, f2, g2), clamped to bounds (default [x1, x2]).
double cubic_interpolate(double x1, double f1, double g1, double x2, double f2, double g2,
                         const double* bounds = nullptr) {
  double lo = x1 <= x2 ? x1 : x2;
  double hi = x1 <= x2 ? x2 : x1;
  if (bounds) {
    lo = bounds[0];
    hi = bounds[1];
  }
  const double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
  const double d2_square = d1 * d1 - g1 * g2;
  if (d2_square >= 0) {
    const double d2 = std::sqrt(d2_square);
    double min_pos;
    if (x1 <= x2) {
      min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2));
    } else {
      min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    }
    return std::min(std::max(min_pos, lo), hi);
  }
  return (lo + hi) / 2.;
}

struct LineSearchResult {
  double f;
  Vec g;
  double t;
  std::int64_t evals;
};

class Lbfgs final : public detail::ClosureRule {
 public:
  using ClosureRule::step;
  explicit Lbfgs(const LbfgsOptions& o) : options_(o), lr_(o.lr) {
    detail::check_nonnegative("lbfgs", "lr", o.lr);
    if (o.max_iter < 1) throw_usage("lbfgs: max_iter = {}; must be >= 1", o.max_iter);
    if (options_.max_eval < 0) options_.max_eval = o.max_iter * 5 / 4;
    if (options_.max_eval < 1) throw_usage("lbfgs: max_eval = {}; must be >= 1", options_.max_eval);
    detail::check_nonnegative("lbfgs", "tolerance_grad", o.tolerance_grad);
    detail::check_nonnegative("lbfgs", "tolerance_change", o.tolerance_change);
    if (o.history_size < 1 || o.history_size > kMaxLbfgsHistory) {
      throw_usage("lbfgs: history_size = {}; must lie in [1, {}]", o.history_size,
                  kMaxLbfgsHistory);
    }
    if (o.line_search_fn != "none" && o.line_search_fn != "strong_wolfe") {
      throw_usage("lbfgs: line_search_fn = {}; must be none or strong_wolfe", o.line_search_fn);
    }
  }

  std::string name() const override { return "lbfgs"; }
  std::string spec() const override {
    return detail::spec_text(
        "lbfgs", {{"lr", spec_number(options_.lr)},
                  {"max_iter", spec_number(static_cast<double>(options_.max_iter))},
                  {"max_eval", spec_number(static_cast<double>(options_.max_eval))},
                  {"tolerance_grad", spec_number(options_.tolerance_grad)},
                  {"tolerance_change", spec_number(options_.tolerance_change)},
                  {"history_size", spec_number(static_cast<double>(options_.history_size))},
                  {"line_search_fn", spec_word(options_.line_search_fn)},
                  {"maximize", spec_bool(options_.maximize)}});
  }
  bool maximize() const override { return options_.maximize; }
  double lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }

  double step(Vec& x, double f, const Vec& grad, const Objective& objective) override;

  std::string save_state() const override;
  void load_state(std::string_view bytes) override;
  void reset() override { state_ = State{}; }

 private:
  // PyTorch's state dict for the one parameter group.
  struct State {
    std::int64_t func_evals = 0;
    std::int64_t n_iter = 0;
    Vec d;
    double t = 0.0;
    std::deque<Vec> old_dirs;
    std::deque<Vec> old_stps;
    std::deque<double> ro;
    double h_diag = 1.0;
    Vec prev_flat_grad;  // empty: None
    double prev_loss = 0.0;
  };

  // f and grad at x + t d.
  double directional(const Objective& objective, const Vec& x, double t, const Vec& d, Vec& g) {
    trial_ = x;
    add_scaled(trial_, t, d);
    return evaluate(objective, trial_, &g);
  }
  LineSearchResult strong_wolfe(const Objective& objective, const Vec& x, double t, const Vec& d,
                                double f, const Vec& g, double gtd);

  LbfgsOptions options_;
  double lr_;
  State state_;
  Vec trial_;
};

// torch/optim/lbfgs.py: _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9,
// tolerance_change=1e-9, max_ls=25).
LineSearchResult Lbfgs::strong_wolfe(const Objective& objective, const Vec& x, double t,
                                     const Vec& d, double f, const Vec& g, double gtd) {
  constexpr double c1 = 1e-4, c2 = 0.9;
  constexpr int max_ls = 25;
  const double tolerance_change = 1e-9;  // PyTorch passes no tolerance_change to the search
  const double d_norm = d.cwiseAbs().maxCoeff();
  Vec g_new(x.size());
  double f_new = directional(objective, x, t, d, g_new);
  std::int64_t ls_func_evals = 1;
  double gtd_new = g_new.dot(d);

  double t_prev = 0, f_prev = f, gtd_prev = gtd;
  Vec g_prev = g;
  bool done = false;
  int ls_iter = 0;
  double bracket[2] = {0, 0}, bracket_f[2] = {0, 0}, bracket_gtd[2] = {0, 0};
  Vec bracket_g[2];
  int bracket_size = 0;
  while (ls_iter < max_ls) {
    if (f_new > (f + c1 * t * gtd) || (ls_iter > 1 && f_new >= f_prev)) {
      bracket_size = 2;
      bracket[0] = t_prev, bracket[1] = t;
      bracket_f[0] = f_prev, bracket_f[1] = f_new;
      bracket_g[0] = g_prev, bracket_g[1] = g_new;
      bracket_gtd[0] = gtd_prev, bracket_gtd[1] = gtd_new;
      break;
    }
    if (std::abs(gtd_new) <= -c2 * gtd) {
      bracket_size = 1;
      bracket[0] = t, bracket_f[0] = f_new, bracket_g[0] = g_new;
      done = true;
      break;
    }
    if (gtd_new >= 0) {
      bracket_size = 2;
      bracket[0] = t_prev, bracket[1] = t;
      bracket_f[0] = f_prev, bracket_f[1] = f_new;
      bracket_g[0] = g_prev, bracket_g[1] = g_new;
      bracket_gtd[0] = gtd_prev, bracket_gtd[1] = gtd_new;
      break;
    }
    // interpolate
    const double min_step = t + 0.01 * (t - t_prev);
    const double max_step = t * 10;
    const double tmp = t;
    const double bounds[2] = {min_step, max_step};
    t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds);
    t_prev = tmp;
    f_prev = f_new;
    g_prev = g_new;
    gtd_prev = gtd_new;
    f_new = directional(objective, x, t, d, g_new);
    ls_func_evals += 1;
    gtd_new = g_new.dot(d);
    ls_iter += 1;
  }
  if (ls_iter == max_ls) {
    bracket_size = 2;
    bracket[0] = 0, bracket[1] = t;
    bracket_f[0] = f, bracket_f[1] = f_new;
    bracket_g[0] = g, bracket_g[1] = g_new;
  }

  // zoom phase: we now have a point satisfying the criteria, or a bracket around it.
  bool insuf_progress = false;
  int low_pos = 0, high_pos = 0;
  if (bracket_f[0] <= bracket_f[bracket_size - 1]) {
    low_pos = 0, high_pos = 1;
  } else {
    low_pos = 1, high_pos = 0;
  }
  while (!done && ls_iter < max_ls) {
    if (std::abs(bracket[1] - bracket[0]) * d_norm < tolerance_change) break;
    t = cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1],
                          bracket_gtd[1]);
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
    f_new = directional(objective, x, t, d, g_new);
    ls_func_evals += 1;
    gtd_new = g_new.dot(d);
    ls_iter += 1;
    if (f_new > (f + c1 * t * gtd) || f_new >= bracket_f[low_pos]) {
      bracket[high_pos] = t;
      bracket_f[high_pos] = f_new;
      bracket_g[high_pos] = g_new;
      bracket_gtd[high_pos] = gtd_new;
      if (bracket_f[0] <= bracket_f[1]) {
        low_pos = 0, high_pos = 1;
      } else {
        low_pos = 1, high_pos = 0;
      }
    } else {
      if (std::abs(gtd_new) <= -c2 * gtd) {
        done = true;
      } else if (gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0) {
        bracket[high_pos] = bracket[low_pos];
        bracket_f[high_pos] = bracket_f[low_pos];
        bracket_g[high_pos] = bracket_g[low_pos];
        bracket_gtd[high_pos] = bracket_gtd[low_pos];
      }
      bracket[low_pos] = t;
      bracket_f[low_pos] = f_new;
      bracket_g[low_pos] = g_new;
      bracket_gtd[low_pos] = gtd_new;
    }
  }
  return {bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals};
}

// torch/optim/lbfgs.py: LBFGS.step(closure).
double Lbfgs::step(Vec& x, double f, const Vec& grad, const Objective& objective) {
  failure_.clear();
  auto& state = state_;
  const bool strong_wolfe_search = options_.line_search_fn == "strong_wolfe";
  double loss = maximize() ? -f : f;
  Vec flat_grad = maximize() ? Vec(-grad) : grad;
  std::int64_t current_evals = 1;
  state.func_evals += 1;
  bool opt_cond = flat_grad.cwiseAbs().maxCoeff() <= options_.tolerance_grad;
  if (opt_cond) return f;

  std::int64_t n_iter = 0;
  std::vector<double> al(static_cast<std::size_t>(options_.history_size));
  while (n_iter < options_.max_iter) {
    n_iter += 1;
    state.n_iter += 1;
    // compute the direction
    if (state.n_iter == 1) {
      state.d = -flat_grad;
      state.old_dirs.clear();
      state.old_stps.clear();
      state.ro.clear();
      state.h_diag = 1;
    } else {
      Vec y = flat_grad - state.prev_flat_grad;
      Vec s = state.d * state.t;
      const double ys = y.dot(s);
      if (ys > 1e-10) {
        if (static_cast<std::int64_t>(state.old_dirs.size()) == options_.history_size) {
          state.old_dirs.pop_front();
          state.old_stps.pop_front();
          state.ro.pop_front();
        }
        state.h_diag = ys / y.dot(y);
        state.old_dirs.push_back(std::move(y));
        state.old_stps.push_back(std::move(s));
        state.ro.push_back(1. / ys);
      }
      // two-loop recursion
      const auto num_old = static_cast<std::ptrdiff_t>(state.old_dirs.size());
      Vec q = -flat_grad;
      for (std::ptrdiff_t i = num_old - 1; i >= 0; --i) {
        const auto k = static_cast<std::size_t>(i);
        al[k] = state.old_stps[k].dot(q) * state.ro[k];
        add_scaled(q, -al[k], state.old_dirs[k]);
      }
      state.d = q * state.h_diag;
      for (std::ptrdiff_t i = 0; i < num_old; ++i) {
        const auto k = static_cast<std::size_t>(i);
        const double be_i = state.old_dirs[k].dot(state.d) * state.ro[k];
        add_scaled(state.d, al[k] - be_i, state.old_stps[k]);
      }
    }
    state.prev_flat_grad = flat_grad;
    state.prev_loss = loss;

    // compute the step length
    if (state.n_iter == 1) {
      state.t = std::min(1., 1. / flat_grad.cwiseAbs().sum()) * lr_;
    } else {
      state.t = lr_;
    }
    const double gtd = flat_grad.dot(state.d);
    if (gtd > -options_.tolerance_change) break;

    std::int64_t ls_func_evals = 0;
    if (strong_wolfe_search) {
      LineSearchResult ls = strong_wolfe(objective, x, state.t, state.d, loss, flat_grad, gtd);
      loss = ls.f;
      flat_grad = std::move(ls.g);
      state.t = ls.t;
      ls_func_evals = ls.evals;
      add_scaled(x, state.t, state.d);
      opt_cond = flat_grad.cwiseAbs().maxCoeff() <= options_.tolerance_grad;
    } else {
      add_scaled(x, state.t, state.d);
      if (n_iter != options_.max_iter) {
        loss = evaluate(objective, x, &flat_grad);
        opt_cond = flat_grad.cwiseAbs().maxCoeff() <= options_.tolerance_grad;
        ls_func_evals = 1;
      }
    }
    current_evals += ls_func_evals;
    state.func_evals += ls_func_evals;

    // check conditions
    if (n_iter == options_.max_iter) break;
    if (current_evals >= options_.max_eval) break;
    if (opt_cond) break;
    if ((state.d * state.t).cwiseAbs().maxCoeff() <= options_.tolerance_change) break;
    if (std::abs(loss - state.prev_loss) < options_.tolerance_change) break;
  }
  return std::nan("");
}

std::string Lbfgs::save_state() const {
  detail::ByteWriter out;
  auto vec = [&](const Vec& v) { out.array(std::vector<double>(v.data(), v.data() + v.size())); };
  out.text("descent-optim-1");
  out.text("lbfgs");
  out.i64(state_.func_evals);
  out.i64(state_.n_iter);
  vec(state_.d);
  out.f64(state_.t);
  out.i64(static_cast<std::int64_t>(state_.old_dirs.size()));
  for (std::size_t i = 0; i < state_.old_dirs.size(); ++i) {
    vec(state_.old_dirs[i]);
    vec(state_.old_stps[i]);
    out.f64(state_.ro[i]);
  }
  out.f64(state_.h_diag);
  vec(state_.prev_flat_grad);
  out.f64(state_.prev_loss);
  return out.take();
}

void Lbfgs::load_state(std::string_view bytes) {
  detail::ByteReader in(bytes, "lbfgs");
  if (in.text() != "descent-optim-1") in.fail();
  const std::string saved = in.text();
  if (saved != "lbfgs") throw_input("lbfgs: the saved optimizer state is for '{}'", saved);
  auto vec = [&] {
    const auto values = in.array<double>();
    return Vec(Eigen::Map<const Vec>(values.data(), static_cast<Index>(values.size())));
  };
  State state;
  state.func_evals = in.i64();
  state.n_iter = in.i64();
  state.d = vec();
  state.t = in.f64();
  const auto history = in.i64();
  if (history > options_.history_size) in.fail();
  for (std::int64_t i = 0; i < history; ++i) {
    state.old_dirs.push_back(vec());
    state.old_stps.push_back(vec());
    state.ro.push_back(in.f64());
  }
  state.h_diag = in.f64();
  state.prev_flat_grad = vec();
  state.prev_loss = in.f64();
  in.finish();
  state_ = std::move(state);
}

}  // namespace

std::unique_ptr<Optimizer> make_lbfgs(const LbfgsOptions& options) {
  return std::make_unique<Lbfgs>(options);
}

}  // namespace descent::optim
