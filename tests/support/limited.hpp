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

// As run_cli; a run killed by the deadline exits with 137.
inline CliResult run_cli_limited(const std::vector<std::string>& args, Limits limits) {
  std::vector<std::string> words = {"timeout", "-s", "KILL", std::to_string(limits.seconds),
                                    DESCENT_CLI_PATH};
  words.insert(words.end(), args.begin(), args.end());
  std::string setup;
  if (limits.memory_mb > 0 && kAddressSpaceLimitWorks) {
    setup = "ulimit -v " + std::to_string(limits.memory_mb * 1024);
  }
  return run_command(words, setup);
}

}  // namespace descent::test
