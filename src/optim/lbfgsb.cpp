// lbfgsb: the L-BFGS-B rule (include/descent/optim/lbfgsb.hpp). One step() is one iteration:
// Cauchy point, subspace minimum, line search along the way there (lbfgsb_model.hpp).
// clang-format off
#include "quiet_eigen.hpp"  // first: silences a GCC 12 false warning in Eigen
#include "descent/optim/lbfgsb.hpp"
// clang-format on

#include <cmath>
#include <limits>

#include "closure_rule.hpp"
#include "lbfgsb_model.hpp"
#include "line_search.hpp"
#include "options.hpp"
#include "registry.hpp"

namespace descent::optim {
namespace {

constexpr double kBigStep = 1e10;  // scipy's stpmx without bounds

// The largest component of the projected gradient (scipy's projgr, its stopping test).
double projected_grad_max(const Bounds& box, const Vec& x, const Vec& g) {
  double norm = 0.0;
  for (Index i = 0; i < x.size(); ++i) {
    double gi = g[i];
    if (gi < 0) gi = std::max(x[i] - box.upper[i], gi);
    if (gi > 0) gi = std::min(x[i] - box.lower[i], gi);
    norm = std::max(norm, std::abs(gi));
  }
  return norm;
}

const detail::OptionTable<LbfgsbOptions>& lbfgsb_table() {
  using O = LbfgsbOptions;
  static const detail::OptionTable<O> table = {
      {"m", &O::m, detail::between(1, kMaxLbfgsbMemory), "correction pairs kept (scipy's maxcor)"},
      {"pgtol", &O::pgtol, detail::kNonnegative,
       "stop when the projected gradient's largest component is <= pgtol"},
      {"factr", &O::factr, detail::kNonnegative,
       "stop when f changes by <= factr * machine eps, relative (1e12 loose, 1e7, 10 tight)"},
      {"max_ls", &O::max_ls, detail::between(1, 1000), "function evaluations per line search"},
      detail::maximize_option(&O::maximize),
  };
  return table;
}

// lnsrlb's stpmx after the first iteration: the largest step along d that stays in the box.
double step_bound(const Bounds& box, const Vec& x, const Vec& d) {
  double stpmx = kBigStep;
  for (Index i = 0; i < x.size(); ++i) {
    const double a1 = d[i];
    if (a1 < 0.0 && std::isfinite(box.lower[i])) {
      const double a2 = box.lower[i] - x[i];
      if (a2 >= 0.0) {
        stpmx = 0.0;
      } else if (a1 * stpmx < a2) {
        stpmx = a2 / a1;
      }
    } else if (a1 > 0.0 && std::isfinite(box.upper[i])) {
      const double a2 = box.upper[i] - x[i];
      if (a2 <= 0.0) {
        stpmx = 0.0;
      } else if (a1 * stpmx > a2) {
        stpmx = a2 / a1;
      }
    }
  }
  return stpmx;
}

bool any_bound(const Bounds& box) {
  return box.lower.array().isFinite().any() || box.upper.array().isFinite().any();
}
bool all_bounded(const Bounds& box) {
  return box.lower.array().isFinite().all() && box.upper.array().isFinite().all();
}

class Lbfgsb final : public detail::ClosureRule {
 public:
  using ClosureRule::step;
  explicit Lbfgsb(const LbfgsbOptions& o) : options_(o), model_(o.m) {
    detail::check_options("lbfgsb", lbfgsb_table(), o);
  }

