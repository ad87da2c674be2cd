// Data handling for training: a labeled data set in memory, the seeded train/test split,
// standardization with training-set statistics, and the minibatch sampler.
// Example: Split s = split_rows(data.features.rows(), 0.2, 42, 0); Standardizer z = Standardizer::fit(train);
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "descent/core/rng.hpp"
#include "descent/core/types.hpp"
#include "descent/io/dataset.hpp"
#include "descent/ml/model.hpp"

namespace descent::ml {

// What the trainer learns from: features (one sample per row), targets (values, or class
// indices 0..k-1 stored as doubles), and what the targets are.
struct LabeledData {
  std::string name;  // "digits" or a file path as given; recorded in checkpoints
  RowMat features;
  Vec targets;
  ProblemShape shape;               // inputs, task, classes, image shape
  std::vector<std::string> feature_names;
  std::vector<std::string> class_names;
  std::int64_t predefined_test_rows = 0;  // > 0: the last rows are the official test set
  // The data's identity, recorded in checkpoints (see io::Dataset): a resume needs the same.
  std::uint64_t content_hash = 0;
  std::string target;
  std::vector<std::string> notes;  // how the file was read (io::Dataset::notes)
};

// The io module's data set as the trainer's input (features and targets move).
LabeledData to_labeled(io::Dataset dataset);
// io::load_dataset(name_or_path, options) then to_labeled. Throws as load_dataset does.
LabeledData load_labeled(std::string_view name_or_path, const io::DatasetOptions& options = {});

// Row indices of the train and test sets, each in increasing order.
struct Split {
  std::vector<Index> train;
  std::vector<Index> test;
};

// The seeded split: round(test_fraction * rows) rows drawn at random for the test set (a
// shuffle with Rng(seed) picks them), the rest for training. With predefined_test_rows > 0 the
// last predefined_test_rows rows are the test set and test_fraction is ignored.
// test_fraction must lie in [0, 1) (bad_usage otherwise); every set keeps at least one
// training row.
Split split_rows(Index rows, double test_fraction, std::uint64_t seed,
                 std::int64_t predefined_test_rows = 0);

// x' = (x - mean) / scale per feature, with the mean and the population standard deviation
// (ddof = 0, as sklearn's StandardScaler) of the TRAINING rows; a constant feature gets scale 1.
struct Standardizer {
  Vec mean;
  Vec scale;

  static Standardizer fit(const RowMat& features, std::span<const Index> rows);
  static Standardizer identity(Index features);
  void apply(RowMat& features) const;   // in place, every row
};

// Minibatches of an epoch: a fresh permutation of the training rows per epoch (drawn from the
// trainer's Rng, so the order is fixed by the seed), cut into consecutive batches of
// batch_size; the last batch may be smaller (PyTorch's drop_last=False). batch_size >= rows is
// batch gradient descent: one batch of all rows in their original order, no shuffle.
class MinibatchSampler {
 public:
  MinibatchSampler(Index rows, Index batch_size);
  Index batch_size() const { return batch_size_; }
  Index batches_per_epoch() const { return (rows_ + batch_size_ - 1) / batch_size_; }
  bool full_batch() const { return batch_size_ >= rows_; }
  // Draws the epoch's order (no draw for full batch).
  void start_epoch(Rng& rng);
  // Positions (into the training rows) of batch `b` of the current epoch.
  std::span<const Index> batch(Index b) const;

 private:
  Index rows_, batch_size_;
  std::vector<Index> order_;
};

}  // namespace descent::ml
