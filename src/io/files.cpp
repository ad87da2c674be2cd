#include "descent/io/files.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
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
  std::string out;
  const std::size_t cap = max_bytes < out.max_size() ? max_bytes + 1 : out.max_size();
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

std::string read_maybe_gzip(const std::string& path, std::uint64_t max_bytes) {
  InputFile file(path, max_bytes);
  return read_maybe_gzip(file);
}

}  // namespace descent::io
