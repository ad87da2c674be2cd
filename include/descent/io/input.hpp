// Reading untrusted input: a file read once, front to back, within a size limit (a FIFO works,
// /dev/zero and gzip bombs are refused), text readers that stop at the first NUL byte, and XXH64
// for recognizing data again. Example: InputFile f(path); if (is_gzip(f.head(2))) ...
#pragma once

#include <cstddef>
#include <cstdint>
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

// The file's contents, decompressed if it is gzip (as read_maybe_gzip in files.hpp), for text
// (CSV): a NUL byte is refused as soon as it is read, so binary data such as /dev/zero fails
// at once.
std::string read_text(const std::string& path, std::uint64_t max_bytes = kMaxInputBytes);

// The rest of an open file, inflated if it is gzip; text: as read_text.
std::string read_maybe_gzip(InputFile& file, bool text = false);

}  // namespace descent::io
