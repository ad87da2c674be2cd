// `descent optimizers [NAME] [--json]` and `descent schedules [NAME] [--json]`: every rule of the
// optimizer registry, and every lr schedule, with its options, defaults, allowed ranges and a
// line about each (generated from the option tables that parse the specs).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "command.hpp"
#include "descent/core/error.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/optim/schedule.hpp"

namespace descent::cli {
namespace {

// OptimizerInfo and ScheduleInfo: name, summary, options.
template <typename Info>
nlohmann::json to_json(const Info& entry) {
  auto options = nlohmann::json::array();
  for (const auto& o : entry.options) {
    options.push_back(
        {{"key", o.key}, {"default", o.default_value}, {"range", o.range}, {"doc", o.doc}});
  }
  return {{"name", entry.name}, {"summary", entry.summary}, {"options", options}};
}

template <typename Info>
void print(const Info& entry) {
  std::cout << entry.name << ": " << entry.summary << '\n';
  std::size_t width = 0;
  for (const auto& o : entry.options)
    width = std::max(width, o.key.size() + o.default_value.size() + 1);
  for (const auto& o : entry.options) {
    std::cout << fmt::format("  {:<{}}  {}; {}\n", o.key + "=" + o.default_value, width, o.range,
                             o.doc);
  }
}

struct Catalog {
  std::string kind;     // "optimizers", "schedules"
  std::string example;  // a line showing one in use
};

// `make` builds one from a name: for an unknown NAME it throws the error that lists the known.
template <typename Info>
int run_catalog(std::vector<Info> all, const Catalog& catalog, const std::string& name, bool json,
                void (*make)(const std::string&)) {
  if (!name.empty()) {
    std::erase_if(all, [&](const auto& entry) { return entry.name != name; });
    if (all.empty()) make(name);
  }
  if (json) {
    auto doc = nlohmann::json::array();
    for (const auto& entry : all) doc.push_back(to_json(entry));
    std::cout << nlohmann::json{{catalog.kind, doc}}.dump(2) << '\n';
    return 0;
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0) std::cout << '\n';
    print(all[i]);
  }
  if (name.empty()) std::cout << "\nUse one: " << catalog.example << '\n';
  return 0;
}

template <typename Run>
RunFn setup_listing(CLI::App& sub, Run run) {
  auto name = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  sub.add_option("NAME", *name, "show this one only");
  sub.add_flag("--json", *json, "print one JSON document");
  return [name, json, run] { return run(*name, *json); };
}

RunFn setup_optimizers(CLI::App& sub) {
  return setup_listing(sub, [](const std::string& name, bool json) {
    return run_catalog(optim::optimizer_catalog(),
                       {"optimizers", "descent minimize rosenbrock --optimizer 'lion(lr=0.001)'"},
                       name, json, [](const std::string& n) { (void)optim::make_optimizer(n); });
  });
}

RunFn setup_schedules(CLI::App& sub) {
  return setup_listing(sub, [](const std::string& name, bool json) {
    return run_catalog(
        optim::schedule_catalog(),
        {"schedules", "descent minimize rosenbrock --optimizer 'adam(lr=0.05)' "
                      "--schedule 'cosine(eta_min=0.001)' --steps 500"},
        name, json, [](const std::string& n) { (void)optim::make_schedule(n, 0.1, 1); });
  });
}

const bool kOptimizers = register_command(
    {"optimizers", "list the optimizers with their options, defaults and ranges", 91,
     setup_optimizers});
const bool kSchedules = register_command(
    {"schedules", "list the lr schedules with their options, defaults and ranges", 92,
     setup_schedules});

}  // namespace
}  // namespace descent::cli
