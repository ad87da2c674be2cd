#include "descent/ml/data.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "descent/core/error.hpp"

namespace descent::ml {

Split split_rows(Index rows, double test_fraction, std::uint64_t seed, std::int64_t predefined_test_rows) {
  if (!(test_fraction >= 0.0 && test_fraction < 1.0)) {
    throw_usage("test_fraction must lie in [0, 1), got {}", test_fraction);
  }
  if (rows < 1) throw_input("the data set has no rows");
  Split split;
  if (predefined_test_rows > 0) {
    if (predefined_test_rows >= rows) throw_input("the predefined test set leaves no training rows");
    for (Index i = 0; i < rows; ++i) (i < rows - predefined_test_rows ? split.train : split.test).push_back(i);
    return split;
  }
  const auto test_rows = std::min<Index>(static_cast<Index>(std::llround(test_fraction * static_cast<double>(rows))), rows - 1);
  std::vector<std::int64_t> order(static_cast<std::size_t>(rows));
  std::iota(order.begin(), order.end(), 0);
  Rng rng(seed);
  rng.shuffle(std::span<std::int64_t>(order));
  split.test.assign(order.begin(), order.begin() + test_rows);
  split.train.assign(order.begin() + test_rows, order.end());
  std::sort(split.test.begin(), split.test.end());
  std::sort(split.train.begin(), split.train.end());
  return split;
}

Standardizer Standardizer::fit(const RowMat& features, std::span<const Index> rows) {
  const Index d = features.cols();
  Standardizer z;
  z.mean = Vec::Zero(d);
  z.scale = Vec::Zero(d);
  // Threads take blocks of columns; each column still sums its rows in order, so the result is
  // the same bits on any number of threads.
  constexpr Index kBlock = 64;
  const Index blocks = (d + kBlock - 1) / kBlock;
  const auto n = static_cast<double>(rows.size());
#pragma omp parallel for schedule(static) if (rows.size() * static_cast<std::size_t>(d) > 1000000)
  for (Index b = 0; b < blocks; ++b) {
    const Index begin = b * kBlock, width = std::min(kBlock, d - begin);
    auto mean = z.mean.segment(begin, width);
    auto scale = z.scale.segment(begin, width);
    for (Index r : rows) mean += features.row(r).segment(begin, width).transpose();
    mean /= n;
    for (Index r : rows) scale += (features.row(r).segment(begin, width).transpose() - mean).cwiseAbs2();
  }
  for (Index j = 0; j < d; ++j) {
    const double sd = std::sqrt(z.scale[j] / n);
    z.scale[j] = sd > 0.0 ? sd : 1.0;
  }
  return z;
}

Standardizer Standardizer::identity(Index features) {
  return {Vec::Zero(features), Vec::Ones(features)};
}

void Standardizer::apply(RowMat& features) const {
  DESCENT_ASSERT(features.cols() == mean.size());
  for (Index r = 0; r < features.rows(); ++r) {
    features.row(r) = (features.row(r) - mean.transpose()).cwiseQuotient(scale.transpose());
  }
}

MinibatchSampler::MinibatchSampler(Index rows, Index batch_size)
    : rows_(rows), batch_size_(std::min(batch_size, rows)), order_(static_cast<std::size_t>(rows)) {
  if (batch_size < 1) throw_usage("batch_size must be a positive integer or 'full'");
  std::iota(order_.begin(), order_.end(), Index(0));
}

void MinibatchSampler::start_epoch(Rng& rng) {
  if (full_batch()) return;
  std::iota(order_.begin(), order_.end(), Index(0));
  rng.shuffle(std::span<std::int64_t>(order_.data(), order_.size()));
}

std::span<const Index> MinibatchSampler::batch(Index b) const {
  const Index begin = b * batch_size_;
  const Index end = std::min(rows_, begin + batch_size_);
  DESCENT_ASSERT(begin < end);
  return std::span<const Index>(order_.data() + begin, static_cast<std::size_t>(end - begin));
}

}  // namespace descent::ml
