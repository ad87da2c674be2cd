// Muon's update, line by line as the authors' muon_update and SingleDeviceMuon.step:
//   m = lerp(m, g, 1 - momentum)                   (torch's lerp_, both of its branches)
//   u = nesterov ? lerp(g, m, momentum) : m
//   u = newton_schulz5(u) * sqrt(max(1, rows / cols))
//   p = p * (1 - lr * weight_decay) - lr * u
// The momentum buffers and the orthogonalization are float64 for float32 models too.

// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 GEMM kernels.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "ml/muon.hpp"

#include <fmt/format.h>

#include <Eigen/Core>
#include <cmath>
#include <cstring>
#include <string>

#include "descent/core/error.hpp"

namespace descent::ml::detail {
namespace {

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
constexpr const char* kStateTag = "descent-muon-1";

// torch.lerp: start + weight * (end - start), computed from the nearer end.
double lerp(double start, double end, double weight) {
  return std::abs(weight) < 0.5 ? start + weight * (end - start)
                                : end - (end - start) * (1 - weight);
}

void check_range(const char* key, double value, double lo, double hi, bool hi_open) {
  if (!(value >= lo && (hi_open ? value < hi : value <= hi)) || !std::isfinite(value)) {
    throw_usage("muon: {} = {}; must lie in [{}, {}{}", key, value, lo, hi, hi_open ? ")" : "]");
  }
}

class Muon final : public optim::Optimizer {
 public:
  Muon(const Spec& spec, std::vector<std::pair<Index, Index>> matrices)
      : spec_(spec), matrices_(std::move(matrices)), lr_(spec.number("lr", 0.02)) {
    for (const auto& [rows, cols] : matrices_) size_ += rows * cols;
  }
  using optim::Optimizer::step;
  std::string name() const override { return "muon"; }
  std::string spec() const override {
    Spec out = spec_;
    out.set("lr", spec_number(lr_));
    return out.text();
  }
  bool maximize() const override { return false; }
  double lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  std::optional<double> momentum() const override { return spec_.number("momentum", 0.95); }
  void set_momentum(double momentum) override { spec_.set("momentum", spec_number(momentum)); }
  std::int64_t state_size() const override { return momentum_.empty() ? -1 : size_; }
  void reset() override { momentum_.clear(); }

  void step(std::span<double> params, std::span<const double> grad) override { run(params, grad); }
  void step(std::span<float> params, std::span<const float> grad) override { run(params, grad); }

  std::string save_state() const override {
    std::string out = kStateTag;
    const auto n = static_cast<std::uint64_t>(momentum_.size());
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
    out.append(reinterpret_cast<const char*>(momentum_.data()), n * sizeof(double));
    return out;
  }
  void load_state(std::string_view bytes) override {
    const std::string_view tag(kStateTag);
    std::uint64_t n = 0;
    if (!bytes.starts_with(tag) || bytes.size() < tag.size() + sizeof n)
      throw_input("muon: not a muon optimizer state");
    std::memcpy(&n, bytes.data() + tag.size(), sizeof n);
    if ((n != 0 && n != static_cast<std::uint64_t>(size_)) ||
        bytes.size() != tag.size() + sizeof n + n * sizeof(double)) {
      throw_input("muon: the saved optimizer state holds {} values, this run's matrices {}", n,
                  size_);
    }
    momentum_.resize(n);
    std::memcpy(momentum_.data(), bytes.data() + tag.size() + sizeof n, n * sizeof(double));
  }

 private:
  template <typename T>
  void run(std::span<T> params, std::span<const T> grad) {
    DESCENT_ASSERT(static_cast<Index>(params.size()) == size_);
    if (momentum_.empty()) momentum_.assign(static_cast<std::size_t>(size_), 0.0);
    const double beta = spec_.number("momentum", 0.95),
                 decay = 1 - lr_ * spec_.number("weight_decay", 0.0);
    const bool nesterov = spec_.boolean("nesterov", true);
    const auto steps = static_cast<int>(spec_.integer("ns_steps", 5));
    Index at = 0;
    for (const auto& [rows, cols] : matrices_) {
      Matrix u(rows, cols);
      for (Index i = 0; i < rows * cols; ++i) {
        double& m = momentum_[static_cast<std::size_t>(at + i)];
        const double g = static_cast<double>(grad[static_cast<std::size_t>(at + i)]);
        m = lerp(m, g, 1 - beta);
        u.data()[i] = nesterov ? lerp(g, m, beta) : m;
      }
      newton_schulz5(u.data(), rows, cols, steps);
      const double scale =
          std::sqrt(std::max(1.0, static_cast<double>(rows) / static_cast<double>(cols)));
      for (Index i = 0; i < rows * cols; ++i) {
        T& p = params[static_cast<std::size_t>(at + i)];
        p = static_cast<T>(static_cast<double>(p) * decay + -lr_ * (u.data()[i] * scale));
      }
      at += rows * cols;
    }
  }

