// Schedule-free AdamW and SGD (Defazio et al. 2024, "The Road Less Scheduled"), as the authors'
// facebookresearch/schedule_free code (adamw_schedulefree.py, sgd_schedulefree.py, the
// per-parameter branch) writes them. Gradients are taken at y; z takes the base steps; x, the
// weighted average of the z's, is the point to report. Per step k = 0, 1, ...:
//   lr_k = lr * min(1, (k + 1) / warmup_steps);  lr_max = max(lr_max, lr_k)
//   w = (k + 1)^r * lr_max^weight_lr_power;  W += w;  c = w / W  (0 when W = 0)
//   AdamW: v = b2 v + (1 - b2) g^2;  u = g / (sqrt(v / (1 - b2^(k+1))) + eps) + wd * y
//   SGD:   u = g + wd * y                                   (b1 is SGD's momentum)
//   y = lerp(y, z, c) + lr_k (b1 (1 - c) - 1) u;  z = z - lr_k u
// lerp(a, b, w) is torch's: a + w (b - a) for |w| < 0.5, else b - (b - a)(1 - w).
// to_eval writes x = lerp(y, z, 1 - 1/b1) into params (the authors' optimizer.eval()) and keeps y;
// to_train puts that y back bit for bit (the authors recompute it from x and z instead).
#include <cmath>

#include "elementwise.hpp"
#include "options.hpp"
#include "registry.hpp"

namespace descent::optim {
namespace {

template <typename T>
T lerp(T a, T b, T w) {
  return std::abs(w) < T(0.5) ? a + w * (b - a) : b - (b - a) * (T(1) - w);
}

// Per-run scalars beyond the step count: the weight sum, the largest lr so far, the mode.
struct AveragingState {
  double weight_sum = 0.0;
  double lr_max = -1.0;
  bool eval = false;

  void save(detail::ByteWriter& out) const {
    out.f64(weight_sum);
    out.f64(lr_max);
    out.i64(eval ? 1 : 0);
  }
  static AveragingState load(detail::ByteReader& in) {
    AveragingState s{in.f64(), in.f64(), false};
    const std::int64_t eval = in.i64();
    if (eval > 1 || !std::isfinite(s.weight_sum) || !std::isfinite(s.lr_max)) in.fail();
    s.eval = eval == 1;
    return s;
  }
};

struct Averaging {
  double lr = 0.0;    // lr_k, after warm-up
  double ckp1 = 0.0;  // c, the weight of z in y's lerp
};

// The state, schedule and train/eval swap both rules share. Slot 0 holds z, slot kYSlot the y
// kept while params hold x.
template <typename Rule, int kYSlot>
class ScheduleFree : public detail::Elementwise<Rule> {
 public:
  AveragingState extra_;

  std::optional<double> momentum() const override { return std::nullopt; }
  bool supports_bounds() const override { return false; }
  void to_eval(std::span<double> params) override { swap(params, true); }
  void to_eval(std::span<float> params) override { swap(params, true); }
  void to_train(std::span<double> params) override { swap(params, false); }
  void to_train(std::span<float> params) override { swap(params, false); }

 protected:
  ScheduleFree(double lr, double beta1, std::int64_t warmup, double r, double power)
      : detail::Elementwise<Rule>(lr), beta1_(beta1), warmup_(warmup), r_(r), power_(power) {}

  // Called by update(): refuses a step in eval mode, advances the weights (k = step_ - 1).
  Averaging advance() {
    if (extra_.eval) {
      throw_usage("{}: step() with the params at x (eval mode); call to_train(params) first",
                  this->name());
    }
    const auto k1 = static_cast<double>(this->step_);
    const double sched = this->step_ - 1 < warmup_ ? k1 / static_cast<double>(warmup_) : 1.0;
    const double lr = this->lr_ * sched;
    extra_.lr_max = std::max(lr, extra_.lr_max);
    const double weight = std::pow(k1, r_) * std::pow(extra_.lr_max, power_);
    extra_.weight_sum += weight;
    return {lr, extra_.weight_sum != 0.0 ? weight / extra_.weight_sum : 0.0};
  }
  // z starts as a copy of y (the authors' torch.clone(p) at the first step).
  template <typename T>
  static void start_z(const T* params, T* z, Index n, std::int64_t step) {
    if (step == 1) std::copy(params, params + n, z);
  }

