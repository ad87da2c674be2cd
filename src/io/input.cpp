// InputFile (a file read once, within a size limit), the text and gzip readers built on it,
// sizes for messages, and XXH64.
#include "descent/io/input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <limits>

#include "descent/core/error.hpp"
#include "descent/io/files.hpp"

namespace descent::io {

InputFile::InputFile(std::string path, std::uint64_t max_bytes)
    : path_(std::move(path)), max_bytes_(max_bytes) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw_input("cannot open '{}': {}", path_, std::strerror(errno));
  struct stat info {};
  if (::fstat(fd_, &info) != 0) {
    const int err = errno;
    ::close(fd_);
    throw_input("cannot read '{}': {}", path_, std::strerror(err));
  }
  if (S_ISDIR(info.st_mode)) {
    ::close(fd_);
    throw_input("'{}' is a directory, not a file", path_);
  }
  if (S_ISREG(info.st_mode)) {
    const auto size = static_cast<std::uint64_t>(info.st_size);
    if (size > max_bytes_) {
      ::close(fd_);
      throw_input("'{}' is {}, over the limit of {} on input files", path_, format_size(size),
                  format_size(max_bytes_));
    }
    bytes_.reserve(static_cast<std::size_t>(size) + 1);  // + 1: the read that sees the end
  }
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

void InputFile::fill(std::size_t n, bool text) {
  constexpr std::size_t kChunk = std::size_t{1} << 16;
  while (true) {
    if (text) check_text();
    if (at_end_ || bytes_.size() >= n) return;
    const std::size_t old = bytes_.size();
    // One byte past the limit is read to tell a file at the limit from a bigger one.
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(kChunk - 1, max_bytes_ - old) + 1);
    bytes_.resize(old + want);
    const ssize_t got = ::read(fd_, bytes_.data() + old, want);
    if (got < 0) {
      bytes_.resize(old);
      if (errno == EINTR) continue;
      throw_input("cannot read '{}': {}", path_, std::strerror(errno));
    }
    bytes_.resize(old + static_cast<std::size_t>(got));
    if (got == 0) at_end_ = true;
    if (bytes_.size() > max_bytes_) {
      throw_input("'{}' is larger than the limit of {} on input files", path_,
                  format_size(max_bytes_));
    }
  }
}

void InputFile::check_text() {
  const void* nul = std::memchr(bytes_.data() + checked_, '\0', bytes_.size() - checked_);
  if (nul != nullptr) {
    throw_input("'{}' holds a NUL byte at offset {}: it is not a text file", path_,
                static_cast<const char*>(nul) - bytes_.data());
  }
  checked_ = bytes_.size();
}

std::string_view InputFile::head(std::size_t n) {
  fill(n, false);
  return std::string_view(bytes_).substr(0, n);
}

std::string InputFile::read_all(bool text) {
  fill(std::numeric_limits<std::size_t>::max(), text);
  return std::move(bytes_);
}

std::string format_size(std::uint64_t bytes) {
  constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return fmt::format("{} bytes", bytes);
  double value = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.4g} {}", value, kUnits[unit]);
}

std::string read_maybe_gzip(InputFile& file, bool text) {
  if (!is_gzip(file.head(2))) return file.read_all(text);
  try {
    return gunzip(file.read_all(), file.max_bytes());
  } catch (const Error& e) {
    throw_input("{}: {}", file.path(), e.what());
  }
}

std::string read_text(const std::string& path, std::uint64_t max_bytes) {
  InputFile file(path, max_bytes);
  return read_maybe_gzip(file, true);
}

// XXH64 as specified by Yann Collet (github.com/Cyan4973/xxHash, doc/xxhash_spec.md), seed 0.
std::uint64_t xxh64(std::string_view bytes) {
  constexpr std::uint64_t p1 = 0x9E3779B185EBCA87ULL, p2 = 0xC2B2AE3D27D4EB4FULL,
                          p3 = 0x165667B19E3779F9ULL, p4 = 0x85EBCA77C2B2AE63ULL,
                          p5 = 0x27D4EB2F165667C5ULL;
  auto read64 = [](const char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;  // little-endian machines only (as the checkpoint format)
  };
  auto round = [&](std::uint64_t acc, std::uint64_t input) {
    return std::rotl(acc + input * p2, 31) * p1;
  };
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  std::uint64_t h = p5;
  if (bytes.size() >= 32) {
    std::uint64_t v[4] = {p1 + p2, p2, 0, 0 - p1};
    for (; end - p >= 32; p += 32) {
      for (int k = 0; k < 4; ++k) v[k] = round(v[k], read64(p + 8 * k));
    }
    h = std::rotl(v[0], 1) + std::rotl(v[1], 7) + std::rotl(v[2], 12) + std::rotl(v[3], 18);
    for (std::uint64_t lane : v) h = (h ^ round(0, lane)) * p1 + p4;
  }
  h += bytes.size();
  for (; end - p >= 8; p += 8) h = std::rotl(h ^ round(0, read64(p)), 27) * p1 + p4;
  if (end - p >= 4) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    h = std::rotl(h ^ (std::uint64_t{v} * p1), 23) * p2 + p3;
    p += 4;
  }
  for (; p < end; ++p) h = std::rotl(h ^ (static_cast<unsigned char>(*p) * p5), 11) * p1;
  h = (h ^ (h >> 33)) * p2;
  h = (h ^ (h >> 29)) * p3;
  return h ^ (h >> 32);
}

}  // namespace descent::io
