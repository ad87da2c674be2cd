// Parameter groups: each distinct set of options gets its own optimizer and schedule over the
// tensors it covers, gathered into one contiguous block for the step and scattered back (the
// element-wise rules compute each entry alone, so gathering changes no bit).
#include "ml/stepper.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"
#include "ml/muon.hpp"
#include "ml/svrg.hpp"

namespace descent::ml::detail {
namespace {

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return std::string(text.substr(begin, text.find_last_not_of(" \t") - begin + 1));
}

bool valid_selector(const std::string& s) {
  if (s == "weight" || s == "bias") return true;
  if (!s.starts_with("layer")) return false;
  const std::string rest = s.substr(5);
  const auto dot = rest.find('.');
  const std::string number = rest.substr(0, dot);
  if (number.empty() || number.size() > 9 ||
      number.find_first_not_of("0123456789") != std::string::npos || number[0] == '0') {
    return false;
  }
  return dot == std::string::npos || rest.substr(dot + 1) == "weight" ||
         rest.substr(dot + 1) == "bias";
}

// The spec `base` with the group's keys replaced; throws bad_usage for a key the rule lacks.
std::string apply_group(const std::string& base, const ParamGroup& group) {
  Spec spec = Spec::parse(base);
  const Spec options = Spec::parse("group(" + group.options + ")", "parameter group");
  for (const auto& [key, value] : options.args()) {
    if (key == "maximize") {
      throw_usage("parameter group '{}': maximize is the whole run's setting, not a group's",
                  group.text());
    }
    if (!spec.has(key)) {
      std::string keys;
      for (const auto& [k, v] : spec.args()) {
        if (k != "maximize") keys += (keys.empty() ? "" : ", ") + k;
      }
      throw_usage("parameter group '{}': {} has no option '{}' (its options: {})", group.text(),
                  spec.name(), key, keys);
    }
    spec.set(key, value);
  }
  return spec.text();
}

bool is_muon(std::string_view spec) { return Spec::parse(spec, "optimizer spec").name() == "muon"; }

// A part's rule: the spec's; for muon, muon over the matrices' shapes or muon's AdamW for the rest.
// The rules only train has (they need the model's layout or its loop), then optim's.
std::unique_ptr<optim::Optimizer> make_rule(const std::string& spec, bool matrices,
                                            const std::vector<ParamTensor>& tensors) {
  if (Spec::parse(spec, "optimizer spec").name() == "svrg") return make_svrg(spec);
  if (!is_muon(spec)) return optim::make_optimizer(spec);
  const Spec muon = muon_spec(spec);
  if (!matrices) return optim::make_optimizer(muon_adamw_spec(muon));
  std::vector<std::pair<Index, Index>> shapes;
  for (const ParamTensor& t : tensors) shapes.emplace_back(t.rows, t.cols);
  return make_muon(muon, std::move(shapes));
}

std::unique_ptr<optim::Optimizer> make_part_optimizer(
    const std::string& spec, const ParamGroup* group, bool matrices = false,
    const std::vector<ParamTensor>& tensors = {}) {
  try {
    return make_rule(spec, matrices, tensors);
  } catch (const Error& e) {
    if (group == nullptr) throw;
    throw_usage("parameter group '{}': {}", group->text(), e.what());
  }
}

}  // namespace

ParamGroup ParamGroup::parse(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    throw_usage(
        "parameter group '{}': expected 'SELECTOR: key=value, ...', e.g. 'bias: weight_decay=0'",
        text);
  }
  ParamGroup group{trim(text.substr(0, colon)), trim(text.substr(colon + 1))};
  if (!valid_selector(group.selector)) {
    throw_usage(
        "parameter group '{}': selector '{}' must be weight, bias, layerN, layerN.weight or "
        "layerN.bias "
        "(layers with parameters counted from 1)",
        text, group.selector);
  }
  const Spec options = Spec::parse("group(" + group.options + ")", "parameter group");
  if (options.args().empty()) throw_usage("parameter group '{}' sets no option", text);
  const std::string canonical = options.text();
  group.options = canonical.substr(6, canonical.size() - 7);  // inside "group(...)"
  return group;
}

bool ParamGroup::selects(const ParamTensor& tensor) const {
  if (selector == "weight") return !tensor.bias;
  if (selector == "bias") return tensor.bias;
  const std::string layer = fmt::format("layer{}", tensor.layer);
  return selector == layer || selector == tensor.name();
}