  std::string name() const override { return "lbfgsb"; }
  std::string spec() const override { return detail::spec_of("lbfgsb", lbfgsb_table(), options_); }
  bool maximize() const override { return options_.maximize; }
  // No learning rate: steps come from the line search. A schedule may only keep it at 1.
  double lr() const override { return 1.0; }
  void set_lr(double lr) override {
    if (lr != 1.0)
      throw_usage(
          "lbfgsb has no learning rate (its line search sets the step); use it without a schedule");
  }
  double step(Vec& x, double f, const Vec& grad, const Objective& objective) override;
  // One line search's outcome: ok with the accepted step, point, f and gradient (minimized
  // signs), or not ok; evals counts the evaluations, gd0 is g . d at the start.
  struct Search {
    bool ok;
    bool finite;  // false: the search stopped at a non-finite f or slope
    std::int64_t evals;
    double step, f, gd0;
    Vec x, g;
  };
  std::string save_state() const override;
  void load_state(std::string_view bytes) override;
  void reset() override {
    model_.clear();
    iterations_ = 0;
    done_ = false;
  }
  std::int64_t state_size() const override {
    return model_.pairs() ? model_.s().front().size() : -1;
  }

 private:
  // Where the iteration goes: the subspace minimum from the Cauchy point.
  Vec target(const Bounds& box, const Vec& x, const Vec& g) const {
    const detail::CauchyPoint cauchy = detail::cauchy_point(model_, box, x, g);
    return detail::subspace_minimum(model_, box, x, g, cauchy);
  }

  Search search(const Objective& objective, const Bounds& box, const Vec& x, double f, const Vec& g,
                const Vec& z, const Vec& d);
  void update(const Search& found, const Vec& g, const Vec& d);

