// SVRG's inner step: w <- w - lr * (v + weight_decay * w), v the variance-reduced gradient the
// training loop hands in. No per-parameter state: the snapshot and the full gradient are made
// again at the start of every epoch, from the parameters a checkpoint holds.
#include "ml/svrg.hpp"

#include <cmath>
#include <string>

#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"

namespace descent::ml::detail {
namespace {

constexpr std::string_view kStateTag = "descent-svrg-1";

class Svrg final : public optim::Optimizer {
 public:
  Svrg(double lr, double weight_decay) : lr_(lr), weight_decay_(weight_decay) {}
  using optim::Optimizer::step;
  std::string name() const override { return "svrg"; }
  std::string spec() const override {
    Spec out("svrg");
    out.set("lr", spec_number(lr_));
    out.set("weight_decay", spec_number(weight_decay_));
    return out.text();
  }
  bool maximize() const override { return false; }
  double lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  void step(std::span<double> params, std::span<const double> grad) override { run(params, grad); }
  void step(std::span<float> params, std::span<const float> grad) override { run(params, grad); }
  std::string save_state() const override { return std::string(kStateTag); }
  void load_state(std::string_view bytes) override {
    if (bytes != kStateTag) throw_input("svrg: not an svrg optimizer state");
  }
  void reset() override {}

 private:
  template <typename T>
  void run(std::span<T> params, std::span<const T> grad) {
    const auto lr = static_cast<T>(lr_), decay = static_cast<T>(weight_decay_);
    for (std::size_t i = 0; i < params.size(); ++i) params[i] -= lr * (grad[i] + decay * params[i]);
  }
  double lr_, weight_decay_;
};

}  // namespace

std::unique_ptr<optim::Optimizer> make_svrg(std::string_view text) {
  const Spec spec = Spec::parse(text, "optimizer spec");
  spec.check_keys({"lr", "weight_decay"});
  const double lr = spec.number("lr", 0.1), decay = spec.number("weight_decay", 0.0);
  if (!(lr > 0) || !std::isfinite(lr))
    throw_usage("svrg: lr = {}; must be a finite number > 0", lr);
  if (!(decay >= 0) || !std::isfinite(decay)) {
    throw_usage("svrg: weight_decay = {}; must be a finite number >= 0", decay);
  }
  return std::make_unique<Svrg>(lr, decay);
}

}  // namespace descent::ml::detail
