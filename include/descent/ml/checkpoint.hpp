// Training checkpoints: one binary file holding everything a run needs to continue bit for bit
// (parameters, optimizer state, schedule step, RNG state, epoch, history) and what predict needs
// (model spec, problem shape, standardization statistics), guarded by a CRC-32.
// Example: save_checkpoint("run.ckpt", ckpt); Checkpoint back = load_checkpoint("run.ckpt");
//
// Layout (little-endian): magic "DSCNTCKP", u32 version, then fields in the order of the struct
// below (strings and blobs as u64 length + bytes, numbers as 8-byte IEEE / two's complement),
// then u32 crc32 of everything before it. Version 1 lacked `target` and `data_hash`; it is still
// read (for predict), but a run cannot resume from it. Version 2 lacked the training controls
// (read as: none).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "descent/core/types.hpp"
#include "descent/ml/model.hpp"

namespace descent::ml {

struct EpochRecord {
  std::int64_t epoch = 0;      // 1-based
  double train_loss = 0.0;     // mean of the minibatch losses seen during the epoch (before each step)
  double test_loss = 0.0;      // mean loss on the test set after the epoch (NaN without a test set)
  double test_metric = 0.0;    // test accuracy in [0, 1] (classification) or R^2 (regression)
  double lr = 0.0;             // the learning rate at the end of the epoch
  double seconds = 0.0;        // wall time of the epoch, training and evaluation
  double train_seconds = 0.0;  // wall time of the training steps alone
};

// The per-epoch history of a run (what `train` prints and the plot module draws).
struct TrainingHistory {
  bool classification = true;  // test_metric is accuracy (true) or R^2 (false)
  std::vector<EpochRecord> epochs;
};

struct Checkpoint {
  static constexpr std::uint32_t kVersion = 3;
  std::uint32_t version = kVersion;  // the version read (encode always writes kVersion)

  // What the run is: canonical specs and settings; a resume must agree with all of them.
  std::string model;
  std::string optimizer;
  std::string schedule;
  std::string data;             // data set name or path, as given
  std::string target;           // CSV target column (name or index; io::Dataset::target)
  std::uint64_t data_hash = 0;  // io::Dataset::content_hash: a resume needs the same data
  std::int64_t batch_size = 0;
  double test_fraction = 0.0;
  std::uint64_t seed = 0;
  bool standardize = true;
  double clip_norm = 0.0;
  double clip_value = 0.0;
  // Shapes.
  ProblemShape shape;
  bool double_precision = false;
  std::int64_t num_params = 0;
  std::vector<std::string> feature_names;
  std::vector<std::string> class_names;
  // Standardization (applied by predict too).
  Vec mean;
  Vec scale;
  // State.
  std::string params;           // num_params floats or doubles, raw
  std::string optimizer_state;  // Optimizer::save_state()
  std::int64_t schedule_step = 0;
  std::string rng_state;        // Rng::save()
  std::int64_t epoch = 0;       // epochs completed
  TrainingHistory history;
  std::string best_params;      // the parameters of the best epoch so far (same layout)
  std::int64_t best_epoch = 0;
  double best_loss = 0.0;
  // Training controls (version 3): settings a resume must agree with, and early stopping's state.
  std::string early_stop;                 // canonical early-stopping spec; empty: off
  std::int64_t accumulate = 1;            // minibatches per optimizer step
  std::vector<std::string> param_groups;  // canonical parameter groups, in order
  std::string early_stop_params;          // the parameters of the epoch early stopping keeps
  std::int64_t early_stop_epoch = 0;      // that epoch; 0: none yet
};

std::string encode_checkpoint(const Checkpoint& checkpoint);
// Throws descent::Error (bad_input) naming `source` for a wrong magic or version, a bad
// checksum, a truncated file, and for any field out of range or inconsistent with the others
// (validate_checkpoint); nothing is half-loaded.
Checkpoint decode_checkpoint(std::string_view bytes, std::string_view source);

// Writes atomically (io::write_file_atomic): the file is whole or absent. Throws io on failure.
void save_checkpoint(const std::string& path, const Checkpoint& checkpoint);
// Reads (within io::kMaxInputBytes) and decodes; a missing file, a directory or a file too
// short to be a checkpoint is bad_input.
Checkpoint load_checkpoint(const std::string& path);

// Checks every field (ranges, finiteness, sizes against the model spec and shape, the optimizer
// state and RNG state, the history against the epoch count). Throws descent::Error (bad_input)
// "checkpoint <source>: field 'epoch' = -1; must be >= 0; refusing to load it".
void validate_checkpoint(const Checkpoint& checkpoint, std::string_view source);

}  // namespace descent::ml
