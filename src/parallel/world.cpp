// World and its Combiner over MPI (Open MPI 4.1). Built without MPI (DESCENT_MPI off), every
// process is alone.
#include "descent/parallel/world.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "descent/core/error.hpp"

#ifdef DESCENT_HAVE_MPI
#include <mpi.h>
#endif

namespace descent::parallel {
namespace {

World* g_world = nullptr;

#ifdef DESCENT_HAVE_MPI

bool launched_by_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr ||
         std::getenv("PMI_RANK") != nullptr;
}

template <typename T>
MPI_Datatype mpi_type() {
  return sizeof(T) == sizeof(double) ? MPI_DOUBLE : MPI_FLOAT;
}

int mpi_count(std::size_t count) {
  if (count > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw Error(ErrorCode::internal,
                fmt::format("an MPI message of {} values is larger than MPI's int counts", count));
  }
  return static_cast<int>(count);
}

class MpiCombiner final : public ml::Combiner {
 public:
  MpiCombiner(int rank, int ranks, ml::Reduction reduction)
      : rank_(rank), ranks_(ranks), reduction_(reduction) {
    MPI_Comm local;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &local);
    MPI_Comm_size(local, &local_ranks_);
    MPI_Comm_free(&local);
  }
  int rank() const override { return rank_; }
  int ranks() const override { return ranks_; }
  int local_ranks() const override { return local_ranks_; }
  ml::Reduction reduction() const override { return reduction_; }
  double communication_seconds() const override { return seconds_; }

  void allgather(std::span<float> values, std::span<const std::size_t> offsets) override {
    gather(values, offsets);
  }
  void allgather(std::span<double> values, std::span<const std::size_t> offsets) override {
    gather(values, offsets);
  }
  void sum_rows_in_order(std::span<float> slots, std::size_t width, std::size_t stride,
                         std::span<const std::size_t> row_offsets, std::span<float> sum) override {
    sum_in_order(slots, width, stride, row_offsets, sum);
  }
  void sum_rows_in_order(std::span<double> slots, std::size_t width, std::size_t stride,
                         std::span<const std::size_t> row_offsets, std::span<double> sum) override {
    sum_in_order(slots, width, stride, row_offsets, sum);
  }
  void allreduce_sum(std::span<float> values) override { reduce(values); }
  void allreduce_sum(std::span<double> values) override { reduce(values); }

  void agree(std::string_view what, std::uint64_t hash) override {
    std::vector<std::uint64_t> all(static_cast<std::size_t>(ranks_));
    MPI_Allgather(&hash, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD);
    std::string differ;
    std::size_t first = 0;
    for (std::size_t r = 1; r < all.size(); ++r) {
      if (all[r] == all[0]) continue;
      differ += fmt::format("{}{}", differ.empty() ? "" : ", ", r);
      if (first == 0) first = r;
    }
    if (first != 0) {
      throw ml::CollectiveError(
          ErrorCode::bad_input,
          fmt::format("rank {} of {} differs from rank 0 in {} (fingerprints {:016x} and {:016x}): "
                      "every process must "
                      "run the same command on the same data; refusing to train",
                      differ, ranks_, what, all[first], all[0]));
    }
  }

