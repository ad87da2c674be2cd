// SGD with momentum, dampening, Nesterov and weight decay (torch.optim.SGD); also `gd` and
// `momentum`, the course's names for the same rule.
#include "descent/optim/first_order.hpp"
#include "elementwise.hpp"
#include "options.hpp"
#include "registry.hpp"

namespace descent::optim {
namespace {

const detail::OptionTable<SgdOptions>& sgd_table() {
  static const detail::OptionTable<SgdOptions> table = {
      detail::lr_option(&SgdOptions::lr),
      {"momentum", &SgdOptions::momentum, detail::kNonnegative, "momentum factor (heavy ball)"},
      // torch does not check dampening; past [0, 1] the buffer adds a negative share of g.
      {"dampening", &SgdOptions::dampening, detail::kUnit, "dampening of the momentum buffer"},
      detail::weight_decay_option(&SgdOptions::weight_decay),
      {"nesterov", &SgdOptions::nesterov, "Nesterov momentum (needs momentum > 0, dampening = 0)"},
      detail::maximize_option(&SgdOptions::maximize),
  };
  return table;
}

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
    detail::check_options(name_, sgd_table(), options);
    if (options.nesterov && (options.momentum <= 0.0 || options.dampening != 0.0)) {
      throw_usage("{}: nesterov = true needs momentum > 0 and dampening = 0 (got momentum = {}, "
                  "dampening = {})",
                  name_, options.momentum, options.dampening);
    }
  }

  std::string name() const override { return name_; }
  std::string spec() const override { return detail::spec_of(name_, sgd_table(), options_); }
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

constexpr SgdOptions kMomentumDefaults{.momentum = 0.9};

// gd(line_search=armijo) is another rule (newton.cpp); plain gd accepts line_search=none.
std::unique_ptr<Optimizer> make_gd(const Spec& spec) {
  const std::string search = spec.word("line_search", "none");
  if (search == "armijo") return detail::armijo_from_spec(spec);
  if (search != "none") throw_usage("gd: line_search = {}; must be none or armijo", search);
  Spec rest{spec.name()};
  for (const auto& [key, value] : spec.args()) {
    if (key != "line_search") rest.set(key, value);
  }
  return make_sgd(detail::read_options(rest, sgd_table(), {}), "gd");
}

std::vector<OptionInfo> gd_options() {
  auto rows = detail::describe_options(sgd_table(), {});
  rows.push_back({"line_search", "none", "none or armijo",
                  "armijo: backtracking line search (the keys below; momentum etc. do not apply)"});
  for (auto& row : detail::armijo_options()) {
    if (row.key != "lr" && row.key != "maximize" && row.key != "line_search") rows.push_back(row);
  }
  return rows;
}

}  // namespace

std::unique_ptr<Optimizer> make_sgd(const SgdOptions& options, std::string_view name) {
  return std::make_unique<Sgd>(options, name);
}

namespace detail {

RuleEntry gd_rule() {
  return {
      "gd",
      "gradient descent (the course's rule; sgd with momentum 0), or with an Armijo line search",
      make_gd, gd_options};
}
RuleEntry sgd_rule() {
  return {"sgd", "torch.optim.SGD: momentum, dampening, Nesterov, weight decay",
          [](const Spec& spec) { return make_sgd(read_options(spec, sgd_table(), {}), "sgd"); },
          [] { return describe_options(sgd_table(), {}); }};
}
RuleEntry momentum_rule() {
  return {"momentum", "sgd with momentum 0.9 by default (heavy ball)",
          [](const Spec& spec) {
            return make_sgd(read_options(spec, sgd_table(), kMomentumDefaults), "momentum");
          },
          [] { return describe_options(sgd_table(), kMomentumDefaults); }};
}

}  // namespace detail

}  // namespace descent::optim
