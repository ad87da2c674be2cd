// validate_checkpoint: every field of a decoded checkpoint checked against its range and the
// other fields, so that a crafted (CRC-valid) file is refused with the field's name instead of
// training or predicting from nonsense.
#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <span>

#include "descent/core/error.hpp"
#include "descent/core/rng.hpp"
#include "descent/ml/checkpoint.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/ml/trainer.hpp"
#include "descent/optim/schedule.hpp"
#include "ml/early_stop.hpp"
#include "ml/stepper.hpp"

namespace descent::ml {
namespace {

class FieldCheck {
 public:
  explicit FieldCheck(std::string_view source) : source_(source) {}

  // Throws "checkpoint <source>: field '<field>' = <value>; <rule>; refusing to load it".
  template <typename Value>
  [[noreturn]] void fail(std::string_view field, const Value& value, std::string_view rule) const {
    throw_input("checkpoint {}: field '{}' = {}; {}; refusing to load it", source_, field, value,
                rule);
  }
  [[noreturn]] void fail(std::string_view field, std::string_view what) const {
    throw_input("checkpoint {}: field '{}': {}; refusing to load it", source_, field, what);
  }

  void at_least(std::string_view field, std::int64_t value, std::int64_t lo) const {
    if (value < lo) fail(field, value, fmt::format("must be >= {}", lo));
  }
  void finite_at_least(std::string_view field, double value, double lo) const {
    if (!(std::isfinite(value) && value >= lo)) {
      fail(field, value, fmt::format("must be a finite number >= {}", lo));
    }
  }
  template <typename T>
  void finite(std::string_view field, std::span<const T> values) const {
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (!std::isfinite(values[i])) fail(fmt::format("{}[{}]", field, i), values[i], "not finite");
    }
  }
  // A list that is empty or has `count` entries.
  void empty_or(std::string_view field, std::size_t size, std::int64_t count) const {
    if (size != 0 && static_cast<std::int64_t>(size) != count) {
      fail(field, fmt::format("{} entries; expected {} (or none)", size, count));
    }
  }

