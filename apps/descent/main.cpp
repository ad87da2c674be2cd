// descent: the command-line tool. Parses, dispatches to the registered subcommand, and is the
// only place that catches errors, prints `descent: error: ...` and maps them to exit codes.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>

#include "command.hpp"
#include "descent/core/error.hpp"

namespace descent::cli {

std::vector<Command>& registered_commands() {
  static std::vector<Command> commands;
  return commands;
}

bool register_command(Command command) {
  registered_commands().push_back(std::move(command));
  return true;
}

}  // namespace descent::cli

int main(int argc, char** argv) {
  using namespace descent;
  CLI::App app{"descent: gradient-based optimization, from a formula to a neural network"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "descent 0.1.0");
  app.footer("Exit codes: 0 done, 1 failure, 2 bad usage or input, 3 diverged.");

  auto commands = cli::registered_commands();
  std::sort(commands.begin(), commands.end(),
            [](const auto& a, const auto& b) { return a.order < b.order || (a.order == b.order && a.name < b.name); });
  std::map<CLI::App*, cli::RunFn> runs;
  try {
    for (const auto& command : commands) {
      CLI::App* sub = app.add_subcommand(command.name, command.help);
      runs[sub] = command.setup(*sub);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "descent: internal error: %s\n", e.what());
    return 1;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "descent: error: %s\n", e.what());
    std::fprintf(stderr, "Run with --help for more information.\n");
    return 2;
  }

  try {
    for (CLI::App* sub : app.get_subcommands()) {
      return runs.at(sub)();
    }
    return 2;
  } catch (const Error& e) {
    std::cout.flush();
    std::fprintf(stderr, "descent: error: %s\n", e.what());
    return exit_code(e.code());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "descent: error: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "descent: error: %s\n", e.what());
    return 1;
  }
}
