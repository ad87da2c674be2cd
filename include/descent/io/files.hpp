// Whole-file reading, atomic writing (path.tmp then rename) and gzip decoding.
// Example: descent::io::write_file_atomic("run.ckpt", blob);  // whole or absent, never half
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "descent/io/input.hpp"

namespace descent::io {

// Writes path + ".tmp", flushes it, then rename()s it over path, so a reader sees either the old
// file or the whole new one. Throws Error(ErrorCode::io, "cannot write 'path': <strerror>").
void write_file_atomic(const std::string& path, std::string_view bytes);

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
