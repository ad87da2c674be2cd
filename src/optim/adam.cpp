// The Adam family (torch.optim semantics): Adam (and AMSGrad), AdamW, NAdam, RAdam, Adamax.
// In every rule g is negated first when maximizing; coupled weight decay then adds wd * x to g,
// decoupled weight decay (AdamW, decoupled_weight_decay=true) first shrinks x <- x * (1 - lr*wd).
#include <cmath>
#include <type_traits>

#include "bias_correction.hpp"
#include "descent/optim/first_order.hpp"
#include "elementwise.hpp"
#include "options.hpp"
#include "registry.hpp"

namespace descent::optim {
namespace {

template <typename O>
detail::Option<O> eps_option(double O::*field) {
  return {"eps", field, detail::kNonnegative, "added to the denominator for stability"};
}
template <typename O>
detail::Option<O> decoupled_option(bool O::*field) {
  return {"decoupled_weight_decay", field, "AdamW's decay: x <- x (1 - lr wd) before the step"};
}

// adamw is Adam with decoupled decay: the same struct, without the decoupled_weight_decay key.
const detail::OptionTable<AdamOptions>& adam_table(bool decoupled_only) {
  using O = AdamOptions;
  static const detail::OptionTable<O> adam = {
      detail::lr_option(&O::lr),
      detail::betas_option(&O::beta1, &O::beta2),
      eps_option(&O::eps),
      detail::weight_decay_option(&O::weight_decay),
      {"amsgrad", &O::amsgrad, "keep the maximum of the second moment (AMSGrad)"},
      decoupled_option(&O::decoupled_weight_decay),
      detail::maximize_option(&O::maximize),
  };
  static const detail::OptionTable<O> adamw_rows = [] {
    auto rows = adam;
    rows.erase(rows.begin() + 5);  // decoupled_weight_decay: always true
    return rows;
  }();
  return decoupled_only ? adamw_rows : adam;
}

const detail::OptionTable<NadamOptions>& nadam_table() {
  using O = NadamOptions;
  static const detail::OptionTable<O> table = {
      detail::lr_option(&O::lr),
      detail::betas_option(&O::beta1, &O::beta2),
      eps_option(&O::eps),
      detail::weight_decay_option(&O::weight_decay),
      {"momentum_decay", &O::momentum_decay, detail::kNonnegative, "psi of the momentum schedule"},
      decoupled_option(&O::decoupled_weight_decay),
      detail::maximize_option(&O::maximize),
  };
  return table;
}

const detail::OptionTable<RadamOptions>& radam_table() {
  using O = RadamOptions;
  static const detail::OptionTable<O> table = {
      detail::lr_option(&O::lr),
      detail::betas_option(&O::beta1, &O::beta2),
      eps_option(&O::eps),
      detail::weight_decay_option(&O::weight_decay),
      decoupled_option(&O::decoupled_weight_decay),
      detail::maximize_option(&O::maximize),
  };
  return table;
}

const detail::OptionTable<AdamaxOptions>& adamax_table() {
  using O = AdamaxOptions;
  static const detail::OptionTable<O> table = {
      detail::lr_option(&O::lr),
      detail::betas_option(&O::beta1, &O::beta2),
      eps_option(&O::eps),
      detail::weight_decay_option(&O::weight_decay),
      detail::maximize_option(&O::maximize),
  };
  return table;
}

// Adam:  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//        amsgrad: v_max = max(v_max, v) (uncorrected), used in place of v below
//        x = x - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// (PyTorch's placement of eps: after the bias correction of sqrt(v).)
class Adam final : public detail::Elementwise<Adam> {
 public:
  static constexpr int kSlots = 3;  // exp_avg, exp_avg_sq, max_exp_avg_sq

  Adam(const AdamOptions& o, std::string_view name) : Elementwise(o.lr), options_(o), name_(name) {
    detail::check_options(name_, adam_table(name_ == "adamw"), o);
  }
  std::string name() const override { return name_; }
  std::string spec() const override {
    return detail::spec_of(name_, adam_table(name_ == "adamw"), options_);
  }
  bool maximize() const override { return options_.maximize; }
  std::optional<double> momentum() const override { return options_.beta1; }
  void set_momentum(double beta1) override { options_.beta1 = beta1; }

