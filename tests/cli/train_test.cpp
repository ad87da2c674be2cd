// `descent train`: the JSON contract, the human table, exit codes, checkpoints and resume.
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli.hpp"
#include "support/temp.hpp"

namespace {

using descent::test::run_cli;

std::string temp_path(const std::string& name) { return descent::test::temp_path("cli_train_" + name); }

TEST(TrainCli, JsonHasTheDocumentedKeys) {
  const auto r = run_cli({"train", "--data", "iris", "--model", "softmax", "--epochs", "3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  for (const char* key : {"epochs", "train_loss", "test_loss", "test_accuracy", "parameters", "model", "optimizer", "data"}) {
    EXPECT_TRUE(doc.contains(key)) << key;
  }
  ASSERT_EQ(doc["epochs"].size(), 3u);
  for (const char* key :
       {"epoch", "train_loss", "test_loss", "test_accuracy", "lr", "seconds", "train_seconds"}) {
    EXPECT_TRUE(doc["epochs"][0].contains(key)) << key;
  }
  EXPECT_EQ(doc["epochs"][0]["epoch"], 1);
  EXPECT_EQ(doc["parameters"], 15);  // softmax on 4 features, 3 classes: 3 * 4 + 3
}

TEST(TrainCli, RegressionReportsR2) {
  const auto r = run_cli({"train", "--data", "diabetes", "--epochs", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_TRUE(doc.contains("test_r2"));
  EXPECT_FALSE(doc.contains("test_accuracy"));
}

TEST(TrainCli, PrintsATableAndASummaryLine) {
  const auto r = run_cli({"train", "--data", "iris", "--epochs", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("train loss"), std::string::npos);
  EXPECT_NE(r.out.find("test accuracy"), std::string::npos);
  EXPECT_EQ(r.err, "");  // no progress bar when stderr is not a terminal
}

TEST(TrainCli, BadModelSpecIsExit2) {
  const auto r = run_cli({"train", "--data", "iris", "--model", "mlp(hidden=[8"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("descent: error:"), std::string::npos);
  EXPECT_EQ(run_cli({"train", "--data", "iris", "--model", "forest"}).exit_code, 2);
}

TEST(TrainCli, MissingDataFileIsExit2) {
  const auto r = run_cli({"train", "--data", "/nonexistent/data.csv"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("descent: error:"), std::string::npos);
}

TEST(TrainCli, BadBatchSizeAndClosureOptimizersAreExit2) {
  EXPECT_EQ(run_cli({"train", "--data", "iris", "--batch-size", "0"}).exit_code, 2);
  EXPECT_EQ(run_cli({"train", "--data", "iris", "--optimizer", "lbfgs"}).exit_code, 2);
}

TEST(TrainCli, OnecycleShorterThanTheTrainingIsExit2BeforeTheFirstEpoch) {
  // iris: 120 training rows in batches of 32 = 4 batches per epoch; 3 epochs = 12 steps.
  const auto r = run_cli({"train", "--data", "iris", "--model", "softmax", "--epochs", "3", "--schedule",
                          "onecycle(max_lr=0.01, total_steps=10)"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("total_steps = 10 steps, but training takes 12 steps (3 epochs x 4 batches)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("set total_steps=12"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--epochs 2"), std::string::npos) << r.err;
}

TEST(TrainCli, OnecycleAsLongAsTheTrainingRuns) {
  const auto r = run_cli({"train", "--data", "iris", "--model", "softmax", "--epochs", "3", "--schedule",
                          "onecycle(max_lr=0.01, total_steps=12)", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(TrainCli, OnecycleWithoutTotalStepsLastsTheWholeTraining) {
  // Like PyTorch's OneCycleLR(epochs=3, steps_per_epoch=4): total_steps = 12.
  const auto implicit = run_cli({"train", "--data", "iris", "--model", "softmax", "--epochs", "3", "--schedule",
                                 "onecycle(max_lr=0.01)", "--json"});
  const auto explicit_ = run_cli({"train", "--data", "iris", "--model", "softmax", "--epochs", "3", "--schedule",
                                  "onecycle(max_lr=0.01, total_steps=12)", "--json"});
  ASSERT_EQ(implicit.exit_code, 0) << implicit.err;
  auto a = nlohmann::json::parse(implicit.out), b = nlohmann::json::parse(explicit_.out);
  EXPECT_EQ(a["schedule"], b["schedule"]);
  EXPECT_EQ(a["train_loss"], b["train_loss"]);
  EXPECT_EQ(a["test_accuracy"], b["test_accuracy"]);
}

TEST(TrainCli, DivergenceIsExit3WithTheResultPrinted) {
  const auto r = run_cli({"train", "--data", "diabetes", "--optimizer", "sgd(lr=100)", "--batch-size", "full",
                          "--epochs", "300", "--json"});
  EXPECT_EQ(r.exit_code, 3);
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["reason"], "diverged");
  EXPECT_NE(r.err.find("diverged at epoch"), std::string::npos);
}

TEST(TrainCli, ResumeContinuesToTheSameResult) {
  const std::string path = temp_path("resume.ckpt");
  const auto whole = run_cli({"train", "--data", "iris", "--model", "mlp(hidden=[8])", "--epochs", "4", "--json"});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  ASSERT_EQ(run_cli({"train", "--data", "iris", "--model", "mlp(hidden=[8])", "--epochs", "2", "--checkpoint", path})
                .exit_code, 0);
  // The settings come from the checkpoint.
  const auto resumed = run_cli({"train", "--resume", path, "--epochs", "4", "--json"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const auto a = nlohmann::json::parse(whole.out);
  const auto b = nlohmann::json::parse(resumed.out);
  EXPECT_EQ(a["train_loss"], b["train_loss"]);
  EXPECT_EQ(a["test_loss"], b["test_loss"]);
  EXPECT_EQ(b["epochs"].size(), 4u);
  // A conflicting flag is refused.
  EXPECT_EQ(run_cli({"train", "--resume", path, "--model", "softmax", "--epochs", "4"}).exit_code, 2);
  std::remove(path.c_str());
}

TEST(TrainCli, CorruptCheckpointIsRefused) {
  const std::string path = temp_path("corrupt.ckpt");
  ASSERT_EQ(run_cli({"train", "--data", "iris", "--epochs", "1", "--checkpoint", path}).exit_code, 0);
  std::string bytes = descent::test::slurp(path);
  bytes[bytes.size() / 3] ^= 0x55;
  std::ofstream(path, std::ios::binary) << bytes;
  const auto r = run_cli({"train", "--resume", path, "--epochs", "2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("checksum"), std::string::npos) << r.err;
  std::remove(path.c_str());
}

}  // namespace
