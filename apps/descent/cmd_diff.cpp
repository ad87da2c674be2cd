// `descent diff EXPR VAR [VAR ...]`: the simplified derivative (several VARs: successive
// derivatives, d/dVAR_n ... d/dVAR_1). Example: descent diff 'x^2 + 2*x + 3' x  ->  2*x + 2
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "descent/symbolic/formula.hpp"

namespace descent::cli {
namespace {

struct DiffOptions {
  std::string expression;
  std::vector<std::string> variables;
  bool json = false;
};

int run_diff(const DiffOptions& o) {
  symbolic::Expr f = symbolic::parse(o.expression);
  for (const std::string& v : o.variables) {
    if (symbolic::is_constant_name(v)) {
      throw_usage("'{}' is a constant of the formula language, not a variable to differentiate by",
                  v);
    }
    f = symbolic::diff(f, v);
  }
  const std::string derivative = symbolic::to_string(f);
  if (o.json) {
    nlohmann::json doc{{"expression", o.expression},
                       {"variables", o.variables},
                       {"derivative", derivative}};
    std::cout << doc.dump(2) << '\n';
  } else {
    std::cout << derivative << '\n';
  }
  return 0;
}

RunFn setup(CLI::App& sub) {
  auto o = std::make_shared<DiffOptions>();
  sub.add_option("EXPR", o->expression, "formula, e.g. 'x^2 + 2*x + 3'")->required();
  sub.add_option("VAR", o->variables, "variable(s) to differentiate by, in order")
      ->required()
      ->check([](const std::string& name) {
        const bool ok = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) ||
                                          name[0] == '_');
        return ok ? std::string() : "'" + name + "' is not a variable name";
      });
  sub.add_flag("--json", o->json, "print one JSON document");
  return [o] { return run_diff(*o); };
}

const bool kRegistered = register_command(
    {"diff", "derivative of a formula, simplified (several VARs: higher order)", 10, setup});

}  // namespace
}  // namespace descent::cli