  template <typename T>
  void update(T* __restrict params, const T* __restrict grad, Index n, std::array<T*, 3> slots) {
    const double step_size = lr_ / bias_correction1_(options_.beta1, step_);
    const double bc2_sqrt = std::sqrt(bias_correction2_(options_.beta2, step_));
    const bool decoupled = options_.decoupled_weight_decay;
    const Constants<T> c{
        .sign = options_.maximize ? T(-1) : T(1),
        .wd = decoupled ? T(0) : static_cast<T>(options_.weight_decay),
        .shrink = static_cast<T>(decoupled ? 1.0 - lr_ * options_.weight_decay : 1.0),
        .b1 = static_cast<T>(options_.beta1),
        .one_minus_b1 = static_cast<T>(1.0 - options_.beta1),
        .b2 = static_cast<T>(options_.beta2),
        .one_minus_b2 = static_cast<T>(1.0 - options_.beta2),
        .bc2 = static_cast<T>(bc2_sqrt),
        .eps = static_cast<T>(options_.eps),
        .neg_step = static_cast<T>(-step_size)};
    // The amsgrad test is hoisted out of the loop (as a template flag) so that the plain Adam
    // loop has no conditional store and vectorizes. Short arrays (minimize's few coordinates)
    // call the kernel directly: through for_chunks' closure it reloads every constant per step.
    // Once 1 - beta2^t is exactly 1 (t past ~38,000 for beta2 = 0.999), sqrt(v) / 1 is sqrt(v)
    // bit for bit: the kernel without that division gives the same numbers, one division
    // shorter on the path from one step's gradient to the next step's point.
    const bool amsgrad = options_.amsgrad;
    const bool corrected = bc2_sqrt != 1.0;
    const auto run = [&](Index begin, Index end) {
      detail::with_flags(amsgrad, corrected, [&](auto ams, auto bc2) {
        kernel<decltype(ams)::value, decltype(bc2)::value>(params, grad, slots, begin, end, c);
      });
    };
    if (n < detail::kParallelMin) {
      run(0, n);
    } else {
      detail::for_chunks(n, run);
    }
  }

 private:
  template <typename T>
  struct Constants {
    T sign, wd, shrink, b1, one_minus_b1, b2, one_minus_b2, bc2, eps, neg_step;
  };

  template <bool kAmsgrad, bool kCorrected, typename T>
  static void kernel(T* __restrict params, const T* __restrict grad, std::array<T*, 3> slots,
                     Index begin, Index end, const Constants<T>& c) {
    T* __restrict exp_avg = slots[0];
    T* __restrict exp_avg_sq = slots[1];
    T* __restrict max_sq = slots[2];
#pragma omp simd
    for (Index i = begin; i < end; ++i) {
      const T x = params[i] * c.shrink;
      const T g = c.sign * grad[i] + c.wd * x;
      const T m = exp_avg[i] * c.b1 + c.one_minus_b1 * g;
      T v = exp_avg_sq[i] * c.b2 + c.one_minus_b2 * g * g;
      exp_avg[i] = m;
      exp_avg_sq[i] = v;
      if constexpr (kAmsgrad) {
        v = std::max(max_sq[i], v);
        max_sq[i] = v;
      }
      if constexpr (kCorrected) {
        params[i] = x + c.neg_step * (m / (std::sqrt(v) / c.bc2 + c.eps));
      } else {
        params[i] = x + c.neg_step * (m / (std::sqrt(v) + c.eps));
      }
    }
  }

