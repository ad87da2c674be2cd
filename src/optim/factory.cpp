// make_optimizer: specs such as "adam(lr=0.01, betas=[0.9, 0.99])" to optimizers, with every key
// and range checked once (bad_usage errors name the key and its valid range).
#include "quiet_eigen.hpp"  // first: silences a GCC 12 false warning in Eigen
#include <algorithm>

#include <fmt/ranges.h>

#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"
#include "descent/optim/first_order.hpp"
#include "descent/optim/second_order.hpp"
#include "lbfgsb_model.hpp"

namespace descent::optim {
namespace {

struct Betas {
  double beta1;
  double beta2;
};

Betas read_betas(const Spec& spec, Betas fallback) {
  const auto betas = spec.numbers("betas", {fallback.beta1, fallback.beta2});
  if (betas.size() != 2) {
    throw_usage("{}: betas needs two values [beta1, beta2], got {}", spec.name(), betas.size());
  }
  return {betas[0], betas[1]};
}

std::unique_ptr<Optimizer> make_sgd_family(const Spec& spec) {
  const std::string& name = spec.name();
  if (name == "gd" && spec.word("line_search", "none") == "armijo") {
    spec.check_keys({"lr", "line_search", "c1", "shrink", "max_backtracks", "maximize"});
    const ArmijoOptions defaults;
    return make_armijo_gd({.lr = spec.number("lr", defaults.lr),
                           .c1 = spec.number("c1", defaults.c1),
                           .shrink = spec.number("shrink", defaults.shrink),
                           .max_backtracks = spec.integer("max_backtracks", defaults.max_backtracks),
                           .maximize = spec.boolean("maximize", false)});
  }
  if (name == "gd") {
    const std::string search = spec.word("line_search", "none");
    if (search != "none") throw_usage("gd: line_search = {}; must be none or armijo", search);
    spec.check_keys({"lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize",
                     "line_search"});
  } else {
    spec.check_keys({"lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"});
  }
  const SgdOptions defaults;
  return make_sgd({.lr = spec.number("lr", defaults.lr),
                   .momentum = spec.number("momentum", name == "momentum" ? 0.9 : 0.0),
                   .dampening = spec.number("dampening", defaults.dampening),
                   .weight_decay = spec.number("weight_decay", defaults.weight_decay),
                   .nesterov = spec.boolean("nesterov", false),
                   .maximize = spec.boolean("maximize", false)},
                  name);
}

std::unique_ptr<Optimizer> make_adam_family(const Spec& spec) {
  const std::string& name = spec.name();
  if (name == "adam") {
    spec.check_keys(
        {"lr", "betas", "eps", "weight_decay", "amsgrad", "maximize", "decoupled_weight_decay"});
    const AdamOptions d;
    const Betas b = read_betas(spec, {d.beta1, d.beta2});
    return make_adam({.lr = spec.number("lr", d.lr),
                      .beta1 = b.beta1,
                      .beta2 = b.beta2,
                      .eps = spec.number("eps", d.eps),
                      .weight_decay = spec.number("weight_decay", d.weight_decay),
                      .amsgrad = spec.boolean("amsgrad", false),
                      .maximize = spec.boolean("maximize", false),
                      .decoupled_weight_decay = spec.boolean("decoupled_weight_decay", false)});
  }
  if (name == "adamw") {
    spec.check_keys({"lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"});
    const AdamwOptions d;
    const Betas b = read_betas(spec, {d.beta1, d.beta2});
    return make_adamw({.lr = spec.number("lr", d.lr),
                       .beta1 = b.beta1,
                       .beta2 = b.beta2,
                       .eps = spec.number("eps", d.eps),
                       .weight_decay = spec.number("weight_decay", d.weight_decay),
                       .amsgrad = spec.boolean("amsgrad", false),
                       .maximize = spec.boolean("maximize", false)});
  }
  if (name == "nadam") {
    spec.check_keys({"lr", "betas", "eps", "weight_decay", "momentum_decay",
                     "decoupled_weight_decay", "maximize"});
    const NadamOptions d;
    const Betas b = read_betas(spec, {d.beta1, d.beta2});
    return make_nadam({.lr = spec.number("lr", d.lr),
                       .beta1 = b.beta1,
                       .beta2 = b.beta2,
                       .eps = spec.number("eps", d.eps),
                       .weight_decay = spec.number("weight_decay", d.weight_decay),
                       .momentum_decay = spec.number("momentum_decay", d.momentum_decay),
                       .decoupled_weight_decay = spec.boolean("decoupled_weight_decay", false),
                       .maximize = spec.boolean("maximize", false)});
  }
  if (name == "radam") {
    spec.check_keys(
        {"lr", "betas", "eps", "weight_decay", "decoupled_weight_decay", "maximize"});
    const RadamOptions d;
    const Betas b = read_betas(spec, {d.beta1, d.beta2});
    return make_radam({.lr = spec.number("lr", d.lr),
                       .beta1 = b.beta1,
                       .beta2 = b.beta2,
                       .eps = spec.number("eps", d.eps),
                       .weight_decay = spec.number("weight_decay", d.weight_decay),
                       .decoupled_weight_decay = spec.boolean("decoupled_weight_decay", false),
                       .maximize = spec.boolean("maximize", false)});
  }
  spec.check_keys({"lr", "betas", "eps", "weight_decay", "maximize"});
  const AdamaxOptions d;
  const Betas b = read_betas(spec, {d.beta1, d.beta2});
  return make_adamax({.lr = spec.number("lr", d.lr),
                      .beta1 = b.beta1,
                      .beta2 = b.beta2,
                      .eps = spec.number("eps", d.eps),
                      .weight_decay = spec.number("weight_decay", d.weight_decay),
                      .maximize = spec.boolean("maximize", false)});
}

std::unique_ptr<Optimizer> make_adaptive(const Spec& spec) {
  const std::string& name = spec.name();
  if (name == "adagrad") {
    spec.check_keys(
        {"lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps", "maximize"});
    const AdagradOptions d;
    return make_adagrad(
        {.lr = spec.number("lr", d.lr),
         .lr_decay = spec.number("lr_decay", d.lr_decay),
         .weight_decay = spec.number("weight_decay", d.weight_decay),
         .initial_accumulator_value =
             spec.number("initial_accumulator_value", d.initial_accumulator_value),
         .eps = spec.number("eps", d.eps),
         .maximize = spec.boolean("maximize", false)});
  }
  if (name == "rmsprop") {
    spec.check_keys({"lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize"});
    const RmspropOptions d;
    return make_rmsprop({.lr = spec.number("lr", d.lr),
                         .alpha = spec.number("alpha", d.alpha),
                         .eps = spec.number("eps", d.eps),
                         .weight_decay = spec.number("weight_decay", d.weight_decay),
                         .momentum = spec.number("momentum", d.momentum),
                         .centered = spec.boolean("centered", false),
                         .maximize = spec.boolean("maximize", false)});
  }
  spec.check_keys({"lr", "rho", "eps", "weight_decay", "maximize"});
  const AdadeltaOptions d;
  return make_adadelta({.lr = spec.number("lr", d.lr),
                        .rho = spec.number("rho", d.rho),
                        .eps = spec.number("eps", d.eps),
                        .weight_decay = spec.number("weight_decay", d.weight_decay),
                        .maximize = spec.boolean("maximize", false)});
}

std::unique_ptr<Optimizer> make_lbfgs_from(const Spec& spec) {
  spec.check_keys({"lr", "max_iter", "max_eval", "tolerance_grad", "tolerance_change",
                   "history_size", "line_search_fn", "maximize"});
  const LbfgsOptions d;
  std::string search = spec.word("line_search_fn", d.line_search_fn);
  if (search == "None" || search == "null") search = "none";
  return make_lbfgs({.lr = spec.number("lr", d.lr),
                     .max_iter = spec.integer("max_iter", d.max_iter),
                     .max_eval = spec.integer("max_eval", d.max_eval),
                     .tolerance_grad = spec.number("tolerance_grad", d.tolerance_grad),
                     .tolerance_change = spec.number("tolerance_change", d.tolerance_change),
                     .history_size = spec.integer("history_size", d.history_size),
                     .line_search_fn = search,
                     .maximize = spec.boolean("maximize", false)});
}

}  // namespace

std::vector<std::string> optimizer_names() {
  return {"gd",    "sgd",   "momentum", "adagrad", "rmsprop", "adadelta", "adam",
          "adamw", "nadam", "radam",    "adamax",  "lbfgs",   "newton", "lbfgsb"};
}

std::unique_ptr<Optimizer> make_optimizer(std::string_view text) {
  const Spec spec = Spec::parse(text, "optimizer");
  const std::string& name = spec.name();
  if (name == "sgd" || name == "gd" || name == "momentum") return make_sgd_family(spec);
  if (name == "adam" || name == "adamw" || name == "nadam" || name == "radam" ||
      name == "adamax") {
    return make_adam_family(spec);
  }
  if (name == "adagrad" || name == "rmsprop" || name == "adadelta") return make_adaptive(spec);
  if (name == "lbfgs") return make_lbfgs_from(spec);
  if (name == "lbfgsb") return detail::lbfgsb_from_spec(spec);
  if (name == "newton") {
    spec.check_keys({"lr", "damping", "maximize"});
    return make_newton({.lr = spec.number("lr", 1.0),
                        .damping = spec.number("damping", 0.0),
                        .maximize = spec.boolean("maximize", false)});
  }
  throw_usage("unknown optimizer '{}'; known: {}", name, fmt::join(optimizer_names(), ", "));
}

}  // namespace descent::optim
