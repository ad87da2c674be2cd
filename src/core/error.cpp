#include "descent/core/error.hpp"

#include <cstdio>
#include <cstdlib>

namespace descent {

int exit_code(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::bad_usage:
    case ErrorCode::bad_input:
      return 2;
    case ErrorCode::diverged:
      return 3;
    case ErrorCode::io:
    case ErrorCode::internal:
      return 1;
  }
  return 1;
}

namespace detail {
void assert_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "descent: internal error: assertion '%s' failed at %s:%d\n", expr, file, line);
  std::abort();
}
}  // namespace detail

}  // namespace descent
