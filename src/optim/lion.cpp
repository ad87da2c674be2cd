// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2), as the
// authors' and lucidrains/lion-pytorch's code write it, per element (g negated first when
// maximizing):
//   x = x * (1 - lr * weight_decay)              (decoupled decay)
//   x = x - lr * sign(b1 * m + (1 - b1) * g)     (sign(0) = 0)
//   m = b2 * m + (1 - b2) * g
// Every step moves each coordinate by exactly lr (or 0): use an lr 3-10x smaller than AdamW's.
#include "elementwise.hpp"
#include "options.hpp"
#include "registry.hpp"

namespace descent::optim {
namespace {

struct LionOptions {
  double lr = 1e-4;
  double beta1 = 0.9;
  double beta2 = 0.99;
  double weight_decay = 0.0;
  bool maximize = false;
};

const detail::OptionTable<LionOptions>& lion_table() {
  using O = LionOptions;
  static const detail::OptionTable<O> table = {
      detail::lr_option(&O::lr),
      {"betas", detail::PairField<O>{&O::beta1, &O::beta2}, detail::kUnitOpen,
       "[beta1, beta2]: beta1 mixes the sign's input, beta2 decays the momentum"},
      {"weight_decay", &O::weight_decay, detail::kNonnegative, "decoupled: x <- x (1 - lr wd)"},
      detail::maximize_option(&O::maximize),
  };
  return table;
}

class Lion final : public detail::Elementwise<Lion> {
 public:
  static constexpr int kSlots = 1;  // exp_avg

  explicit Lion(const LionOptions& o) : Elementwise(o.lr), options_(o) {
    detail::check_options("lion", lion_table(), o);
  }
  std::string name() const override { return "lion"; }
  std::string spec() const override { return detail::spec_of("lion", lion_table(), options_); }
  bool maximize() const override { return options_.maximize; }
  std::optional<double> momentum() const override { return options_.beta1; }
  void set_momentum(double beta1) override { options_.beta1 = beta1; }

  template <typename T>
  void update(T* __restrict params, const T* __restrict grad, Index n, std::array<T*, 3> slots) {
    const T sign = options_.maximize ? T(-1) : T(1);
    const T shrink = static_cast<T>(1.0 - lr_ * options_.weight_decay);
    const T b1 = static_cast<T>(options_.beta1);
    const T one_minus_b1 = static_cast<T>(1.0 - options_.beta1);
    const T b2 = static_cast<T>(options_.beta2);
    const T one_minus_b2 = static_cast<T>(1.0 - options_.beta2);
    const T neg_lr = static_cast<T>(-lr_);
    T* __restrict exp_avg = slots[0];
    detail::for_chunks(n, [&](Index begin, Index end) {
#pragma omp simd
      for (Index i = begin; i < end; ++i) {
        const T g = sign * grad[i];
        const T c = exp_avg[i] * b1 + one_minus_b1 * g;
        const T s = static_cast<T>((c > T(0)) - (c < T(0)));
        params[i] = params[i] * shrink + neg_lr * s;
        exp_avg[i] = exp_avg[i] * b2 + one_minus_b2 * g;
      }
    });
  }

 private:
  LionOptions options_;
};

}  // namespace

namespace detail {

RuleEntry lion_rule() {
  return {"lion",
          "Lion (Chen et al. 2023): the sign of an interpolated momentum; lr ~ AdamW's / 3-10",
          [](const Spec& spec) -> std::unique_ptr<Optimizer> {
            return std::make_unique<Lion>(read_options(spec, lion_table(), {}));
          },
          [] { return describe_options(lion_table(), {}); }};
}

}  // namespace detail
}  // namespace descent::optim
