#include "signals.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

#include "descent/io/files.hpp"

namespace descent::cli {
namespace {

std::atomic<bool> graceful{false};
std::atomic<bool> stop_flag{false};
std::atomic<int> first_signal{0};

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

// Removes the temporary files of writes in progress, then dies of `signal` as if unhandled
// (so that a calling shell sees the signal, not an exit status).
[[noreturn]] void die_of(int signal) {
  io::discard_pending_writes();
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  sigaction(signal, &action, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal);
  raise(signal);  // pending while blocked; delivered (fatal) on the unblock below
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  _exit(128 + signal);
}

void watch(sigset_t set) {
  for (;;) {
    int signal = 0;
    if (sigwait(&set, &signal) != 0) continue;
    int none = 0;
    if (graceful.load() && first_signal.compare_exchange_strong(none, signal)) {
      stop_flag.store(true);
      continue;
    }
    die_of(signal);
  }
}

}  // namespace

void install_signal_handling() {
  const sigset_t set = stop_signals();
  if (pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) return;
  try {
    std::thread(watch, set).detach();
  } catch (...) {
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);  // no watcher: keep the default actions
  }
}

const std::atomic<bool>* request_graceful_stop() {
  graceful.store(true);
  return &stop_flag;
}

int stop_signal() { return first_signal.load(); }

std::string signal_name(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  return "signal " + std::to_string(signal);
}

}  // namespace descent::cli
