// Runs the built `descent` binary for CLI tests: arguments in; exit status, stdout, stderr out.
// Example: auto r = run_cli({"diff", "x^2", "x"}); EXPECT_EQ(r.exit_code, 0);
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace descent::test {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// (append/push_back only: GCC 12 at -O3 reports a false -Wrestrict for "literal" + std::string)
inline std::string shell_quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) {
    if (c == '\'') {
      q.append("'\\''");
    } else {
      q.push_back(c);
    }
  }
  q.push_back('\'');
  return q;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `words` (a program and its arguments) through the shell, stdin from /dev/null.
// `shell_setup` runs first in the same shell, for limits the program inherits:
// "trap '' XFSZ; ulimit -f 16" (a full disk at 8 KiB).
inline CliResult run_command(const std::vector<std::string>& words,
                             const std::string& shell_setup = "") {
  char out_path[] = "/tmp/descent_cli_out_XXXXXX";
  char err_path[] = "/tmp/descent_cli_err_XXXXXX";
  const int out_fd = mkstemp(out_path);
  const int err_fd = mkstemp(err_path);
  close(out_fd);
  close(err_fd);
  std::string command = shell_setup.empty() ? std::string() : shell_setup + "; exec ";
  for (std::size_t i = 0; i < words.size(); ++i) {
    command.append(i == 0 ? "" : " ").append(shell_quote(words[i]));
  }
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

// Runs DESCENT_CLI_PATH with `args`, stdin from /dev/null (and `shell_setup` as run_command).
inline CliResult run_cli(const std::vector<std::string>& args,
                         const std::string& shell_setup = "") {
  std::vector<std::string> words = {DESCENT_CLI_PATH};
  words.insert(words.end(), args.begin(), args.end());
  return run_command(words, shell_setup);
}

}  // namespace descent::test
