#include "descent/io/output_path.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "descent/core/error.hpp"
#include "io/file_kind.hpp"

namespace descent::io {
namespace {

[[noreturn]] void refuse(const NamedPath& output, std::string_view why) {
  throw Error(ErrorCode::io,
              fmt::format("cannot write {} '{}': {}", output.role, output.path, why));
}

bool exists(const std::string& path, struct stat& st) { return ::stat(path.c_str(), &st) == 0; }

// The directory a regular file (or a new one) is renamed into, as write_file_atomic does.
std::string directory_of(const std::string& path) {
  std::error_code ignored;
  const std::filesystem::path target = std::filesystem::canonical(path, ignored);
  const std::filesystem::path parent =
      (target.empty() ? std::filesystem::path(path) : target).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

void check_writable(const NamedPath& output) {
  const std::string& path = output.path;
  struct stat st {};
  if (exists(path, st)) {
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
      if (::access(path.c_str(), W_OK) != 0) refuse(output, std::strerror(errno));
      return;  // written in place
    }
    if (!S_ISREG(st.st_mode)) refuse(output, fmt::format("it is {}", detail::kind_of(st.st_mode)));
  } else {
    if (errno != ENOENT) refuse(output, std::strerror(errno));
    struct stat link {};
    if (::lstat(path.c_str(), &link) == 0) refuse(output, "a symbolic link to a missing file");
  }
  const std::string dir = directory_of(path);
  struct stat dir_st {};
  if (!exists(dir, dir_st)) {
    if (errno == ENOENT) refuse(output, fmt::format("directory '{}' does not exist", dir));
    refuse(output, fmt::format("directory '{}': {}", dir, std::strerror(errno)));
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    refuse(output, fmt::format("directory '{}': {}", dir, std::strerror(errno)));
  }
}

}  // namespace

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {
  }, sb{};
  if (exists(a, sa) && exists(b, sb)) return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  std::error_code ea, eb;
  const auto ca = std::filesystem::weakly_canonical(std::filesystem::absolute(a, ea), ea);
  const auto cb = std::filesystem::weakly_canonical(std::filesystem::absolute(b, eb), eb);
  return !ea && !eb && ca == cb;
}

void check_output_path(const NamedPath& output, const std::vector<NamedPath>& inputs,
                       const std::vector<NamedPath>& outputs) {
  if (output.path.empty()) return;
  check_writable(output);
  // Devices and pipes are written in place: /dev/stdout may well be the terminal of --data
  // /dev/stdin.
  struct stat out_st {};
  if (exists(output.path, out_st) && !S_ISREG(out_st.st_mode)) return;
  for (const NamedPath& input : inputs) {
    struct stat st {};
    if (input.path.empty() || !exists(input.path, st) || !S_ISREG(st.st_mode)) continue;
    if (!same_file(output.path, input.path)) continue;
    throw Error(ErrorCode::bad_usage,
                fmt::format("{} '{}' is the same file as {} '{}', which the run reads; writing it "
                            "would destroy it: choose another file",
                            output.role, output.path, input.role, input.path));
  }
  for (const NamedPath& other : outputs) {
    if (other.path.empty() || !same_file(output.path, other.path)) continue;
    throw Error(ErrorCode::bad_usage,
                fmt::format("{} '{}' is the same file as {} '{}'; one would overwrite the other: "
                            "choose another file",
                            output.role, output.path, other.role, other.path));
  }
}

}  // namespace descent::io
