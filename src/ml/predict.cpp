// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 GEMM kernels.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <cstring>

#include "descent/core/error.hpp"
#include "descent/ml/trainer.hpp"
#include "ml/eigen_maps.hpp"

namespace descent::ml {
namespace {

template <typename T>
Predictions predict_as(const Checkpoint& c, const RowMat& features) {
  Network<T> net(c.model, c.shape);
  // Early stopping keeps its best epoch's parameters beside the last epoch's (which resume uses).
  const std::string& params = c.early_stop_params.empty() ? c.params : c.early_stop_params;
  if (net.num_params() != c.num_params || params.size() != net.params().size_bytes()) {
    throw_input("checkpoint: model {} has {} parameters, the checkpoint holds {}", c.model, net.num_params(), c.num_params);
  }
  std::memcpy(net.params().data(), params.data(), params.size());
  const Index n = features.rows();
  detail::RowMatrix<T> x(n, features.cols());
  for (Index r = 0; r < n; ++r) {
    x.row(r) = ((features.row(r) - c.mean.transpose()).cwiseQuotient(c.scale.transpose())).template cast<T>();
  }
  Predictions out;
  out.classification = c.shape.classification;
  const Index k = net.outputs();
  const Index classes = c.shape.classification ? c.shape.num_classes : 0;
  constexpr Index kChunk = 1000;
  for (Index start = 0; start < n; start += kChunk) {
    const Index rows = std::min(kChunk, n - start);
    const T* y = net.forward(x.data() + start * x.cols(), rows);
    for (Index i = 0; i < rows; ++i) {
      out.values.push_back(predict_one(net.loss_kind(), y + i * k, k));
      if (classes > 0) {
        std::vector<double> probs(static_cast<std::size_t>(classes));
        class_probabilities(net.loss_kind(), y + i * k, k, probs.data());
        out.probabilities.push_back(std::move(probs));
      }
    }
  }
  return out;
}

}  // namespace

Predictions predict(const Checkpoint& checkpoint, const RowMat& features) {
  if (features.cols() != checkpoint.shape.inputs) {
    throw_input("the model expects {} features per row, the data has {}", checkpoint.shape.inputs, features.cols());
  }
  return checkpoint.double_precision ? predict_as<double>(checkpoint, features)
                                     : predict_as<float>(checkpoint, features);
}

}  // namespace descent::ml