  AdamOptions options_;
  std::string name_;
  detail::BiasCorrection bias_correction1_, bias_correction2_;
};

// NAdam (PyTorch >= 2.0):  mu_t = b1 (1 - 0.5 * 0.96^(t psi)),  P_t = mu_1 ... mu_t
//   m, v as Adam;  d = sqrt(v / (1 - b2^t)) + eps
//   x = x - lr (1 - mu_t) / (1 - P_t) * g / d - lr mu_{t+1} / (1 - P_t mu_{t+1}) * m / d
class Nadam final : public detail::Elementwise<Nadam> {
 public:
  static constexpr int kSlots = 2;  // exp_avg, exp_avg_sq; scalar_ is mu_product

  explicit Nadam(const NadamOptions& o) : Elementwise(o.lr), options_(o) {
    detail::check_options("nadam", nadam_table(), o);
  }
  std::string name() const override { return "nadam"; }
  std::string spec() const override { return detail::spec_of("nadam", nadam_table(), options_); }
  bool maximize() const override { return options_.maximize; }
  std::optional<double> momentum() const override { return options_.beta1; }
  void set_momentum(double beta1) override { options_.beta1 = beta1; }

  template <typename T>
  void update(T* __restrict params, const T* __restrict grad, Index n, std::array<T*, 3> slots) {
    const auto t = static_cast<double>(step_);
    const double beta1 = options_.beta1;
    const double bias_correction2 = 1.0 - std::pow(options_.beta2, t);
    const double mu = beta1 * (1.0 - 0.5 * std::pow(0.96, t * options_.momentum_decay));
    const double mu_next = beta1 * (1.0 - 0.5 * std::pow(0.96, (t + 1.0) * options_.momentum_decay));
    scalar_ *= mu;  // mu_product
    const double mu_product_next = scalar_ * mu_next;
    const bool decoupled = options_.decoupled_weight_decay;
    const T sign = options_.maximize ? T(-1) : T(1);
    const T wd = decoupled ? T(0) : static_cast<T>(options_.weight_decay);
    const T shrink = static_cast<T>(decoupled ? 1.0 - lr_ * options_.weight_decay : 1.0);
    const T b1 = static_cast<T>(beta1);
    const T one_minus_b1 = static_cast<T>(1.0 - beta1);
    const T b2 = static_cast<T>(options_.beta2);
    const T one_minus_b2 = static_cast<T>(1.0 - options_.beta2);
    const T bc2 = static_cast<T>(bias_correction2);
    const T eps = static_cast<T>(options_.eps);
    const T grad_coef = static_cast<T>(-lr_ * (1.0 - mu) / (1.0 - scalar_));
    const T avg_coef = static_cast<T>((-lr_ * mu_next) / (1.0 - mu_product_next));
    T* __restrict exp_avg = slots[0];
    T* __restrict exp_avg_sq = slots[1];
    detail::for_chunks(n, [&](Index begin, Index end) {
#pragma omp simd
      for (Index i = begin; i < end; ++i) {
        const T x = params[i] * shrink;
        const T g = sign * grad[i] + wd * x;
        const T m = exp_avg[i] * b1 + one_minus_b1 * g;
        const T v = exp_avg_sq[i] * b2 + one_minus_b2 * g * g;
        exp_avg[i] = m;
        exp_avg_sq[i] = v;
        const T denom = std::sqrt(v / bc2) + eps;
        const T x1 = x + grad_coef * (g / denom);
        params[i] = x1 + avg_coef * (m / denom);
      }
    });
  }

 private:
  NadamOptions options_;
};

// RAdam:  m, v as Adam;  rho_inf = 2 / (1 - b2) - 1;  rho_t = rho_inf - 2 t b2^t / (1 - b2^t)
//   rho_t > 5: r = sqrt((rho_t-4)(rho_t-2) rho_inf / ((rho_inf-4)(rho_inf-2) rho_t))
//              x = x - lr * m / (1 - b1^t) * sqrt(1 - b2^t) / (sqrt(v) + eps) * r
//   else:      x = x - lr * m / (1 - b1^t)
class Radam final : public detail::Elementwise<Radam> {
 public:
  static constexpr int kSlots = 2;  // exp_avg, exp_avg_sq

