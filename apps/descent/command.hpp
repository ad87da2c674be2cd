// Subcommands register themselves: each cmd_<verb>.cpp defines one Command and a static
// registration, so adding a verb never edits main.cpp.
// Example (in cmd_diff.cpp):  const bool kRegistered = register_command({"diff", "...", setup});
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace descent::cli {

// Runs a parsed subcommand; returns the exit status (0 done, 3 diverged). Throws
// descent::Error for bad input, which main() prints and maps to its exit status.
using RunFn = std::function<int()>;

struct Command {
  std::string name;
  std::string help;
  int order = 100;  // position in `descent --help`
  // Adds the subcommand's options to `sub` (bound to state the returned RunFn owns).
  std::function<RunFn(CLI::App& sub)> setup;
};

bool register_command(Command command);
std::vector<Command>& registered_commands();

}  // namespace descent::cli
