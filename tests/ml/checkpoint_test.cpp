// Checkpoint files: round trip, and refusal of anything damaged.
#include "descent/ml/checkpoint.hpp"

#include <gtest/gtest.h>

#include <span>
#include <vector>

#include "descent/core/error.hpp"
#include "descent/core/rng.hpp"
#include "descent/optim/optimizer.hpp"
#include "support/temp.hpp"

namespace descent::ml {
namespace {

// A checkpoint every field of which is consistent: softmax on 2 inputs and 3 classes (9 doubles),
// three epochs of history, Adam's state after some steps.
Checkpoint sample() {
  Checkpoint c;
  c.model = "softmax(init=zeros)";
  c.optimizer = "adam(lr=0.001)";
  c.schedule = "constant";
  c.data = "iris";
  c.data_hash = 0x0123456789abcdefULL;
  c.batch_size = 32;
  c.seed = 7;
  c.shape = {.inputs = 2, .classification = true, .num_classes = 3};
  c.double_precision = true;
  c.num_params = 9;
  c.mean = Vec::Zero(2);
  c.scale = Vec::Ones(2);
  std::vector<double> params(9, 0.25);
  c.params = std::string(reinterpret_cast<const char*>(params.data()), 9 * sizeof(double));
  c.best_params = c.params;
  auto adam = optim::make_optimizer(c.optimizer);
  std::vector<double> grad(9, 0.5);
  adam->step(std::span<double>(params), std::span<const double>(grad));
  c.optimizer_state = adam->save_state();
  c.rng_state = Rng(7).save();
  c.epoch = 3;
  c.schedule_step = 12;
  for (std::int64_t e = 1; e <= 3; ++e) {
    c.history.epochs.push_back(
        {.epoch = e, .train_loss = 1.0 / e, .test_loss = 0.6, .test_metric = 0.9, .lr = 0.001});
  }
  c.best_epoch = 3;
  c.best_loss = 1.0 / 3;
  return c;
}

TEST(Checkpoint, RoundTripsEveryField) {
  const Checkpoint c = sample();
  const Checkpoint back = decode_checkpoint(encode_checkpoint(c), "mem");
  EXPECT_EQ(back.model, c.model);
  EXPECT_EQ(back.params, c.params);
  EXPECT_EQ(back.optimizer_state, c.optimizer_state);
  EXPECT_EQ(back.epoch, 3);
  EXPECT_EQ(back.data_hash, c.data_hash);
  EXPECT_EQ(back.version, Checkpoint::kVersion);
  EXPECT_EQ(back.shape.num_classes, 3);
  ASSERT_EQ(back.history.epochs.size(), 3u);
  EXPECT_EQ(back.history.epochs[0].test_metric, 0.9);
  EXPECT_EQ(encode_checkpoint(back), encode_checkpoint(c));
}

TEST(Checkpoint, RefusesAFlippedByte) {
  std::string bytes = encode_checkpoint(sample());
  bytes[bytes.size() / 2] ^= 0x20;
  EXPECT_THROW(decode_checkpoint(bytes, "mem"), Error);
}

TEST(Checkpoint, RefusesEveryTruncation) {
  const std::string bytes = encode_checkpoint(sample());
  for (std::size_t size = 0; size < bytes.size(); size += 7) {
    EXPECT_THROW(decode_checkpoint(std::string_view(bytes).substr(0, size), "mem"), Error) << size;
  }
}

TEST(Checkpoint, RefusesOtherFilesWithAMessageNamingThem) {
  try {
    decode_checkpoint("id,label\n1,2\n", "data.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    EXPECT_NE(std::string(e.what()).find("data.csv"), std::string::npos);
  }
}

TEST(Checkpoint, SaveReplacesTheFileWhole) {
  const std::string path = descent::test::temp_path("ckpt_test.ckpt");
  save_checkpoint(path, sample());
  Checkpoint c = sample();
  c.seed = 8;
  save_checkpoint(path, c);
  EXPECT_EQ(load_checkpoint(path).seed, 8u);
  std::remove(path.c_str());
  EXPECT_THROW(load_checkpoint(path), Error);
}

}  // namespace
}  // namespace descent::ml
