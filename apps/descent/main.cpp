// descent: the command-line tool. Parses, dispatches to the registered subcommand, and is the
// only place that catches errors, prints `descent: error: ...` and maps them to exit codes.
//
// Values that are not finite are never a result with exit 0. A formula undefined at the user's
// point (a value, derivative or Hessian entry that is NaN or infinite there, including a part
// the simplifier cancelled: x/x at 0) is bad input, exit 2, naming the part and the point
// ("log(x) is undefined at x = -1"; symbolic/domain.hpp); so is a non-finite number typed in a
// formula, a flag or a CSV cell. A run that diverges from a finite start is a result: exit 3
// with the best point seen. Absent figures (no test set) are said in words, null in JSON.
// Every input-controlled size (steps, resolutions, Hessians, derivatives, models) has a limit
// refused with exit 2 before the work, or a bounded design (traces for pictures are thinned).
//
// Under mpirun an error on any process ends the whole job (MPI_Abort) with its code, and the
// message names the process: `descent: error: rank 2 of 4: ...`.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <iostream>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "command.hpp"
#include "descent/core/error.hpp"
#include "descent/parallel/world.hpp"
#include "flags.hpp"
#include "signals.hpp"

namespace descent::cli {

std::vector<Command>& registered_commands() {
  static std::vector<Command> commands;
  return commands;
}

bool register_command(Command command) {
  registered_commands().push_back(std::move(command));
  return true;
}

namespace {

// CLI11 reads a formula that starts with a minus sign, `descent diff "-x^2" x`, as the short
// option -x. Such a token (a '-' followed by a letter or '(' that is not one of our short options)
// is shielded with a leading control character so that CLI11 sees a positional, and every
// positional drops the shield again as it is parsed.
constexpr char kShield = '\x1e';

bool looks_like_formula(const std::string& token, const std::set<std::string>& short_options) {
  if (token.size() < 2 || token[0] != '-' || token[1] == '-') return false;
  const auto c = static_cast<unsigned char>(token[1]);
  return (std::isalpha(c) != 0 || c == '(') && short_options.count(token) == 0;
}

std::vector<std::string> shield_formulas(int argc, char** argv, CLI::App& app) {
  std::set<std::string> short_options{"-h"};
  for (CLI::App* sub : app.get_subcommands({})) {
    for (const CLI::Option* opt : sub->get_options()) {
      for (const std::string& name : opt->get_snames()) short_options.insert("-" + name);
    }
  }
  std::vector<std::string> args;
  bool after_separator = false;
  for (int i = 1; i < argc; ++i) {
    std::string token = argv[i];
    if (token == "--") after_separator = true;
    if (!after_separator && looks_like_formula(token, short_options)) token.insert(0, 1, kShield);
    args.push_back(std::move(token));
  }
  return args;
}

void unshield_positionals(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands({})) {
    for (CLI::Option* opt : sub->get_options()) {
      if (!opt->get_positional()) continue;
      opt->transform(
          [](std::string value) {
            if (!value.empty() && value[0] == kShield) value.erase(0, 1);
            return value;
          },
          "", "unshield");
    }
  }
}

// Prints the error; with several processes, names this one and ends the job (none may be left
// waiting for this one in a collective).
int fail(const parallel::World& world, int code, const char* message) {
  std::cout.flush();
  if (world.alone()) {
    std::fprintf(stderr, "descent: error: %s\n", message);
    return code;
  }
  std::fprintf(stderr, "descent: error: rank %d of %d: %s\n", world.rank(), world.ranks(), message);
  std::fflush(stderr);
  world.abort(code);
}

}  // namespace

}  // namespace descent::cli

int main(int argc, char** argv) {
  using namespace descent;
  const parallel::World world(&argc, &argv);
  CLI::App app{"descent: gradient-based optimization, from a formula to a neural network"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "descent 0.1.0");
  app.footer(
      "Exit codes: 0 done, 1 failure, 2 bad usage or input, 3 diverged, 130/143 train stopped by "
      "SIGINT/SIGTERM.");

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
    cli::unshield_positionals(app);
    std::vector<std::string> args = cli::shield_formulas(argc, argv, app);
    std::reverse(args.begin(), args.end());  // CLI11 takes the arguments in reverse order
    app.parse(args);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    if (!world.alone()) cli::fail(world, 2, e.what());  // the others may have parsed theirs and wait
    std::fprintf(stderr, "descent: error: %s\n", e.what());
    std::fprintf(stderr, "Run with --help for more information.\n");
    return 2;
  }

  cli::install_signal_handling();  // before the work starts any thread
  try {
    for (CLI::App* sub : app.get_subcommands()) {
      return runs.at(sub)();
    }
    return 2;
  } catch (const ml::CollectiveError& e) {  // raised by every process alike: process 0 reports it
    if (world.rank() != 0) world.await_abort(exit_code(e.code()));  // process 0's MPI_Abort ends this one
    std::fprintf(stderr, "descent: error: %s\n", cli::flag_message(e.what()).c_str());
    std::fflush(stderr);
    world.abort(exit_code(e.code()));
  } catch (const Error& e) {
    return cli::fail(world, exit_code(e.code()), cli::flag_message(e.what()).c_str());
  } catch (const std::bad_alloc&) {
    return cli::fail(world, 1, "out of memory");
  } catch (const std::exception& e) {
    return cli::fail(world, 1, e.what());
  }
}
