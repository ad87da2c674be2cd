// What a non-regular file is, for messages (private to io).
// Example: throw_write_error(path, fmt::format("it is {}", detail::kind_of(st.st_mode)));
#pragma once

#include <sys/stat.h>

#include <string_view>

namespace descent::io::detail {

inline std::string_view kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISFIFO(mode)) return "a pipe";
  return "not a regular file";
}

}  // namespace descent::io::detail
