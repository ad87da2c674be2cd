// train --curvature: Lanczos on the training loss's Hessian at the final parameters
// (include/descent/ml/curvature.hpp).
#include "descent/ml/curvature.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "descent/ml/model.hpp"

namespace descent::ml {
namespace {

constexpr Index kChunk = 512;  // rows per forward/backward pass

// The training rows, standardized with the checkpoint's mean and scale (as the trainer did).
RowMat training_rows(const LabeledData& data, const Checkpoint& state, Vec& targets) {
  const Split split =
      split_rows(data.features.rows(), state.test_fraction, state.seed, data.predefined_test_rows);
  RowMat x(static_cast<Index>(split.train.size()), data.features.cols());
  targets.resize(x.rows());
  const bool scaled = state.mean.size() == x.cols() && state.scale.size() == x.cols();
  for (Index row = 0; row < x.rows(); ++row) {
    const Index source = split.train[static_cast<std::size_t>(row)];
    x.row(row) = data.features.row(source);
    if (scaled)
      x.row(row) = (x.row(row) - state.mean.transpose()).cwiseQuotient(state.scale.transpose());
    targets[row] = data.targets[source];
  }
  return x;
}

template <typename T>
Vec params_of(const std::string& bytes) {
  std::vector<T> values(bytes.size() / sizeof(T));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(T));
  Vec out(static_cast<Index>(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i)
    out[static_cast<Index>(i)] = static_cast<double>(values[i]);
  return out;
}

}  // namespace

optim::Curvature training_curvature(const LabeledData& data, const Checkpoint& state,
                                    const optim::CurvatureOptions& options) {
  auto targets = std::make_shared<Vec>();
  auto rows = std::make_shared<RowMat>(training_rows(data, state, *targets));
  auto net = std::make_shared<Network<double>>(state.model, state.shape);
  net->reserve(std::min<Index>(kChunk, rows->rows()));
  const Vec theta =
      state.double_precision ? params_of<double>(state.params) : params_of<float>(state.params);
  optim::Objective loss;
  loss.value_grad = [rows, targets, net](const Vec& params, Vec* grad) {
    std::copy(params.data(), params.data() + params.size(), net->params().data());
    const double scale = 1.0 / static_cast<double>(rows->rows());
    double sum = 0.0;
    if (grad) grad->setZero();
    for (Index start = 0; start < rows->rows(); start += kChunk) {
      const Index batch = std::min(kChunk, rows->rows() - start);
      const double* x = rows->data() + start * rows->cols();
      if (!grad) {
        sum += net->loss_sum(x, targets->data() + start, batch);
        continue;
      }
      sum += net->loss_sum_and_grad(x, targets->data() + start, batch, scale);
      const auto g = net->grad();
      *grad += Eigen::Map<const Vec>(g.data(), static_cast<Index>(g.size()));
    }
    return sum * scale;
  };
  return optim::curvature(optim::hessian_product(loss, theta), theta.size(), options);
}

}  // namespace descent::ml
