#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "plot/svg_check.hpp"
#include "support/cli.hpp"

namespace descent::test {
namespace {

std::string temp_picture(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("descent_cli_plot_" + std::to_string(getpid()) + "_" + name))
      .string();
}

TEST(PlotCli, TwoOptimizersWriteAnSvgWithBothInTheLegend) {
  const std::string out = temp_picture("race.svg");
  const auto r = run_cli({"plot", "3*x^2 + y^2", "--at", "x=1,y=1", "--optimizer", "gd(lr=0.1)", "--optimizer",
                          "momentum(lr=0.05)", "--steps", "20", "--arrows", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string svg = slurp(out);
  EXPECT_TRUE(plot::test::well_formed_xml(svg));
  EXPECT_NE(svg.find("legend: gd(lr=0.1)"), std::string::npos);
  EXPECT_NE(svg.find("legend: momentum(lr=0.05)"), std::string::npos);
  EXPECT_NE(svg.find("legend: start"), std::string::npos);
  EXPECT_NE(r.out.find("wrote"), std::string::npos);
  std::filesystem::remove(out);
}

TEST(PlotCli, JsonReportsRangeAndEachOptimizer) {
  const std::string out = temp_picture("course.png");
  const auto r = run_cli({"plot", "3*x^2 + y^2", "--at", "x=1,y=1", "--optimizer", "gd(lr=0.1)", "--steps", "2",
                          "--range", "x=-2:2,y=-1:3", "--width", "400", "--height", "300", "--out", out, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["file"], out);
  EXPECT_EQ(doc["range"]["x"][0], -2.0);
  EXPECT_EQ(doc["range"]["y"][1], 3.0);
  ASSERT_EQ(doc["optimizers"].size(), 1u);
  // Course example (docs/architecture.md): 3x^2 + y^2 from (1, 1), gd lr 0.1: (0.4, 0.8),
  // then (0.16, 0.64).
  EXPECT_NEAR(doc["optimizers"][0]["x"]["x"].get<double>(), 0.16, 1e-12);
  EXPECT_NEAR(doc["optimizers"][0]["x"]["y"].get<double>(), 0.64, 1e-12);
  EXPECT_EQ(doc["optimizers"][0]["steps"], 2);
  const auto [w, h] = plot::test::png_size(slurp(out));
  EXPECT_EQ(w, 400u);
  EXPECT_EQ(h, 300u);
  std::filesystem::remove(out);
}

TEST(PlotCli, ProblemNameNeedsNoStart) {
  const std::string out = temp_picture("rosenbrock.svg");
  const auto r = run_cli({"plot", "rosenbrock", "--optimizer", "adam(lr=0.05)", "--steps", "50", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(slurp(out).find("legend: minimum"), std::string::npos);
  std::filesystem::remove(out);
}

TEST(PlotCli, ThreeVariablesAreExitTwo) {
  const auto r = run_cli({"plot", "x*y*z", "--at", "x=1,y=1,z=1", "--out", temp_picture("three.svg")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("one or two variables"), std::string::npos);
}

TEST(PlotCli, UnknownExtensionIsExitTwo) {
  const auto r = run_cli({"plot", "x^2", "--at", "x=1", "--out", temp_picture("picture.gif")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(".gif"), std::string::npos);
}

TEST(PlotCli, RangeForAnUnknownVariableIsExitTwo) {
  const auto r = run_cli({"plot", "x^2", "--at", "x=1", "--range", "q=0:1", "--out", temp_picture("q.svg")});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace descent::test
