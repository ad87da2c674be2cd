// Eigen views over the raw row-major buffers the ml layers pass around (private to ml).
// Example: ConstMatMap<float> x(data, batch, features);
#pragma once

#include <Eigen/Core>

namespace descent::ml::detail {

template <typename T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using RowVec = Eigen::Matrix<T, 1, Eigen::Dynamic>;
template <typename T>
using MatMap = Eigen::Map<RowMatrix<T>>;
template <typename T>
using ConstMatMap = Eigen::Map<const RowMatrix<T>>;

}  // namespace descent::ml::detail
