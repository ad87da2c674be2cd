// `descent predict`: applies a checkpoint to CSV rows.
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli.hpp"
#include "support/temp.hpp"

namespace {

using descent::test::run_cli;

std::string temp_path(const std::string& name) { return descent::test::temp_path("cli_predict_" + name); }

class PredictCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run_cli({"train", "--data", "iris", "--model", "softmax", "--optimizer", "adam(lr=0.05)", "--epochs",
                       "30", "--checkpoint", checkpoint_})
                  .exit_code,
              0);
    // Two iris rows without their label: a setosa and a virginica (rows 1 and 150 of iris.csv).
    std::ofstream(rows_) << "5.1,3.5,1.4,0.2\n5.9,3.0,5.1,1.8\n";
  }
  void TearDown() override {
    std::remove(checkpoint_.c_str());
    std::remove(rows_.c_str());
  }
  std::string checkpoint_ = temp_path("iris.ckpt");
  std::string rows_ = temp_path("rows.csv");
};

TEST_F(PredictCli, WritesClassAndProbabilitiesAsCsv) {
  const auto r = run_cli({"predict", "--checkpoint", checkpoint_, "--data", rows_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "prediction,p_setosa,p_versicolor,p_virginica");
  EXPECT_NE(r.out.find("\nsetosa,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nvirginica,"), std::string::npos) << r.out;
}

TEST_F(PredictCli, JsonListsPredictionsAndProbabilities) {
  const auto r = run_cli({"predict", "--checkpoint", checkpoint_, "--data", rows_, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["predictions"].size(), 2u);
  EXPECT_EQ(doc["predictions"][0], "setosa");
  EXPECT_EQ(doc["probabilities"][1].size(), 3u);
}

TEST_F(PredictCli, OutWritesTheFile) {
  const std::string out = temp_path("out.csv");
  ASSERT_EQ(run_cli({"predict", "--checkpoint", checkpoint_, "--data", rows_, "--out", out}).exit_code, 0);
  EXPECT_NE(descent::test::slurp(out).find("setosa"), std::string::npos);
  std::remove(out.c_str());
}

TEST_F(PredictCli, WrongColumnCountIsExit2) {
  std::ofstream(rows_) << "1,2\n3,4\n";
  EXPECT_EQ(run_cli({"predict", "--checkpoint", checkpoint_, "--data", rows_}).exit_code, 2);
}

TEST_F(PredictCli, AHeaderWithOtherNamesIsRefusedNamingThem) {
  std::ofstream(rows_)
      << "sepal length (cm),sepal width (cm),petal_length,petal_width\n5.1,3.5,1.4,0.2\n";
  const auto r = run_cli({"predict", "--checkpoint", checkpoint_, "--data", rows_});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(
      r.err.find(
          "features 'petal length (cm)', 'petal width (cm)' are not among the file's columns"),
      std::string::npos)
      << r.err;
}

TEST_F(PredictCli, AHeaderWithTheNamesInAnotherOrderPicksThemByName) {
  std::ofstream(rows_)
      << "petal width (cm),petal length (cm),sepal width (cm),sepal length (cm),id\n"
         "0.2,1.4,3.5,5.1,1\n1.8,5.1,3.0,5.9,2\n";
  const auto r = run_cli({"predict", "--checkpoint", checkpoint_, "--data", rows_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\nsetosa,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nvirginica,"), std::string::npos) << r.out;
}

TEST(PredictCliErrors, MissingCheckpointIsExit2) {
  EXPECT_EQ(run_cli({"predict", "--checkpoint", "/nonexistent.ckpt", "--data", "iris"}).exit_code, 2);
}

}  // namespace