  Spec spec_;
  std::vector<std::pair<Index, Index>> matrices_;
  double lr_;
  Index size_ = 0;
  std::vector<double> momentum_;
};

}  // namespace

void newton_schulz5(double* g, Index rows, Index cols, int steps) {
  constexpr double a = 3.4445, b = -4.7750, c = 2.0315;
  Eigen::Map<Matrix> given(g, rows, cols);
  const bool tall = rows > cols;
  Matrix x = tall ? Matrix(given.transpose()) : Matrix(given);
  x /= x.norm() + 1e-7;  // spectral norm at most 1
  for (int k = 0; k < steps; ++k) {
    const Matrix s = x * x.transpose();
    const Matrix poly = b * s + c * (s * s);
    x = a * x + poly * x;
  }
  if (tall) {
    given = x.transpose();
  } else {
    given = x;
  }
}

Spec muon_spec(std::string_view text) {
  const Spec given = Spec::parse(text, "optimizer spec");
  given.check_keys({"lr", "momentum", "weight_decay", "nesterov", "ns_steps", "adam_lr",
                    "adam_betas", "adam_eps", "adam_weight_decay"});
  Spec out("muon");
  const double lr = given.number("lr", 0.02), momentum = given.number("momentum", 0.95);
  const double decay = given.number("weight_decay", 0.0), adam_lr = given.number("adam_lr", 3e-4);
  const double eps = given.number("adam_eps", 1e-10),
               adam_decay = given.number("adam_weight_decay", 0.0);
  const auto betas = given.numbers("adam_betas", {0.9, 0.95});
  const std::int64_t steps = given.integer("ns_steps", 5);
  check_range("lr", lr, 0, 1e6, false);
  check_range("momentum", momentum, 0, 1, true);
  check_range("weight_decay", decay, 0, 1e6, false);
  check_range("adam_lr", adam_lr, 0, 1e6, false);
  check_range("adam_eps", eps, 0, 1, false);
  check_range("adam_weight_decay", adam_decay, 0, 1e6, false);
  if (betas.size() != 2)
    throw_usage("muon: adam_betas must be a list of 2 numbers, got {}", betas.size());
  check_range("adam_betas[0]", betas[0], 0, 1, true);
  check_range("adam_betas[1]", betas[1], 0, 1, true);
  if (steps < 1 || steps > 100) throw_usage("muon: ns_steps = {}; must lie in [1, 100]", steps);
  out.set("lr", spec_number(lr));
  out.set("momentum", spec_number(momentum));
  out.set("weight_decay", spec_number(decay));
  out.set("nesterov", spec_bool(given.boolean("nesterov", true)));
  out.set("ns_steps", spec_number(static_cast<double>(steps)));
  out.set("adam_lr", spec_number(adam_lr));
  out.set("adam_betas", spec_list(betas));
  out.set("adam_eps", spec_number(eps));
  out.set("adam_weight_decay", spec_number(adam_decay));
  return out;
}

std::unique_ptr<optim::Optimizer> make_muon(const Spec& spec,
                                            std::vector<std::pair<Index, Index>> matrices) {
  return std::make_unique<Muon>(spec, std::move(matrices));
}

std::string muon_adamw_spec(const Spec& spec) {
  const auto betas = spec.numbers("adam_betas", {0.9, 0.95});
  return fmt::format("adamw(lr={}, betas=[{}, {}], eps={}, weight_decay={})",
                     spec_number(spec.number("adam_lr", 3e-4)).text(), spec_number(betas[0]).text(),
                     spec_number(betas[1]).text(),
                     spec_number(spec.number("adam_eps", 1e-10)).text(),
                     spec_number(spec.number("adam_weight_decay", 0.0)).text());
}

}  // namespace descent::ml::detail
