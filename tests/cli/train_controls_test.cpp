// `descent train --early-stop / --accumulate / --param-group`: what is printed, the JSON keys,
// resume filling them in from the checkpoint, and exit 2 with a message for bad settings.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "support/cli.hpp"
#include "support/temp.hpp"

namespace {

using descent::test::run_cli;

std::string temp_path(const std::string& name) {
  return descent::test::temp_path("cli_controls_" + name);
}

TEST(TrainControlsCli, EarlyStoppingSaysWhichEpochItKept) {
  const auto r = run_cli({"train", "--data", "iris", "--model", "softmax", "--epochs", "30",
                          "--early-stop", "patience=2, min_delta=1e9, monitor=train_loss"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("stopped early"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kept epoch 1"), std::string::npos) << r.out;
}

TEST(TrainControlsCli, JsonReportsTheKeptEpoch) {
  const auto r =
      run_cli({"train", "--data", "iris", "--model", "softmax", "--epochs", "30", "--json",
               "--early-stop", "patience=2, min_delta=1e9, monitor=test_accuracy"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["early_stop"]["kept_epoch"], 1);
  EXPECT_EQ(doc["early_stop"]["stopped"], true);
  EXPECT_EQ(doc["epochs"].size(), 3u);
  EXPECT_EQ(doc["reason"], "early_stopped");
}

TEST(TrainControlsCli, AResumeTakesTheControlsFromTheCheckpoint) {
  const std::string path = temp_path("resume.ckpt");
  const auto first =
      run_cli({"train", "--data", "iris", "--model", "mlp(hidden=[4])", "--epochs", "2",
               "--checkpoint", path, "--accumulate", "2", "--param-group", "bias: weight_decay=0"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto resumed = run_cli({"train", "--resume", path, "--epochs", "3", "--json"});
  std::remove(path.c_str());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const auto doc = nlohmann::json::parse(resumed.out);
  EXPECT_EQ(doc["accumulate"], 2);
  EXPECT_EQ(doc["param_groups"][0], "bias: weight_decay=0");
}

TEST(TrainControlsCli, MuonAndSvrgTrain) {
  for (const char* optimizer : {"muon(lr=0.02, adam_lr=0.01)", "svrg(lr=0.1)"}) {
    const auto r = run_cli({"train", "--data", "iris", "--model", "mlp(hidden=[8])", "--epochs",
                            "2", "--optimizer", optimizer, "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["optimizer"].get<std::string>().substr(0, 4),
              std::string(optimizer).substr(0, 4));
  }
}

TEST(TrainControlsCli, BadControlsAreExit2WithAMessage) {
  const std::vector<std::vector<std::string>> cases = {
      {"--early-stop", "monitor=test_loss", "--test-fraction", "0"},
      {"--early-stop", "patience=soon"},
      {"--accumulate", "0"},
      {"--param-group", "bias weight_decay=0"},
      {"--param-group", "layer9: lr=1"},
      {"--param-group", "bias: momentum=0.9"},
      {"--optimizer", "muon(lr=-1)"},
      {"--optimizer", "muon(adam_betas=[0.9])"},
      {"--optimizer", "svrg(momentum=0.9)"},
      {"--optimizer", "svrg(lr=0.1)", "--accumulate", "2"},
  };
  for (const auto& extra : cases) {
    std::vector<std::string> args{"train", "--data", "iris", "--model", "softmax", "--epochs", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << extra[1];
    EXPECT_NE(r.err.find("descent: error:"), std::string::npos) << r.err;
  }
}

}  // namespace
