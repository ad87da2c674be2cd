// Plain Newton (exact Hessian, optional damping) and gradient descent with a backtracking Armijo
// line search: the two course rules that re-evaluate the objective inside a step.
#include <Eigen/LU>
#include <cmath>

#include "closure_rule.hpp"  // first: it silences a GCC 12 false warning in Eigen's AVX-512 code
#include "descent/optim/second_order.hpp"
#include "line_search.hpp"
#include "options.hpp"
#include "registry.hpp"

namespace descent::optim {
namespace {

const detail::OptionTable<NewtonOptions>& newton_table() {
  using O = NewtonOptions;
  static const detail::OptionTable<O> table = {
      detail::lr_option(&O::lr),
      // A negative damping can make H + damping I indefinite on a convex function: refused.
      {"damping", &O::damping, detail::kNonnegative, "solve (H + damping I) d = g"},
      detail::maximize_option(&O::maximize),
  };
  return table;
}

const detail::OptionTable<ArmijoOptions>& armijo_table() {
  using O = ArmijoOptions;
  static const detail::OptionTable<O> table = {
      {"lr", &O::lr, detail::kPositive, "the first step tried at every iteration"},
      {"line_search", detail::FixedWord{"armijo"}, "backtracking (Armijo) line search"},
      {"c1", &O::c1, detail::kOpenUnit, "sufficient decrease: f(x - t g) <= f - c1 t |g|^2"},
      {"shrink", &O::shrink, detail::kOpenUnit, "t <- shrink t after each failed trial"},
      {"max_backtracks", &O::max_backtracks,
       detail::between(1, static_cast<double>(kMaxBacktracks)), "trials before the run stops"},
      detail::maximize_option(&O::maximize),
  };
  return table;
}

// Newton:  solve (H + damping I) d = g;  x <- x - lr d. A (numerically) singular system is a
// numerical outcome: x is left as it is and failure() says what to try.
class Newton final : public detail::ClosureRule {
 public:
  using ClosureRule::step;
  explicit Newton(const NewtonOptions& o) : options_(o), lr_(o.lr) {
    detail::check_options("newton", newton_table(), o);
  }
  std::string name() const override { return "newton"; }
  std::string spec() const override { return detail::spec_of("newton", newton_table(), options_); }
  bool maximize() const override { return options_.maximize; }
  bool needs_hessian() const override { return true; }
  double lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }

  double step(Vec& x, double /*f*/, const Vec& grad, const Objective& objective) override {
    failure_.clear();
    if (!objective.hessian) throw_usage("newton needs the Hessian of the objective");
    const Index n = x.size();
    if (n > kMaxNewtonVariables) {
      throw_usage(
          "newton: {} variables; at most {} (a dense n x n Hessian and an O(n^3) solve per "
          "step); lbfgs needs no Hessian",
          n, kMaxNewtonVariables);
    }
    hessian_.resize(n, n);
    objective.hessian(x, hessian_);
    if (maximize()) hessian_ = -hessian_;
    hessian_.diagonal().array() += options_.damping;
    const Eigen::FullPivLU<Mat> lu(hessian_);
    if (!hessian_.allFinite() || !lu.isInvertible()) {
      failure_ = fmt::format(
          "newton: the Hessian{} is singular here; try newton(damping=1e-3) or a first-order "
          "rule",
          options_.damping != 0.0 ? " plus damping" : "");
      return std::nan("");
    }
    direction_ = lu.solve(maximize() ? Vec(-grad) : grad);
    x -= lr_ * direction_;
    return std::nan("");
  }

  // Newton keeps no state between steps.
  std::string save_state() const override {
    detail::ByteWriter out;
    out.text("descent-optim-1");
    out.text("newton");
    return out.take();
  }
  void load_state(std::string_view bytes) override {
    detail::ByteReader in(bytes, "newton");
    if (in.text() != "descent-optim-1") in.fail();
    const std::string saved = in.text();
    if (saved != "newton") throw_input("newton: the saved optimizer state is for '{}'", saved);
    in.finish();
  }
  void reset() override {}

 private:
  NewtonOptions options_;
  double lr_;
  Mat hessian_;
  Vec direction_;
};

// Armijo backtracking:  t = lr; while f(x - t g) > f - c1 t ||g||^2: t = shrink t;  x <- x - t g.
class ArmijoGd final : public detail::ClosureRule {
 public:
  using ClosureRule::step;
  explicit ArmijoGd(const ArmijoOptions& o) : options_(o), lr_(o.lr) {
    detail::check_options("gd", armijo_table(), o);
  }
  std::string name() const override { return "gd"; }
  std::string spec() const override { return detail::spec_of("gd", armijo_table(), options_); }
  StopReason failure_reason() const override { return StopReason::line_search_failed; }
  bool maximize() const override { return options_.maximize; }
  double lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }

  double step(Vec& x, double f, const Vec& grad, const Objective& objective) override {
    failure_.clear();
    const double sign = maximize() ? -1.0 : 1.0;
    const auto phi = [&](double t) {  // f along -g (sign-corrected), at x - t g
      trial_ = x - (sign * t) * grad;
      return evaluate(objective, trial_, nullptr);
    };
    const detail::Backtracking search{options_.c1, options_.shrink, options_.max_backtracks};
    // ||g||^2 is the same for -g; trial_ holds the accepted point when a step is found.
    if (const auto found =
            detail::armijo_backtrack(phi, sign * f, grad.squaredNorm(), lr_, search)) {
      x = trial_;
      return sign * found->f;
    }
    failure_ = fmt::format(
        "gd: the Armijo line search found no sufficient decrease after {} backtracks from lr = {}; the gradient may "
        "be wrong or f not smooth here",
        options_.max_backtracks, lr_);
    return std::nan("");
  }

  std::string save_state() const override {
    detail::ByteWriter out;
    out.text("descent-optim-1");
    out.text("gd");
    return out.take();
  }
  void load_state(std::string_view bytes) override {
    detail::ByteReader in(bytes, "gd");
    if (in.text() != "descent-optim-1") in.fail();
    const std::string saved = in.text();
    if (saved != "gd") throw_input("gd: the saved optimizer state is for '{}'", saved);
    in.finish();
  }
  void reset() override {}

 private:
  ArmijoOptions options_;
  double lr_;
  Vec trial_;
};

}  // namespace

std::unique_ptr<Optimizer> make_newton(const NewtonOptions& options) {
  return std::make_unique<Newton>(options);
}
std::unique_ptr<Optimizer> make_armijo_gd(const ArmijoOptions& options) {
  return std::make_unique<ArmijoGd>(options);
}

namespace detail {

std::unique_ptr<Optimizer> armijo_from_spec(const Spec& spec) {
  return make_armijo_gd(read_options(spec, armijo_table(), {}));
}
std::vector<OptionInfo> armijo_options() { return describe_options(armijo_table(), {}); }

RuleEntry newton_rule() {
  return {"newton", "Newton's method with the exact Hessian (optional damping)",
          [](const Spec& spec) { return make_newton(read_options(spec, newton_table(), {})); },
          [] { return describe_options(newton_table(), {}); }};
}

}  // namespace detail

}  // namespace descent::optim
