// Private: the schedule rules behind make_schedule, ported from torch/optim/lr_scheduler.py (1.13)
// in their recursive ("chainable") form, so the printed values match PyTorch's bit for bit; plus
// the course's piecewise and exp_decay. Each rule maps (count, current lr) to the next lr. Their
// options (one struct and one OptionTable per rule) live in schedule.cpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "descent/core/error.hpp"
#include "descent/optim/schedule.hpp"

namespace descent::optim::detail {

// Python's a % b for b > 0 (the result has b's sign).
inline std::int64_t py_mod(std::int64_t a, std::int64_t b) { return ((a % b) + b) % b; }

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
    if (constant_) {  // the common case, one call per step of a long minimize run
      ++count_;
      optimizer.set_lr(lr_);
      return;
    }
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
  bool constant_ = false;  // next_lr returns lr and momentum_at nothing, at every count

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
  Constant(std::string spec, double base_lr) : Recursive(std::move(spec), base_lr) {
    constant_ = true;
  }
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
    return (1 + std::cos(pi * t / t_max)) / (1 + std::cos(pi * (t - 1) / t_max)) * (lr - eta_min_) +
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
      : Recursive(std::move(spec), base_lr),
        milestones_(std::move(milestones)),
        values_(std::move(values)) {
    if (values_.size() == milestones_.size()) values_.insert(values_.begin(), base_lr);
  }
  double next_lr(std::int64_t count, double) const override {
    const auto k =
        std::upper_bound(milestones_.begin(), milestones_.end(), count) - milestones_.begin();
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
      phases_ = {
          {o.pct_start * total - 1, initial_lr_, o.max_lr, o.max_momentum, o.base_momentum},
          {2 * o.pct_start * total - 2, o.max_lr, initial_lr_, o.base_momentum, o.max_momentum},
          {total - 1, initial_lr_, min_lr_, o.max_momentum, o.max_momentum}};
    } else {
      phases_ = {{o.pct_start * total - 1, initial_lr_, o.max_lr, o.max_momentum, o.base_momentum},
                 {total - 1, o.max_lr, min_lr_, o.base_momentum, o.max_momentum}};
    }
  }
  void start(Optimizer& optimizer) override {
    if (o_.cycle_momentum && !optimizer.momentum()) {
      throw_usage(
          "onecycle: cycle_momentum needs an optimizer with momentum or betas ({} has "
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

}  // namespace descent::optim::detail