  explicit Radam(const RadamOptions& o) : Elementwise(o.lr), options_(o) {
    detail::check_options("radam", radam_table(), o);
  }
  std::string name() const override { return "radam"; }
  std::string spec() const override { return detail::spec_of("radam", radam_table(), options_); }
  bool maximize() const override { return options_.maximize; }
  std::optional<double> momentum() const override { return options_.beta1; }
  void set_momentum(double beta1) override { options_.beta1 = beta1; }

  template <typename T>
  void update(T* __restrict params, const T* __restrict grad, Index n, std::array<T*, 3> slots) {
    const auto t = static_cast<double>(step_);
    const double beta2 = options_.beta2;
    const double bias_correction1 = 1.0 - std::pow(options_.beta1, t);
    const double bias_correction2 = 1.0 - std::pow(beta2, t);
    const double rho_inf = 2.0 / (1.0 - beta2) - 1.0;
    const double rho_t = rho_inf - 2.0 * t * std::pow(beta2, t) / bias_correction2;
    const bool rectified = rho_t > 5.0;
    const double rect =
        rectified ? std::sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf /
                              ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
                  : 0.0;
    const bool decoupled = options_.decoupled_weight_decay;
    const T sign = options_.maximize ? T(-1) : T(1);
    const T wd = decoupled ? T(0) : static_cast<T>(options_.weight_decay);
    const T shrink = static_cast<T>(decoupled ? 1.0 - lr_ * options_.weight_decay : 1.0);
    const T b1 = static_cast<T>(options_.beta1);
    const T one_minus_b1 = static_cast<T>(1.0 - options_.beta1);
    const T b2 = static_cast<T>(beta2);
    const T one_minus_b2 = static_cast<T>(1.0 - beta2);
    const T bc1 = static_cast<T>(bias_correction1);
    const T bc2_sqrt = static_cast<T>(std::sqrt(bias_correction2));
    const T lr = static_cast<T>(lr_);
    const T r = static_cast<T>(rect);
    const T eps = static_cast<T>(options_.eps);
    T* const exp_avg_ptr = slots[0];
    T* const exp_avg_sq_ptr = slots[1];
    detail::with_flags(rectified, false, [&](auto rectify, auto) {
      detail::for_chunks(n, [&](Index begin, Index end) {
        T* __restrict p = params;
        const T* __restrict gr = grad;
        T* __restrict exp_avg = exp_avg_ptr;
        T* __restrict exp_avg_sq = exp_avg_sq_ptr;
#pragma omp simd
        for (Index i = begin; i < end; ++i) {
          const T x = p[i] * shrink;
          const T g = sign * gr[i] + wd * x;
          const T m = exp_avg[i] * b1 + one_minus_b1 * g;
          const T v = exp_avg_sq[i] * b2 + one_minus_b2 * g * g;
          exp_avg[i] = m;
          exp_avg_sq[i] = v;
          const T m_hat = m / bc1;
          if constexpr (decltype(rectify)::value) {
            p[i] = x - m_hat * lr * (bc2_sqrt / (std::sqrt(v) + eps)) * r;
          } else {
            p[i] = x - m_hat * lr;
          }
        }
      });
    });
  }

 private:
  RadamOptions options_;
};

// Adamax:  m = b1 m + (1 - b1) g;  u = max(b2 u, |g| + eps);  x = x - lr / (1 - b1^t) * m / u
class Adamax final : public detail::Elementwise<Adamax> {
 public:
  static constexpr int kSlots = 2;  // exp_avg, exp_inf

  explicit Adamax(const AdamaxOptions& o) : Elementwise(o.lr), options_(o) {
    detail::check_options("adamax", adamax_table(), o);
  }
  std::string name() const override { return "adamax"; }
  std::string spec() const override { return detail::spec_of("adamax", adamax_table(), options_); }
  bool maximize() const override { return options_.maximize; }
  std::optional<double> momentum() const override { return options_.beta1; }
  void set_momentum(double beta1) override { options_.beta1 = beta1; }

