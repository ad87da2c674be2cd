// muon in train: the NumPy port of the authors' code (tests/reference/generate_muon.py) step by
// step, and the conformance of a train-only rule: it learns, is deterministic, resumes bit for
// bit, and refuses bad options with bad_usage.
#include "ml/muon.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "descent/core/error.hpp"
#include "descent/ml/trainer.hpp"
#include "ml/stepper.hpp"
#include "support/temp.hpp"

namespace descent::ml {
namespace {

// Matrix products summed in another order than NumPy's BLAS, and Adam's moments updated as
// torch.optim.AdamW does (the authors' adam_update uses lerp): equal to rounding.
constexpr double kNumpyTol = 1e-12;

const nlohmann::json& reference() {
  static const nlohmann::json doc = [] {
    std::ifstream in(std::string(DESCENT_REFERENCE_DIR) + "/muon.json");
    return nlohmann::json::parse(in);
  }();
  return doc;
}

TEST(Muon, NewtonSchulzOfATallMatrixMatchesTheAuthorsIteration) {
  const auto& ns = reference()["newton_schulz"];
  std::vector<double> g;
  for (const auto& row : ns["input"]) {
    for (double v : row) g.push_back(v);
  }
  detail::newton_schulz5(g.data(), 6, 3, 5);
  std::size_t i = 0;
  for (const auto& row : ns["output"]) {
    for (double v : row) EXPECT_NEAR(g[i++], v, kNumpyTol);
  }
}

TEST(Muon, HiddenMatricesFollowTheAuthorsMuonAndTheRestTheirAdamW) {
  const auto& doc = reference();
  const ProblemShape shape{.inputs = 4, .classification = true, .num_classes = 3};
  detail::Stepper stepper(doc["optimizer"].get<std::string>(), {},
                          param_layout("mlp(hidden=[5])", shape));
  stepper.start("constant", 0);
  auto params = doc["initial"].get<std::vector<double>>();
  for (std::size_t k = 0; k < doc["grads"].size(); ++k) {
    const auto grad = doc["grads"][k].get<std::vector<double>>();
    stepper.step(std::span<double>(params), std::span<const double>(grad));
    stepper.schedule_step();
    const auto expected = doc["params"][k].get<std::vector<double>>();
    for (std::size_t i = 0; i < params.size(); ++i)
      EXPECT_NEAR(params[i], expected[i], kNumpyTol) << k << ", " << i;
  }
}

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

const TrainOptions kRun{.model = "mlp(hidden=[16])",
                        .optimizer = "muon(lr=0.02, adam_lr=0.01)",
                        .schedule = "cosine(t_max=40)",
                        .batch_size = 32,
                        .epochs = 4,
                        .seed = 6};

TEST(Muon, TrainsAnMlp) {
  const TrainResult r = train(blobs(300), kRun);
  EXPECT_LT(r.history.epochs.back().train_loss, 0.5 * r.history.epochs.front().train_loss);
  EXPECT_GT(r.test_metric, 0.9);
  EXPECT_THAT(r.optimizer, testing::StartsWith("muon(lr=0.02, momentum=0.95"));
}

TEST(Muon, SameSeedGivesIdenticalRuns) {
  EXPECT_EQ(train(blobs(300), kRun).final_state.params, train(blobs(300), kRun).final_state.params);
}

TEST(Muon, ResumeEqualsUninterruptedRunBitForBit) {
  const std::string path = descent::test::temp_path("muon_resume.ckpt");
  TrainOptions options = kRun;
  const TrainResult whole = train(blobs(300), options);
  options.epochs = 2;
  options.checkpoint = path;
  train(blobs(300), options);
  options.epochs = 4;
  options.resume = path;
  const TrainResult resumed = train(blobs(300), options);
  std::remove(path.c_str());
  EXPECT_EQ(resumed.final_state.params, whole.final_state.params);
  EXPECT_EQ(resumed.final_state.optimizer_state, whole.final_state.optimizer_state);
}

TEST(Muon, BadOptionsAreRefused) {
  for (const char* spec : {"muon(lr=-1)", "muon(momentum=1)", "muon(ns_steps=0)",
                           "muon(adam_betas=[0.9])", "muon(betas=[0.9, 0.9])"}) {
    TrainOptions options = kRun;
    options.optimizer = spec;
    try {
      train(blobs(100), options);
      ADD_FAILURE() << spec << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_usage) << spec;
      EXPECT_THAT(e.what(), testing::HasSubstr("muon")) << spec;
    }
  }
}

}  // namespace
}  // namespace descent::ml
