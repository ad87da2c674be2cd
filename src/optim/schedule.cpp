// Learning-rate schedules, ported from torch/optim/lr_scheduler.py (1.13) in their recursive
// ("chainable") form, so the printed values match PyTorch's bit for bit; plus the course's
// piecewise and exp_decay. Each rule maps (count, current lr) to the next lr.
#include "quiet_eigen.hpp"  // first: silences a GCC 12 false warning in Eigen
#include "descent/optim/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/ranges.h>

#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"

namespace descent::optim {
namespace {

// Python's a % b for b > 0 (the result has b's sign).
std::int64_t py_mod(std::int64_t a, std::int64_t b) { return ((a % b) + b) % b; }

// The shared machinery: count and lr, start / step / replay. Rules implement next_lr.
class Recursive : public Schedule {
 public:
  Recursive(std::string spec, double base_lr) : base_lr_(base_lr), spec_(std::move(spec)) {}

  std::string spec() const override { return spec_; }
  void start(Optimizer& optimizer) override {
    count_ = 0;
    lr_ = next_lr(0, base_lr_);
    apply(optimizer);
  }
  void step(Optimizer& optimizer) override {
    const double lr = next_lr(count_ + 1, lr_);  // may throw: then nothing has changed
    ++count_;
    lr_ = lr;
    apply(optimizer);
  }
  double lr() const override { return lr_; }
  std::int64_t step_count() const override { return count_; }
  void set_step_count(std::int64_t count, Optimizer& optimizer) override {
    if (count < 0) throw_input("schedule: step count {} is negative", count);
    if (const auto limit = step_limit(); limit && count > *limit) {
      throw_input("schedule: step count {} is past the end of {} ({} steps)", count, spec_, *limit);
    }
    count_ = 0;
    lr_ = next_lr(0, base_lr_);
    while (count_ < count) lr_ = next_lr(++count_, lr_);
    apply(optimizer);
  }

 protected:
  // PyTorch's get_lr() with last_epoch = count and group['lr'] = lr.
  virtual double next_lr(std::int64_t count, double lr) const = 0;
  // Momentum (or beta1) to set at `count`, for onecycle.
  virtual std::optional<double> momentum_at(std::int64_t /*count*/) const { return std::nullopt; }
  double base_lr_;

 private:
  void apply(Optimizer& optimizer) const {
    optimizer.set_lr(lr_);
    if (const auto momentum = momentum_at(count_)) optimizer.set_momentum(*momentum);
  }
  std::string spec_;
  std::int64_t count_ = 0;
  double lr_ = 0.0;
};

class Constant final : public Recursive {
 public:
  using Recursive::Recursive;
  double next_lr(std::int64_t, double lr) const override { return lr; }
};

// StepLR: lr * gamma every step_size steps.
class StepDecay final : public Recursive {
 public:
  StepDecay(std::string spec, double base_lr, std::int64_t step_size, double gamma)
      : Recursive(std::move(spec), base_lr), step_size_(step_size), gamma_(gamma) {}
  double next_lr(std::int64_t count, double lr) const override {
    if (count == 0 || count % step_size_ != 0) return lr;
    return lr * gamma_;
  }

 private:
  std::int64_t step_size_;
  double gamma_;
};

// MultiStepLR: lr * gamma^(times count appears in milestones).
class MultiStep final : public Recursive {
 public:
  MultiStep(std::string spec, double base_lr, std::vector<std::int64_t> milestones, double gamma)
      : Recursive(std::move(spec), base_lr), milestones_(std::move(milestones)), gamma_(gamma) {}
  double next_lr(std::int64_t count, double lr) const override {
    const auto hits = std::count(milestones_.begin(), milestones_.end(), count);
    if (hits == 0) return lr;
    return lr * std::pow(gamma_, static_cast<double>(hits));
  }

 private:
  std::vector<std::int64_t> milestones_;
  double gamma_;
};

// ExponentialLR: lr * gamma every step.
class Exponential final : public Recursive {
 public:
  Exponential(std::string spec, double base_lr, double gamma)
      : Recursive(std::move(spec), base_lr), gamma_(gamma) {}
  double next_lr(std::int64_t count, double lr) const override {
    return count == 0 ? lr : lr * gamma_;
  }

