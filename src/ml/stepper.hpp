// The optimizer side of a training run (private to ml): the optimizer spec split into parameter
// groups, as torch's param_groups. `--param-group 'bias: weight_decay=0'` gives the parameters a
// selector picks their own optimizer (the run's spec with the group's keys replaced) and their own
// schedule (started from the group's own lr, as torch's schedulers scale each group's base lr).
// Without groups there is one part over the whole buffer and nothing is copied.
// Example: Stepper s("adam(lr=0.01)", {"bias: weight_decay=0"}, layout, n); s.start("constant", 0);
//          s.step(params, grad); s.schedule_step();
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "descent/ml/model.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/optim/schedule.hpp"

namespace descent::ml::detail {

inline constexpr std::size_t kMaxParamGroups = 64;

// A parameter group's selector and option text, checked: "bias: weight_decay=0". Selectors: weight,
// bias, layerN, layerN.weight, layerN.bias (layers counted as ParamTensor::layer). Throws
// descent::Error (bad_usage).
struct ParamGroup {
  std::string selector;
  std::string options;  // canonical "key=value, ..." (a Spec's arguments)
  static ParamGroup parse(std::string_view text);
  std::string text() const { return selector + ": " + options; }
  bool selects(const ParamTensor& tensor) const;
};

class Stepper {
 public:
  // Throws descent::Error (bad_usage) for a bad spec or group, a group that selects nothing or
  // sets a key the rule lacks (or maximize, which is the run's), and more than kMaxParamGroups.
  Stepper(std::string_view optimizer, const std::vector<std::string>& groups,
          const std::vector<ParamTensor>& layout);

  // Builds and starts one schedule per part, each from its part's lr.
  void start(std::string_view schedule, std::int64_t run_steps);

  template <typename T>
  void step(std::span<T> params, std::span<const T> grad);
  void schedule_step();
  // Schedule-free rules: every part's reported point x into params (to_eval) and back to the
  // point gradients are taken at (to_train); no-ops for other rules (optim::Optimizer::to_eval).
  template <typename T>
  void to_eval(std::span<T> params);
  template <typename T>
  void to_train(std::span<T> params);
  const optim::Schedule& schedule() const { return *parts_.front().schedule; }

  std::string name() const { return base_->name(); }
  std::string spec() const { return base_->spec(); }  // the run's optimizer, canonical
  std::vector<std::string> groups() const;            // canonical group texts, in order
  std::string schedule_spec() const { return parts_.front().schedule->spec(); }
  std::optional<std::int64_t> step_limit() const { return parts_.front().schedule->step_limit(); }
  bool needs_closure() const { return base_->needs_closure(); }
  // The lr of the parameters no group changed (the first part's if every one is grouped).
  double lr() const;
  std::int64_t step_count() const { return parts_.front().schedule->step_count(); }
  void set_step_count(std::int64_t count);

  // One part: the optimizer's own state (a checkpoint without groups reads as before); several:
  // a count, then each part's state with its length. load_state throws descent::Error
  // (bad_input) for state of another layout; nothing is changed then.
  std::string save_state() const;
  void load_state(std::string_view bytes);

 private:
  struct Part {
    std::string spec;
    bool grouped = false;   // some group changed this part's options
    bool matrices = false;  // muon's weight matrices (the rest of a muon run is AdamW's)
    std::unique_ptr<optim::Optimizer> optimizer;
    std::unique_ptr<optim::Schedule> schedule;
    std::vector<ParamTensor> tensors;
    Index size = 0;
    std::vector<double> params64, grad64;  // gathered (several parts only)
    std::vector<float> params32, grad32;
  };
  template <typename T>
  void step_part(Part& part, std::span<T> params, std::span<const T> grad);
  // Gathers the part's parameters, lets `fn` change them, scatters them back.
  template <typename T, typename F>
  void on_part_params(Part& part, std::span<T> params, F&& fn);

  std::unique_ptr<optim::Optimizer> base_;
  std::vector<ParamGroup> groups_;
  std::vector<Part> parts_;
  bool whole_ = true;  // one part over the whole buffer
};

extern template void Stepper::step(std::span<float>, std::span<const float>);
extern template void Stepper::step(std::span<double>, std::span<const double>);
extern template void Stepper::to_eval(std::span<float>);
extern template void Stepper::to_eval(std::span<double>);
extern template void Stepper::to_train(std::span<float>);
extern template void Stepper::to_train(std::span<double>);

}  // namespace descent::ml::detail
