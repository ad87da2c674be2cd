// Adagrad, RMSprop and Adadelta: per-element step sizes from running sums of squared gradients
// (torch.optim semantics). In every rule g is negated first when maximizing, then
// g = g + weight_decay * x.
#include <cmath>

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

const detail::OptionTable<AdagradOptions>& adagrad_table() {
  using O = AdagradOptions;
  static const detail::OptionTable<O> table = {
      detail::lr_option(&O::lr),
      {"lr_decay", &O::lr_decay, detail::kNonnegative, "lr_t = lr / (1 + (t - 1) lr_decay)"},
      detail::weight_decay_option(&O::weight_decay),
      {"initial_accumulator_value", &O::initial_accumulator_value, detail::kNonnegative,
       "the sum of squares starts here"},
      eps_option(&O::eps),
      detail::maximize_option(&O::maximize),
  };
  return table;
}

const detail::OptionTable<RmspropOptions>& rmsprop_table() {
  using O = RmspropOptions;
  static const detail::OptionTable<O> table = {
      detail::lr_option(&O::lr),
      // torch checks alpha >= 0 only; past 1 the average weighs g^2 negatively and goes below 0.
      {"alpha", &O::alpha, detail::kUnit, "decay rate of the average of g^2"},
      eps_option(&O::eps),
      detail::weight_decay_option(&O::weight_decay),
      {"momentum", &O::momentum, detail::kNonnegative, "momentum factor"},
      {"centered", &O::centered, "divide by the variance estimate instead of the mean square"},
      detail::maximize_option(&O::maximize),
  };
  return table;
}

const detail::OptionTable<AdadeltaOptions>& adadelta_table() {
  using O = AdadeltaOptions;
  static const detail::OptionTable<O> table = {
      detail::lr_option(&O::lr),
      {"rho", &O::rho, detail::kUnit, "decay rate of the averages"},
      eps_option(&O::eps),
      detail::weight_decay_option(&O::weight_decay),
      detail::maximize_option(&O::maximize),
  };
  return table;
}

// Adagrad:  lr_t = lr / (1 + (t - 1) * lr_decay)
//           s = s + g^2            (s starts at initial_accumulator_value)
//           x = x - lr_t * g / (sqrt(s) + eps)
class Adagrad final : public detail::Elementwise<Adagrad> {
 public:
  static constexpr int kSlots = 1;  // sum

  explicit Adagrad(const AdagradOptions& o) : Elementwise(o.lr), options_(o) {
    detail::check_options("adagrad", adagrad_table(), o);
  }
  std::string name() const override { return "adagrad"; }
  std::string spec() const override {
    return detail::spec_of("adagrad", adagrad_table(), options_);
  }
  bool maximize() const override { return options_.maximize; }

  template <typename T>
  void update(T* __restrict params, const T* __restrict grad, Index n, std::array<T*, 3> slots) {
    const T sign = options_.maximize ? T(-1) : T(1);
    const T wd = static_cast<T>(options_.weight_decay);
    const T eps = static_cast<T>(options_.eps);
    const T init = static_cast<T>(options_.initial_accumulator_value);
    const double clr = lr_ / (1.0 + static_cast<double>(step_ - 1) * options_.lr_decay);
    const T neg_clr = static_cast<T>(-clr);
    const bool first = step_ == 1;
    T* __restrict sum = slots[0];
    detail::for_chunks(n, [&](Index begin, Index end) {
#pragma omp simd
      for (Index i = begin; i < end; ++i) {
        const T g = sign * grad[i] + wd * params[i];
        const T s = (first ? init : sum[i]) + g * g;
        sum[i] = s;
        params[i] = params[i] + neg_clr * (g / (std::sqrt(s) + eps));
      }
    });
  }

 private:
  AdagradOptions options_;
};

// RMSprop:  v = alpha * v + (1 - alpha) * g^2
//           centered: a = alpha * a + (1 - alpha) * g;  v~ = v - a^2   (else v~ = v)
//           momentum > 0: b = mu * b + g / (sqrt(v~) + eps);  x = x - lr * b
//           else:         x = x - lr * g / (sqrt(v~) + eps)
class Rmsprop final : public detail::Elementwise<Rmsprop> {
 public:
  static constexpr int kSlots = 3;  // square_avg, momentum_buffer, grad_avg

  explicit Rmsprop(const RmspropOptions& o) : Elementwise(o.lr), options_(o) {
    detail::check_options("rmsprop", rmsprop_table(), o);
  }
  std::string name() const override { return "rmsprop"; }
  std::string spec() const override {
    return detail::spec_of("rmsprop", rmsprop_table(), options_);
  }
  bool maximize() const override { return options_.maximize; }
  std::optional<double> momentum() const override { return options_.momentum; }
  void set_momentum(double momentum) override { options_.momentum = momentum; }

