// How the processes of a data-parallel run share their work. The trainer cuts every batch into
// shards (a count that depends on the batch alone), computes its process's block of them, and
// asks a Combiner to complete what the others computed. ml knows no transport: parallel/
// implements a Combiner over MPI; with none, the trainer is one process alone.
// Example: TrainOptions o; o.combiner = &world;  // every process calls train() with the same o
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "descent/core/error.hpp"

namespace descent::ml {

enum class Reduction {
  exact,  // shard sums gathered and added in shard order: bit-identical for any process count
  fast,   // one MPI_Allreduce of each process's partial sum: the order is MPI's (not bit-identical)
};

// An error that every process raises at the same point with the same message (they disagree
// on the settings): process 0 alone need report it.
class CollectiveError : public Error {
 public:
  using Error::Error;
};

class Combiner {
 public:
  virtual ~Combiner() = default;
  virtual int rank() const = 0;   // this process, in [0, ranks())
  virtual int ranks() const = 0;  // processes in the run
  virtual int local_ranks()
      const = 0;  // processes of the run on this machine (they share its cores)
  virtual Reduction reduction() const = 0;
  // Wall-clock seconds this process has spent in the calls below (waiting included).
  virtual double communication_seconds() const = 0;

  // Every process holds `values`, of the same size; process r has filled the block
  // [offsets[r], offsets[r + 1]) (offsets has ranks() + 1 entries). Afterwards every process
  // holds every block.
  virtual void allgather(std::span<float> values, std::span<const std::size_t> offsets) = 0;
  virtual void allgather(std::span<double> values, std::span<const std::size_t> offsets) = 0;
  // The exact sum: `slots` holds rows of `width` values, row i at i x `stride`, on every
  // process; process r has filled rows [row_offsets[r], row_offsets[r + 1]). Afterwards `sum`
  // (width values) holds, on every process, slots[0] + slots[1] + ... added in row order, element
  // by element, as sum = slots[0]; sum += slots[1]; ... would (each process adds a slice, then all
  // exchange).
  virtual void sum_rows_in_order(std::span<float> slots, std::size_t width, std::size_t stride,
                                 std::span<const std::size_t> row_offsets,
                                 std::span<float> sum) = 0;
  virtual void sum_rows_in_order(std::span<double> slots, std::size_t width, std::size_t stride,
                                 std::span<const std::size_t> row_offsets,
                                 std::span<double> sum) = 0;
  // The element-wise sum over the processes, in place, in an order MPI chooses.
  virtual void allreduce_sum(std::span<float> values) = 0;
  virtual void allreduce_sum(std::span<double> values) = 0;
  // Throws CollectiveError (bad_input), on every process, naming the processes whose `hash` of
  // `what` ("the settings", "the data") differs from process 0's.
  virtual void agree(std::string_view what, std::uint64_t hash) = 0;
};

// The block of [0, items) that part `part` of `parts` takes: [begin(part), begin(part + 1)).
inline std::size_t block_begin(std::size_t items, int part, int parts) {
  return items * static_cast<std::size_t>(part) / static_cast<std::size_t>(parts);
}

}  // namespace descent::ml
