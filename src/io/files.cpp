#include "descent/io/files.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef DESCENT_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "descent/core/error.hpp"
#include "io/file_kind.hpp"

namespace descent::io {
namespace {

[[noreturn]] void throw_write_error(const std::string& path, std::string_view why) {
  throw Error(ErrorCode::io, fmt::format("cannot write '{}': {}", path, why));
}

[[noreturn]] void throw_write_error(const std::string& path, int err) {
  throw_write_error(path, std::strerror(err));
}

// The temporary files of the writes in progress (for discard_pending_writes). Never destroyed:
// discard_pending_writes leaves the mutex locked for a process that is about to end.
struct PendingWrites {
  std::mutex mutex;
  std::set<std::string> paths;
};
PendingWrites& pending() {
  static auto* writes = new PendingWrites;
  return *writes;
}

// Six random characters: a temporary name nobody can guess (O_EXCL still decides).
std::string random_tag() {
  static constexpr char kAlphabet[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static std::atomic<std::uint64_t> counter{0};
  std::uint64_t bits = 0;
  if (::getrandom(&bits, sizeof bits, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof bits)) {
    bits = (static_cast<std::uint64_t>(::getpid()) << 32) ^ counter.fetch_add(1) ^
           static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  std::string tag;
  for (int i = 0; i < 6; ++i, bits /= 62) tag += kAlphabet[bits % 62];
  return tag;
}

// 0, or the errno of the failed write.
int write_all(int fd, std::string_view bytes) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    written += static_cast<std::size_t>(n);
  }
  return 0;
}

// Character devices and pipes are written where they are; O_NONBLOCK makes a pipe without a
// reader an error (ENXIO) instead of a wait, and fstat catches a swap after the caller's stat.
void write_in_place(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0 && errno == ENXIO) throw_write_error(path, "a pipe with no reader");
  if (fd < 0) throw_write_error(path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
    ::close(fd);
    throw_write_error(path, "it changed from a device or pipe to another kind of file");
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  int err = write_all(fd, bytes);
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) throw_write_error(path, err);
}

// Creates "target.XXXXXX.tmp" exclusively (never through a link) and registers it as pending.
int create_temp(const std::string& target, mode_t mode, std::string& temp) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp = target + "." + random_tag() + ".tmp";
    const std::lock_guard lock(pending().mutex);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd >= 0) {
      pending().paths.insert(temp);
      return fd;
    }
    if (errno != EEXIST) return -1;
  }
  errno = EEXIST;
  return -1;
}

// Renames (or, when `keep` is false, removes) a registered temporary file.
int finish_temp(const std::string& temp, const std::string& target, bool keep) {
  const std::lock_guard lock(pending().mutex);
  pending().paths.erase(temp);
  if (keep && std::rename(temp.c_str(), target.c_str()) == 0) return 0;
  const int err = errno;
  ::unlink(temp.c_str());
  return err;
}

// `target` is a regular file (`existing` holds its stat) or does not exist yet.
void replace_file(const std::string& path, const std::string& target, const struct stat* existing,
                  std::string_view bytes) {
  const mode_t mode = existing != nullptr ? (existing->st_mode & 0777) : 0644;
  std::string temp;
  const int fd = create_temp(target, mode, temp);
  if (fd < 0) throw_write_error(path, errno);
  int err = write_all(fd, bytes);
  // The replaced file's exact mode (the umask narrowed the one given to open); then fsync, so
  // that after a crash the rename never points at an empty file.
  if (err == 0 && existing != nullptr && ::fchmod(fd, mode) != 0) err = errno;
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0) {
    err = finish_temp(temp, target, true);  // renamed, or removed when rename failed
  } else {
    finish_temp(temp, target, false);
  }
  if (err != 0) throw_write_error(path, err);
}

}  // namespace

void write_file_atomic(const std::string& path, std::string_view bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) throw_write_error(path, errno);
    struct stat link {};
    if (::lstat(path.c_str(), &link) == 0)
      throw_write_error(path, "a symbolic link to a missing file");
    return replace_file(path, path, nullptr, bytes);
  }
  if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return write_in_place(path, bytes);
  if (!S_ISREG(st.st_mode))
    throw_write_error(path, fmt::format("it is {}", detail::kind_of(st.st_mode)));
  struct stat link {};
  if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    // Replace the file the link names, not the link.
    char* real = ::realpath(path.c_str(), nullptr);
    if (real == nullptr) throw_write_error(path, errno);
    const std::string target = real;
    std::free(real);
    return replace_file(path, target, &st, bytes);
  }
  replace_file(path, path, &st, bytes);
}

