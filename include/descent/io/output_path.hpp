// Checks an output before any work, so that a run never ends by failing to write its results:
// the file can be written where it is, and it is neither a file the run reads nor another output.
// Example: io::check_output_path({"--checkpoint", ckpt}, {{"--data", data}});
#pragma once

#include <string>
#include <vector>

namespace descent::io {

struct NamedPath {
  std::string role;  // how messages name the file: a flag ("--data") or a word ("the plot")
  std::string path;  // empty: not given, skipped
};

// Throws descent::Error unless write_file_atomic can be expected to write `output.path`:
// - io: its directory does not exist or is not writable, or it is what write_file_atomic refuses
//   (a directory, a block device, a socket, a dangling symbolic link);
// - bad_usage: it is (or will be) a regular file, and the same file (same_file) as one of
//   `inputs`, the files the run reads, or of `outputs`, the other files it writes. An input that
//   is not a regular file (a built-in data set's name, /dev/stdin) cannot be destroyed: skipped.
// A file the run reads completely before it writes (a checkpoint to resume from and write back)
// is not an input here.
void check_output_path(const NamedPath& output, const std::vector<NamedPath>& inputs,
                       const std::vector<NamedPath>& outputs = {});

// True when `a` and `b` name one file: the same device and inode when both exist (another path,
// a hard link or a symbolic link to it), else the same absolute path once links are resolved.
bool same_file(const std::string& a, const std::string& b);

}  // namespace descent::io
