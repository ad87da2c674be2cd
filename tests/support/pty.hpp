// Runs the built `descent` binary under a pseudo-terminal, for output drawn only on a terminal
// (train's progress bar). stdin, stdout and stderr are all the terminal, so they arrive merged,
// with "\n" as "\r\n". Never hangs: reads until EOF or a deadline, then kills the child.
// Example: auto r = run_cli_in_pty({"train", "--data", "iris", "--epochs", "1"}); r.output ...
#pragma once

#include <poll.h>
#include <pty.h>  // forkpty: in libc since glibc 2.34 (libutil before)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace descent::test {

struct PtyResult {
  int exit_code = -1;     // 128 + signal when killed; -1 when it could not start
  bool timed_out = false;
  std::string output;     // everything written to the terminal
};

// Called with the child's pid and everything it wrote so far, after every read: to act on what
// it printed (send it a signal once its progress shows an epoch has ended).
using PtyWatcher = std::function<void(pid_t pid, const std::string& output)>;

// Runs DESCENT_CLI_PATH with `args` on a new pseudo-terminal; gives up after `timeout`.
inline PtyResult run_cli_in_pty(const std::vector<std::string>& args,
                                std::chrono::seconds timeout = std::chrono::seconds(120),
                                const PtyWatcher& watch = nullptr) {
  // argv is built before fork: the child only calls async-signal-safe functions.
  std::vector<std::string> words{DESCENT_CLI_PATH};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);

  PtyResult result;
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) return result;
  if (pid == 0) {
    execv(argv[0], argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    pollfd fd{master, POLLIN, 0};
    const int ready = poll(&fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // the deadline check above ends the loop
    const ssize_t n = read(master, buffer, sizeof buffer);
    if (n > 0) {
      result.output.append(buffer, static_cast<std::size_t>(n));
      if (watch) watch(pid, result.output);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // EOF, or EIO once the child has closed the terminal (Linux)
    }
  }
  if (result.timed_out) kill(pid, SIGKILL);
  close(master);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace descent::test
