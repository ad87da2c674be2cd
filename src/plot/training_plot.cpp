#include "descent/plot/training_plot.hpp"

#include <vector>

#include "descent/plot/charts.hpp"
#include "descent/plot/render.hpp"

namespace descent::plot {

void save_training_plot(const std::string& path, const ml::TrainingHistory& history, const std::string& title,
                        int width, int height) {
  std::vector<EpochPoint> epochs;
  for (const auto& e : history.epochs) {
    epochs.push_back({static_cast<double>(e.epoch), e.train_loss, e.test_loss, e.test_metric});
  }
  save(training_figure(epochs, title, history.classification ? "test accuracy" : "test R^2", width, height), path);
}

}  // namespace descent::plot
