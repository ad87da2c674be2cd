// The rule for values that are not finite (apps/descent/main.cpp, README): never a result with
// exit 0. A formula undefined at the user's point is an error (exit 2) naming the part and the
// point, in every command and with --json too; a missing test set is said, not NaN.
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli.hpp"
#include "support/temp.hpp"

namespace descent {
namespace {

using test::run_cli;

void expect_refused(const test::CliResult& r, const std::string& message) {
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(NanRule, GradRefusesAPointOutsideTheDomain) {
  expect_refused(run_cli({"grad", "log(x)", "--at", "x=-1"}), "log(x) is undefined at x = -1");
}

TEST(NanRule, GradJsonRefusesItToo) {
  expect_refused(run_cli({"grad", "log(x)", "--at", "x=-1", "--json"}),
                 "log(x) is undefined at x = -1");
}

TEST(NanRule, GradRefusesAnInfiniteDerivative) {
  expect_refused(run_cli({"grad", "sqrt(x)", "--at", "x=0"}),
                 "df/dx = 1/(2*sqrt(x)) is infinite at x = 0");
}

TEST(NanRule, GradRefusesAnInfiniteHessianEntry) {
  expect_refused(run_cli({"grad", "x^1.5", "--at", "x=0", "--hessian"}),
                 "the Hessian entry d2f/dxdx is not finite");
}

TEST(NanRule, CheckRefusesAPointOutsideTheDomain) {
  expect_refused(run_cli({"check", "log(x)", "--at", "x=-1"}), "log(x) is undefined at x = -1");
}

TEST(NanRule, CheckRefusesFiniteDifferencesThatLeaveTheDomain) {
  expect_refused(run_cli({"check", "sqrt(x)", "--at", "x=1e-12"}),
                 "central differences give df/dx = nan at x = 1e-12");
}

TEST(NanRule, MinimizeRefusesAStartOutsideTheDomain) {
  expect_refused(run_cli({"minimize", "log(x)", "--at", "x=-1", "--json"}),
                 "log(x) is undefined at x = -1");
}

TEST(NanRule, PlotRefusesAStartOutsideTheDomain) {
  expect_refused(run_cli({"plot", "log(x)", "--at", "x=-1", "--out", test::temp_path("nan.svg")}),
                 "log(x) is undefined at x = -1");
}

TEST(NanRule, PlotExitsThreeWhenARunDiverges) {
  const std::string out = test::temp_path("diverged.svg");
  const auto r = run_cli({"plot", "x^2", "--at", "x=1", "--optimizer", "gd(lr=10)", "--steps", "300",
                          "--out", out, "--json"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out).at("optimizers").at(0).at("reason"), "diverged");
  std::remove(out.c_str());
}

TEST(NanRule, ALiteralBeyondDoubleIsRefused) {
  expect_refused(run_cli({"grad", "1e999*x", "--at", "x=1"}), "'1e999' is not a finite number");
}

TEST(NanRule, TrainWithoutATestSetSaysSo) {
  const auto r = run_cli(
      {"train", "--data", "iris", "--model", "softmax", "--epochs", "1", "--test-fraction", "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("no test set"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("nan"), std::string::npos) << r.out;
}

TEST(NanRule, TrainJsonWithoutATestSetHasNullTestFigures) {
  const auto r = run_cli({"train", "--data", "iris", "--model", "softmax", "--epochs", "1",
                          "--test-fraction", "0", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_TRUE(doc.at("test_loss").is_null());
  EXPECT_TRUE(doc.at("test_accuracy").is_null());
  EXPECT_TRUE(doc.at("epochs").at(0).at("test_loss").is_null());
}

TEST(NanRule, ACsvCellMustBeFinite) {
  const std::string path = test::temp_path("inf.csv");
  std::ofstream(path) << "a,b\n1,0\n2,1\ninf,0\n";
  expect_refused(run_cli({"train", "--data", path, "--epochs", "1"}),
                 "inf.csv:4:1: 'inf' is not a finite number");
  std::remove(path.c_str());
}

TEST(XOverX, EvaluatesToOneAwayFromZero) {
  const auto r = run_cli({"grad", "x/x", "--at", "x=2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out).at("f"), 1.0);
}

TEST(XOverX, IsRefusedAtZeroInsteadOfOne) {
  expect_refused(run_cli({"grad", "x/x", "--at", "x=0"}), "1/x is infinite at x = 0");
}

TEST(ConstantsInAt, PiCannotBeAssigned) {
  expect_refused(run_cli({"grad", "x^2", "--at", "pi=3,x=1", "--json"}),
                 "--at: 'pi' is a constant of the formula language, not a variable");
}

TEST(ConstantsInAt, ECannotBeAssignedInMinimize) {
  expect_refused(run_cli({"minimize", "x^2", "--at", "x=1,e=2"}), "'e' is a constant");
}

TEST(ConstantsInAt, PiIsNoVariableToDifferentiateBy) {
  expect_refused(run_cli({"diff", "x^2", "pi"}), "'pi' is a constant");
}

}  // namespace
}  // namespace descent
