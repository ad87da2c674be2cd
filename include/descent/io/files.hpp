// Whole-file reading (once, front to back, with a size limit), atomic writing (path.tmp then
// rename), gzip decoding and a content hash.
// Example: descent::io::write_file_atomic("run.ckpt", blob);  // whole or absent, never half
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace descent::io {

// The most bytes an input file may hold, and the most gzip data may inflate to: 4 GiB. Readers
// refuse more with Error(bad_input) naming the file and the limit, instead of running out of
// memory on /dev/zero or a gzip bomb.
inline constexpr std::uint64_t kMaxInputBytes = std::uint64_t{4} << 30;

// A file read once, front to back: regular files, pipes and devices alike (a FIFO cannot be
// read twice). head() looks at the start without reading more than it needs.
class InputFile {
 public:
  // Opens path. Throws Error(bad_input): "cannot open 'p': <strerror>", "'p' is a directory",
  // or, for a regular file bigger than max_bytes, "'p' is N bytes, over the limit of M".
  explicit InputFile(std::string path, std::uint64_t max_bytes = kMaxInputBytes);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& path() const { return path_; }
  std::uint64_t max_bytes() const { return max_bytes_; }
  // The first n bytes (all of them for a shorter file).
  std::string_view head(std::size_t n);
  // The whole file, head included. text = true refuses a NUL byte as soon as one is read
  // ("'p' holds a NUL byte at offset N: it is not a text file"). Throws bad_input past max_bytes.
  std::string read_all(bool text = false);

 private:
  void fill(std::size_t n, bool text);  // reads until n bytes are held or the file ends
  void check_text();                    // throws at a NUL byte not yet checked
  std::string path_;
  std::uint64_t max_bytes_;
  int fd_ = -1;
  bool at_end_ = false;
  std::size_t checked_ = 0;  // bytes already checked for NUL
  std::string bytes_;
};

// "4 GiB", "1.5 MiB", "17 bytes": a size for messages.
std::string format_size(std::uint64_t bytes);

// XXH64 (seed 0) of bytes: a fast 64-bit content hash (not a cryptographic one).
std::uint64_t xxh64(std::string_view bytes);

// Writes path + ".tmp", flushes it, then rename()s it over path, so a reader sees either the old
// file or the whole new one. Throws Error(ErrorCode::io, "cannot write 'path': <strerror>").
void write_file_atomic(const std::string& path, std::string_view bytes);

// The whole file (see InputFile). Throws Error(bad_input, "cannot open 'path': <strerror>"),
// and for a directory or a file over max_bytes.
std::string read_file(const std::string& path, std::uint64_t max_bytes = kMaxInputBytes);

// Inflates gzip (or zlib) data, including concatenated gzip members. Throws
// Error(bad_input, "corrupt gzip data: <zlib message>") on bad or truncated data, and
// Error(bad_input) when the output would pass max_bytes.
std::string gunzip(std::span<const unsigned char> bytes, std::uint64_t max_bytes = kMaxInputBytes);
std::string gunzip(std::string_view bytes, std::uint64_t max_bytes = kMaxInputBytes);

// gzip-compresses bytes (level 1..9, default 6).
std::string gzip(std::string_view bytes, int level = 6);

// True if bytes start with the gzip magic 1f 8b.
bool is_gzip(std::string_view bytes);

// The file's contents, decompressed if it is gzip (by magic, whatever its name); the file and
// its inflated contents are each held to max_bytes.
std::string read_maybe_gzip(const std::string& path, std::uint64_t max_bytes = kMaxInputBytes);

// The same for text (CSV): a NUL byte is refused as soon as it is read, so binary data such as
// /dev/zero fails at once.
std::string read_text(const std::string& path, std::uint64_t max_bytes = kMaxInputBytes);

// The rest of an open file, inflated if it is gzip; text: as read_text.
std::string read_maybe_gzip(InputFile& file, bool text = false);

}  // namespace descent::io
