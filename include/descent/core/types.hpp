// Vector and matrix aliases over Eigen used across descent.
// Example: descent::Vec x(2); x << 1.0, 2.0;
#pragma once

#include <cstdint>

#include <Eigen/Core>

namespace descent {

using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;
using VecF = Eigen::VectorXf;
using MatF = Eigen::MatrixXf;
using RowMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMatF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Index = Eigen::Index;

}  // namespace descent
