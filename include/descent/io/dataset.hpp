// Data sets for learning: the embedded ones by name (digits, iris, breast_cancer, wine,
// diabetes), fashion-mnist when Debian's dataset-fashion-mnist is installed, or a CSV / IDX path.
// Example: Dataset d = load_dataset("iris");  // 150 x 4 features, 3 classes
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "descent/core/types.hpp"

namespace descent::io {

enum class Task { regression, classification };

struct Dataset {
  std::string name{};  // the built-in name, or the path as given
  RowMat features{};  // n x d (double; the ML code converts to float where it wants)
  Vec targets{};      // n (class index 0..k-1 for classification, value for regression)
  Task task = Task::classification;
  int num_classes = 0;  // 0 for regression
  std::vector<std::string> feature_names{}, class_names{};
  int image_channels = 0, image_height = 0, image_width = 0;  // digits 1x8x8, fashion-mnist 1x28x28
  std::int64_t predefined_test_rows = 0;  // fashion-mnist: the last 10000 rows are its test set
  // What the data is, for checkpoints to recognize it: XXH64 of the bytes read (after gunzip),
  // over every file in order; and for a CSV the target column: its header name when that is
  // unique, else its 0-based index.
  std::uint64_t content_hash = 0;
  std::string target{};
  // Things the user should be told about how a file was read, one sentence each (the first
  // row taken as the header, with the column names).
  std::vector<std::string> notes{};
};

struct DatasetOptions {
  // CSV only: the target column, by header name or 0-based index; empty = the last column.
  std::string target{};
  // CSV only: skip rows with missing values instead of failing.
  bool drop_missing = false;
};

// Loads a built-in set by name, or a file:
// - *.csv / *.csv.gz: the target column per options, every other column a feature. The task is
//   classification when every target value is an integer in [0, 1000) and there are at most 100
//   distinct values and at most n / 5 (but 2 are always allowed); the classes are the distinct
//   values in increasing order (targets become 0..k-1, class_names the original values).
//   A target column holding text (e.g. "setosa") is classification over its distinct texts,
//   sorted (at most kMaxTextClasses). Otherwise regression.
// - an IDX images file (magic 0x00000803): labels read from the file beside it with "images"
//   replaced by "labels" in its name (MNIST naming); features are the raw pixel values 0..255.
//   A file is taken for IDX when its name has "idx" or "ubyte" in it or its first byte is 0
//   (never text); then a wrong magic, element type or rank is reported as such.
// Each file is read once (a FIFO works), within kMaxInputBytes.
// Pixel features are raw too for digits (0..16); standardizing is the ML code's job.
// Throws Error(bad_input) for an unknown name, an unreadable file (a directory: "is a
// directory") or a bad target column; for
// fashion-mnist without its package: "... apt-get install dataset-fashion-mnist".
Dataset load_dataset(std::string_view name_or_path, const DatasetOptions& options = {});

// The most classes a text target column may name.
inline constexpr std::size_t kMaxTextClasses = 1000;

// The names load_dataset knows without a path, fashion-mnist included.
std::vector<std::string> builtin_dataset_names();

// Where fashion-mnist is looked for.
inline constexpr std::string_view kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

}  // namespace descent::io