 private:
  double gamma_;
};

// CosineAnnealingLR, recursive form:
//   lr_t = (1 + cos(pi t / T)) / (1 + cos(pi (t - 1) / T)) * (lr_{t-1} - eta_min) + eta_min
class Cosine final : public Recursive {
 public:
  Cosine(std::string spec, double base_lr, std::int64_t t_max, double eta_min)
      : Recursive(std::move(spec), base_lr), t_max_(t_max), eta_min_(eta_min) {}
  double next_lr(std::int64_t count, double lr) const override {
    constexpr double pi = std::numbers::pi;
    const auto t = static_cast<double>(count);
    const auto t_max = static_cast<double>(t_max_);
    if (count == 0) return lr;
    if (py_mod(count - 1 - t_max_, 2 * t_max_) == 0) {
      return lr + (base_lr_ - eta_min_) * (1 - std::cos(pi / t_max)) / 2;
    }
    return (1 + std::cos(pi * t / t_max)) / (1 + std::cos(pi * (t - 1) / t_max)) *
               (lr - eta_min_) +
           eta_min_;
  }

 private:
  std::int64_t t_max_;
  double eta_min_;
};

// LinearLR: factor from start_factor to end_factor over total_iters steps.
class Linear final : public Recursive {
 public:
  Linear(std::string spec, double base_lr, double start, double end, std::int64_t total)
      : Recursive(std::move(spec), base_lr), start_(start), end_(end), total_(total) {}
  double next_lr(std::int64_t count, double lr) const override {
    if (count == 0) return lr * start_;
    if (count > total_) return lr;
    return lr * (1. + (end_ - start_) / (static_cast<double>(total_) * start_ +
                                         static_cast<double>(count - 1) * (end_ - start_)));
  }

 private:
  double start_, end_;
  std::int64_t total_;
};

// PolynomialLR: lr * ((1 - t/T) / (1 - (t-1)/T))^power for t <= T.
class Polynomial final : public Recursive {
 public:
  Polynomial(std::string spec, double base_lr, std::int64_t total, double power)
      : Recursive(std::move(spec), base_lr), total_(total), power_(power) {}
  double next_lr(std::int64_t count, double lr) const override {
    if (count == 0 || count > total_) return lr;
    const auto t = static_cast<double>(count);
    const auto total = static_cast<double>(total_);
    const double factor = std::pow((1.0 - t / total) / (1.0 - (t - 1) / total), power_);
    return lr * factor;
  }

 private:
  std::int64_t total_;
  double power_;
};

// The course's piecewise constant lr: values[k] after the k-th milestone.
class Piecewise final : public Recursive {
 public:
  Piecewise(std::string spec, double base_lr, std::vector<std::int64_t> milestones,
            std::vector<double> values)
      : Recursive(std::move(spec), base_lr), milestones_(std::move(milestones)),
        values_(std::move(values)) {
    if (values_.size() == milestones_.size()) values_.insert(values_.begin(), base_lr);
  }
  double next_lr(std::int64_t count, double) const override {
    const auto k = std::upper_bound(milestones_.begin(), milestones_.end(), count) -
                   milestones_.begin();
    return values_[static_cast<std::size_t>(k)];
  }

 private:
  std::vector<std::int64_t> milestones_;
  std::vector<double> values_;
};

// The course's exponential decay: lr = lr0 * exp(-lambda t).
class ExpDecay final : public Recursive {
 public:
  ExpDecay(std::string spec, double base_lr, double lambda)
      : Recursive(std::move(spec), base_lr), lambda_(lambda) {}
  double next_lr(std::int64_t count, double) const override {
    return base_lr_ * std::exp(-lambda_ * static_cast<double>(count));
  }

