// Plain Newton (exact Hessian, optional damping) and gradient descent with a backtracking Armijo
// line search: the two course rules that re-evaluate the objective inside a step.
#include "closure_rule.hpp"  // first: it silences a GCC 12 false warning in Eigen's AVX-512 code

#include <cmath>

#include <Eigen/LU>
#include "descent/optim/second_order.hpp"

namespace descent::optim {
namespace {

// Newton:  solve (H + damping I) d = g;  x <- x - lr d. A (numerically) singular system is a
// numerical outcome: x is left as it is and failure() says what to try.
class Newton final : public detail::ClosureRule {
 public:
  using ClosureRule::step;
  explicit Newton(const NewtonOptions& o) : options_(o), lr_(o.lr) {
    detail::check_nonnegative("newton", "lr", o.lr);
    // A negative damping can make H + damping I indefinite on a convex function: refused.
    detail::check_nonnegative("newton", "damping", o.damping);
  }
  std::string name() const override { return "newton"; }
  std::string spec() const override {
    return detail::spec_text("newton", {{"lr", spec_number(options_.lr)},
                                        {"damping", spec_number(options_.damping)},
                                        {"maximize", spec_bool(options_.maximize)}});
  }
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
    detail::check_positive("gd", "lr", o.lr);
    if (!(o.c1 > 0.0 && o.c1 < 1.0)) throw_usage("gd: c1 = {}; must lie in (0, 1)", o.c1);
    if (!(o.shrink > 0.0 && o.shrink < 1.0)) {
      throw_usage("gd: shrink = {}; must lie in (0, 1)", o.shrink);
    }
    if (o.max_backtracks < 1 || o.max_backtracks > kMaxBacktracks) {
      throw_usage("gd: max_backtracks = {}; must lie in [1, {}]", o.max_backtracks, kMaxBacktracks);
    }
  }
  std::string name() const override { return "gd"; }
  std::string spec() const override {
    return detail::spec_text(
        "gd", {{"lr", spec_number(options_.lr)},
               {"line_search", spec_word("armijo")},
               {"c1", spec_number(options_.c1)},
               {"shrink", spec_number(options_.shrink)},
               {"max_backtracks", spec_number(static_cast<double>(options_.max_backtracks))},
               {"maximize", spec_bool(options_.maximize)}});
  }
  bool maximize() const override { return options_.maximize; }
  double lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }

  double step(Vec& x, double f, const Vec& grad, const Objective& objective) override {
    failure_.clear();
    const double sign = maximize() ? -1.0 : 1.0;
    const double f0 = sign * f;
    const double slope = grad.squaredNorm();  // ||g||^2, the same for -g
    double t = lr_;
    for (std::int64_t k = 0; k <= options_.max_backtracks; ++k, t *= options_.shrink) {
      trial_ = x - (sign * t) * grad;
      const double f_trial = evaluate(objective, trial_, nullptr);
      if (f_trial <= f0 - options_.c1 * t * slope) {
        x = trial_;
        return sign * f_trial;
      }
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

}  // namespace descent::optim
