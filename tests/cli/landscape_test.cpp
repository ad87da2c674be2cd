#include <unistd.h>

#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "plot/svg_check.hpp"
#include "support/cli.hpp"

namespace descent::test {
namespace {

std::string temp_picture(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("descent_cli_landscape_" + std::to_string(getpid()) + "_" + name))
      .string();
}

TEST(LandscapeCli, PlaneAroundTheTrainedModelIsDrawn) {
  const std::string out = temp_picture("plane.svg");
  const auto r = run_cli({"landscape", "--data", "iris", "--model", "softmax", "--epochs", "2", "--resolution", "7",
                          "--out", out, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["kind"], "plane");
  EXPECT_EQ(doc["resolution"], 7);
  EXPECT_LE(doc["loss_min"].get<double>(), doc["train_loss"].get<double>() + 1e-12);
  const std::string svg = slurp(out);
  EXPECT_TRUE(plot::test::well_formed_xml(svg));
  EXPECT_NE(svg.find("legend: trained parameters"), std::string::npos);
  std::filesystem::remove(out);
}

TEST(LandscapeCli, LineFromInitialToTrained) {
  const std::string out = temp_picture("line.png");
  const auto r = run_cli({"landscape", "--data", "iris", "--model", "softmax", "--epochs", "3", "--1d",
                          "--resolution", "9", "--out", out, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["kind"], "line");
  ASSERT_EQ(doc["alpha"].size(), doc["loss"].size());
  // softmax starts from zeros: three classes give loss log(3) at alpha = 0.
  for (std::size_t k = 0; k < doc["alpha"].size(); ++k) {
    if (doc["alpha"][k].get<double>() == 0.0) {
      EXPECT_NEAR(doc["loss"][k].get<double>(), std::log(3.0), 1e-9);
    }
  }
  std::filesystem::remove(out);
}

TEST(LandscapeCli, MissingOutIsExitTwo) {
  const auto r = run_cli({"landscape", "--data", "iris"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(LandscapeCli, TooSmallResolutionIsExitTwo) {
  const auto r = run_cli({"landscape", "--data", "iris", "--resolution", "2", "--out", temp_picture("x.svg")});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace descent::test
