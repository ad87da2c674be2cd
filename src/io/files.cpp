#include "descent/io/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "descent/core/error.hpp"

namespace descent::io {
namespace {

[[noreturn]] void throw_write_error(const std::string& path, int err) {
  throw Error(ErrorCode::io, fmt::format("cannot write '{}': {}", path, std::strerror(err)));
}

}  // namespace

void write_file_atomic(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw_write_error(path, errno);
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw_write_error(path, err);
    }
    written += static_cast<std::size_t>(n);
  }
  // fsync so that after a crash the rename never points at an empty file.
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw_write_error(path, err);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw_write_error(path, err);
  }
}

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

std::string read_file(const std::string& path, std::uint64_t max_bytes) {
  return InputFile(path, max_bytes).read_all();
}

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::string gunzip(std::span<const unsigned char> bytes, std::uint64_t max_bytes) {
  z_stream stream{};
  // 15 + 32: a zlib or gzip header, detected automatically.
  if (inflateInit2(&stream, 15 + 32) != Z_OK)
    throw Error(ErrorCode::internal, "zlib: inflateInit failed");
  // A single gzip member ends with its uncompressed size mod 2^32: a good first guess (capped
  // at deflate's best ratio, ~1032:1, so a corrupt trailer cannot ask for gigabytes).
  std::size_t guess = bytes.size() * 4;
  if (bytes.size() >= 18 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
    const std::size_t n = bytes.size();
    const std::size_t isize = bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) |
                              (static_cast<std::size_t>(bytes[n - 1]) << 24);
    if (isize <= bytes.size() * 1032) guess = isize + 64;  // + room to see the stream end
  }
  // The output may pass max_bytes by one byte: that byte tells a bomb from a file at the limit.
  const auto cap = static_cast<std::size_t>(std::min<std::uint64_t>(max_bytes, SIZE_MAX - 1) + 1);
  std::string out;
  out.resize(std::min(std::max<std::size_t>(guess, 1024), cap));
  stream.next_in = const_cast<Bytef*>(bytes.data());  // zlib's API is not const-correct
  stream.avail_in = static_cast<uInt>(bytes.size());
  std::size_t produced = 0;
  int status = Z_OK;
  while (true) {
    if (produced == out.size()) {
      if (out.size() >= cap) {
        inflateEnd(&stream);
        throw_input("gzip data inflates to more than the limit of {}", format_size(max_bytes));
      }
      out.resize(std::min(out.size() * 2, cap));
    }
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    stream.avail_out = static_cast<uInt>(out.size() - produced);
    status = inflate(&stream, Z_NO_FLUSH);
    produced = out.size() - stream.avail_out;
    if (status == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      inflateReset(&stream);  // another gzip member follows
      continue;
    }
    if (status == Z_BUF_ERROR && stream.avail_in == 0) {
      inflateEnd(&stream);
      throw_input("corrupt gzip data: truncated");
    }
    if (status != Z_OK && status != Z_BUF_ERROR) {
      const std::string message = stream.msg ? stream.msg : zError(status);
      inflateEnd(&stream);
      throw_input("corrupt gzip data: {}", message);
    }
  }
  inflateEnd(&stream);
  out.resize(produced);
  return out;
}

std::string gunzip(std::string_view bytes, std::uint64_t max_bytes) {
  return gunzip(std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()),
                max_bytes);
}

std::string gzip(std::string_view bytes, int level) {
  z_stream stream{};
  // 15 + 16: write a gzip (not zlib) header.
  if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw_usage("gzip: level {} must lie in 1..9", level);
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(bytes.size())) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&stream, Z_FINISH);
  const std::size_t produced = out.size() - stream.avail_out;
  deflateEnd(&stream);
  if (status != Z_STREAM_END) throw Error(ErrorCode::internal, "zlib: deflate did not finish");
  out.resize(produced);
  return out;
}

std::string read_maybe_gzip(InputFile& file, bool text) {
  if (!is_gzip(file.head(2))) return file.read_all(text);
  try {
    return gunzip(file.read_all(), file.max_bytes());
  } catch (const Error& e) {
    throw_input("{}: {}", file.path(), e.what());
  }
}

std::string read_maybe_gzip(const std::string& path, std::uint64_t max_bytes) {
  InputFile file(path, max_bytes);
  return read_maybe_gzip(file);
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
