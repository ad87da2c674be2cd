// SGD with momentum, dampening, Nesterov and weight decay (torch.optim.SGD); also `gd` and
// `momentum`, the course's names for the same rule.
#include "elementwise.hpp"
#include "descent/optim/first_order.hpp"

namespace descent::optim {
namespace {

// torch.optim.SGD, per element (g negated first when maximizing):
//   d = g + wd * x
//   if mu != 0:  b = (t == 1) ? d : mu * b + (1 - dampening) * d
//                d = nesterov ? d + mu * b : b
//   x = x - lr * d
class Sgd final : public detail::Elementwise<Sgd> {
 public:
  static constexpr int kSlots = 1;  // momentum_buffer

  Sgd(const SgdOptions& options, std::string_view name)
      : Elementwise(options.lr), options_(options), name_(name) {
    detail::check_nonnegative(name_, "lr", options.lr);
    detail::check_nonnegative(name_, "momentum", options.momentum);
    // torch does not check dampening; past [0, 1] the buffer adds a negative share of g (ascent).
    if (!(options.dampening >= 0.0 && options.dampening <= 1.0)) {
      throw_usage("{}: dampening = {}; must lie in [0, 1]", name_, options.dampening);
    }
    detail::check_nonnegative(name_, "weight_decay", options.weight_decay);
    if (options.nesterov && (options.momentum <= 0.0 || options.dampening != 0.0)) {
      throw_usage("{}: nesterov = true needs momentum > 0 and dampening = 0 (got momentum = {}, "
                  "dampening = {})",
                  name_, options.momentum, options.dampening);
    }
  }

  std::string name() const override { return name_; }
  std::string spec() const override {
    return detail::spec_text(name_, {{"lr", spec_number(options_.lr)},
                                     {"momentum", spec_number(options_.momentum)},
                                     {"dampening", spec_number(options_.dampening)},
                                     {"weight_decay", spec_number(options_.weight_decay)},
                                     {"nesterov", spec_bool(options_.nesterov)},
                                     {"maximize", spec_bool(options_.maximize)}});
  }
  bool maximize() const override { return options_.maximize; }
  std::optional<double> momentum() const override { return options_.momentum; }
  void set_momentum(double momentum) override { options_.momentum = momentum; }

  template <typename T>
  void update(T* __restrict params, const T* __restrict grad, Index n, std::array<T*, 3> slots) {
    const T sign = options_.maximize ? T(-1) : T(1);
    const T wd = static_cast<T>(options_.weight_decay);
    const T mu = static_cast<T>(options_.momentum);
    const T keep = static_cast<T>(1.0 - options_.dampening);
    const T neg_lr = static_cast<T>(-lr_);
    T* const buf_ptr = slots[0];
    // PyTorch's buffer starts as a copy of d at step 1: with the buffer zeroed, 0 * 0 + 1 * d.
    const T mu_now = step_ == 1 ? T(0) : mu;
    const T keep_now = step_ == 1 ? T(1) : keep;
    detail::with_flags(options_.momentum != 0.0, options_.nesterov, [&](auto momentum, auto nesterov) {
      detail::for_chunks(n, [&](Index begin, Index end) {
        T* __restrict p = params;
        const T* __restrict gr = grad;
        T* __restrict buf = buf_ptr;
#pragma omp simd
        for (Index i = begin; i < end; ++i) {
          T d = sign * gr[i] + wd * p[i];
          if constexpr (decltype(momentum)::value) {
            const T b = buf[i] * mu_now + keep_now * d;
            buf[i] = b;
            if constexpr (decltype(nesterov)::value) {
              d = d + mu * b;
            } else {
              d = b;
            }
          }
          p[i] = p[i] + neg_lr * d;
        }
      });
    });
  }

 private:
  SgdOptions options_;
  std::string name_;
};

}  // namespace

std::unique_ptr<Optimizer> make_sgd(const SgdOptions& options, std::string_view name) {
  return std::make_unique<Sgd>(options, name);
}

}  // namespace descent::optim