 private:
  std::string_view source_;
};

template <typename T>
std::span<const T> as_values(const std::string& bytes) {
  return {reinterpret_cast<const T*>(bytes.data()), bytes.size() / sizeof(T)};
}

void check_settings(const Checkpoint& c, const FieldCheck& check) {
  check.at_least("batch_size", c.batch_size, 0);
  if (!(c.test_fraction >= 0.0 && c.test_fraction < 1.0)) {
    check.fail("test_fraction", c.test_fraction, "must lie in [0, 1)");
  }
  check.finite_at_least("clip_norm", c.clip_norm, 0.0);
  check.finite_at_least("clip_value", c.clip_value, 0.0);
}

void check_shape(const Checkpoint& c, const FieldCheck& check) {
  const ProblemShape& s = c.shape;
  check.at_least("inputs", s.inputs, 1);
  if (s.classification) {
    check.at_least("num_classes", s.num_classes, 1);
  } else if (s.num_classes != 0) {
    check.fail("num_classes", s.num_classes, "must be 0 for regression");
  }
  const ImageShape& image = s.image;
  const bool plain = image.channels == 0 && image.height == 0 && image.width == 0;
  const bool fits = image.channels >= 1 && image.height >= 1 && image.width >= 1 &&
                    image.channels <= s.inputs && image.height <= s.inputs &&
                    image.width <= s.inputs && image.size() == s.inputs;
  if (!plain && !fits) {
    check.fail("image", fmt::format("{} x {} x {} does not match {} inputs", image.channels,
                                    image.height, image.width, s.inputs));
  }
  check.empty_or("feature_names", c.feature_names.size(), s.inputs);
  check.empty_or("class_names", c.class_names.size(), s.num_classes);
}

void check_model(const Checkpoint& c, const FieldCheck& check) {
  Index params = 0;
  bool double_precision = false;
  try {
    params = count_params(c.model, c.shape);
    double_precision = resolve_model(c.model, c.shape).double_precision;
  } catch (const Error& e) {
    check.fail("model", e.what());
  }
  if (params != c.num_params) {
    check.fail("num_params", c.num_params, fmt::format("model {} has {}", c.model, params));
  }
  if (double_precision != c.double_precision) {
    check.fail("double_precision", c.double_precision, fmt::format("model {} is not", c.model));
  }
  const auto param_bytes = static_cast<std::uint64_t>(c.num_params) * (double_precision ? 8 : 4);
  if (c.params.size() != param_bytes) {
    check.fail("params", fmt::format("{} bytes; {} parameters need {}", c.params.size(),
                                     c.num_params, param_bytes));
  }
  if (!c.best_params.empty() && c.best_params.size() != param_bytes) {
    check.fail("best_params", fmt::format("{} bytes; {} parameters need {}", c.best_params.size(),
                                          c.num_params, param_bytes));
  }
  if (double_precision) {
    check.finite("params", as_values<double>(c.params));
    check.finite("best_params", as_values<double>(c.best_params));
  } else {
    check.finite("params", as_values<float>(c.params));
    check.finite("best_params", as_values<float>(c.best_params));
  }
}

void check_standardization(const Checkpoint& c, const FieldCheck& check) {
  if (c.mean.size() != c.shape.inputs) check.fail("mean", c.mean.size(), "not one per input");
  if (c.scale.size() != c.shape.inputs) check.fail("scale", c.scale.size(), "not one per input");
  check.finite("mean", std::span<const double>(c.mean.data(), c.mean.size()));
  for (Index j = 0; j < c.scale.size(); ++j) {
    if (!(std::isfinite(c.scale[j]) && c.scale[j] > 0.0)) {
      check.fail(fmt::format("scale[{}]", j), c.scale[j], "must be a finite number > 0");
    }
  }
  if (!c.standardize && !(c.mean.isZero(0.0) && (c.scale.array() == 1.0).all())) {
    check.fail("mean", "not 0 (and scale 1) though standardize is off");
  }
}

// With parameter groups the state is each group's (ml::detail::Stepper's layout).
double check_grouped_optimizer(const Checkpoint& c, const FieldCheck& check) {
  std::unique_ptr<detail::Stepper> stepper;
  try {
    stepper = std::make_unique<detail::Stepper>(c.optimizer, c.param_groups, param_layout(c.model, c.shape));
  } catch (const Error& e) {
    check.fail("param_groups", e.what());
  }
  try {
    stepper->load_state(c.optimizer_state);
  } catch (const Error& e) {
    check.fail("optimizer_state", e.what());
  }
  return stepper->lr();
}

void check_controls(const Checkpoint& c, const FieldCheck& check) {
  if (!c.early_stop.empty()) {
    try {
      (void)detail::EarlyStop::parse(c.early_stop);
    } catch (const Error& e) {
      check.fail("early_stop", e.what());
    }
  }
  if (c.accumulate < 1 || c.accumulate > kMaxAccumulate) {
    check.fail("accumulate", c.accumulate, fmt::format("must lie in [1, {}]", kMaxAccumulate));
  }
  if (c.early_stop_epoch < 0 || c.early_stop_epoch > c.epoch || (c.early_stop.empty() && c.early_stop_epoch != 0)) {
    check.fail("early_stop_epoch", c.early_stop_epoch,
               c.early_stop.empty() ? std::string("must be 0 without early stopping") : fmt::format("must lie in [0, {}]", c.epoch));
  }
  const auto param_bytes = static_cast<std::uint64_t>(c.num_params) * (c.double_precision ? 8 : 4);
  if (c.early_stop_params.size() != (c.early_stop_epoch > 0 ? param_bytes : 0)) {
    check.fail("early_stop_params", fmt::format("{} bytes; expected {}", c.early_stop_params.size(),
                                                c.early_stop_epoch > 0 ? param_bytes : 0));
  }
  if (c.double_precision) {
    check.finite("early_stop_params", as_values<double>(c.early_stop_params));
  } else {
    check.finite("early_stop_params", as_values<float>(c.early_stop_params));
  }
}

// Returns the lr the schedule starts from.
double check_plain_optimizer(const Checkpoint& c, const FieldCheck& check) {
  std::unique_ptr<optim::Optimizer> optimizer;
  try {
    optimizer = optim::make_optimizer(c.optimizer);
  } catch (const Error& e) {
    check.fail("optimizer", e.what());
  }
  try {
    optimizer->load_state(c.optimizer_state);
  } catch (const Error& e) {
    check.fail("optimizer_state", e.what());
  }
  const std::int64_t size = optimizer->state_size();
  if (size != -1 && size != c.num_params) {
    check.fail("optimizer_state",
               fmt::format("sized for {} parameters, the model has {}", size, c.num_params));
  }
  return optimizer->lr();
}

void check_optimizer(const Checkpoint& c, const FieldCheck& check) {
  // train-only rules and parameter groups: ml::detail::Stepper state
  const bool grouped = !c.param_groups.empty() || c.optimizer.starts_with("muon") || c.optimizer.starts_with("svrg");
  const double lr = grouped ? check_grouped_optimizer(c, check) : check_plain_optimizer(c, check);
  try {
    (void)optim::make_schedule(c.schedule, lr);
  } catch (const Error& e) {
    check.fail("schedule", e.what());
  }
  check.at_least("schedule_step", c.schedule_step, 0);
  try {
    Rng rng;
    rng.load(c.rng_state);
  } catch (const Error& e) {
    check.fail("rng_state", e.what());
  }
}

void check_epoch(const EpochRecord& e, bool classification, const FieldCheck& check) {
  const std::string at = fmt::format("history[{}]", e.epoch - 1);
  check.finite_at_least(at + ".train_loss", e.train_loss, 0.0);
  if (!std::isnan(e.test_loss)) check.finite_at_least(at + ".test_loss", e.test_loss, 0.0);
  const double metric = e.test_metric;
  const bool metric_ok =
      std::isnan(metric) ||
      (classification ? metric >= 0.0 && metric <= 1.0 : std::isfinite(metric) && metric <= 1.0);
  if (!metric_ok) check.fail(at + ".test_metric", metric, "must be NaN, or an accuracy / R^2");
  check.finite_at_least(at + ".lr", e.lr, 0.0);
  check.finite_at_least(at + ".seconds", e.seconds, 0.0);
  check.finite_at_least(at + ".train_seconds", e.train_seconds, 0.0);
}

void check_history(const Checkpoint& c, const FieldCheck& check) {
  check.at_least("epoch", c.epoch, 0);
  const auto& epochs = c.history.epochs;
  if (static_cast<std::int64_t>(epochs.size()) != c.epoch) {
    check.fail("history", fmt::format("{} epochs recorded; epoch is {}", epochs.size(), c.epoch));
  }
  if (c.history.classification != c.shape.classification) {
    check.fail("history.classification", c.history.classification, "the task says otherwise");
  }
  for (std::size_t i = 0; i < epochs.size(); ++i) {
    if (epochs[i].epoch != static_cast<std::int64_t>(i) + 1) {
      check.fail(fmt::format("history[{}].epoch", i), epochs[i].epoch,
                 fmt::format("must be {}", i + 1));
    }
    check_epoch(epochs[i], c.shape.classification, check);
  }
  if (c.best_epoch < 0 || c.best_epoch > c.epoch) {
    check.fail("best_epoch", c.best_epoch, fmt::format("must lie in [0, {}]", c.epoch));
  }
  const double best =
      c.best_epoch == 0 ? HUGE_VAL : epochs[static_cast<std::size_t>(c.best_epoch - 1)].train_loss;
  if (std::memcmp(&best, &c.best_loss, sizeof best) != 0) {
    check.fail("best_loss", c.best_loss, fmt::format("the history says {}", best));
  }
}

}  // namespace

void validate_checkpoint(const Checkpoint& c, std::string_view source) {
  const FieldCheck check(source);
  check_settings(c, check);
  check_shape(c, check);
  check_model(c, check);
  check_standardization(c, check);
  check_optimizer(c, check);
  check_history(c, check);
  check_controls(c, check);
}

}  // namespace descent::ml
