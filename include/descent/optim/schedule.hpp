// Learning-rate schedules as in torch.optim.lr_scheduler, stepped once after every optimizer step
// (PyTorch's order). Example: auto s = make_schedule("cosine(t_max=100)", opt->lr()); s->start(*opt);
// then after each opt->step(...): s->step(*opt);
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "descent/optim/optimizer.hpp"

namespace descent::optim {

class Schedule {
 public:
  virtual ~Schedule() = default;
  // Canonical spec text with every value.
  virtual std::string spec() const = 0;
  // Call once before the first optimizer step: sets the initial lr (e.g. linear warm-up's first
  // factor times base_lr; onecycle's max_lr / div_factor and its momentum). Resets the count to 0.
  virtual void start(Optimizer& optimizer) = 0;
  // Advances one step and sets the optimizer's lr (and momentum / beta1 for onecycle). Throws
  // descent::Error (bad_usage) past step_limit(), as PyTorch's OneCycleLR raises; the count and lr
  // are then unchanged.
  virtual void step(Optimizer& optimizer) = 0;
  // The most steps the schedule takes after start() (onecycle's total_steps); nullopt: no end.
  // Drivers check it before a run so that a user never meets the error above mid-run.
  virtual std::optional<std::int64_t> step_limit() const { return std::nullopt; }
  // The lr the schedule gives at its current count (what it last set).
  virtual double lr() const = 0;
  // Steps taken since start().
  virtual std::int64_t step_count() const = 0;
  // For resume: moves to `count` steps after start (replaying the recursion, so the lr is bit for
  // bit that of an uninterrupted run) and sets the optimizer's lr (and momentum).
  virtual void set_step_count(std::int64_t count, Optimizer& optimizer) = 0;
};

// Builds a schedule from a spec: constant, step(step_size, gamma=0.1), multistep(milestones,
// gamma=0.1), exponential(gamma), cosine(t_max=run_steps, eta_min=0), linear(start_factor=1/3,
// end_factor=1, total_iters=5), onecycle(max_lr, total_steps=run_steps, ...), polynomial(total_iters=5,
// power=1), piecewise(milestones, values), exp_decay(lambda). base_lr is the optimizer's initial lr.
// run_steps > 0 is the number of steps the run will take: onecycle's total_steps and cosine's
// t_max default to it (as PyTorch's OneCycleLR(epochs=, steps_per_epoch=) does); without it they
// are required.
// Throws descent::Error (bad_usage) for unknown names, keys, or values out of range.
std::unique_ptr<Schedule> make_schedule(std::string_view spec, double base_lr,
                                        std::int64_t run_steps = 0);

// A schedule with an end (onecycle's total_steps) must last the whole run: PyTorch's OneCycleLR
// raises when stepped past it, and drivers say so before the first step instead. steps: the
// optimizer steps the run may take; batches_per_epoch > 0 words the advice for training (epochs
// x batches). Throws descent::Error (bad_usage) with the numbers to change.
void check_schedule_length(const Schedule& schedule, std::int64_t steps,
                           std::int64_t batches_per_epoch = 0);

// The names make_schedule knows.
std::vector<std::string> schedule_names();

// One schedule make_schedule knows: its name, a line about it, and its options (defaults that
// are not values read "(required)" or "(the run's steps)"). For `descent schedules`.
struct ScheduleInfo {
  std::string name;
  std::string summary;
  std::vector<OptionInfo> options;
};
std::vector<ScheduleInfo> schedule_catalog();

}  // namespace descent::optim
