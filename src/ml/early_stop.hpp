// Early stopping for train (private to ml): which figure of an epoch to watch, how much it has to
// improve, and for how many epochs to wait. The run keeps the parameters of the best epoch.
// Example: EarlyStop e = EarlyStop::parse("patience=5, min_delta=1e-4, monitor=test_loss");
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "descent/ml/checkpoint.hpp"

namespace descent::ml::detail {

struct EarlyStop {
  enum class Monitor { train_loss, test_loss, test_accuracy };
  std::int64_t patience = 5;  // epochs without improvement before stopping, [0, kMaxEpochs]
  double min_delta = 0.0;     // an improvement must exceed this, finite and >= 0
  Monitor monitor = Monitor::test_loss;

  // Keys patience, min_delta, monitor (train_loss, test_loss or test_accuracy); absent keys take
  // the defaults above. Throws descent::Error (bad_usage) naming the key and its range.
  static EarlyStop parse(std::string_view text);
  // Canonical text, every key: "patience=5, min_delta=0.0001, monitor=test_loss".
  std::string text() const;

  bool uses_test_set() const { return monitor != Monitor::train_loss; }
  bool maximizes() const { return monitor == Monitor::test_accuracy; }
  // The watched figure of an epoch.
  double value(const EpochRecord& record) const;
  // True when `value` beats `best` by more than min_delta (in the metric's direction).
  bool improves(double value, double best) const;
};

}  // namespace descent::ml::detail
