// L-BFGS: a line-by-line port of torch/optim/lbfgs.py (PyTorch 1.13; _strong_wolfe and
// _cubic_interpolate live in line_search.hpp), so trajectories match PyTorch's in float64. One
// step() here is one call of PyTorch's LBFGS.step(closure): the caller's f and grad at x stand for
// the closure's first call.
#include <algorithm>
#include <cmath>
#include <deque>

#include "closure_rule.hpp"
#include "descent/optim/second_order.hpp"
#include "line_search.hpp"
#include "options.hpp"
#include "registry.hpp"

namespace descent::optim {
namespace {

// PyTorch's p.add_(d, alpha=t): its CPU kernel computes a fused multiply-add, t * d + p.
void add_scaled(Vec& p, double t, const Vec& d) {
  for (Index i = 0; i < p.size(); ++i) p[i] = std::fma(t, d[i], p[i]);
}

// The point strong_wolfe carries: f, f' along d, and the gradient (lbfgs continues with it).
struct LinePointGrad {
  double f;
  double dphi;
  Vec g;
};

const detail::OptionTable<LbfgsOptions>& lbfgs_table() {
  using O = LbfgsOptions;
  static const detail::OptionTable<O> table = {
      detail::lr_option(&O::lr),
      {"max_iter", &O::max_iter, detail::at_least(1), "inner iterations per step"},
      {"max_eval", &O::max_eval, detail::at_least(1),
       "evaluations per step (default max_iter * 5 / 4)"},
      {"tolerance_grad", &O::tolerance_grad, detail::kNonnegative, "stop when max |g_i| <= this"},
      {"tolerance_change", &O::tolerance_change, detail::kNonnegative,
       "stop when f or the step changes less"},
      {"history_size", &O::history_size, detail::between(1, static_cast<double>(kMaxLbfgsHistory)),
       "(s, y) pairs kept"},
      {"line_search_fn",
       &O::line_search_fn,
       {"none", "strong_wolfe"},
       "strong_wolfe: torch's line search (c1 = 1e-4, c2 = 0.9, 25 tries)"},
      detail::maximize_option(&O::maximize),
  };
  return table;
}

LbfgsOptions with_default_max_eval(LbfgsOptions o) {
  if (o.max_eval < 0) o.max_eval = o.max_iter * 5 / 4;
  return o;
}

class Lbfgs final : public detail::ClosureRule {
 public:
  using ClosureRule::step;
  explicit Lbfgs(const LbfgsOptions& o) : options_(with_default_max_eval(o)), lr_(o.lr) {
    detail::check_options("lbfgs", lbfgs_table(), options_);
  }

  std::string name() const override { return "lbfgs"; }
  std::string spec() const override { return detail::spec_of("lbfgs", lbfgs_table(), options_); }
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

  LbfgsOptions options_;
  double lr_;
  State state_;
  Vec trial_;
};

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
      const auto phi = [&](double t) {
        LinePointGrad p{0.0, 0.0, Vec(x.size())};
        p.f = directional(objective, x, t, state.d, p.g);
        p.dphi = p.g.dot(state.d);
        return p;
      };
      auto ls = detail::strong_wolfe(phi, state.t, LinePointGrad{loss, gtd, flat_grad},
                                     state.d.cwiseAbs().maxCoeff());
      loss = ls.point.f;
      flat_grad = std::move(ls.point.g);
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

namespace detail {

RuleEntry lbfgs_rule() {
  return {"lbfgs", "torch.optim.LBFGS (limited-memory BFGS; strong Wolfe line search optional)",
          [](const Spec& spec) {
            // PyTorch writes None; the spec language has no null.
            Spec s{spec.name()};
            for (const auto& [key, value] : spec.args()) {
              const bool none = key == "line_search_fn" && value.kind == SpecValue::Kind::word &&
                                (value.word == "None" || value.word == "null");
              s.set(key, none ? spec_word("none") : value);
            }
            return make_lbfgs(read_options(s, lbfgs_table(), {}));
          },
          [] { return describe_options(lbfgs_table(), with_default_max_eval({})); }};
}

}  // namespace detail

}  // namespace descent::optim
