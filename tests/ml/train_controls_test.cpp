// train's controls for long runs: early stopping, gradient accumulation and parameter groups in
// the training loop (determinism, resume, refusals).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "descent/core/error.hpp"
#include "descent/ml/trainer.hpp"
#include "support/temp.hpp"

namespace descent::ml {
namespace {

// Three Gaussian blobs in 5 dimensions (as trainer_test's).
LabeledData blobs(Index rows) {
  LabeledData data;
  data.name = "blobs";
  data.shape = {.inputs = 5, .classification = true, .num_classes = 3};
  data.features.resize(rows, 5);
  data.targets.resize(rows);
  Rng rng(11);
  for (Index i = 0; i < rows; ++i) {
    const auto label = static_cast<Index>(rng.below(3));
    data.targets[i] = static_cast<double>(label);
    for (Index j = 0; j < 5; ++j)
      data.features(i, j) = 10.0 + rng.normal() + (j == label ? 4.0 : 0.0);
  }
  return data;
}

std::string temp_path(const std::string& name) {
  return descent::test::temp_path("controls_" + name);
}

ErrorCode code_of(const LabeledData& data, const TrainOptions& options) {
  try {
    train(data, options);
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::io;  // accepted: not what any test expects
}

// min_delta larger than any loss: no epoch after the first improves.
TEST(EarlyStop, StopsAfterPatienceEpochsAndKeepsTheBestEpoch) {
  const TrainOptions options{.model = "softmax",
                             .optimizer = "adam(lr=0.01)",
                             .epochs = 20,
                             .seed = 3,
                             .early_stop = "patience=2, min_delta=1e9, monitor=train_loss"};
  const TrainResult r = train(blobs(300), options);
  EXPECT_TRUE(r.early_stopped);
  EXPECT_EQ(r.reason, StopReason::early_stopped);
  EXPECT_EQ(r.history.epochs.size(), 3u);
  EXPECT_EQ(r.kept_epoch, 1);
  EXPECT_EQ(r.test_loss, r.history.epochs[0].test_loss);
  TrainOptions one = options;
  one.early_stop.clear();
  one.epochs = 1;
  EXPECT_EQ(r.final_state.early_stop_params, train(blobs(300), one).final_state.params);
}

TEST(EarlyStop, PredictUsesTheKeptEpochsParameters) {
  const TrainOptions options{.model = "softmax", .optimizer = "adam(lr=0.05)", .epochs = 20, .seed = 3,
                             .early_stop = "patience=2, min_delta=1e9, monitor=train_loss"};
  TrainOptions one = options;
  one.early_stop.clear();
  one.epochs = 1;
  const LabeledData data = blobs(300);
  const Predictions kept = predict(train(data, options).final_state, data.features);
  const Predictions first = predict(train(data, one).final_state, data.features);
  EXPECT_EQ(kept.probabilities, first.probabilities);
}

TEST(EarlyStop, KeepsTheEpochWithTheBestTestLoss) {
  const TrainOptions options{.model = "mlp(hidden=[16])",
                             .optimizer = "adam(lr=0.05)",
                             .batch_size = 8,
                             .epochs = 12,
                             .seed = 2,
                             .early_stop = "patience=100, monitor=test_loss"};
  const TrainResult r = train(blobs(200), options);
  std::int64_t best = 1;
  for (const auto& e : r.history.epochs) {
    if (e.test_loss < r.history.epochs[static_cast<std::size_t>(best - 1)].test_loss)
      best = e.epoch;
  }
  EXPECT_FALSE(r.early_stopped);
  EXPECT_EQ(r.kept_epoch, best);
}

TEST(EarlyStop, ResumeEqualsUninterruptedRunBitForBit) {
  const std::string path = temp_path("early.ckpt");
  TrainOptions options{.model = "mlp(hidden=[8])",
                       .optimizer = "adam(lr=0.05)",
                       .batch_size = 16,
                       .epochs = 6,
                       .seed = 9,
                       .early_stop = "patience=3, monitor=test_accuracy"};
  const TrainResult whole = train(blobs(300), options);
  options.epochs = 3;
  options.checkpoint = path;
  train(blobs(300), options);
  options.epochs = 6;
  options.resume = path;
  const TrainResult resumed = train(blobs(300), options);
  std::remove(path.c_str());
  EXPECT_EQ(resumed.final_state.params, whole.final_state.params);
  EXPECT_EQ(resumed.final_state.early_stop_params, whole.final_state.early_stop_params);
  EXPECT_EQ(resumed.kept_epoch, whole.kept_epoch);
  EXPECT_EQ(resumed.history.epochs.size(), whole.history.epochs.size());
}

TEST(EarlyStop, ARunThatStoppedEarlyStaysStoppedWhenResumedWithMoreEpochs) {
  const std::string path = temp_path("stopped.ckpt");
  TrainOptions options{.model = "softmax",
                       .epochs = 10,
                       .seed = 3,
                       .checkpoint = path,
                       .early_stop = "patience=1, min_delta=1e9, monitor=train_loss"};
  train(blobs(200), options);
  options.epochs = 30;
  options.resume = path;
  const TrainResult r = train(blobs(200), options);
  std::remove(path.c_str());
  EXPECT_EQ(r.history.epochs.size(), 2u);
  EXPECT_TRUE(r.early_stopped);
}

TEST(EarlyStop, MonitoringTheTestSetWithoutOneIsRefused) {
  const TrainOptions options{
      .model = "softmax", .epochs = 1, .test_fraction = 0.0, .early_stop = "monitor=test_loss"};
  EXPECT_EQ(code_of(blobs(100), options), ErrorCode::bad_usage);
}

TEST(EarlyStop, BadSettingsAreRefused) {
  for (const char* spec :
       {"patience=-1", "patience=1.5", "min_delta=-1", "monitor=loss", "wait=3"}) {
    const TrainOptions options{.model = "softmax", .epochs = 1, .early_stop = spec};
    EXPECT_EQ(code_of(blobs(100), options), ErrorCode::bad_usage) << spec;
  }
}

// Batches of 64 are one shard each, and a batch of 256 is four shards of 64 rows added in order:
// the same sums in the same order (512 training rows: no partial group).
TEST(Accumulate, FourBatchesOf64StepLikeOneBatchOf256BitForBit) {
  const TrainOptions big{.model = "mlp(hidden=[8])",
                         .optimizer = "adam(lr=0.01)",
                         .batch_size = 256,
                         .epochs = 3,
                         .seed = 4};
  TrainOptions small = big;
  small.batch_size = 64;
  small.accumulate = 4;
  const TrainResult a = train(blobs(640), big), b = train(blobs(640), small);
  EXPECT_EQ(a.final_state.params, b.final_state.params);
  EXPECT_EQ(a.final_state.optimizer_state, b.final_state.optimizer_state);
  EXPECT_EQ(a.final_state.schedule_step, b.final_state.schedule_step);
}

// 240 training rows in batches of 50: groups of 3 batches (150 rows) then 2 batches (90 rows), as
// batch_size 150 has a last batch of 90. Other shards, so equal to rounding.
TEST(Accumulate, ThePartialLastGroupIsTheMeanOverItsRows) {
  const TrainOptions big{
      .model = "softmax", .optimizer = "sgd(lr=0.5)", .batch_size = 150, .epochs = 2, .seed = 4};
  TrainOptions small = big;
  small.batch_size = 50;
  small.accumulate = 3;
  const TrainResult a = train(blobs(300), big), b = train(blobs(300), small);
  ASSERT_EQ(a.final_state.params.size(), b.final_state.params.size());
  const auto* pa = reinterpret_cast<const double*>(a.final_state.params.data());
  const auto* pb = reinterpret_cast<const double*>(b.final_state.params.data());
  for (std::size_t i = 0; i < a.final_state.params.size() / sizeof(double); ++i) {
    EXPECT_NEAR(pa[i], pb[i], 1e-12 * (1 + std::abs(pa[i])));
  }
  EXPECT_EQ(b.final_state.schedule_step, 4);
}

TEST(Accumulate, AResumeWithAnotherCountIsRefused) {
  const std::string path = temp_path("accumulate.ckpt");
  TrainOptions options{.model = "softmax", .epochs = 1, .checkpoint = path, .accumulate = 2};
  train(blobs(100), options);
  options.accumulate = 3;
  options.resume = path;
  options.epochs = 2;
  EXPECT_EQ(code_of(blobs(100), options), ErrorCode::bad_input);
  std::remove(path.c_str());
}

TEST(Accumulate, ACountOutOfRangeIsRefused) {
  const TrainOptions options{.model = "softmax", .epochs = 1, .accumulate = 0};
  EXPECT_EQ(code_of(blobs(100), options), ErrorCode::bad_usage);
}

TEST(ParamGroupsInTrain, AGroupWithLrZeroLeavesItsLayerAlone) {
  const TrainOptions options{.model = "mlp(hidden=[4], init=he)",
                             .optimizer = "sgd(lr=0.1)",
                             .epochs = 2,
                             .seed = 5,
                             .param_groups = {"layer1: lr=0"}};
  TrainOptions none = options;
  none.epochs = 0;
  const std::string before = train(blobs(100), none).final_state.params;
  const std::string after = train(blobs(100), options).final_state.params;
  const std::size_t layer1 = (4 * 5 + 4) * sizeof(float);
  EXPECT_EQ(after.substr(0, layer1), before.substr(0, layer1));
  EXPECT_NE(after.substr(layer1), before.substr(layer1));
}

TEST(ParamGroupsInTrain, ResumeEqualsUninterruptedRunBitForBit) {
  const std::string path = temp_path("groups.ckpt");
  TrainOptions options{.model = "mlp(hidden=[8])",
                       .optimizer = "adam(lr=0.01, weight_decay=0.01)",
                       .schedule = "step(step_size=5, gamma=0.5)",
                       .batch_size = 32,
                       .epochs = 4,
                       .seed = 9,
                       .param_groups = {"bias: weight_decay=0", "layer2: lr=0.002"}};
  const TrainResult whole = train(blobs(200), options);
  options.epochs = 2;
  options.checkpoint = path;
  train(blobs(200), options);
  options.epochs = 4;
  options.resume = path;
  const TrainResult resumed = train(blobs(200), options);
  options.param_groups = {"bias: weight_decay=0"};
  EXPECT_EQ(code_of(blobs(200), options), ErrorCode::bad_input);
  std::remove(path.c_str());
  EXPECT_EQ(resumed.final_state.params, whole.final_state.params);
  EXPECT_EQ(resumed.final_state.optimizer_state, whole.final_state.optimizer_state);
}

}  // namespace
}  // namespace descent::ml