 private:
  double lambda_;
};

// OneCycleLR (closed form in PyTorch too): phases of cosine or linear annealing of lr between
// max_lr / div_factor, max_lr and that / final_div_factor, cycling momentum (or beta1) inversely.
// Like PyTorch it may be stepped total_steps times after start() (the last step continues the
// final phase's curve a little past its end, as PyTorch's does) and throws on the next one, with
// PyTorch's message, whose count includes the step its constructor takes (our start()).
class OneCycle final : public Recursive {
 public:
  struct Options {
    double max_lr;
    std::int64_t total_steps;
    double pct_start;
    bool cos;
    double div_factor, final_div_factor;
    bool three_phase, cycle_momentum;
    double base_momentum, max_momentum;
  };
  OneCycle(std::string spec, double base_lr, const Options& o)
      : Recursive(std::move(spec), base_lr), o_(o) {
    initial_lr_ = o.max_lr / o.div_factor;
    min_lr_ = initial_lr_ / o.final_div_factor;
    const double total = static_cast<double>(o.total_steps);
    if (o.three_phase) {
      phases_ = {{o.pct_start * total - 1, initial_lr_, o.max_lr, o.max_momentum, o.base_momentum},
                 {2 * o.pct_start * total - 2, o.max_lr, initial_lr_, o.base_momentum,
                  o.max_momentum},
                 {total - 1, initial_lr_, min_lr_, o.max_momentum, o.max_momentum}};
    } else {
      phases_ = {{o.pct_start * total - 1, initial_lr_, o.max_lr, o.max_momentum, o.base_momentum},
                 {total - 1, o.max_lr, min_lr_, o.base_momentum, o.max_momentum}};
    }
  }
  void start(Optimizer& optimizer) override {
    if (o_.cycle_momentum && !optimizer.momentum()) {
      throw_usage("onecycle: cycle_momentum needs an optimizer with momentum or betas ({} has "
                  "neither); add cycle_momentum=false",
                  optimizer.name());
    }
    Recursive::start(optimizer);
  }
  double next_lr(std::int64_t count, double) const override { return at(count).first; }
  std::optional<std::int64_t> step_limit() const override { return o_.total_steps; }
  std::optional<double> momentum_at(std::int64_t count) const override {
    if (!o_.cycle_momentum) return std::nullopt;
    return at(count).second;
  }

