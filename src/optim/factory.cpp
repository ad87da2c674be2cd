// make_optimizer and the catalog: specs such as "adam(lr=0.01, betas=[0.9, 0.99])" to
// optimizers through the registry (registry.hpp); each rule parses and checks its own options
// from its option table (options.hpp).
#include <fmt/ranges.h>

#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"
#include "registry.hpp"

namespace descent::optim {
namespace {

const std::vector<detail::RuleEntry>& rules() {
#define DESCENT_RULE_ENTRY(name) detail::name##_rule(),
  static const std::vector<detail::RuleEntry> all = {DESCENT_OPTIMIZER_RULES(DESCENT_RULE_ENTRY)};
#undef DESCENT_RULE_ENTRY
  return all;
}

}  // namespace

std::vector<std::string> optimizer_names() {
  std::vector<std::string> names;
  for (const auto& rule : rules()) names.emplace_back(rule.name);
  return names;
}

std::vector<OptimizerInfo> optimizer_catalog() {
  std::vector<OptimizerInfo> out;
  for (const auto& rule : rules()) {
    out.push_back({std::string(rule.name), std::string(rule.summary), rule.options()});
  }
  return out;
}

std::unique_ptr<Optimizer> make_optimizer(std::string_view text) {
  const Spec spec = Spec::parse(text, "optimizer");
  for (const auto& rule : rules()) {
    if (rule.name == spec.name()) return rule.make(spec);
  }
  throw_usage("unknown optimizer '{}'; known: {}", spec.name(), fmt::join(optimizer_names(), ", "));
}

}  // namespace descent::optim