  LbfgsbOptions options_;
  detail::CompactBfgs model_;
  std::int64_t iterations_ = 0;
  bool done_ = false;  // the last iteration met the factr test
};

double Lbfgsb::step(Vec& x, double f, const Vec& grad, const Objective& objective) {
  failure_.clear();
  const Bounds box = objective.bounds ? *objective.bounds : unbounded(x.size());
  if (model_.pairs() && model_.s().front().size() != x.size()) reset();
  const double fk = maximize() ? -f : f;
  const Vec g = maximize() ? Vec(-grad) : grad;
  if (done_ || projected_grad_max(box, x, g) <= options_.pgtol) return f;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const Vec z = target(box, x, g);
    const Vec d = z - x;
    const Search found = search(objective, box, x, fk, g, z, d);
    if (!found.ok) {
      if (model_.pairs() > 0) {  // scipy's "refresh the lbfgs memory and restart the iteration"
        model_.clear();
        continue;
      }
      if (!found.finite) {
        failure_ = "lbfgsb: f or its gradient is not finite along the search direction";
      } else if (found.evals > 0) {
        failure_ = fmt::format("lbfgsb: the line search found no acceptable step in {} evaluations",
                               options_.max_ls);
      }
      return f;  // without evaluations: no descent direction left, stationary in the box
    }
    update(found, g, d);
    const double ftol = options_.factr * std::numeric_limits<double>::epsilon();
    done_ = fk - found.f <= ftol * std::max({std::abs(fk), std::abs(found.f), 1.0});
    ++iterations_;
    x = found.x;
    return maximize() ? -found.f : found.f;
  }
  return f;
}

// lnsrlb and its loop in mainlb: the step bound stpmx, the first step, trials at t + stp d (at z
// itself for stp = 1), and at most max_ls evaluations.
Lbfgsb::Search Lbfgsb::search(const Objective& objective, const Bounds& box, const Vec& x, double f,
                              const Vec& g, const Vec& z, const Vec& d) {
  Search out{false, true, 0, 1.0, f, 0.0, x, g};
  out.gd0 = g.dot(d);
  if (!(out.gd0 < 0.0)) return out;  // lnsrlb's info = -4: an ascent direction
  const double dnorm = d.norm();
  detail::MoreThuenteOptions o;
  o.stpmax = kBigStep;
  if (any_bound(box)) o.stpmax = iterations_ == 0 ? 1.0 : step_bound(box, x, d);
  const double stp0 = iterations_ == 0 && !all_bounded(box) ? std::min(1.0 / dnorm, o.stpmax) : 1.0;
  detail::MoreThuente dcsrch(f, out.gd0, stp0, o);
  for (detail::SearchTask task = dcsrch.task();
       task != detail::SearchTask::convergence && task != detail::SearchTask::warning;) {
    if (task == detail::SearchTask::error || out.evals >= options_.max_ls) return out;
    out.step = dcsrch.stp();
    if (out.step == 1.0) {
      out.x = z;
    } else {
      out.x = x + out.step * d;
      project(box, out.x);  // rounding must not leave the box
    }
    ++out.evals;
    out.f = evaluate(objective, out.x, &out.g);  // negated when maximizing
    const double gd = out.g.dot(d);
    // dcsrch would turn a non-finite value into a NaN step (scipy's does): fail instead.
    out.finite = std::isfinite(out.f) && std::isfinite(gd);
    if (!out.finite) return out;
    task = dcsrch.next(out.f, gd);
  }
  out.ok = true;
  return out;
}

// mainlb after a new x: the pair (stp d, g_new - g), skipped when s.y <= eps (-g.s).
void Lbfgsb::update(const Search& found, const Vec& g, const Vec& d) {
  const double gd = found.g.dot(d);
  const double dr = found.step == 1.0 ? gd - found.gd0 : (gd - found.gd0) * found.step;
  const double ddum = found.step == 1.0 ? -found.gd0 : -found.gd0 * found.step;
  if (dr <= std::numeric_limits<double>::epsilon() * ddum) return;
  model_.update(found.step == 1.0 ? d : Vec(found.step * d), found.g - g);
}

std::string Lbfgsb::save_state() const {
  detail::ByteWriter out;
  auto vec = [&](const Vec& v) { out.array(std::vector<double>(v.data(), v.data() + v.size())); };
  out.text("descent-optim-1");
  out.text("lbfgsb");
  out.i64(iterations_);
  out.i64(done_ ? 1 : 0);
  out.i64(model_.pairs());
  for (std::int64_t i = 0; i < model_.pairs(); ++i) {
    vec(model_.s()[static_cast<std::size_t>(i)]);
    vec(model_.y()[static_cast<std::size_t>(i)]);
  }
  return out.take();
}

void Lbfgsb::load_state(std::string_view bytes) {
  detail::ByteReader in(bytes, "lbfgsb");
  if (in.text() != "descent-optim-1") in.fail();
  const std::string saved = in.text();
  if (saved != "lbfgsb") throw_input("lbfgsb: the saved optimizer state is for '{}'", saved);
  auto vec = [&] {
    const auto values = in.array<double>();
    return Vec(Eigen::Map<const Vec>(values.data(), static_cast<Index>(values.size())));
  };
  const std::int64_t iterations = in.i64();
  const bool done = in.i64() != 0;
  const std::int64_t pairs = in.i64();
  if (pairs > options_.m) in.fail();
  detail::CompactBfgs model(options_.m);
  for (std::int64_t i = 0; i < pairs; ++i) {
    Vec s = vec(), y = vec();
    if (s.size() != y.size() || s.size() == 0) in.fail();
    model.update(std::move(s), std::move(y));  // same pairs, same order: the same matrices
  }
  in.finish();
  model_ = std::move(model);
  iterations_ = iterations;
  done_ = done;
}

}  // namespace

std::unique_ptr<Optimizer> make_lbfgsb(const LbfgsbOptions& options) {
  return std::make_unique<Lbfgsb>(options);
}

namespace detail {

RuleEntry lbfgsb_rule() {
  return {"lbfgsb",
          "L-BFGS-B (Byrd, Lu, Nocedal, Zhu 1995), as scipy's: box constraints from --bounds",
          [](const Spec& spec) {
            return make_lbfgsb(read_options(spec, lbfgsb_table(), LbfgsbOptions{}));
          },
          [] { return describe_options(lbfgsb_table(), LbfgsbOptions{}); }};
}

}  // namespace detail
}  // namespace descent::optim
