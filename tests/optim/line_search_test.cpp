// detail::MoreThuente (src/optim/line_search.hpp), the port of MINPACK-2's dcsrch, on the first
// test function of Moré and Thuente (1994), phi(a) = -a / (a^2 + 2), with ftol 1e-3, gtol 0.1,
// xtol 0.1: the steps and evaluation counts of their Table 1, as scipy 1.10's own dcsrch
// (scipy.optimize._minpack2.dcsrch, the Fortran) returns them.
#include "optim/line_search.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace descent::optim::detail {
namespace {

struct Found {
  SearchTask task;
  double stp;
  std::int64_t evals;
};

Found search_table_one(double first_step) {
  const auto phi = [](double a) { return -a / (a * a + 2.0); };
  const auto dphi = [](double a) { return (a * a - 2.0) / ((a * a + 2.0) * (a * a + 2.0)); };
  MoreThuenteOptions options;
  options.gtol = 0.1;
  MoreThuente search(phi(0.0), dphi(0.0), first_step, options);
  std::int64_t evals = 0;
  while (search.task() == SearchTask::fg && evals < 100) {
    ++evals;
    search.next(phi(search.stp()), dphi(search.stp()));
  }
  return {search.task(), search.stp(), evals};
}

TEST(MoreThuente, ConvergesFromATinyFirstStepInSixEvaluationsAsDcsrch) {
  const Found found = search_table_one(1e-3);
  EXPECT_EQ(found.task, SearchTask::convergence);
  EXPECT_EQ(found.evals, 6);
  EXPECT_NEAR(found.stp, 1.365, 1e-12);
}

TEST(MoreThuente, ConvergesFromAShortFirstStepInThreeEvaluationsAsDcsrch) {
  const Found found = search_table_one(1e-1);
  EXPECT_EQ(found.evals, 3);
  EXPECT_NEAR(found.stp, 1.4413720790892741, 1e-12);
}

TEST(MoreThuente, AcceptsAFirstStepThatMeetsBothConditions) {
  const Found found = search_table_one(10.0);
  EXPECT_EQ(found.evals, 1);
  EXPECT_EQ(found.stp, 10.0);
}

TEST(MoreThuente, ComesBackFromALongFirstStepInFourEvaluationsAsDcsrch) {
  const Found found = search_table_one(1e3);
  EXPECT_EQ(found.evals, 4);
  EXPECT_NEAR(found.stp, 36.88760696396662, 1e-10);
}

TEST(MoreThuente, RefusesAnAscentDirection) {
  const MoreThuente search(0.0, 1.0, 1.0, {});
  EXPECT_EQ(search.task(), SearchTask::error);
}

TEST(MoreThuente, RefusesAFirstStepBeyondStpmax) {
  MoreThuenteOptions options;
  options.stpmax = 0.5;
  const MoreThuente search(0.0, -1.0, 1.0, options);
  EXPECT_EQ(search.task(), SearchTask::error);
}

TEST(MoreThuente, WarnsWhenTheStepReachesStpmaxWithTheFunctionStillFalling) {
  MoreThuenteOptions options;
  options.stpmax = 2.0;
  MoreThuente search(0.0, -1.0, 1.0, options);  // phi(a) = -a: no minimizer below stpmax
  std::int64_t evals = 0;
  while (search.task() == SearchTask::fg && evals < 100) {
    ++evals;
    search.next(-search.stp(), -1.0);
  }
  EXPECT_EQ(search.task(), SearchTask::warning);
  EXPECT_EQ(search.stp(), 2.0);
}

}  // namespace
}  // namespace descent::optim::detail
