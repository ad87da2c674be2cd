// `descent optimizers [NAME] [--json]`: every rule of the optimizer registry with its options,
// defaults, allowed ranges and a line about each (generated from the rules' option tables).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "command.hpp"
#include "descent/core/error.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::cli {
namespace {

nlohmann::json to_json(const optim::OptimizerInfo& rule) {
  auto options = nlohmann::json::array();
  for (const auto& o : rule.options) {
    options.push_back(
        {{"key", o.key}, {"default", o.default_value}, {"range", o.range}, {"doc", o.doc}});
  }
  return {{"name", rule.name}, {"summary", rule.summary}, {"options", options}};
}

void print(const optim::OptimizerInfo& rule) {
  std::cout << rule.name << ": " << rule.summary << '\n';
  std::size_t width = 0;
  for (const auto& o : rule.options)
    width = std::max(width, o.key.size() + o.default_value.size() + 1);
  for (const auto& o : rule.options) {
    std::cout << fmt::format("  {:<{}}  {}; {}\n", o.key + "=" + o.default_value, width, o.range,
                             o.doc);
  }
}

int run_optimizers(const std::string& name, bool json) {
  auto all = optim::optimizer_catalog();
  if (!name.empty()) {
    std::erase_if(all, [&](const auto& rule) { return rule.name != name; });
    if (all.empty()) (void)optim::make_optimizer(name);  // throws: unknown, with the known names
  }
  if (json) {
    auto doc = nlohmann::json::array();
    for (const auto& rule : all) doc.push_back(to_json(rule));
    std::cout << nlohmann::json{{"optimizers", doc}}.dump(2) << '\n';
    return 0;
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0) std::cout << '\n';
    print(all[i]);
  }
  if (name.empty())
    std::cout << "\nUse one: descent minimize rosenbrock --optimizer 'lion(lr=0.001)'\n";
  return 0;
}

RunFn setup(CLI::App& sub) {
  auto name = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  sub.add_option("NAME", *name, "show this rule only");
  sub.add_flag("--json", *json, "print one JSON document");
  return [name, json] { return run_optimizers(*name, *json); };
}

const bool kRegistered = register_command(
    {"optimizers", "list the optimizers with their options, defaults and ranges", 91, setup});

}  // namespace
}  // namespace descent::cli
