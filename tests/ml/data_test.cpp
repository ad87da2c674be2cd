// Split, standardization and the minibatch sampler.
#include "descent/ml/data.hpp"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "descent/core/error.hpp"

namespace descent::ml {
namespace {

TEST(SplitRows, TakesRoundedFractionAndPartitionsTheRows) {
  const Split s = split_rows(10, 0.25, 3);
  EXPECT_EQ(s.test.size(), 3u);  // round(2.5) = 3 (llround rounds half away from zero)
  EXPECT_EQ(s.train.size(), 7u);
  std::set<Index> all(s.train.begin(), s.train.end());
  all.insert(s.test.begin(), s.test.end());
  EXPECT_EQ(all.size(), 10u);
  EXPECT_TRUE(std::is_sorted(s.train.begin(), s.train.end()));
}

TEST(SplitRows, IsFixedBySeed) {
  EXPECT_EQ(split_rows(100, 0.2, 5).test, split_rows(100, 0.2, 5).test);
  EXPECT_NE(split_rows(100, 0.2, 5).test, split_rows(100, 0.2, 6).test);
}

TEST(SplitRows, ZeroFractionTrainsOnEverythingInOrder) {
  const Split s = split_rows(5, 0.0, 1);
  EXPECT_TRUE(s.test.empty());
  EXPECT_EQ(s.train, (std::vector<Index>{0, 1, 2, 3, 4}));
}

TEST(SplitRows, PredefinedTestRowsAreTheLastRows) {
  const Split s = split_rows(6, 0.5, 1, 2);
  EXPECT_EQ(s.test, (std::vector<Index>{4, 5}));
  EXPECT_EQ(s.train.size(), 4u);
}

TEST(SplitRows, RejectsFractionOutsideUnitInterval) {
  EXPECT_THROW(split_rows(10, 1.0, 0), Error);
  EXPECT_THROW(split_rows(10, -0.1, 0), Error);
}

TEST(Standardizer, UsesOnlyTrainingRowsAndPopulationStd) {
  RowMat x(3, 2);
  x << 1, 5,
       3, 5,
       100, 7;
  const std::vector<Index> train{0, 1};
  const Standardizer z = Standardizer::fit(x, train);
  // column 0 on rows {1, 3}: mean 2, population std 1; column 1 constant: scale 1.
  EXPECT_DOUBLE_EQ(z.mean[0], 2.0);
  EXPECT_DOUBLE_EQ(z.scale[0], 1.0);
  EXPECT_DOUBLE_EQ(z.scale[1], 1.0);
  z.apply(x);
  EXPECT_DOUBLE_EQ(x(0, 0), -1.0);
  EXPECT_DOUBLE_EQ(x(2, 0), 98.0);
  EXPECT_DOUBLE_EQ(x(2, 1), 2.0);
}

TEST(MinibatchSampler, VisitsEveryRowOncePerEpochWithSmallLastBatch) {
  MinibatchSampler sampler(10, 4);
  EXPECT_EQ(sampler.batches_per_epoch(), 3);
  Rng rng(1);
  sampler.start_epoch(rng);
  std::multiset<Index> seen;
  for (Index b = 0; b < 3; ++b) {
    for (Index r : sampler.batch(b)) seen.insert(r);
  }
  EXPECT_EQ(sampler.batch(2).size(), 2u);
  EXPECT_EQ(seen, (std::multiset<Index>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(MinibatchSampler, ReshufflesEachEpoch) {
  MinibatchSampler sampler(50, 50 - 1);
  Rng rng(2);
  sampler.start_epoch(rng);
  const std::vector<Index> first(sampler.batch(0).begin(), sampler.batch(0).end());
  sampler.start_epoch(rng);
  const std::vector<Index> second(sampler.batch(0).begin(), sampler.batch(0).end());
  EXPECT_NE(first, second);
}

TEST(MinibatchSampler, FullBatchKeepsTheOriginalOrder) {
  MinibatchSampler sampler(4, 100);
  EXPECT_TRUE(sampler.full_batch());
  Rng rng(3);
  sampler.start_epoch(rng);
  const auto b = sampler.batch(0);
  EXPECT_EQ(std::vector<Index>(b.begin(), b.end()), (std::vector<Index>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace descent::ml
