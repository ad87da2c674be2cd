#include "descent/plot/model_landscape.hpp"

#include <cstring>
#include <memory>
#include <regex>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"

namespace descent::plot {

std::vector<ParamBlock> param_blocks(const std::vector<std::string>& layers) {
  static const std::regex dense(R"(dense\((\d+) -> (\d+)\))");
  static const std::regex conv(R"(conv2d\((\d+)x\d+x\d+ -> (\d+), kernel (\d+)\))");
  std::vector<ParamBlock> blocks;
  Index offset = 0;
  for (const auto& layer : layers) {
    std::smatch m;
    Index filters = 0, filter_size = 0;
    if (std::regex_search(layer, m, dense)) {
      filter_size = std::stoll(m[1].str());
      filters = std::stoll(m[2].str());
    } else if (std::regex_search(layer, m, conv)) {
      const Index kernel = std::stoll(m[3].str());
      filter_size = kernel * kernel * std::stoll(m[1].str());
      filters = std::stoll(m[2].str());
    } else {
      continue;  // activations, pooling, reshapes: no parameters
    }
    blocks.push_back({offset, filters, filter_size, false});
    offset += filters * filter_size;
    blocks.push_back({offset, 1, filters, true});
    offset += filters;
  }
  return blocks;
}

namespace {

// The training rows, standardized as the trainer did (its mean and scale from the checkpoint).
struct TrainingSet {
  RowMat x;
  Vec y;
};

TrainingSet training_set(const ml::LabeledData& data, const ml::Checkpoint& state) {
  const ml::Split split = ml::split_rows(data.features.rows(), state.test_fraction, state.seed,
                                         data.predefined_test_rows);
  TrainingSet set{RowMat(static_cast<Index>(split.train.size()), data.features.cols()),
                  Vec(static_cast<Index>(split.train.size()))};
  const bool scaled = state.mean.size() == data.features.cols() && state.scale.size() == data.features.cols();
  for (std::size_t i = 0; i < split.train.size(); ++i) {
    const auto row = static_cast<Index>(i);
    set.x.row(row) = data.features.row(split.train[i]);
    if (scaled) set.x.row(row) = (set.x.row(row) - state.mean.transpose()).cwiseQuotient(state.scale.transpose());
    set.y[row] = data.targets[split.train[i]];
  }
  return set;
}

template <typename T>
Vec params_of(const std::string& bytes) {
  std::vector<T> values(bytes.size() / sizeof(T));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(T));
  Vec out(static_cast<Index>(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i) out[static_cast<Index>(i)] = static_cast<double>(values[i]);
  return out;
}

constexpr Index kChunk = 512;  // rows per forward pass

// One evaluator per thread: its own network and a copy of the rows in the model's type.
template <typename T>
LossFactory factory_for(std::shared_ptr<const TrainingSet> set, const std::string& model, const ml::ProblemShape& shape) {
  return [set, model, shape]() -> LossFn {
    auto net = std::make_shared<ml::Network<T>>(model, shape);
    auto x = std::make_shared<std::vector<T>>(static_cast<std::size_t>(set->x.size()));
    for (Index i = 0; i < set->x.rows(); ++i) {
      for (Index j = 0; j < set->x.cols(); ++j) (*x)[static_cast<std::size_t>(i * set->x.cols() + j)] = static_cast<T>(set->x(i, j));
    }
    net->reserve(std::min<Index>(kChunk, set->x.rows()));
    return [set, net, x](const Vec& params) {
      auto p = net->params();
      for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<T>(params[static_cast<Index>(i)]);
      double sum = 0.0;
      const Index rows = set->x.rows();
      for (Index start = 0; start < rows; start += kChunk) {
        const Index batch = std::min(kChunk, rows - start);
        sum += net->loss_sum(x->data() + start * set->x.cols(), set->y.data() + start, batch);
      }
      return sum / static_cast<double>(rows);
    };
  };
}

}  // namespace

LandscapeResult model_landscape(const LandscapeOptions& options) {
  // Every option is checked before the training that precedes the landscape.
  const std::size_t max_resolution =
      options.one_dimensional ? kMaxLineResolution : kMaxSurfaceResolution;
  if (options.resolution != 0 && (options.resolution < 3 || options.resolution > max_resolution)) {
    throw_usage("landscape: resolution = {}; must lie in [3, {}] for a {}", options.resolution,
                max_resolution, options.one_dimensional ? "line" : "plane");
  }
  if (!(options.span > 0.0 && options.span <= kMaxSpan)) {
    throw_usage("landscape: span = {}; must lie in (0, {}]", options.span, kMaxSpan);
  }
  const ml::LabeledData data = ml::load_labeled(options.data, {.target = options.target});
  ml::TrainOptions train{.model = options.model, .optimizer = options.optimizer, .batch_size = options.batch_size,
                         .epochs = 0, .seed = options.seed, .combiner = options.processes};
  // Zero epochs: the initial parameters, drawn exactly as the real run draws them.
  const ml::TrainResult initial = ml::train(data, train);
  train.epochs = options.epochs;
  LandscapeResult result;
  result.training = ml::train(data, train);
  const ml::Checkpoint& state = result.training.final_state;
  const bool dbl = state.double_precision;
  const Vec theta0 = dbl ? params_of<double>(initial.final_state.params) : params_of<float>(initial.final_state.params);
  const Vec theta1 = dbl ? params_of<double>(state.params) : params_of<float>(state.params);
  auto set = std::make_shared<const TrainingSet>(training_set(data, state));
  const LossFactory factory = dbl ? factory_for<double>(set, state.model, state.shape)
                                  : factory_for<float>(set, state.model, state.shape);
  result.trained_loss = factory()(theta1);
  // The specs as typed read better than the canonical ones with every default spelled out.
  const std::string model = options.model.empty() ? Spec::parse(result.training.model, "model").name() : options.model;
  const std::string title = fmt::format("training loss of {} on {}, {} epochs of {}", model, options.data,
                                        options.epochs, options.optimizer);
  if (options.one_dimensional) {
    const std::size_t n = options.resolution == 0 ? 61 : options.resolution;
    const double lo = -options.span / 4.0, hi = 1.0 + options.span / 4.0;
    for (std::size_t k = 0; k < n; ++k) result.alphas.push_back(lo + (hi - lo) * static_cast<double>(k) / static_cast<double>(n - 1));
    result.alphas.push_back(0.0);
    result.alphas.push_back(1.0);
    std::sort(result.alphas.begin(), result.alphas.end());
    result.alphas.erase(std::unique(result.alphas.begin(), result.alphas.end(),
                                    [](double a, double b) { return std::abs(a - b) < 1e-12; }),
                        result.alphas.end());
    result.losses = loss_line(theta0, theta1, result.alphas, factory, options.processes);
    result.figure = line_figure(result.alphas, result.losses, title, options.width, options.height);
  } else {
    const std::size_t n = options.resolution == 0 ? 41 : options.resolution;
    Rng rng(options.seed);
    const auto blocks = param_blocks(result.training.layers);
    const Vec d1 = filter_normalized_direction(theta1, blocks, rng);
    const Vec d2 = filter_normalized_direction(theta1, blocks, rng);
    result.surface = loss_surface(theta1, d1, d2, factory, options.span, n, options.processes);
    result.figure = surface_figure(result.surface, title, options.levels, options.width, options.height);
  }
  return result;
}

}  // namespace descent::plot
