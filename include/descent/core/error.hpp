// descent::Error: the one exception type for bad input and bad usage, with a code that the CLI
// maps to its exit status. Example: throw Error(ErrorCode::bad_input, "iris.csv:17: expected 5 fields");
#pragma once

#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace descent {

// What went wrong, from the user's point of view. The CLI's exit status (docs/architecture.md):
// bad_usage and bad_input -> 2, diverged -> 3, everything else -> 1.
enum class ErrorCode {
  bad_usage,  // a flag, a spec, an option value that cannot be right
  bad_input,  // a formula, a data file, a checkpoint that cannot be read
  diverged,   // a numerical run that ended non-finite (only where a result cannot be returned)
  io,         // the operating system refused (cannot write a file, disk full)
  internal,   // anything else
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  explicit Error(const std::string& message) : Error(ErrorCode::bad_input, message) {}

  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

// The exit status docs/architecture.md assigns to an error code.
int exit_code(ErrorCode code) noexcept;

// Shorthand: throw a bad_usage / bad_input error with an fmt message.
template <typename... Args>
[[noreturn]] void throw_usage(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(ErrorCode::bad_usage, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
[[noreturn]] void throw_input(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(ErrorCode::bad_input, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace descent

// A broken invariant of descent's own code (never user input): aborts with the location.
#define DESCENT_ASSERT(cond)                                                            \
  do {                                                                                  \
    if (!(cond)) ::descent::detail::assert_failed(#cond, __FILE__, __LINE__);           \
  } while (false)

namespace descent::detail {
[[noreturn]] void assert_failed(const char* expr, const char* file, int line);
}
