// Shared by the parallel tests: checkpoints and JSON documents compared field by field (a
// checkpoint's history holds wall-clock seconds, so files are not compared as bytes).
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "descent/ml/checkpoint.hpp"
#ifdef DESCENT_MPIEXEC
#define SKIP_WITHOUT_MPI() (void)0
#else
#define SKIP_WITHOUT_MPI() GTEST_SKIP() << "built without MPI (DESCENT_MPI off)"
#define DESCENT_ON_RANK "on_rank.sh"
#endif
#include "support/mpi.hpp"
#include "support/temp.hpp"

namespace descent::test {

// Every bit of the trained state: parameters, optimizer state, random stream, best parameters,
// and each epoch's losses and metric.
inline void expect_same_state(const std::string& expected_path, const std::string& actual_path) {
  const ml::Checkpoint a = ml::load_checkpoint(expected_path);
  const ml::Checkpoint b = ml::load_checkpoint(actual_path);
  EXPECT_EQ(a.epoch, b.epoch);
  EXPECT_TRUE(a.params == b.params) << "parameters differ";
  EXPECT_TRUE(a.optimizer_state == b.optimizer_state) << "optimizer state differs";
  EXPECT_EQ(a.rng_state, b.rng_state);
  EXPECT_TRUE(a.best_params == b.best_params) << "best parameters differ";
  ASSERT_EQ(a.history.epochs.size(), b.history.epochs.size());
  for (std::size_t e = 0; e < a.history.epochs.size(); ++e) {
    EXPECT_EQ(a.history.epochs[e].train_loss, b.history.epochs[e].train_loss) << "epoch " << e + 1;
    EXPECT_EQ(a.history.epochs[e].test_loss, b.history.epochs[e].test_loss) << "epoch " << e + 1;
    EXPECT_EQ(a.history.epochs[e].test_metric, b.history.epochs[e].test_metric)
        << "epoch " << e + 1;
  }
}

// A `train --json` document without what may differ between equal runs (times, process counts).
inline nlohmann::json without_run_details(nlohmann::json doc) {
  for (const char* key : {"ranks", "threads", "allreduce", "communication_seconds"}) doc.erase(key);
  for (auto& epoch : doc["epochs"]) {
    epoch.erase("seconds");
    epoch.erase("train_seconds");
  }
  return doc;
}

}  // namespace descent::test