  template <typename T>
  void update(T* __restrict params, const T* __restrict grad, Index n, std::array<T*, 3> slots) {
    const double clr = lr_ / bias_correction1_(options_.beta1, step_);
    const T sign = options_.maximize ? T(-1) : T(1);
    const T wd = static_cast<T>(options_.weight_decay);
    const T b1 = static_cast<T>(options_.beta1);
    const T one_minus_b1 = static_cast<T>(1.0 - options_.beta1);
    const T b2 = static_cast<T>(options_.beta2);
    const T eps = static_cast<T>(options_.eps);
    const T neg_clr = static_cast<T>(-clr);
    T* __restrict exp_avg = slots[0];
    T* __restrict exp_inf = slots[1];
    detail::for_chunks(n, [&](Index begin, Index end) {
#pragma omp simd
      for (Index i = begin; i < end; ++i) {
        const T g = sign * grad[i] + wd * params[i];
        const T m = exp_avg[i] * b1 + one_minus_b1 * g;
        const T u = std::max(exp_inf[i] * b2, std::abs(g) + eps);
        exp_avg[i] = m;
        exp_inf[i] = u;
        params[i] = params[i] + neg_clr * (m / u);
      }
    });
  }

 private:
  AdamaxOptions options_;
  detail::BiasCorrection bias_correction1_;
};

}  // namespace

std::unique_ptr<Optimizer> make_adam(const AdamOptions& options) {
  return std::make_unique<Adam>(options, "adam");
}
std::unique_ptr<Optimizer> make_adamw(const AdamwOptions& o) {
  return std::make_unique<Adam>(AdamOptions{.lr = o.lr,
                                            .beta1 = o.beta1,
                                            .beta2 = o.beta2,
                                            .eps = o.eps,
                                            .weight_decay = o.weight_decay,
                                            .amsgrad = o.amsgrad,
                                            .maximize = o.maximize,
                                            .decoupled_weight_decay = true},
                                "adamw");
}
std::unique_ptr<Optimizer> make_nadam(const NadamOptions& options) {
  return std::make_unique<Nadam>(options);
}
std::unique_ptr<Optimizer> make_radam(const RadamOptions& options) {
  return std::make_unique<Radam>(options);
}
std::unique_ptr<Optimizer> make_adamax(const AdamaxOptions& options) {
  return std::make_unique<Adamax>(options);
}

namespace detail {

RuleEntry adam_rule() {
  return {"adam", "torch.optim.Adam (amsgrad, decoupled decay optional)",
          [](const Spec& spec) { return make_adam(read_options(spec, adam_table(false), {})); },
          [] { return describe_options(adam_table(false), {}); }};
}
RuleEntry adamw_rule() {
  static constexpr AdamOptions kAdamw{.weight_decay = 1e-2, .decoupled_weight_decay = true};
  return {"adamw", "torch.optim.AdamW: Adam with decoupled weight decay (default 1e-2)",
          [](const Spec& spec) -> std::unique_ptr<Optimizer> {
            return std::make_unique<Adam>(read_options(spec, adam_table(true), kAdamw), "adamw");
          },
          [] { return describe_options(adam_table(true), kAdamw); }};
}
RuleEntry nadam_rule() {
  return {"nadam", "torch.optim.NAdam (Nesterov momentum in Adam; PyTorch >= 2.0 form)",
          [](const Spec& spec) { return make_nadam(read_options(spec, nadam_table(), {})); },
          [] { return describe_options(nadam_table(), {}); }};
}
RuleEntry radam_rule() {
  return {"radam", "torch.optim.RAdam (rectified Adam)",
          [](const Spec& spec) { return make_radam(read_options(spec, radam_table(), {})); },
          [] { return describe_options(radam_table(), {}); }};
}
RuleEntry adamax_rule() {
  return {"adamax", "torch.optim.Adamax (infinity norm)",
          [](const Spec& spec) { return make_adamax(read_options(spec, adamax_table(), {})); },
          [] { return describe_options(adamax_table(), {}); }};
}

}  // namespace detail

}  // namespace descent::optim
