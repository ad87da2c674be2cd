// Lion and the schedule-free rules in `train`: they learn, resume bit for bit through a
// checkpoint, and the schedule-free rules save and evaluate x, the averaged point (the
// authors' optimizer.eval()), keeping y in the optimizer state.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "descent/ml/trainer.hpp"
#include "descent/optim/optimizer.hpp"
#include "support/temp.hpp"

namespace descent::ml {
namespace {

// Three Gaussian blobs in 4 dimensions (as trainer_test.cpp's, smaller).
LabeledData blobs() {
  LabeledData data;
  data.name = "blobs";
  data.shape = {.inputs = 4, .classification = true, .num_classes = 3};
  const Index rows = 240;
  data.features.resize(rows, 4);
  data.targets.resize(rows);
  Rng rng(3);
  for (Index i = 0; i < rows; ++i) {
    const auto label = static_cast<Index>(rng.below(3));
    data.targets[i] = static_cast<double>(label);
    for (Index j = 0; j < 4; ++j) data.features(i, j) = rng.normal() + (j == label ? 4.0 : 0.0);
  }
  return data;
}

const char* const kRules[] = {"lion(lr=0.01)", "adamw_schedulefree(lr=0.02)",
                              "sgd_schedulefree(lr=0.5)"};

TEST(NewRulesTrain, EachLearnsTheBlobs) {
  for (const char* spec : kRules) {
    const TrainResult r = train(blobs(), {.model = "softmax", .optimizer = spec, .epochs = 5});
    EXPECT_GT(r.test_metric, 0.9) << spec;
  }
}

TEST(NewRulesTrain, EachResumesFromACheckpointBitForBit) {
  for (const char* spec : kRules) {
    SCOPED_TRACE(spec);
    const std::string path = test::temp_path("new_rules_resume.ckpt");
    TrainOptions options{
        .model = "mlp(hidden=[6])", .optimizer = spec, .batch_size = 32, .epochs = 4, .seed = 2};
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
    EXPECT_EQ(resumed.test_loss, whole.test_loss);
  }
}

// The saved params are the eval point of the saved state: put y back (to_train) and take the
// eval point again (to_eval); the params come back bit for bit, and y differs from them.
template <typename T>
void expect_saved_params_are_the_eval_point(const Checkpoint& saved) {
  std::vector<T> params(saved.params.size() / sizeof(T));
  std::memcpy(params.data(), saved.params.data(), saved.params.size());
  auto optimizer = optim::make_optimizer(saved.optimizer);
  optimizer->load_state(saved.optimizer_state);
  std::vector<T> p = params;
  optimizer->to_train(std::span<T>(p));
  EXPECT_NE(p, params);
  optimizer->to_eval(std::span<T>(p));
  EXPECT_EQ(p, params);
}

TEST(NewRulesTrain, ScheduleFreeCheckpointsHoldTheAveragedPoint) {
  for (const char* spec : {"adamw_schedulefree(lr=0.02)", "sgd_schedulefree(lr=0.5)"}) {
    for (const char* model : {"softmax", "mlp(hidden=[6])"}) {  // float64 and float32
      SCOPED_TRACE(std::string(spec) + " " + model);
      const TrainResult r = train(blobs(), {.model = model, .optimizer = spec, .epochs = 2});
      if (r.final_state.double_precision) {
        expect_saved_params_are_the_eval_point<double>(r.final_state);
      } else {
        expect_saved_params_are_the_eval_point<float>(r.final_state);
      }
    }
  }
}

}  // namespace
}  // namespace descent::ml
