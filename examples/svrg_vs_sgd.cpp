// SVRG against SGD on L2-regularized logistic regression (breast_cancer): the suboptimality
// f(w) - f* after every epoch, against passes over the data (an svrg epoch is three: the full
// gradient at the snapshot, then every batch's gradient at w and at the snapshot). SVRG falls by a
// constant factor per epoch (linear convergence); SGD with a constant lr stalls at its noise floor.
// f* is a long L-BFGS run's. Writes docs/gallery/svrg_vs_sgd.png with the plot module.
// Usage: example_svrg_vs_sgd [out.png]   (default: svrg_vs_sgd.png in the current directory)
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "descent/ml/trainer.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/plot/figure.hpp"
#include "descent/plot/render.hpp"

using namespace descent;

namespace {

constexpr double kDecay = 0.05;

// The mean logistic loss over every row (standardized as train does) + kDecay / 2 * ||w||^2.
class Objective {
 public:
  explicit Objective(const ml::LabeledData& data) : net_("logistic", data.shape) {
    const ml::Split split = ml::split_rows(data.features.rows(), 0.0, 0, data.predefined_test_rows);
    const ml::Standardizer z = ml::Standardizer::fit(data.features, split.train);
    for (Index r : split.train) {
      for (Index j = 0; j < data.features.cols(); ++j)
        x_.push_back((data.features(r, j) - z.mean[j]) / z.scale[j]);
      y_.push_back(data.targets[r]);
    }
  }
  double operator()(const Vec& w, Vec* grad) {
    std::copy(w.begin(), w.end(), net_.params().begin());
    const double loss = net_.loss_and_grad(x_.data(), y_.data(), static_cast<Index>(y_.size()));
    if (grad != nullptr) {
      for (Index i = 0; i < w.size(); ++i)
        (*grad)[i] = net_.grad()[static_cast<std::size_t>(i)] + kDecay * w[i];
    }
    return loss + 0.5 * kDecay * w.squaredNorm();
  }
  double at(const std::string& params) {
    Vec w(net_.num_params());
    std::memcpy(w.data(), params.data(), params.size());
    return (*this)(w, nullptr);
  }
  double minimum() {
    optim::Objective closure;
    closure.value_grad = [this](const Vec& w, Vec* g) { return (*this)(w, g); };
    auto lbfgs = optim::make_optimizer("lbfgs");
    Vec w = Vec::Zero(net_.num_params()), g(net_.num_params());
    double f = (*this)(w, &g);
    for (int k = 0; k < 500 && g.norm() > 1e-13; ++k) {
      lbfgs->step(w, f, g, closure);
      f = (*this)(w, &g);
    }
    return f;
  }

 private:
  ml::Network<double> net_;
  std::vector<double> x_, y_;
};

// The gap after each of `epochs` epochs, and the passes over the data spent by then.
plot::Series gaps(const ml::LabeledData& data, Objective& objective, double optimum,
                  const std::string& optimizer, int epochs, double passes_per_epoch) {
  plot::Series s;
  for (int k = 1; k <= epochs; ++k) {
    const ml::TrainOptions options{.model = "logistic",
                                   .optimizer = optimizer,
                                   .batch_size = 8,
                                   .epochs = k,
                                   .test_fraction = 0.0};
    s.x.push_back(k * passes_per_epoch);
    s.y.push_back(
        std::max(objective.at(ml::train(data, options).final_state.params) - optimum, 1e-16));
  }
  s.label = optimizer;
  s.marker = plot::Marker::circle;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string out = argc > 1 ? argv[1] : "svrg_vs_sgd.png";
  const ml::LabeledData data = ml::load_labeled("breast_cancer");
  Objective objective(data);
  const double optimum = objective.minimum();
  plot::Figure figure;
  figure.title = "breast_cancer, logistic regression + L2 (0.05), batch 8";
  plot::Panel& panel = figure.add_panel("suboptimality f(w) - f*");
  panel.x.label = "passes over the data";
  panel.y.label = "f(w) - f*";
  panel.y.log = true;
  plot::Series svrg = gaps(data, objective, optimum, "svrg(lr=0.2, weight_decay=0.05)", 12, 3.0);
  plot::Series sgd = gaps(data, objective, optimum, "sgd(lr=0.2, weight_decay=0.05)", 36, 1.0);
  plot::Series slow = gaps(data, objective, optimum, "sgd(lr=0.02, weight_decay=0.05)", 36, 1.0);
  svrg.color = plot::palette(0);
  sgd.color = plot::palette(1);
  slow.color = plot::palette(2);
  std::printf("svrg after 36 passes: %.3g; sgd(lr=0.2): %.3g; sgd(lr=0.02): %.3g\n", svrg.y.back(),
              sgd.y.back(), slow.y.back());
  panel.add_series(std::move(svrg));
  panel.add_series(std::move(sgd));
  panel.add_series(std::move(slow));
  plot::save(figure, out);
  std::printf("wrote %s\n", out.c_str());
  return 0;
}
