// The picture of `descent train --plot FILE`: train and test loss, and the test metric, per epoch.
// Example: save_training_plot("digits.png", result.history, "mlp on digits");
#pragma once

#include <string>

#include "descent/ml/checkpoint.hpp"

namespace descent::plot {

// Writes the loss and accuracy (or R^2) panels of `history` to `path` (.svg, .png, .pdf).
// Throws descent::Error (bad_usage for the extension, io when the file cannot be written).
void save_training_plot(const std::string& path, const ml::TrainingHistory& history, const std::string& title,
                        int width = 1000, int height = 450);

}  // namespace descent::plot