Stepper::Stepper(std::string_view optimizer, const std::vector<std::string>& groups,
                 const std::vector<ParamTensor>& layout)
    : base_(is_muon(optimizer) ? make_muon(muon_spec(optimizer), {})
                               : make_rule(std::string(optimizer), false, {})) {
  if (groups.size() > kMaxParamGroups) {
    throw_usage("{} parameter groups; at most {}", groups.size(), kMaxParamGroups);
  }
  for (const auto& text : groups) groups_.push_back(ParamGroup::parse(text));
  const std::string base = base_->spec();
  for (const ParamGroup& group : groups_) {
    if (std::none_of(layout.begin(), layout.end(),
                     [&](const ParamTensor& t) { return group.selects(t); })) {
      throw_usage(
          "parameter group '{}' selects no parameter; the model has {} layers with parameters",
          group.text(), layout.empty() ? 0 : layout.back().layer);
    }
    (void)make_part_optimizer(apply_group(base, group), &group);  // each group's keys checked alone
  }
  const bool muon = base_->name() == "muon";
  const Index last_layer = layout.empty() ? 0 : layout.back().layer;
  std::vector<const ParamGroup*> last_groups;  // per part: the last group that shaped it
  for (const ParamTensor& tensor : layout) {
    std::string spec = base;
    const ParamGroup* last = nullptr;
    for (const ParamGroup& group : groups_) {
      if (!group.selects(tensor)) continue;
      spec = apply_group(spec, group);
      last = &group;
    }
    // Muon takes the hidden layers' weight matrices; the output layer and the biases go to AdamW.
    const bool matrices = muon && !tensor.bias && tensor.layer < last_layer;
    auto part = std::find_if(parts_.begin(), parts_.end(), [&](const Part& p) {
      return p.spec == spec && p.matrices == matrices;
    });
    if (part == parts_.end()) {
      part = parts_.insert(parts_.end(), Part{});
      part->spec = spec;
      part->grouped = last != nullptr;
      part->matrices = matrices;
      last_groups.push_back(last);
    }
    part->tensors.push_back(tensor);
    part->size += tensor.size();
  }
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    Part& part = parts_[i];
    part.optimizer = make_part_optimizer(part.spec, last_groups[i], part.matrices, part.tensors);
  }
  if (parts_.empty()) {
    parts_.emplace_back();
    parts_.back().spec = base;
    parts_.back().optimizer = make_rule(base, false, {});
  }
  whole_ = parts_.size() == 1 && !parts_.front().matrices;
}

void Stepper::start(std::string_view schedule, std::int64_t run_steps) {
  for (Part& part : parts_) {
    part.schedule = optim::make_schedule(schedule, part.optimizer->lr(), run_steps);
    part.schedule->start(*part.optimizer);
  }
}

std::vector<std::string> Stepper::groups() const {
  std::vector<std::string> out;
  for (const auto& g : groups_) out.push_back(g.text());
  return out;
}

double Stepper::lr() const {
  for (const Part& part : parts_) {
    if (!part.grouped && part.optimizer->name() == base_->name()) return part.optimizer->lr();
  }
  return parts_.front().optimizer->lr();
}

template <typename T>
void Stepper::step(std::span<T> params, std::span<const T> grad) {
  if (whole_) {
    parts_.front().optimizer->step(params, grad);
    return;
  }
  for (Part& part : parts_) step_part(part, params, grad);
}

template <typename T>
void Stepper::step_part(Part& part, std::span<T> params, std::span<const T> grad) {
  auto& p = [&]() -> std::vector<T>& {
    if constexpr (std::is_same_v<T, double>)
      return part.params64;
    else
      return part.params32;
  }();
  auto& g = [&]() -> std::vector<T>& {
    if constexpr (std::is_same_v<T, double>)
      return part.grad64;
    else
      return part.grad32;
  }();
  p.resize(static_cast<std::size_t>(part.size));
  g.resize(static_cast<std::size_t>(part.size));
  std::size_t at = 0;
  for (const ParamTensor& t : part.tensors) {
    const auto n = static_cast<std::size_t>(t.size()), offset = static_cast<std::size_t>(t.offset);
    std::copy_n(params.begin() + static_cast<std::ptrdiff_t>(offset), n,
                p.begin() + static_cast<std::ptrdiff_t>(at));
    std::copy_n(grad.begin() + static_cast<std::ptrdiff_t>(offset), n,
                g.begin() + static_cast<std::ptrdiff_t>(at));
    at += n;
  }
  part.optimizer->step(std::span<T>(p), std::span<const T>(g));
  at = 0;
  for (const ParamTensor& t : part.tensors) {
    const auto n = static_cast<std::size_t>(t.size());
    std::copy_n(p.begin() + static_cast<std::ptrdiff_t>(at), n, params.begin() + t.offset);
    at += n;
  }
}

