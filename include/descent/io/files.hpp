// Whole-file reading, atomic writing (a fresh temporary file, then rename) and gzip decoding.
// Example: descent::io::write_file_atomic("run.ckpt", blob);  // whole or absent, never half
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "descent/io/input.hpp"

namespace descent::io {

// Writes `bytes` to `path` so that a reader sees either the old file or the whole new one:
// - a regular file (or none yet) is written to a temporary file with a unique name,
//   "path.XXXXXX.tmp" in the same directory, created exclusively (O_EXCL | O_NOFOLLOW: never an
//   existing file or a link), flushed to disk, then rename()d over `path`; it keeps the replaced
//   file's permission bits (new files: 0644 less the umask). Concurrent writers of one path
//   each succeed; the last rename wins. On failure the temporary file is removed.
// - a symbolic link is followed: the file it names is replaced, the link stays.
// - a character device or a pipe (/dev/null, a terminal, a FIFO with a reader, /dev/stdout when
//   it is one of these) is written in place, never replaced; a pipe without a reader is refused
//   rather than waited for.
// - anything else (a directory, a block device, a socket, a dangling link) is refused.
// Throws Error(ErrorCode::io, "cannot write 'path': <reason>").
void write_file_atomic(const std::string& path, std::string_view bytes);

// For a process about to end on a signal, from any thread (not async-signal-safe: call it from
// a signal-waiting thread, not from a handler): removes the temporary files of the writes in
// progress and makes every later write_file_atomic wait forever, so that none is left behind.
void discard_pending_writes();

// The whole file. Throws Error(bad_input, "cannot open 'path': <strerror>").
// Also bad_input for a directory or a file over max_bytes (see InputFile).
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
// its inflated contents are each held to max_bytes (read_text in input.hpp for text).
std::string read_maybe_gzip(const std::string& path, std::uint64_t max_bytes = kMaxInputBytes);

}  // namespace descent::io
