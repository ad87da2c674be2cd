// The loss landscape of a trained model: trains through ml::train, then evaluates the training
// loss on a filter-normalized random plane around the trained parameters (2-D) or along the
// line from the initial to the trained parameters (--1d), and draws it.
// Example: auto r = model_landscape({.data = "digits", .model = "mlp(hidden=[32])"}); save(r.figure, "l.png");
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "descent/ml/trainer.hpp"
#include "descent/plot/contour.hpp"
#include "descent/plot/figure.hpp"
#include "descent/plot/landscape.hpp"

namespace descent::plot {

struct LandscapeOptions {
  std::string data = "digits";
  std::string target{};          // CSV target column
  std::string model{};           // empty: ml's default for the data
  std::string optimizer = "adam";
  std::int64_t epochs = 10;
  std::int64_t batch_size = 32;
  std::uint64_t seed = 0;        // training, and the random directions
  bool one_dimensional = false;  // the line from initial to trained parameters
  std::size_t resolution = 0;    // grid nodes per axis (2-D) or points on the line; 0: 41 / 61
  double span = 1.0;             // 2-D: a, b in [-span, span]; 1-D: a in [-span/4, 1 + span/4]
  std::size_t levels = 20;
  int width = 800;
  int height = 600;
  // Several processes (parallel/): they train together and split the grid. Not owned.
  ml::Combiner* processes = nullptr;
};

struct LandscapeResult {
  Figure figure;
  ml::TrainResult training;
  std::vector<double> alphas;  // 1-D
  std::vector<double> losses;  // 1-D
  Grid surface;                // 2-D
  double trained_loss = 0.0;   // the training loss at the trained parameters
};

// The parameter blocks (filters and biases) of a model, from its layers' descriptions
// ("dense(64 -> 32)", "conv2d(1x8x8 -> 8, kernel 3)"): weights (out x ...) then biases (out).
std::vector<ParamBlock> param_blocks(const std::vector<std::string>& layers);

// Throws descent::Error as ml::train does (bad_usage for specs, bad_input for data).
LandscapeResult model_landscape(const LandscapeOptions& options);

}  // namespace descent::plot
