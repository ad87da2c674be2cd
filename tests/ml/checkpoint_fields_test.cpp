// Crafted checkpoints (CRC-valid, so only field checks can catch them) are refused with a message
// naming the field; version 1 files still load; files that are not checkpoints say what they are.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "descent/core/error.hpp"
#include "descent/core/rng.hpp"
#include "descent/ml/checkpoint.hpp"
#include "descent/ml/trainer.hpp"
#include "descent/optim/optimizer.hpp"
#include "support/temp.hpp"

namespace descent::ml {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// softmax on 2 inputs and 3 classes (9 doubles), 2 epochs of history, Adam after one step.
Checkpoint valid() {
  Checkpoint c;
  c.model = "softmax(init=zeros)";
  c.optimizer = "adam(lr=0.001)";
  c.schedule = "constant";
  c.data = "blobs.csv";
  c.target = "label";
  c.data_hash = 42;
  c.shape = {.inputs = 2, .classification = true, .num_classes = 3};
  c.double_precision = true;
  c.num_params = 9;
  c.mean = Vec::Zero(2);
  c.scale = Vec::Ones(2);
  std::vector<double> params(9, 0.25), grad(9, 0.5);
  c.params = std::string(reinterpret_cast<const char*>(params.data()), 9 * sizeof(double));
  auto adam = optim::make_optimizer(c.optimizer);
  adam->step(std::span<double>(params), std::span<const double>(grad));
  c.optimizer_state = adam->save_state();
  c.rng_state = Rng(1).save();
  c.epoch = 2;
  c.schedule_step = 2;
  c.history.epochs = {{.epoch = 1, .train_loss = 0.9, .test_loss = kNaN, .test_metric = kNaN},
                      {.epoch = 2, .train_loss = 0.8, .test_loss = kNaN, .test_metric = kNaN}};
  c.best_epoch = 2;
  c.best_loss = 0.8;
  return c;
}

// The message decode gives for the checkpoint `change` makes of a valid one ("" if none).
std::string refusal(const std::function<void(Checkpoint&)>& change) {
  Checkpoint c = valid();
  change(c);
  try {
    decode_checkpoint(encode_checkpoint(c), "crafted.ckpt");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    return e.what();
  }
  return "";
}

MATCHER_P(NamesField, field, "") {
  return arg.find("crafted.ckpt") != std::string::npos &&
         arg.find("field '" + std::string(field)) != std::string::npos;
}

TEST(CheckpointFields, AValidCheckpointLoads) {
  EXPECT_EQ(refusal([](Checkpoint&) {}), "");
}

TEST(CheckpointFields, ANegativeEpochIsRefused) {
  EXPECT_THAT(refusal([](Checkpoint& c) { c.epoch = -1; }), NamesField("epoch"));
}

TEST(CheckpointFields, NanParametersAreRefused) {
  const std::string message = refusal([](Checkpoint& c) {
    const double nan = kNaN;
    std::memcpy(c.params.data() + 8, &nan, sizeof nan);
  });
  EXPECT_THAT(message, NamesField("params[1]"));
}

TEST(CheckpointFields, AZeroScaleIsRefused) {
  EXPECT_THAT(refusal([](Checkpoint& c) { c.scale[1] = 0.0; }), NamesField("scale[1]"));
}

TEST(CheckpointFields, ANonFiniteMeanIsRefused) {
  EXPECT_THAT(refusal([](Checkpoint& c) { c.mean[0] = HUGE_VAL; }), NamesField("mean[0]"));
}

TEST(CheckpointFields, AParameterCountTheModelDoesNotHaveIsRefused) {
  const std::string message = refusal([](Checkpoint& c) {
    c.model = "mlp(hidden=[4], dtype=float64)";  // 2*4+4 + 4*3+3 = 27 parameters, not 9
  });
  EXPECT_THAT(message, NamesField("num_params"));
}

TEST(CheckpointFields, AnUnknownModelIsRefused) {
  EXPECT_THAT(refusal([](Checkpoint& c) { c.model = "transformer"; }), NamesField("model"));
}

TEST(CheckpointFields, AHistoryShorterThanTheEpochCountIsRefused) {
  EXPECT_THAT(refusal([](Checkpoint& c) { c.epoch = 3; }), NamesField("history"));
}

TEST(CheckpointFields, AnEpochRecordOutOfOrderIsRefused) {
  EXPECT_THAT(refusal([](Checkpoint& c) { c.history.epochs[1].epoch = 7; }),
              NamesField("history[1].epoch"));
}

TEST(CheckpointFields, ABestLossTheHistoryDoesNotHoldIsRefused) {
  EXPECT_THAT(refusal([](Checkpoint& c) { c.best_loss = 0.1; }), NamesField("best_loss"));
}

TEST(CheckpointFields, AnAccuracyAboveOneIsRefused) {
  EXPECT_THAT(refusal([](Checkpoint& c) { c.history.epochs[0].test_metric = 1.5; }),
              NamesField("history[0].test_metric"));
}

TEST(CheckpointFields, ATestFractionOutOfRangeIsRefused) {
  EXPECT_THAT(refusal([](Checkpoint& c) { c.test_fraction = 1.0; }), NamesField("test_fraction"));
}

TEST(CheckpointFields, ANegativeClipNormIsRefused) {
  EXPECT_THAT(refusal([](Checkpoint& c) { c.clip_norm = -1.0; }), NamesField("clip_norm"));
}

TEST(CheckpointFields, ClassificationWithoutClassesIsRefused) {
  EXPECT_THAT(refusal([](Checkpoint& c) { c.shape.num_classes = 0; }), NamesField("num_classes"));
}

TEST(CheckpointFields, AnImageShapeThatIsNotTheInputCountIsRefused) {
  EXPECT_THAT(refusal([](Checkpoint& c) { c.shape.image = {1, 3, 3}; }), NamesField("image"));
}

TEST(CheckpointFields, FeatureNamesOfTheWrongCountAreRefused) {
  EXPECT_THAT(refusal([](Checkpoint& c) { c.feature_names = {"a"}; }), NamesField("feature_names"));
}

TEST(CheckpointFields, AStoredDtypeTheModelDoesNotUseIsRefused) {
  EXPECT_THAT(refusal([](Checkpoint& c) { c.double_precision = false; }),
              NamesField("double_precision"));
}

TEST(CheckpointFields, AnUnknownScheduleIsRefused) {
  EXPECT_THAT(refusal([](Checkpoint& c) { c.schedule = "sawtooth"; }), NamesField("schedule"));
}

TEST(CheckpointFields, MalformedRngStateIsRefused) {
  EXPECT_THAT(refusal([](Checkpoint& c) { c.rng_state = "1 2 3"; }), NamesField("rng_state"));
}

TEST(CheckpointFields, ATruncatedOptimizerStateNamesTheOptimizer) {
  const std::string message = refusal([](Checkpoint& c) { c.optimizer_state.resize(40); });
  EXPECT_THAT(message, NamesField("optimizer_state"));
  EXPECT_NE(message.find("adam: optimizer state is truncated"), std::string::npos) << message;
}

TEST(CheckpointFields, OptimizerStateForAnotherSizeIsRefused) {
  const std::string message = refusal([](Checkpoint& c) {
    auto adam = optim::make_optimizer(c.optimizer);
    std::vector<double> x(4, 0.0), g(4, 1.0);
    adam->step(std::span<double>(x), std::span<const double>(g));
    c.optimizer_state = adam->save_state();
  });
  EXPECT_THAT(message, NamesField("optimizer_state"));
}

// Version 1 bytes: version 3's without the target and the data hash (version 2) and without the
// training controls at the end (version 3), CRC recomputed.
std::string as_version_1(const Checkpoint& c) {
  std::string bytes = encode_checkpoint(c);
  std::size_t controls = 8 + c.early_stop.size() + 8 + 8 + 8 + c.early_stop_params.size() + 8;
  for (const auto& group : c.param_groups) controls += 8 + group.size();
  bytes.erase(bytes.size() - 4 - controls, controls);
  std::size_t pos = 12;  // magic, version
  for (int blob = 0; blob < 4; ++blob) {
    std::uint64_t size = 0;
    std::memcpy(&size, bytes.data() + pos, 8);
    pos += 8 + size;
  }
  bytes.erase(pos, 8 + c.target.size() + 8);
  const std::uint32_t version = 1;
  std::memcpy(bytes.data() + 8, &version, 4);
  bytes.resize(bytes.size() - 4);
  const auto crc = static_cast<std::uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
  bytes.append(reinterpret_cast<const char*>(&crc), 4);
  return bytes;
}

TEST(CheckpointVersions, Version1StillLoads) {
  const Checkpoint back = decode_checkpoint(as_version_1(valid()), "old.ckpt");
  EXPECT_EQ(back.version, 1u);
  EXPECT_EQ(back.model, valid().model);
  EXPECT_EQ(back.target, "");
  EXPECT_EQ(back.data_hash, 0u);
}

TEST(CheckpointVersions, AResumeFromVersion1IsRefusedSayingWhy) {
  const std::string path = descent::test::temp_path("v1.ckpt");
  std::ofstream(path, std::ios::binary) << as_version_1(valid());
  LabeledData data;
  data.name = "blobs.csv";
  data.features = RowMat::Zero(4, 2);
  data.targets = Vec::Zero(4);
  data.shape = {.inputs = 2, .classification = true, .num_classes = 3};
  try {
    train(data, {.model = "softmax(init=zeros)", .resume = path});
    ADD_FAILURE() << "resumed from a version 1 checkpoint";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("version 1"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

TEST(CheckpointFiles, ATooShortFileSaysSo) {
  const std::string path = descent::test::temp_path("short.ckpt");
  std::ofstream(path, std::ios::binary) << "DSCNT";
  try {
    load_checkpoint(path);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is too short to be a checkpoint (5 bytes)"),
              std::string::npos)
        << e.what();
  }
  std::filesystem::remove(path);
}

TEST(CheckpointFiles, ADirectorySaysSo) {
  const std::string path = descent::test::temp_path("ckpt_dir");
  std::filesystem::create_directories(path);
  try {
    load_checkpoint(path);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

TEST(CheckpointFiles, ADeviceIsRefusedByItsFirstBytes) {
  // /dev/zero never ends: the magic check must come before reading the rest.
  EXPECT_THROW(load_checkpoint("/dev/zero"), Error);
}

}  // namespace
}  // namespace descent::ml
