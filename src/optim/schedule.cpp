// make_schedule: each schedule declares its options once, as one struct and one OptionTable (key,
// field, range, doc) that drive parsing, the checks and their messages, and spec() (what
// checkpoints record); the rules themselves are in schedule_rules.hpp.
#include "descent/optim/schedule.hpp"

#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"
#include "options.hpp"
#include "quiet_eigen.hpp"  // first: silences a GCC 12 false warning in Eigen
#include "schedule_rules.hpp"

namespace descent::optim {
namespace {

using detail::OptionTable;
using detail::Range;

inline constexpr double kUnset = std::numeric_limits<double>::quiet_NaN();  // no default: required
constexpr Range kCount = detail::worded(detail::at_least(1), "must be a positive integer");
constexpr Range kMilestone = detail::worded(detail::at_least(1), "must be a positive step");
constexpr Range kGamma = detail::worded(detail::kPositive, "must be a finite number > 0");
// A learning rate, or a power of one, the schedule may reach: a negative one ascends (torch
// checks neither cosine's eta_min nor polynomial's power; we refuse them).
constexpr Range kReachable = detail::worded(detail::kNonnegative, "must be a finite number >= 0");

// Checks the keys, the required ones, reads the rest over `defaults` and checks every range.
template <typename O>
O read_schedule(const Spec& spec, const OptionTable<O>& table, const O& defaults) {
  std::vector<std::string> keys;
  for (const auto& row : table) keys.emplace_back(row.key);
  spec.check_keys(keys);
  detail::check_required(spec, table, defaults);
  O o = detail::read_options(spec, table, defaults);
  detail::check_options(spec.name(), table, o);
  return o;
}

struct StepOptions {
  std::int64_t step_size = 0;
  double gamma = 0.1;
};
const OptionTable<StepOptions>& step_table() {
  using O = StepOptions;
  static const OptionTable<O> table = {
      {"step_size", &O::step_size, kCount, "steps between decays"},
      {"gamma", &O::gamma, kGamma, "factor applied to lr every step_size steps"},
  };
  return table;
}

struct MultiStepOptions {
  std::vector<std::int64_t> milestones;
  double gamma = 0.1;
};
const OptionTable<MultiStepOptions>& multistep_table() {
  using O = MultiStepOptions;
  static const OptionTable<O> table = {
      {"milestones", &O::milestones, kMilestone, "steps at which lr is multiplied by gamma"},
      {"gamma", &O::gamma, kGamma, "factor applied at each milestone"},
  };
  return table;
}

struct GammaOptions {
  double gamma = kUnset;
};
const OptionTable<GammaOptions>& exponential_table() {
  static const OptionTable<GammaOptions> table = {
      {"gamma", &GammaOptions::gamma, kGamma, "factor applied every step"},
  };
  return table;
}

struct CosineOptions {
  std::int64_t t_max = 0;  // the run's steps when it has a length
  double eta_min = 0.0;
};
const OptionTable<CosineOptions>& cosine_table() {
  using O = CosineOptions;
  static const OptionTable<O> table = {
      {"t_max", &O::t_max, kCount, "steps of the half cosine"},
      {"eta_min", &O::eta_min, kReachable, "lr at the bottom of the cosine"},
  };
  return table;
}

struct LinearOptions {
  double start_factor = 1.0 / 3.0;
  double end_factor = 1.0;
  std::int64_t total_iters = 5;
};
const OptionTable<LinearOptions>& linear_table() {
  using O = LinearOptions;
  static const OptionTable<O> table = {
      {"start_factor", &O::start_factor, Range{0.0, 1.0, true, false}, "lr factor at step 0"},
      {"end_factor", &O::end_factor, detail::kUnit, "lr factor from total_iters on"},
      {"total_iters", &O::total_iters, kCount, "steps from start_factor to end_factor"},
  };
  return table;
}

struct PolynomialOptions {
  std::int64_t total_iters = 5;
  double power = 1.0;  // < 0 grows the lr without bound as the end nears ((1 - t/T)^-1 at T)
};
const OptionTable<PolynomialOptions>& polynomial_table() {
  using O = PolynomialOptions;
  static const OptionTable<O> table = {
      {"total_iters", &O::total_iters, kCount, "steps until lr reaches 0"},
      {"power", &O::power, kReachable, "exponent of the decay (1: linear)"},
  };
  return table;
}

struct PiecewiseOptions {
  std::vector<std::int64_t> milestones;
  std::vector<double> values;
};
const OptionTable<PiecewiseOptions>& piecewise_table() {
  using O = PiecewiseOptions;
  static const OptionTable<O> table = {
      {"milestones", &O::milestones, kMilestone, "steps at which the lr changes"},
      {"values", &O::values,
       detail::worded(detail::kNonnegative, "every lr must be a finite number >= 0"),
       "the lr after each milestone (optionally the first lr too)"},
  };
  return table;
}

struct ExpDecayOptions {
  double lambda = kUnset;
};
const OptionTable<ExpDecayOptions>& exp_decay_table() {
  static const OptionTable<ExpDecayOptions> table = {
      {"lambda", &ExpDecayOptions::lambda, detail::kNonnegative, "rate: lr = lr0 exp(-lambda t)"},
  };
  return table;
}

struct OneCycleOptions {
  double max_lr = kUnset;
  std::int64_t total_steps = 0;  // the run's steps when it has a length
  double pct_start = 0.3;
  std::string anneal_strategy = "cos";
  double div_factor = 25.0;
  double final_div_factor = 1e4;
  bool three_phase = false;
  bool cycle_momentum = true;
  double base_momentum = 0.85;
  double max_momentum = 0.95;
};
const OptionTable<OneCycleOptions>& onecycle_table() {
  using O = OneCycleOptions;
  constexpr Range kFactor = detail::worded(detail::kPositive, "must be > 0");
  static const OptionTable<O> table = {
      {"max_lr", &O::max_lr, detail::kPositive, "peak lr"},
      {"total_steps", &O::total_steps, kCount, "length of the cycle"},
      {"pct_start", &O::pct_start, detail::kUnit, "fraction of the cycle spent rising"},
      {"anneal_strategy", &O::anneal_strategy, {"cos", "linear"}, "shape of each phase"},
      {"div_factor", &O::div_factor, kFactor, "initial lr = max_lr / div_factor"},
      {"final_div_factor", &O::final_div_factor, kFactor, "final lr = initial lr / this"},
      {"three_phase", &O::three_phase, "rise, fall back to the initial lr, then anneal"},
      {"cycle_momentum", &O::cycle_momentum, "cycle momentum (or beta1) inversely to lr"},
      {"base_momentum", &O::base_momentum, detail::kUnitOpen, "momentum at the peak lr"},
      {"max_momentum", &O::max_momentum, detail::kUnitOpen, "momentum at the ends"},
  };
  return table;
}

using Made = std::unique_ptr<Schedule>;

// No options, so no table (an empty struct trips GCC 12's -Warray-bounds in the table code).
Made make_constant(const Spec& spec, double base_lr, std::int64_t) {
  spec.check_keys({});
  return std::make_unique<detail::Constant>("constant", base_lr);
}

Made make_step(const Spec& spec, double base_lr, std::int64_t) {
  const auto o = read_schedule(spec, step_table(), StepOptions{});
  return std::make_unique<detail::StepDecay>(detail::spec_of("step", step_table(), o), base_lr,
                                             o.step_size, o.gamma);
}

Made make_multistep(const Spec& spec, double base_lr, std::int64_t) {
  auto o = read_schedule(spec, multistep_table(), MultiStepOptions{});
  std::sort(o.milestones.begin(), o.milestones.end());
  return std::make_unique<detail::MultiStep>(detail::spec_of("multistep", multistep_table(), o),
                                             base_lr, o.milestones, o.gamma);
}

Made make_exponential(const Spec& spec, double base_lr, std::int64_t) {
  const auto o = read_schedule(spec, exponential_table(), GammaOptions{});
  return std::make_unique<detail::Exponential>(
      detail::spec_of("exponential", exponential_table(), o), base_lr, o.gamma);
}

Made make_cosine(const Spec& spec, double base_lr, std::int64_t run_steps) {
  const auto o = read_schedule(spec, cosine_table(), CosineOptions{run_steps, 0.0});
  return std::make_unique<detail::Cosine>(detail::spec_of("cosine", cosine_table(), o), base_lr,
                                          o.t_max, o.eta_min);
}

Made make_linear(const Spec& spec, double base_lr, std::int64_t) {
  const auto o = read_schedule(spec, linear_table(), LinearOptions{});
  return std::make_unique<detail::Linear>(detail::spec_of("linear", linear_table(), o), base_lr,
                                          o.start_factor, o.end_factor, o.total_iters);
}

Made make_polynomial(const Spec& spec, double base_lr, std::int64_t) {
  const auto o = read_schedule(spec, polynomial_table(), PolynomialOptions{});
  return std::make_unique<detail::Polynomial>(detail::spec_of("polynomial", polynomial_table(), o),
                                              base_lr, o.total_iters, o.power);
}

Made make_piecewise(const Spec& spec, double base_lr, std::int64_t) {
  auto o = read_schedule(spec, piecewise_table(), PiecewiseOptions{});
  std::sort(o.milestones.begin(), o.milestones.end());
  const auto m = o.milestones.size();
  if (o.values.size() != m + 1 && o.values.size() != m) {
    throw_usage(
        "piecewise: values needs one lr per milestone, plus optionally the first one "
        "({} or {} values), got {}",
        m, m + 1, o.values.size());
  }
  return std::make_unique<detail::Piecewise>(detail::spec_of("piecewise", piecewise_table(), o),
                                             base_lr, o.milestones, o.values);
}

Made make_exp_decay(const Spec& spec, double base_lr, std::int64_t) {
  const auto o = read_schedule(spec, exp_decay_table(), ExpDecayOptions{});
  return std::make_unique<detail::ExpDecay>(detail::spec_of("exp_decay", exp_decay_table(), o),
                                            base_lr, o.lambda);
}

Made make_onecycle(const Spec& spec, double base_lr, std::int64_t run_steps) {
  OneCycleOptions defaults;
  defaults.total_steps = run_steps;
  const auto o = read_schedule(spec, onecycle_table(), defaults);
  const detail::OneCycle::Options rule{
      o.max_lr,        o.total_steps,      o.pct_start,   o.anneal_strategy == "cos",
      o.div_factor,    o.final_div_factor, o.three_phase, o.cycle_momentum,
      o.base_momentum, o.max_momentum};
  return std::make_unique<detail::OneCycle>(detail::spec_of("onecycle", onecycle_table(), o),
                                            base_lr, rule);
}

// The listing of `descent schedules`: the table's rows (an unset default reads "(required)"),
// with `run_length_key`, when given, defaulting to the run's steps (its default here is unset).
template <typename O>
std::vector<OptionInfo> describe(const OptionTable<O>& table, const O& defaults,
                                 std::string_view run_length_key = {}) {
  auto out = detail::describe_options(table, defaults);
  for (auto& option : out) {
    if (option.key == run_length_key) option.default_value = "(the run's steps)";
  }
  return out;
}

struct ScheduleEntry {
  std::string_view name;
  std::string_view summary;
  Made (*make)(const Spec&, double base_lr, std::int64_t run_steps);
  std::vector<OptionInfo> (*options)();
};

const ScheduleEntry kSchedules[] = {
    {"constant", "the optimizer's lr at every step", make_constant,
     [] { return std::vector<OptionInfo>{}; }},
    {"step", "StepLR: lr times gamma every step_size steps", make_step,
     [] { return describe(step_table(), StepOptions{}); }},
    {"multistep", "MultiStepLR: lr times gamma at each milestone", make_multistep,
     [] { return describe(multistep_table(), MultiStepOptions{}); }},
    {"exponential", "ExponentialLR: lr times gamma every step", make_exponential,
     [] { return describe(exponential_table(), GammaOptions{}); }},
    {"cosine", "CosineAnnealingLR: half a cosine from lr down to eta_min over t_max steps",
     make_cosine, [] { return describe(cosine_table(), CosineOptions{}, "t_max"); }},
    {"linear", "LinearLR: the lr factor goes linearly from start_factor to end_factor", make_linear,
     [] { return describe(linear_table(), LinearOptions{}); }},
    {"onecycle", "OneCycleLR: up to max_lr and down far below the start, with momentum cycled",
     make_onecycle, [] { return describe(onecycle_table(), OneCycleOptions{}, "total_steps"); }},
    {"polynomial", "PolynomialLR: lr (1 - t / total_iters)^power, then 0", make_polynomial,
     [] { return describe(polynomial_table(), PolynomialOptions{}); }},
    {"piecewise", "the lr given for each stretch between milestones", make_piecewise,
     [] { return describe(piecewise_table(), PiecewiseOptions{}); }},
    {"exp_decay", "lr0 exp(-lambda t), the course's exponential decay", make_exp_decay,
     [] { return describe(exp_decay_table(), ExpDecayOptions{}); }},
};

}  // namespace

std::vector<ScheduleInfo> schedule_catalog() {
  std::vector<ScheduleInfo> out;
  for (const auto& entry : kSchedules) {
    out.push_back({std::string(entry.name), std::string(entry.summary), entry.options()});
  }
  return out;
}

std::vector<std::string> schedule_names() {
  std::vector<std::string> names;
  for (const auto& entry : kSchedules) names.emplace_back(entry.name);
  return names;
}

std::unique_ptr<Schedule> make_schedule(std::string_view text, double base_lr,
                                        std::int64_t run_steps) {
  const Spec spec = Spec::parse(text, "schedule");
  for (const auto& entry : kSchedules) {
    if (entry.name == spec.name()) return entry.make(spec, base_lr, run_steps);
  }
  throw_usage("unknown schedule '{}'; known: {}", spec.name(), fmt::join(schedule_names(), ", "));
}
void check_schedule_length(const Schedule& schedule, std::int64_t steps,
                           std::int64_t batches_per_epoch) {
  const auto limit = schedule.step_limit();
  if (!limit || steps <= *limit) return;
  const std::string spec = schedule.spec();
  const std::string name = spec.substr(0, spec.find('('));
  if (batches_per_epoch <= 0) {
    throw_usage(
        "schedule {} ends after total_steps = {} steps, but the run may take {} steps; "
        "set total_steps={} (or more) in the schedule, or take at most {} steps (steps={})",
        name, *limit, steps, steps, *limit, *limit);
  }
  const std::int64_t fit = *limit / batches_per_epoch;
  throw_usage(
      "schedule {} ends after total_steps = {} steps, but training takes {} steps ({} "
      "epochs x {} batches); set total_steps={} in the schedule{}",
      name, *limit, steps, steps / batches_per_epoch, batches_per_epoch, steps,
      fit > 0 ? fmt::format(", or train at most {} epochs (epochs={})", fit, fit)
              : std::string(", or use a larger batch_size"));
}

}  // namespace descent::optim