 private:
  template <typename T>
  void gather(std::span<T> values, std::span<const std::size_t> offsets) {
    std::vector<int> counts(static_cast<std::size_t>(ranks_)), displs(counts.size());
    for (std::size_t r = 0; r < counts.size(); ++r) {
      displs[r] = mpi_count(offsets[r]);
      counts[r] = mpi_count(offsets[r + 1] - offsets[r]);
    }
    const double start = MPI_Wtime();
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, values.data(), counts.data(), displs.data(),
                   mpi_type<T>(), MPI_COMM_WORLD);
    seconds_ += MPI_Wtime() - start;
  }
  // A reduce-scatter that keeps the order: process q receives slice q of every row (alltoallv),
  // adds the rows in order, and an allgather hands every process every slice. Each process
  // receives about (rows / ranks + 1) x width values, not rows x width as an allgather of rows.
  template <typename T>
  void sum_in_order(std::span<T> slots, std::size_t width, std::size_t stride,
                    std::span<const std::size_t> row_offsets, std::span<T> sum) {
    const auto p = static_cast<std::size_t>(ranks_), me = static_cast<std::size_t>(rank_);
    const auto slice = [&](std::size_t q) {
      return ml::block_begin(width, static_cast<int>(q), ranks_);
    };
    const std::size_t mine = row_offsets[me + 1] - row_offsets[me], rows = row_offsets[p];
    const std::size_t my_width = slice(me + 1) - slice(me);
    std::vector<T> send(mine * width), received(rows * my_width);
    std::vector<int> send_counts(p), send_displs(p), recv_counts(p), recv_displs(p);
    std::size_t at = 0;
    for (std::size_t q = 0; q < p; ++q) {  // to q: my rows' slice q, row after row
      send_displs[q] = mpi_count(at);
      for (std::size_t row = row_offsets[me]; row < row_offsets[me + 1]; ++row) {
        const T* from = slots.data() + row * stride;
        at = static_cast<std::size_t>(std::copy(from + slice(q), from + slice(q + 1),
                                                send.begin() + static_cast<std::ptrdiff_t>(at)) -
                                      send.begin());
      }
      send_counts[q] = mpi_count(at) - send_displs[q];
      recv_displs[q] = mpi_count(row_offsets[q] * my_width);
      recv_counts[q] = mpi_count((row_offsets[q + 1] - row_offsets[q]) * my_width);
    }
    const double start = MPI_Wtime();
    MPI_Alltoallv(send.data(), send_counts.data(), send_displs.data(), mpi_type<T>(),
                  received.data(), recv_counts.data(), recv_displs.data(), mpi_type<T>(),
                  MPI_COMM_WORLD);
    seconds_ += MPI_Wtime() - start;
    T* out = sum.data() + slice(me);  // received holds the rows of my slice in row order
    std::fill(out, out + my_width, T(0));
    if (rows > 0)
      std::copy(received.begin(), received.begin() + static_cast<std::ptrdiff_t>(my_width), out);
    for (std::size_t row = 1; row < rows; ++row) {
      const T* add = received.data() + row * my_width;
      for (std::size_t i = 0; i < my_width; ++i) out[i] += add[i];
    }
    std::vector<std::size_t> offsets(p + 1);
    for (std::size_t q = 0; q <= p; ++q) offsets[q] = slice(q);
    gather(sum, offsets);
  }

  template <typename T>
  void reduce(std::span<T> values) {
    const double start = MPI_Wtime();
    MPI_Allreduce(MPI_IN_PLACE, values.data(), mpi_count(values.size()), mpi_type<T>(), MPI_SUM,
                  MPI_COMM_WORLD);
    seconds_ += MPI_Wtime() - start;
  }

  int rank_, ranks_, local_ranks_ = 1;
  ml::Reduction reduction_;
  double seconds_ = 0.0;
};

#endif

}  // namespace

bool mpi_built() {
#ifdef DESCENT_HAVE_MPI
  return true;
#else
  return false;
#endif
}

World::World(int* argc, char*** argv) {
  DESCENT_ASSERT(g_world == nullptr);
  g_world = this;
#ifdef DESCENT_HAVE_MPI
  if (!launched_by_mpirun()) return;
  MPI_Init(argc, argv);
  initialized_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks_);
#else
  (void)argc;
  (void)argv;
#endif
}

World::~World() {
#ifdef DESCENT_HAVE_MPI
  if (initialized_) MPI_Finalize();
#endif
  g_world = nullptr;
}

World* World::current() { return g_world; }

std::unique_ptr<ml::Combiner> World::combiner([[maybe_unused]] ml::Reduction reduction) const {
#ifdef DESCENT_HAVE_MPI
  if (ranks_ > 1) return std::make_unique<MpiCombiner>(rank_, ranks_, reduction);
#endif
  return nullptr;
}

void World::abort(int code) const {
#ifdef DESCENT_HAVE_MPI
  if (initialized_) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::exit(code);
}

void World::await_abort(int code) const {
#ifdef DESCENT_HAVE_MPI
  if (initialized_) MPI_Barrier(MPI_COMM_WORLD);
#endif
  abort(code);
}

}  // namespace descent::parallel