  double beta1_;

 private:
  template <typename T>
  void swap(std::span<T> params, bool to_eval) {
    if (!this->sized_for(params) || extra_.eval == to_eval) return;
    auto& slots = this->template slots_of<T>();
    T* y = slots[kYSlot].data();
    const T* z = slots[0].data();
    const auto n = static_cast<Index>(params.size());
    if (to_eval) {
      const T w = static_cast<T>(1.0 - 1.0 / beta1_);
      for (Index i = 0; i < n; ++i) {
        y[i] = params[i];
        params[i] = lerp(params[i], z[i], w);
      }
    } else {
      std::copy(y, y + n, params.data());
    }
    extra_.eval = to_eval;
  }

  std::int64_t warmup_;
  double r_;
  double power_;
};

struct AdamwSfOptions {
  double lr = 0.0025;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  std::int64_t warmup_steps = 0;
  double r = 0.0;
  double weight_lr_power = 2.0;
  bool maximize = false;
};

template <typename O>
void add_averaging_rows(detail::OptionTable<O>& rows) {
  rows.push_back({"warmup_steps", &O::warmup_steps, detail::at_least(0),
                  "linear lr warm-up over this many steps"});
  rows.push_back({"r", &O::r, detail::kNonnegative, "average weight grows as (k + 1)^r"});
  rows.push_back({"weight_lr_power", &O::weight_lr_power, detail::kNonnegative,
                  "average weight grows as lr_max^weight_lr_power"});
  rows.push_back(detail::maximize_option(&O::maximize));
}

const detail::OptionTable<AdamwSfOptions>& adamw_sf_table() {
  using O = AdamwSfOptions;
  static const detail::OptionTable<O> table = [] {
    detail::OptionTable<O> rows = {
        detail::lr_option(&O::lr),
        // beta1 = 0 would divide by zero in the eval point (1 - 1/beta1).
        {"betas", detail::PairField<O>{&O::beta1, &O::beta2}, detail::kOpenUnit,
         "[beta1, beta2]: beta1 interpolates y between x and z, beta2 as Adam's"},
        {"eps", &O::eps, detail::kNonnegative, "added to the denominator for stability"},
        detail::weight_decay_option(&O::weight_decay),
    };
    add_averaging_rows(rows);
    return rows;
  }();
  return table;
}

class AdamwScheduleFree final : public ScheduleFree<AdamwScheduleFree, 2> {
 public:
  static constexpr int kSlots = 3;  // z, exp_avg_sq, y (kept in eval mode)

  explicit AdamwScheduleFree(const AdamwSfOptions& o)
      : ScheduleFree(o.lr, o.beta1, o.warmup_steps, o.r, o.weight_lr_power), options_(o) {
    detail::check_options(name(), adamw_sf_table(), o);
  }
  std::string name() const override { return "adamw_schedulefree"; }
  std::string spec() const override { return detail::spec_of(name(), adamw_sf_table(), options_); }
  bool maximize() const override { return options_.maximize; }

  template <typename T>
  void update(T* __restrict params, const T* __restrict grad, Index n, std::array<T*, 3> slots) {
    const Averaging a = advance();
    start_z(params, slots[0], n, step_);
    const T sign = options_.maximize ? T(-1) : T(1);
    const T b2 = static_cast<T>(options_.beta2);
    const T one_minus_b2 = static_cast<T>(1.0 - options_.beta2);
    const T bc2 = static_cast<T>(1.0 - std::pow(options_.beta2, static_cast<double>(step_)));
    const T eps = static_cast<T>(options_.eps);
    const T wd = static_cast<T>(options_.weight_decay);
    const T c = static_cast<T>(a.ckp1);
    const T y_coef = static_cast<T>(a.lr * (beta1_ * (1.0 - a.ckp1) - 1.0));
    const T lr = static_cast<T>(a.lr);
    T* __restrict z = slots[0];
    T* __restrict v = slots[1];
    detail::for_chunks(n, [&](Index begin, Index end) {
      for (Index i = begin; i < end; ++i) {
        const T g = sign * grad[i];
        v[i] = v[i] * b2 + one_minus_b2 * g * g;
        const T u = g / (std::sqrt(v[i] / bc2) + eps) + wd * params[i];
        params[i] = lerp(params[i], z[i], c) + y_coef * u;
        z[i] = z[i] - lr * u;
      }
    });
  }

