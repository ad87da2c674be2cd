// The element-wise first-order rules of torch.optim (1.13+ semantics, float64 or float32): options
// structs with PyTorch's defaults, checked once by the make_* functions. The update formulas are
// documented above each kernel in src/optim/. Example: auto opt = make_adam({.lr = 1e-2});
#pragma once

#include <memory>

#include "descent/optim/optimizer.hpp"

namespace descent::optim {

// torch.optim.SGD. nesterov needs momentum > 0 and dampening = 0. The buffer starts as the first
// gradient (dampening is not applied at step 1), as in PyTorch.
struct SgdOptions {
  double lr = 1e-3;
  double momentum = 0.0;  // [0, inf)
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
  bool maximize = false;
};

// torch.optim.Adagrad.
struct AdagradOptions {
  double lr = 1e-2;
  double lr_decay = 0.0;
  double weight_decay = 0.0;
  double initial_accumulator_value = 0.0;
  double eps = 1e-10;
  bool maximize = false;
};

// torch.optim.RMSprop (eps added after the square root).
struct RmspropOptions {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum = 0.0;
  bool centered = false;
  bool maximize = false;
};

// torch.optim.Adadelta.
struct AdadeltaOptions {
  double lr = 1.0;
  double rho = 0.9;
  double eps = 1e-6;
  double weight_decay = 0.0;
  bool maximize = false;
};

// torch.optim.Adam; decoupled_weight_decay = true is AdamW's decay (x <- x - lr*wd*x first).
// amsgrad keeps the max of the uncorrected second moment (current PyTorch).
struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;   // spec key betas=[beta1, beta2], each in [0, 1)
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool amsgrad = false;
  bool maximize = false;
  bool decoupled_weight_decay = false;
};

// torch.optim.AdamW: Adam with decoupled weight decay, default 1e-2.
struct AdamwOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 1e-2;
  bool amsgrad = false;
  bool maximize = false;
};

// torch.optim.NAdam, the corrected form of PyTorch >= 2.0 (mu_product_next = mu_product * mu_next;
// torch 1.13 multiplied mu in twice).
struct NadamOptions {
  double lr = 2e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum_decay = 4e-3;
  bool decoupled_weight_decay = false;
  bool maximize = false;
};

// torch.optim.RAdam (eps added to sqrt of the uncorrected v_t).
struct RadamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool decoupled_weight_decay = false;
  bool maximize = false;
};

// torch.optim.Adamax (eps inside the max).
struct AdamaxOptions {
  double lr = 2e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool maximize = false;
};

// Each throws descent::Error (bad_usage) naming the key and its valid range.
// make_sgd's `name` is what spec() prints: "sgd", "gd" or "momentum".
std::unique_ptr<Optimizer> make_sgd(const SgdOptions& options, std::string_view name = "sgd");
std::unique_ptr<Optimizer> make_adagrad(const AdagradOptions& options);
std::unique_ptr<Optimizer> make_rmsprop(const RmspropOptions& options);
std::unique_ptr<Optimizer> make_adadelta(const AdadeltaOptions& options);
std::unique_ptr<Optimizer> make_adam(const AdamOptions& options);
std::unique_ptr<Optimizer> make_adamw(const AdamwOptions& options);
std::unique_ptr<Optimizer> make_nadam(const NadamOptions& options);
std::unique_ptr<Optimizer> make_radam(const RadamOptions& options);
std::unique_ptr<Optimizer> make_adamax(const AdamaxOptions& options);

}  // namespace descent::optim
