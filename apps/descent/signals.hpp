// SIGINT and SIGTERM for the whole CLI. They are blocked in every thread and taken by a thread
// of their own (sigwait), so no handler ever runs inside the work. By default a signal removes
// the files being written (io::discard_pending_writes) and ends the process by the signal's
// own default action. A command that can stop cleanly (train) asks for a graceful stop: the
// first signal then only sets a flag that the work reads; a second one ends the process as above.
// Example: install_signal_handling() in main(); callbacks.stop = request_graceful_stop();
#pragma once

#include <atomic>
#include <string>

namespace descent::cli {

// Once, in main(), before any other thread starts (threads inherit the blocked signals).
void install_signal_handling();

// From now on the first SIGINT or SIGTERM sets the returned flag instead of ending the process.
const std::atomic<bool>* request_graceful_stop();

// The signal that set the flag (0 while none did), and its name ("SIGINT").
int stop_signal();
std::string signal_name(int signal);

}  // namespace descent::cli