 private:
  AdamwSfOptions options_;
};

struct SgdSfOptions {
  double lr = 1.0;
  double momentum = 0.9;
  double weight_decay = 0.0;
  std::int64_t warmup_steps = 0;
  double r = 0.0;
  double weight_lr_power = 2.0;
  bool maximize = false;
};

const detail::OptionTable<SgdSfOptions>& sgd_sf_table() {
  using O = SgdSfOptions;
  static const detail::OptionTable<O> table = [] {
    detail::OptionTable<O> rows = {
        detail::lr_option(&O::lr),
        {"momentum", &O::momentum, detail::kOpenUnit, "interpolates y between x and z"},
        detail::weight_decay_option(&O::weight_decay),
    };
    add_averaging_rows(rows);
    return rows;
  }();
  return table;
}

class SgdScheduleFree final : public ScheduleFree<SgdScheduleFree, 1> {
 public:
  static constexpr int kSlots = 2;  // z, y (kept in eval mode)

  explicit SgdScheduleFree(const SgdSfOptions& o)
      : ScheduleFree(o.lr, o.momentum, o.warmup_steps, o.r, o.weight_lr_power), options_(o) {
    detail::check_options(name(), sgd_sf_table(), o);
  }
  std::string name() const override { return "sgd_schedulefree"; }
  std::string spec() const override { return detail::spec_of(name(), sgd_sf_table(), options_); }
  bool maximize() const override { return options_.maximize; }

  template <typename T>
  void update(T* __restrict params, const T* __restrict grad, Index n, std::array<T*, 3> slots) {
    const Averaging a = advance();
    start_z(params, slots[0], n, step_);
    const T sign = options_.maximize ? T(-1) : T(1);
    const T wd = static_cast<T>(options_.weight_decay);
    const T c = static_cast<T>(a.ckp1);
    const T y_coef = static_cast<T>(a.lr * (beta1_ * (1.0 - a.ckp1) - 1.0));
    const T lr = static_cast<T>(a.lr);
    T* __restrict z = slots[0];
    detail::for_chunks(n, [&](Index begin, Index end) {
      for (Index i = begin; i < end; ++i) {
        const T u = sign * grad[i] + wd * params[i];
        params[i] = lerp(params[i], z[i], c) + y_coef * u;
        z[i] = z[i] - lr * u;
      }
    });
  }

 private:
  SgdSfOptions options_;
};

}  // namespace

namespace detail {

RuleEntry adamw_schedulefree_rule() {
  return {"adamw_schedulefree",
          "schedule-free AdamW (Defazio et al. 2024): no lr schedule needed; reports the average x",
          [](const Spec& spec) -> std::unique_ptr<Optimizer> {
            return std::make_unique<AdamwScheduleFree>(read_options(spec, adamw_sf_table(), {}));
          },
          [] { return describe_options(adamw_sf_table(), {}); }};
}
RuleEntry sgd_schedulefree_rule() {
  return {
      "sgd_schedulefree",
      "schedule-free SGD (Defazio et al. 2024): momentum through averaging; reports the average x",
      [](const Spec& spec) -> std::unique_ptr<Optimizer> {
        return std::make_unique<SgdScheduleFree>(read_options(spec, sgd_sf_table(), {}));
      },
      [] { return describe_options(sgd_sf_table(), {}); }};
}

}  // namespace detail
}  // namespace descent::optim
