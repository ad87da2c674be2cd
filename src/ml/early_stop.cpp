// Early stopping's settings: parsed from a spec's keys, printed canonically, compared epoch by
// epoch.
#include "ml/early_stop.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string>

#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"
#include "descent/ml/trainer.hpp"

namespace descent::ml::detail {
namespace {

constexpr const char* kMonitors[] = {"train_loss", "test_loss", "test_accuracy"};

}  // namespace

EarlyStop EarlyStop::parse(std::string_view text) {
  const Spec spec = Spec::parse(fmt::format("early_stop({})", text), "early-stop spec");
  spec.check_keys({"patience", "min_delta", "monitor"});
  EarlyStop out;
  const double patience = spec.number("patience", static_cast<double>(out.patience));
  if (!(patience >= 0 && patience <= static_cast<double>(kMaxEpochs)) ||
      patience != std::floor(patience)) {
    throw_usage("early_stop: patience = {}; must be an integer in [0, {}]", patience, kMaxEpochs);
  }
  out.patience = static_cast<std::int64_t>(patience);
  out.min_delta = spec.number("min_delta", out.min_delta);
  if (!(out.min_delta >= 0) || !std::isfinite(out.min_delta)) {
    throw_usage("early_stop: min_delta = {}; must be a finite number >= 0", out.min_delta);
  }
  const std::string monitor = spec.word("monitor", kMonitors[static_cast<int>(out.monitor)]);
  for (int m = 0; m < 3; ++m) {
    if (monitor == kMonitors[m]) {
      out.monitor = static_cast<Monitor>(m);
      return out;
    }
  }
  throw_usage("early_stop: monitor = {}; must be one of train_loss, test_loss, test_accuracy",
              monitor);
}

std::string EarlyStop::text() const {
  return fmt::format("patience={}, min_delta={}, monitor={}", patience, min_delta,
                     kMonitors[static_cast<int>(monitor)]);
}

double EarlyStop::value(const EpochRecord& record) const {
  switch (monitor) {
    case Monitor::train_loss:
      return record.train_loss;
    case Monitor::test_loss:
      return record.test_loss;
    case Monitor::test_accuracy:
      return record.test_metric;
  }
  return record.test_loss;
}

bool EarlyStop::improves(double value, double best) const {
  return maximizes() ? value > best + min_delta : value < best - min_delta;
}

}  // namespace descent::ml::detail
