// Runs the built `descent` binary under mpirun for the parallel tests: N processes on however
// many cores there are (--oversubscribe), as root too, each run under a deadline.
// Example: auto r = run_mpi(3, {"train", "--epochs", "2"}); EXPECT_EQ(r.exit_code, 0);
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include "support/cli.hpp"

#ifndef DESCENT_MPIEXEC  // built without MPI: the parallel tests skip themselves
#define DESCENT_MPIEXEC "mpirun"
#endif

namespace descent::test {

// Seconds an mpirun may take before `timeout` ends it (and the test fails on exit code 124).
inline constexpr int kMpiDeadline = 120;

// mpirun -np `processes` [wrapper...] descent args...; `wrapper` (e.g. on_rank.sh 1 args "--seed
// 7") comes between mpirun and the binary.
inline CliResult run_mpi(int processes, const std::vector<std::string>& args,
                         const std::vector<std::string>& wrapper = {}) {
  std::vector<std::string> command = {"timeout",
                                      "-k",
                                      "10",
                                      std::to_string(kMpiDeadline),
                                      DESCENT_MPIEXEC,
                                      "--oversubscribe",
                                      "--bind-to",
                                      "none",
                                      "-x",
                                      "ASAN_OPTIONS",
                                      "-np",
                                      std::to_string(processes)};
  command.insert(command.end(), wrapper.begin(), wrapper.end());
  command.push_back(DESCENT_CLI_PATH);
  command.insert(command.end(), args.begin(), args.end());
  ::setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
  ::setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
  // Under the asan-ubsan preset: no leak check for processes that ran MPI_Init. Open MPI keeps
  // allocations until exit in components it has unloaded by then, so LeakSanitizer reports them
  // from "<unknown module>" and no suppression can name them. ASan and UBSan stay on, and every
  // other test (one process never starts MPI) keeps the leak check.
  const char* asan = std::getenv("ASAN_OPTIONS");
  if (asan != nullptr && std::string(asan).find("detect_leaks=0") == std::string::npos) {
    ::setenv("ASAN_OPTIONS", (std::string(asan) + ":detect_leaks=0").c_str(), 1);
  }
  return run_command(command);
}

}  // namespace descent::test
