// Private: the optimizer registry. A rule file defines `detail::RuleEntry NAME_rule()` (its name,
// a line about it, how to build it from a spec, its option listing); the one line that makes it
// known is its X(NAME) in DESCENT_OPTIMIZER_RULES below (docs/adding-an-optimizer.md).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "descent/core/spec.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::optim::detail {

struct RuleEntry {
  std::string_view name;
  std::string_view summary;
  std::unique_ptr<Optimizer> (*make)(const Spec& spec);  // keys, types and ranges checked
  std::vector<OptionInfo> (*options)();                  // for `descent optimizers`
};

// Every rule, in the order optimizer_names() and `descent optimizers` list them.
#define DESCENT_OPTIMIZER_RULES(X)                                                        \
  X(gd)                                                                                   \
  X(sgd) X(momentum) X(adagrad) X(rmsprop) X(adadelta) X(adam) X(adamw) X(nadam) X(radam) \
      X(adamax) X(lion) X(adamw_schedulefree) X(sgd_schedulefree) X(lbfgs) X(lbfgsb) X(newton)

#define DESCENT_DECLARE_RULE(name) RuleEntry name##_rule();
DESCENT_OPTIMIZER_RULES(DESCENT_DECLARE_RULE)
#undef DESCENT_DECLARE_RULE

// gd(line_search=armijo), which make_gd hands over to (newton.cpp), and its option listing.
std::unique_ptr<Optimizer> armijo_from_spec(const Spec& spec);
std::vector<OptionInfo> armijo_options();

}  // namespace descent::optim::detail
