// The training loop on small synthetic problems: learning, determinism, resume, divergence.
#include "descent/ml/trainer.hpp"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "support/temp.hpp"

namespace descent::ml {
namespace {

// Three Gaussian blobs in 5 dimensions, centers 4 * sqrt(2) apart: nearly separable.
LabeledData blobs(Index rows = 300, std::uint64_t seed = 11) {
  LabeledData data;
  data.name = "blobs";
  data.shape = {.inputs = 5, .classification = true, .num_classes = 3};
  data.features.resize(rows, 5);
  data.targets.resize(rows);
  Rng rng(seed);
  for (Index i = 0; i < rows; ++i) {
    const auto label = static_cast<Index>(rng.below(3));
    data.targets[i] = static_cast<double>(label);
    for (Index j = 0; j < 5; ++j) data.features(i, j) = 10.0 + rng.normal() + (j == label ? 4.0 : 0.0);
  }
  return data;
}

// y = 2 x0 - x1 + 0.5 + noise
LabeledData line(Index rows = 200) {
  LabeledData data;
  data.name = "line";
  data.shape = {.inputs = 2, .classification = false};
  data.features.resize(rows, 2);
  data.targets.resize(rows);
  Rng rng(5);
  for (Index i = 0; i < rows; ++i) {
    data.features(i, 0) = rng.normal();
    data.features(i, 1) = rng.normal();
    data.targets[i] = 2 * data.features(i, 0) - data.features(i, 1) + 0.5 + 0.01 * rng.normal();
  }
  return data;
}

std::string temp_path(const std::string& name) { return descent::test::temp_path("ml_" + name); }

TEST(Train, SoftmaxSeparatesBlobs) {
  const TrainResult r = train(blobs(), {.model = "softmax", .optimizer = "adam(lr=0.05)", .epochs = 10});
  EXPECT_GT(r.test_metric, 0.95);
  EXPECT_EQ(r.history.epochs.size(), 10u);
  EXPECT_EQ(r.test_rows, 60);  // 0.2 * 300
  EXPECT_EQ(r.reason, StopReason::max_steps);
}

TEST(Train, OnecycleRunsToItsLastStep) {
  // 240 training rows in batches of 32: 8 batches x 5 epochs = 40 steps = total_steps.
  const TrainResult r = train(blobs(), {.model = "softmax", .optimizer = "adam(lr=0.05)",
                                        .schedule = "onecycle(max_lr=0.05, total_steps=40)", .epochs = 5});
  EXPECT_EQ(r.history.epochs.size(), 5u);
  EXPECT_EQ(r.final_state.schedule_step, 40);
}

TEST(Train, RefusesAOnecycleShorterThanTheTrainingBeforeTheFirstEpoch) {
  int epochs_seen = 0;
  TrainCallbacks callbacks;
  callbacks.on_epoch = [&](const EpochRecord&) { ++epochs_seen; };
  try {
    train(blobs(), {.model = "softmax", .optimizer = "adam(lr=0.05)",
                    .schedule = "onecycle(max_lr=0.05, total_steps=39)", .epochs = 5}, callbacks);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_usage);
    EXPECT_EQ(std::string(e.what()),
              "schedule onecycle ends after total_steps = 39 steps, but training takes 40 steps "
              "(5 epochs x 8 batches); set total_steps=40 in the schedule, or train at most 4 epochs (epochs=4)");
  }
  EXPECT_EQ(epochs_seen, 0);
}

TEST(Train, MlpAndCnnLearn) {
  const TrainResult mlp = train(blobs(), {.model = "mlp(hidden=[16])", .optimizer = "adam(lr=0.01)", .epochs = 10});
  EXPECT_GT(mlp.test_metric, 0.95);
  // 5 features are no image; a 1x1x5 "image" cannot be pooled, so cnn is refused there.
  EXPECT_THROW(train(blobs(), {.model = "cnn"}), Error);
}

TEST(Train, LinearRegressionReachesHighR2) {
  const TrainResult r = train(line(), {.model = "linear", .optimizer = "sgd(lr=0.1)", .batch_size = 0, .epochs = 200});
  EXPECT_GT(r.test_metric, 0.999);
}

TEST(Train, SameSeedGivesIdenticalRuns) {
  const TrainOptions options{.model = "mlp(hidden=[8])", .optimizer = "adam(lr=0.01)", .epochs = 3, .seed = 4};
  const TrainResult a = train(blobs(), options);
  const TrainResult b = train(blobs(), options);
  EXPECT_EQ(a.final_state.params, b.final_state.params);
  EXPECT_EQ(a.train_loss, b.train_loss);
}

TEST(Train, ResumeEqualsUninterruptedRunBitForBit) {
  const std::string path = temp_path("resume.ckpt");
  TrainOptions options{.model = "mlp(hidden=[8])", .optimizer = "adam(lr=0.01)",
                       .schedule = "step(step_size=7, gamma=0.5)", .batch_size = 16, .epochs = 4,
                       .seed = 9, .clip_norm = 1.0};
  const TrainResult whole = train(blobs(), options);

  options.epochs = 2;
  options.checkpoint = path;
  train(blobs(), options);
  options.epochs = 4;
  options.resume = path;
  const TrainResult resumed = train(blobs(), options);
  std::remove(path.c_str());

  EXPECT_EQ(resumed.final_state.params, whole.final_state.params);
  EXPECT_EQ(resumed.final_state.optimizer_state, whole.final_state.optimizer_state);
  EXPECT_EQ(resumed.final_state.rng_state, whole.final_state.rng_state);
  ASSERT_EQ(resumed.history.epochs.size(), 4u);
  for (std::size_t e = 0; e < 4; ++e) {
    EXPECT_EQ(resumed.history.epochs[e].train_loss, whole.history.epochs[e].train_loss);
    EXPECT_EQ(resumed.history.epochs[e].test_loss, whole.history.epochs[e].test_loss);
    EXPECT_EQ(resumed.history.epochs[e].lr, whole.history.epochs[e].lr);
  }
}

// A stop request (a signal's flag in the CLI) read after every batch.
TEST(Train, AStopRequestUndoesThePartialEpochAndWritesTheCheckpoint) {
  const std::string path = temp_path("stopped.ckpt");
  TrainOptions options{.model = "mlp(hidden=[8])",
                       .optimizer = "adam(lr=0.01)",
                       .batch_size = 16,
                       .epochs = 4,
                       .seed = 9,
                       .checkpoint = path};
  std::atomic<bool> stop{false};
  TrainCallbacks callbacks;
  callbacks.stop = &stop;
  callbacks.on_batch = [&](std::int64_t epoch, std::int64_t done, std::int64_t) {
    if (epoch == 3 && done == 2) stop = true;
  };
  const TrainResult stopped = train(blobs(), options, callbacks);
  options.epochs = 2;
  options.checkpoint.clear();
  const TrainResult two = train(blobs(), options);

  EXPECT_EQ(stopped.reason, StopReason::stopped_by_callback);
  EXPECT_EQ(stopped.history.epochs.size(), 2u);
  EXPECT_EQ(stopped.final_state.params, two.final_state.params);  // epoch 3's two batches undone
  const Checkpoint saved = load_checkpoint(path);
  std::remove(path.c_str());
  EXPECT_EQ(saved.epoch, 2);
  EXPECT_EQ(saved.params, two.final_state.params);
  EXPECT_EQ(saved.optimizer_state, two.final_state.optimizer_state);
  EXPECT_EQ(saved.rng_state, two.final_state.rng_state);
}

TEST(Train, AFailedCheckpointWriteIsReportedAndTheRunGoesOn) {
  const TrainResult r = train(
      blobs(), {.model = "softmax", .epochs = 3, .checkpoint = temp_path("no/such/dir/c.ckpt")});
  EXPECT_EQ(r.history.epochs.size(), 3u);
  EXPECT_EQ(r.reason, StopReason::max_steps);
  EXPECT_NE(r.checkpoint_error.find("cannot write"), std::string::npos) << r.checkpoint_error;
}

TEST(Train, DataParallelStepsAreDeterministicAndEqualToOneThread) {
  // A batch of 256 is 4 shards whose gradients are added in shard order whichever thread
  // computed them: two threads give the same bits as one, and the same run twice is identical.
  TrainOptions options{.model = "mlp(hidden=[8], dtype=float64)", .optimizer = "adam(lr=0.01)",
                       .batch_size = 256, .epochs = 2, .seed = 4, .threads = 2};
  const TrainResult a = train(blobs(), options);
  const TrainResult b = train(blobs(), options);
  EXPECT_EQ(a.final_state.params, b.final_state.params);
  options.threads = 1;
  const TrainResult one = train(blobs(), options);
  EXPECT_EQ(a.final_state.params, one.final_state.params);
  EXPECT_EQ(a.train_loss, one.train_loss);
  EXPECT_EQ(a.test_loss, one.test_loss);
}

// 8x8 one-channel images: class 1 when the left half is brighter.
LabeledData halves(Index rows = 300) {
  LabeledData data;
  data.name = "halves";
  data.shape = {.inputs = 64, .classification = true, .num_classes = 2, .image = {1, 8, 8}};
  data.features.resize(rows, 64);
  data.targets.resize(rows);
  Rng rng(2);
  for (Index i = 0; i < rows; ++i) {
    const auto label = static_cast<Index>(rng.below(2));
    data.targets[i] = static_cast<double>(label);
    for (Index j = 0; j < 64; ++j) {
      data.features(i, j) = rng.normal() + ((j % 8 < 4) == (label == 1) ? 1.0 : 0.0);
    }
  }
  return data;
}

TEST(Train, ACnnTrainsTheSameBitsOnTwoThreadsAsOnOne) {
  // The convolution kernels keep scratch per layer, and each thread's network has its own.
  TrainOptions options{.model = "cnn(channels=[8, 16], hidden=8)", .optimizer = "adam(lr=0.01)",
                       .batch_size = 256, .epochs = 2, .seed = 4, .threads = 2};
  const TrainResult two = train(halves(), options);
  options.threads = 1;
  const TrainResult one = train(halves(), options);
  EXPECT_EQ(two.final_state.params, one.final_state.params);
}

TEST(Train, ResumeWithTwoThreadsEqualsUninterruptedRunBitForBit) {
  const std::string path = temp_path("resume2.ckpt");
  TrainOptions options{.model = "mlp(hidden=[8])", .optimizer = "adam(lr=0.01)", .batch_size = 40, .epochs = 3,
                       .threads = 2};
  const TrainResult whole = train(blobs(), options);
  options.epochs = 1;
  options.checkpoint = path;
  train(blobs(), options);
  options.epochs = 3;
  options.resume = path;
  const TrainResult resumed = train(blobs(), options);
  std::remove(path.c_str());
  EXPECT_EQ(resumed.final_state.params, whole.final_state.params);
  EXPECT_EQ(resumed.test_loss, whole.test_loss);
}

TEST(Train, ResumeRefusesACheckpointOfAnotherRun) {
  const std::string path = temp_path("mismatch.ckpt");
  TrainOptions options{.model = "softmax", .epochs = 1, .checkpoint = path};
  train(blobs(), options);
  options.checkpoint.clear();
  options.resume = path;
  options.epochs = 2;
  options.model = "mlp(hidden=[4])";
  EXPECT_THROW(train(blobs(), options), Error);
  options.model = "softmax";
  options.optimizer = "sgd(lr=0.1)";
  EXPECT_THROW(train(blobs(), options), Error);
  options.optimizer = "adam";
  options.seed = 3;
  EXPECT_THROW(train(blobs(), options), Error);
  options.seed = 0;
  EXPECT_NO_THROW(train(blobs(), options));
  std::remove(path.c_str());
}

TEST(Train, DivergenceKeepsTheBestParametersAndSaysWhatToTry) {
  // sgd with lr 10 on least squares: |1 - 2 lr lambda| > 1, the iterates blow up.
  const TrainResult r = train(line(), {.model = "linear", .optimizer = "sgd(lr=10)", .batch_size = 0, .epochs = 500});
  EXPECT_EQ(r.reason, StopReason::diverged);
  EXPECT_NE(r.message.find("diverged at epoch"), std::string::npos);
  EXPECT_NE(r.message.find("try a smaller lr"), std::string::npos);
  EXPECT_TRUE(std::isfinite(r.train_loss));
  EXPECT_LT(r.history.epochs.size(), 500u);
}

TEST(Train, ClippingTamesTheSameRun) {
  // The clipped step is at most lr * clip_value per coordinate; with lr 0.1, clip 1 it converges.
  const TrainResult r = train(line(), {.model = "linear", .optimizer = "sgd(lr=0.1)", .batch_size = 0,
                                       .epochs = 300, .clip_value = 1.0});
  EXPECT_EQ(r.reason, StopReason::max_steps);
  EXPECT_GT(r.test_metric, 0.999);
}

TEST(Train, RefusesOptimizersThatNeedTheWholeObjective) {
  EXPECT_THROW(train(blobs(), {.model = "softmax", .optimizer = "lbfgs"}), Error);
}

TEST(Train, PredictAppliesTheCheckpointsStandardization) {
  const LabeledData data = blobs();
  const TrainResult r = train(data, {.model = "softmax", .optimizer = "adam(lr=0.05)", .epochs = 10, .test_fraction = 0});
  const Predictions p = predict(r.final_state, data.features);
  double hits = 0;
  for (Index i = 0; i < data.features.rows(); ++i) hits += p.values[static_cast<std::size_t>(i)] == data.targets[i];
  EXPECT_GT(hits / static_cast<double>(data.features.rows()), 0.95);
  ASSERT_EQ(p.probabilities.front().size(), 3u);
  EXPECT_NEAR(p.probabilities.front()[0] + p.probabilities.front()[1] + p.probabilities.front()[2], 1.0, 1e-12);
}

}  // namespace
}  // namespace descent::ml