template <typename T, typename F>
void Stepper::on_part_params(Part& part, std::span<T> params, F&& fn) {
  auto& p = [&]() -> std::vector<T>& {
    if constexpr (std::is_same_v<T, double>)
      return part.params64;
    else
      return part.params32;
  }();
  p.resize(static_cast<std::size_t>(part.size));
  std::size_t at = 0;
  for (const ParamTensor& t : part.tensors) {
    const auto n = static_cast<std::size_t>(t.size());
    std::copy_n(params.begin() + t.offset, n, p.begin() + static_cast<std::ptrdiff_t>(at));
    at += n;
  }
  fn(std::span<T>(p));
  at = 0;
  for (const ParamTensor& t : part.tensors) {
    const auto n = static_cast<std::size_t>(t.size());
    std::copy_n(p.begin() + static_cast<std::ptrdiff_t>(at), n, params.begin() + t.offset);
    at += n;
  }
}

template <typename T>
void Stepper::to_eval(std::span<T> params) {
  if (whole_) return parts_.front().optimizer->to_eval(params);
  for (Part& part : parts_) {
    on_part_params(part, params, [&](std::span<T> p) { part.optimizer->to_eval(p); });
  }
}

template <typename T>
void Stepper::to_train(std::span<T> params) {
  if (whole_) return parts_.front().optimizer->to_train(params);
  for (Part& part : parts_) {
    on_part_params(part, params, [&](std::span<T> p) { part.optimizer->to_train(p); });
  }
}

void Stepper::schedule_step() {
  for (Part& part : parts_) part.schedule->step(*part.optimizer);
}

void Stepper::set_step_count(std::int64_t count) {
  for (Part& part : parts_) part.schedule->set_step_count(count, *part.optimizer);
}

std::string Stepper::save_state() const {
  if (whole_) return parts_.front().optimizer->save_state();
  std::string out;
  const auto put = [&out](std::uint64_t v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  };
  put(parts_.size());
  for (const Part& part : parts_) {
    const std::string state = part.optimizer->save_state();
    put(state.size());
    out += state;
  }
  return out;
}

void Stepper::load_state(std::string_view bytes) {
  if (whole_) {
    parts_.front().optimizer->load_state(bytes);
    return;
  }
  std::vector<std::string_view> states;
  std::size_t pos = 0;
  const auto get = [&](std::uint64_t& v) {
    if (bytes.size() - pos < sizeof v) return false;
    std::memcpy(&v, bytes.data() + pos, sizeof v);
    pos += sizeof v;
    return true;
  };
  std::uint64_t count = 0;
  if (!get(count) || count != parts_.size()) {
    throw_input("optimizer state: not the state of {} parameter groups", parts_.size());
  }
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t size = 0;
    if (!get(size) || size > bytes.size() - pos) throw_input("optimizer state: truncated");
    states.push_back(bytes.substr(pos, size));
    pos += size;
  }
  if (pos != bytes.size()) throw_input("optimizer state: trailing bytes");
  std::vector<std::string> before;
  for (const Part& part : parts_) before.push_back(part.optimizer->save_state());
  try {
    for (std::size_t i = 0; i < parts_.size(); ++i) {
      parts_[i].optimizer->load_state(states[i]);
      const std::int64_t size = parts_[i].optimizer->state_size();
      if (size != -1 && size != parts_[i].size) {
        throw_input("optimizer state: group {} is sized for {} parameters, not {}", i + 1, size,
                    parts_[i].size);
      }
    }
  } catch (const Error&) {
    for (std::size_t i = 0; i < parts_.size(); ++i) parts_[i].optimizer->load_state(before[i]);
    throw;
  }
}

template void Stepper::step(std::span<float>, std::span<const float>);
template void Stepper::step(std::span<double>, std::span<const double>);
template void Stepper::to_eval(std::span<float>);
template void Stepper::to_eval(std::span<double>);
template void Stepper::to_train(std::span<float>);
template void Stepper::to_train(std::span<double>);

}  // namespace descent::ml::detail