 private:
  struct Phase {
    double end_step, start_lr, end_lr, start_momentum, end_momentum;
  };
  double anneal(double start, double end, double pct) const {
    if (o_.cos) return end + (start - end) / 2.0 * (std::cos(std::numbers::pi * pct) + 1);
    return (end - start) * pct + start;
  }
  std::pair<double, double> at(std::int64_t count) const {
    if (count > o_.total_steps) {
      throw_usage("onecycle: Tried to step {} times. The specified number of total steps is {}",
                  count + 1, o_.total_steps);
    }
    const auto step_num = static_cast<double>(count);
    double start_step = 0;
    for (std::size_t i = 0; i < phases_.size(); ++i) {
      const Phase& phase = phases_[i];
      if (step_num <= phase.end_step || i == phases_.size() - 1) {
        const double pct = (step_num - start_step) / (phase.end_step - start_step);
        return {anneal(phase.start_lr, phase.end_lr, pct),
                anneal(phase.start_momentum, phase.end_momentum, pct)};
      }
      start_step = phase.end_step;
    }
    return {min_lr_, o_.max_momentum};
  }
  Options o_;
  double initial_lr_ = 0, min_lr_ = 0;
  std::vector<Phase> phases_;
};

std::int64_t positive_integer(const Spec& spec, std::string_view key, std::int64_t fallback) {
  if (fallback <= 0 && !spec.has(key)) throw_usage("{}: {} is required", spec.name(), key);
  const std::int64_t value = spec.integer(key, fallback);
  if (value <= 0) throw_usage("{}: {} = {}; must be a positive integer", spec.name(), key, value);
  return value;
}

double required_number(const Spec& spec, std::string_view key) {
  if (!spec.has(key)) throw_usage("{}: {} is required", spec.name(), key);
  const double value = spec.number(key, 0.0);
  if (!std::isfinite(value)) throw_usage("{}: {} = {}; must be finite", spec.name(), key, value);
  return value;
}

void check_gamma(const Spec& spec, double gamma) {
  if (!(gamma > 0.0 && std::isfinite(gamma))) {
    throw_usage("{}: gamma = {}; must be a finite number > 0", spec.name(), gamma);
  }
}

// A learning rate, or a power of one, the schedule may reach: a negative one ascends (torch
// checks neither cosine's eta_min nor polynomial's power; we refuse them).
double nonnegative_number(const Spec& spec, std::string_view key, double fallback) {
  const double value = spec.number(key, fallback);
  if (!(value >= 0.0 && std::isfinite(value))) {
    throw_usage("{}: {} = {}; must be a finite number >= 0", spec.name(), key, value);
  }
  return value;
}

void check_momentum(const Spec& spec, std::string_view key, double value) {
  if (!(value >= 0.0 && value < 1.0)) {
    throw_usage("{}: {} = {}; must lie in [0, 1)", spec.name(), key, value);
  }
}

std::vector<std::int64_t> sorted_milestones(const Spec& spec) {
  if (!spec.has("milestones")) throw_usage("{}: milestones is required", spec.name());
  auto milestones = spec.integers("milestones", {});
  for (auto m : milestones) {
    if (m <= 0) throw_usage("{}: milestone {} must be a positive step", spec.name(), m);
  }
  std::sort(milestones.begin(), milestones.end());
  return milestones;
}

std::unique_ptr<Schedule> make_onecycle(const Spec& spec, double base_lr, std::int64_t run_steps) {
  spec.check_keys({"max_lr", "total_steps", "pct_start", "anneal_strategy", "div_factor",
                   "final_div_factor", "three_phase", "cycle_momentum", "base_momentum",
                   "max_momentum"});
  OneCycle::Options o{};
  o.max_lr = required_number(spec, "max_lr");
  if (!(o.max_lr > 0)) throw_usage("onecycle: max_lr = {}; must be > 0", o.max_lr);
  o.total_steps = positive_integer(spec, "total_steps", run_steps);
  o.pct_start = spec.number("pct_start", 0.3);
  if (!(o.pct_start >= 0 && o.pct_start <= 1)) {
    throw_usage("onecycle: pct_start = {}; must lie in [0, 1]", o.pct_start);
  }
  const std::string strategy = spec.word("anneal_strategy", "cos");
  if (strategy != "cos" && strategy != "linear") {
    throw_usage("onecycle: anneal_strategy = {}; must be cos or linear", strategy);
  }
  o.cos = strategy == "cos";
  o.div_factor = spec.number("div_factor", 25.0);
  o.final_div_factor = spec.number("final_div_factor", 1e4);
  if (!(o.div_factor > 0 && std::isfinite(o.div_factor))) {
    throw_usage("onecycle: div_factor = {}; must be > 0", o.div_factor);
  }
  if (!(o.final_div_factor > 0 && std::isfinite(o.final_div_factor))) {
    throw_usage("onecycle: final_div_factor = {}; must be > 0", o.final_div_factor);
  }
  o.three_phase = spec.boolean("three_phase", false);
  o.cycle_momentum = spec.boolean("cycle_momentum", true);
  o.base_momentum = spec.number("base_momentum", 0.85);
  o.max_momentum = spec.number("max_momentum", 0.95);
  check_momentum(spec, "base_momentum", o.base_momentum);
  check_momentum(spec, "max_momentum", o.max_momentum);
  Spec canonical("onecycle");
  canonical.set("max_lr", spec_number(o.max_lr));
  canonical.set("total_steps", spec_number(static_cast<double>(o.total_steps)));
  canonical.set("pct_start", spec_number(o.pct_start));
  canonical.set("anneal_strategy", spec_word(strategy));
  canonical.set("div_factor", spec_number(o.div_factor));
  canonical.set("final_div_factor", spec_number(o.final_div_factor));
  canonical.set("three_phase", spec_bool(o.three_phase));
  canonical.set("cycle_momentum", spec_bool(o.cycle_momentum));
  canonical.set("base_momentum", spec_number(o.base_momentum));
  canonical.set("max_momentum", spec_number(o.max_momentum));
  return std::make_unique<OneCycle>(canonical.text(), base_lr, o);
}

}  // namespace

std::vector<std::string> schedule_names() {
  return {"constant", "step",       "multistep", "exponential", "cosine",
          "linear",   "onecycle",   "polynomial", "piecewise",  "exp_decay"};
}

std::unique_ptr<Schedule> make_schedule(std::string_view text, double base_lr, std::int64_t run_steps) {
  const Spec spec = Spec::parse(text, "schedule");
  const std::string& name = spec.name();
  auto canonical = [&](std::initializer_list<std::pair<std::string, SpecValue>> args) {
    Spec out(name);
    for (const auto& [key, value] : args) out.set(key, value);
    return out.text();
  };
  auto num = [](double v) { return spec_number(v); };
  if (name == "constant") {
    spec.check_keys({});
    return std::make_unique<Constant>("constant", base_lr);
  }
  if (name == "step") {
    spec.check_keys({"step_size", "gamma"});
    const auto step_size = positive_integer(spec, "step_size", 0);
    const double gamma = spec.number("gamma", 0.1);
    check_gamma(spec, gamma);
    return std::make_unique<StepDecay>(
        canonical({{"step_size", num(static_cast<double>(step_size))}, {"gamma", num(gamma)}}),
        base_lr, step_size, gamma);
  }
  if (name == "multistep") {
    spec.check_keys({"milestones", "gamma"});
    auto milestones = sorted_milestones(spec);
    const double gamma = spec.number("gamma", 0.1);
    check_gamma(spec, gamma);
    SpecValue list = spec_list({});
    for (auto m : milestones) list.list.push_back(num(static_cast<double>(m)));
    return std::make_unique<MultiStep>(canonical({{"milestones", list}, {"gamma", num(gamma)}}),
                                       base_lr, std::move(milestones), gamma);
  }
  if (name == "exponential") {
    spec.check_keys({"gamma"});
    const double gamma = required_number(spec, "gamma");
    check_gamma(spec, gamma);
    return std::make_unique<Exponential>(canonical({{"gamma", num(gamma)}}), base_lr, gamma);
  }
  if (name == "cosine") {
    spec.check_keys({"t_max", "eta_min"});
    const auto t_max = positive_integer(spec, "t_max", run_steps);
    const double eta_min = nonnegative_number(spec, "eta_min", 0.0);
    return std::make_unique<Cosine>(
        canonical({{"t_max", num(static_cast<double>(t_max))}, {"eta_min", num(eta_min)}}),
        base_lr, t_max, eta_min);
  }
  if (name == "linear") {
    spec.check_keys({"start_factor", "end_factor", "total_iters"});
    const double start = spec.number("start_factor", 1.0 / 3.0);
    const double end = spec.number("end_factor", 1.0);
    const auto total = positive_integer(spec, "total_iters", 5);
    if (!(start > 0 && start <= 1)) {
      throw_usage("linear: start_factor = {}; must lie in (0, 1]", start);
    }
    if (!(end >= 0 && end <= 1)) throw_usage("linear: end_factor = {}; must lie in [0, 1]", end);
    return std::make_unique<Linear>(
        canonical({{"start_factor", num(start)},
                   {"end_factor", num(end)},
                   {"total_iters", num(static_cast<double>(total))}}),
        base_lr, start, end, total);
  }
  if (name == "polynomial") {
    spec.check_keys({"total_iters", "power"});
    const auto total = positive_integer(spec, "total_iters", 5);
    // power < 0 grows the lr without bound as the end nears ((1 - t/T)^-1 is infinite at T).
    const double power = nonnegative_number(spec, "power", 1.0);
    return std::make_unique<Polynomial>(
        canonical({{"total_iters", num(static_cast<double>(total))}, {"power", num(power)}}),
        base_lr, total, power);
  }
  if (name == "piecewise") {
    spec.check_keys({"milestones", "values"});
    auto milestones = sorted_milestones(spec);
    if (!spec.has("values")) throw_usage("piecewise: values is required");
    auto values = spec.numbers("values", {});
    for (double v : values) {
      if (!(v >= 0.0 && std::isfinite(v))) {
        throw_usage("piecewise: values has {}; every lr must be a finite number >= 0", v);
      }
    }
    if (values.size() != milestones.size() + 1 && values.size() != milestones.size()) {
      throw_usage("piecewise: values needs one lr per milestone, plus optionally the first one "
                  "({} or {} values), got {}",
                  milestones.size(), milestones.size() + 1, values.size());
    }
    SpecValue list = spec_list({});
    for (auto m : milestones) list.list.push_back(num(static_cast<double>(m)));
    return std::make_unique<Piecewise>(canonical({{"milestones", list}, {"values", spec_list(values)}}),
                                       base_lr, std::move(milestones), std::move(values));
  }
  if (name == "exp_decay") {
    spec.check_keys({"lambda"});
    const double lambda = required_number(spec, "lambda");
    if (lambda < 0) throw_usage("exp_decay: lambda = {}; must be >= 0", lambda);
    return std::make_unique<ExpDecay>(canonical({{"lambda", num(lambda)}}), base_lr, lambda);
  }
  if (name == "onecycle") return make_onecycle(spec, base_lr, run_steps);
  throw_usage("unknown schedule '{}'; known: {}", name, fmt::join(schedule_names(), ", "));
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