  template <typename T>
  void update(T* __restrict params, const T* __restrict grad, Index n, std::array<T*, 3> slots) {
    const T sign = options_.maximize ? T(-1) : T(1);
    const T wd = static_cast<T>(options_.weight_decay);
    const T alpha = static_cast<T>(options_.alpha);
    const T one_minus_alpha = static_cast<T>(1.0 - options_.alpha);
    const T eps = static_cast<T>(options_.eps);
    const T mu = static_cast<T>(options_.momentum);
    const T neg_lr = static_cast<T>(-lr_);
    T* const sq_ptr = slots[0];
    T* const buf_ptr = slots[1];
    T* const avg_grad_ptr = slots[2];
    detail::with_flags(options_.centered, options_.momentum > 0.0,
                       [&](auto centered, auto use_momentum) {
      detail::for_chunks(n, [&](Index begin, Index end) {
        T* __restrict p = params;
        const T* __restrict gr = grad;
        T* __restrict sq = sq_ptr;
        T* __restrict buf = buf_ptr;
        T* __restrict avg_grad = avg_grad_ptr;
#pragma omp simd
        for (Index i = begin; i < end; ++i) {
          const T g = sign * gr[i] + wd * p[i];
          const T v = sq[i] * alpha + one_minus_alpha * g * g;
          sq[i] = v;
          T avg;
          if constexpr (decltype(centered)::value) {
            const T a = avg_grad[i] * alpha + one_minus_alpha * g;
            avg_grad[i] = a;
            avg = std::sqrt(v - a * a) + eps;
          } else {
            avg = std::sqrt(v) + eps;
          }
          if constexpr (decltype(use_momentum)::value) {
            const T b = buf[i] * mu + g / avg;
            buf[i] = b;
            p[i] = p[i] + neg_lr * b;
          } else {
            p[i] = p[i] + neg_lr * (g / avg);
          }
        }
      });
    });
  }

 private:
  RmspropOptions options_;
};

// Adadelta:  v = rho * v + (1 - rho) * g^2
//            dx = sqrt(u + eps) / sqrt(v + eps) * g
//            u = rho * u + (1 - rho) * dx^2
//            x = x - lr * dx
class Adadelta final : public detail::Elementwise<Adadelta> {
 public:
  static constexpr int kSlots = 2;  // square_avg, acc_delta

  explicit Adadelta(const AdadeltaOptions& o) : Elementwise(o.lr), options_(o) {
    detail::check_options("adadelta", adadelta_table(), o);
  }
  std::string name() const override { return "adadelta"; }
  std::string spec() const override {
    return detail::spec_of("adadelta", adadelta_table(), options_);
  }
  bool maximize() const override { return options_.maximize; }

  template <typename T>
  void update(T* __restrict params, const T* __restrict grad, Index n, std::array<T*, 3> slots) {
    const T sign = options_.maximize ? T(-1) : T(1);
    const T wd = static_cast<T>(options_.weight_decay);
    const T rho = static_cast<T>(options_.rho);
    const T one_minus_rho = static_cast<T>(1.0 - options_.rho);
    const T eps = static_cast<T>(options_.eps);
    const T neg_lr = static_cast<T>(-lr_);
    T* __restrict sq = slots[0];
    T* __restrict acc = slots[1];
    detail::for_chunks(n, [&](Index begin, Index end) {
#pragma omp simd
      for (Index i = begin; i < end; ++i) {
        const T g = sign * grad[i] + wd * params[i];
        const T v = sq[i] * rho + one_minus_rho * g * g;
        sq[i] = v;
        const T delta = std::sqrt(acc[i] + eps) / std::sqrt(v + eps) * g;
        acc[i] = acc[i] * rho + one_minus_rho * delta * delta;
        params[i] = params[i] + neg_lr * delta;
      }
    });
  }

 private:
  AdadeltaOptions options_;
};

}  // namespace

std::unique_ptr<Optimizer> make_adagrad(const AdagradOptions& options) {
  return std::make_unique<Adagrad>(options);
}
std::unique_ptr<Optimizer> make_rmsprop(const RmspropOptions& options) {
  return std::make_unique<Rmsprop>(options);
}
std::unique_ptr<Optimizer> make_adadelta(const AdadeltaOptions& options) {
  return std::make_unique<Adadelta>(options);
}

namespace detail {

RuleEntry adagrad_rule() {
  return {"adagrad", "torch.optim.Adagrad: per-element steps from the sum of squared gradients",
          [](const Spec& spec) { return make_adagrad(read_options(spec, adagrad_table(), {})); },
          [] { return describe_options(adagrad_table(), {}); }};
}
RuleEntry rmsprop_rule() {
  return {"rmsprop", "torch.optim.RMSprop: steps scaled by a running mean square",
          [](const Spec& spec) { return make_rmsprop(read_options(spec, rmsprop_table(), {})); },
          [] { return describe_options(rmsprop_table(), {}); }};
}
RuleEntry adadelta_rule() {
  return {"adadelta", "torch.optim.Adadelta: unit-corrected running averages",
          [](const Spec& spec) { return make_adadelta(read_options(spec, adadelta_table(), {})); },
          [] { return describe_options(adadelta_table(), {}); }};
}

}  // namespace detail

}  // namespace descent::optim
