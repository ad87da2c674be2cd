// Every batch is cut into shards by its size alone and their gradients are added in shard order:
// the thread count changes no bit of a run.
#include <gtest/gtest.h>

#include "descent/ml/data.hpp"
#include "descent/ml/trainer.hpp"

namespace {

using descent::ml::train;
using descent::ml::TrainOptions;
using descent::ml::TrainResult;

TEST(Shards, TheThreadCountChangesNoBitOfARun) {
  // Batches of 256 rows are 4 shards; 3 threads take 1, 1 and 2 of them.
  TrainOptions options{.model = "mlp(hidden=[16])",
                       .optimizer = "adam(lr=0.01)",
                       .batch_size = 256,
                       .epochs = 2,
                       .seed = 4,
                       .threads = 1};
  const auto digits = descent::ml::load_labeled("digits", {});
  const TrainResult one = train(digits, options);
  options.threads = 3;
  const TrainResult three = train(digits, options);
  EXPECT_EQ(three.threads, 3);
  EXPECT_EQ(one.final_state.params, three.final_state.params);
  EXPECT_EQ(one.train_loss, three.train_loss);
  EXPECT_EQ(one.test_loss, three.test_loss);
}

}  // namespace