void discard_pending_writes() {
  pending().mutex.lock();  // held until the process ends: no new temporary file appears
  for (const std::string& temp : pending().paths) ::unlink(temp.c_str());
  pending().paths.clear();
}

std::string read_file(const std::string& path, std::uint64_t max_bytes) {
  return InputFile(path, max_bytes).read_all();
}

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

namespace {

// Output bytes for `bytes` of gzip input: a single gzip member ends with its uncompressed size
// mod 2^32, a good first guess (capped at deflate's best ratio, ~1032:1, so that a corrupt
// trailer cannot ask for gigabytes).
std::size_t inflated_size_guess(std::span<const unsigned char> bytes) {
  std::size_t guess = bytes.size() * 4;
  if (bytes.size() >= 18 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
    const std::size_t n = bytes.size();
    const std::size_t isize = bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) |
                              (static_cast<std::size_t>(bytes[n - 1]) << 24);
    if (isize <= bytes.size() * 1032) guess = isize + 64;  // + room to see the stream end
  }
  return std::max<std::size_t>(guess, 1024);
}

[[noreturn]] void throw_bomb(std::uint64_t max_bytes) {
  throw_input("gzip data inflates to more than the limit of {}", format_size(max_bytes));
}

// zlib, streaming: gzip or zlib data. Every error message comes from here.
std::string gunzip_zlib(std::span<const unsigned char> bytes, std::uint64_t max_bytes) {
  z_stream stream{};
  // 15 + 32: a zlib or gzip header, detected automatically.
  if (inflateInit2(&stream, 15 + 32) != Z_OK)
    throw Error(ErrorCode::internal, "zlib: inflateInit failed");
  // The output may pass max_bytes by one byte: that byte tells a bomb from a file at the limit.
  std::string out;
  const std::size_t cap = max_bytes < out.max_size() ? max_bytes + 1 : out.max_size();
  out.resize(std::min(inflated_size_guess(bytes), cap));
  stream.next_in = const_cast<Bytef*>(bytes.data());  // zlib's API is not const-correct
  stream.avail_in = static_cast<uInt>(bytes.size());
  std::size_t produced = 0;
  int status = Z_OK;
  while (true) {
    if (produced == out.size()) {
      if (out.size() >= cap) {
        inflateEnd(&stream);
        throw_bomb(max_bytes);
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

#ifdef DESCENT_HAVE_LIBDEFLATE
// libdeflate, whole buffers: gzip members one after another into one output. nullopt when the
// data is not plain well-formed gzip (zlib then inflates it or names the fault).
std::optional<std::string> gunzip_libdeflate(std::span<const unsigned char> bytes,
                                             std::uint64_t max_bytes) {
  std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)> inflater(
      libdeflate_alloc_decompressor(), libdeflate_free_decompressor);
  if (!inflater) return std::nullopt;
  std::string out;
  // As zlib's: one byte past max_bytes tells a bomb from a file at the limit.
  const std::size_t cap = max_bytes < out.max_size() ? max_bytes + 1 : out.max_size();
  out.resize(std::min(inflated_size_guess(bytes), cap));
  std::size_t read = 0, produced = 0;
  while (read < bytes.size()) {
    std::size_t in = 0, made = 0;
    const libdeflate_result result =
        libdeflate_gzip_decompress_ex(inflater.get(), bytes.data() + read, bytes.size() - read,
                                      out.data() + produced, out.size() - produced, &in, &made);
    if (result == LIBDEFLATE_INSUFFICIENT_SPACE) {  // inflate this member again, with more room
      if (out.size() >= cap) throw_bomb(max_bytes);
      out.resize(std::min(out.size() * 2, cap));
      continue;
    }
    if (result != LIBDEFLATE_SUCCESS) return std::nullopt;
    read += in;
    produced += made;
  }
  if (produced > max_bytes) throw_bomb(max_bytes);
  out.resize(produced);
  return out;
}
#endif

}  // namespace

std::string gunzip(std::span<const unsigned char> bytes, std::uint64_t max_bytes) {
#ifdef DESCENT_HAVE_LIBDEFLATE
  if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
    if (auto out = gunzip_libdeflate(bytes, max_bytes)) return std::move(*out);
  }
#endif
  return gunzip_zlib(bytes, max_bytes);
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
