// Runs the built `descent` binary under a deadline and, where memory is the point, an address
// space limit (ulimit -v in the child's shell): a test of a work limit fails by timing out or
// running out of memory instead of hanging the suite or the machine.
// Example: auto r = run_cli_limited({"train", "--model", "mlp(hidden=[1000000])"}, {.seconds =
// 60});
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/cli.hpp"

namespace descent::test {

// Sanitizer builds reserve terabytes of address space up front: no ulimit -v there.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSpaceLimitWorks = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSpaceLimitWorks = false;
#else
inline constexpr bool kAddressSpaceLimitWorks = true;
#endif
#else
inline constexpr bool kAddressSpaceLimitWorks = true;
#endif

struct Limits {
  int seconds = 60;            // killed (exit 137) past this
  std::int64_t memory_mb = 0;  // address space in MiB; 0: none
};

// As run_cli; a run killed by the deadline exits with 124 or 137.
inline CliResult run_cli_limited(const std::vector<std::string>& args, Limits limits) {
  char out_path[] = "/tmp/descent_cli_out_XXXXXX";
  char err_path[] = "/tmp/descent_cli_err_XXXXXX";
  close(mkstemp(out_path));
  close(mkstemp(err_path));
  std::string command;
  if (limits.memory_mb > 0 && kAddressSpaceLimitWorks) {
    command.append("ulimit -v ").append(std::to_string(limits.memory_mb * 1024)).append("; ");
  }
  command.append("exec timeout -s KILL ").append(std::to_string(limits.seconds)).append(" ");
  command.append(shell_quote(DESCENT_CLI_PATH));
  for (const auto& a : args) command.append(" ").append(shell_quote(a));
  command.append(" </dev/null >").append(out_path).append(" 2>").append(err_path);
  const int status = std::system(command.c_str());
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  std::remove(out_path);
  std::remove(err_path);
  return result;
}

}  // namespace descent::test
