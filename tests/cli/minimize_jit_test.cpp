// `descent minimize --jit on|off|auto`: native code gives the interpreter's trajectory bit for
// bit (the JSON documents are identical), and --jit on is an error only without libgccjit.
#include <gtest/gtest.h>

#include "descent/symbolic/program.hpp"
#include "support/cli.hpp"

namespace descent::test {
namespace {

CliResult run_minimize(const std::string& jit) {
  return run_cli({"minimize", "(1 - x)^2 + 100*(y - x^2)^2 + sin(x*y)", "--at", "x=-1.2,y=1",
                  "--optimizer", "adam(lr=0.01)", "--steps", "300", "--trace", "--json", "--jit",
                  jit});
}

TEST(CliMinimizeJit, NativeTrajectoryIsTheInterpretedOneBitForBit) {
  if (!symbolic::Program::jit_available()) GTEST_SKIP() << "built without libgccjit";
  const CliResult off = run_minimize("off");
  const CliResult on = run_minimize("on");
  ASSERT_EQ(off.exit_code, 0) << off.err;
  ASSERT_EQ(on.exit_code, 0) << on.err;
  EXPECT_EQ(on.out, off.out);  // every step's x, f, |grad| printed with 17 digits
}

TEST(CliMinimizeJit, NewtonUsesTheNativeHessian) {
  if (!symbolic::Program::jit_available()) GTEST_SKIP() << "built without libgccjit";
  auto run = [](const std::string& jit) {
    return run_cli({"minimize", "rosenbrock", "--optimizer", "newton", "--steps", "30", "--trace",
                    "--json", "--jit", jit});
  };
  const CliResult off = run("off");
  const CliResult on = run("on");
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(on.out, off.out);
}

TEST(CliMinimizeJit, JitOnWithoutLibgccjitIsABadUsageError) {
  if (symbolic::Program::jit_available()) GTEST_SKIP() << "built with libgccjit";
  const CliResult on = run_minimize("on");
  EXPECT_EQ(on.exit_code, 2);
  EXPECT_NE(on.err.find("libgccjit"), std::string::npos) << on.err;
}

TEST(CliMinimizeJit, RejectsAnUnknownMode) {
  const CliResult r = run_minimize("sometimes");
  EXPECT_EQ(r.exit_code, 2) << r.out;
}

}  // namespace
}  // namespace descent::test
