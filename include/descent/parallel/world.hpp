// The processes of one run. Under mpirun (Open MPI's launcher sets OMPI_COMM_WORLD_SIZE, PMIx
// launchers PMIX_RANK) MPI is initialized here and the run is data-parallel over MPI_COMM_WORLD;
// started alone, descent is one process and never touches MPI (no singleton start-up).
// Example: parallel::World world(&argc, &argv); auto c = world.combiner(ml::Reduction::exact);
#pragma once

#include <memory>

#include "descent/ml/combiner.hpp"

namespace descent::parallel {

// Whether this build has MPI (CMake option DESCENT_MPI).
bool mpi_built();

class World {
 public:
  // Initializes MPI when launched by mpirun (and built with MPI); at most one World at a time.
  World(int* argc, char*** argv);
  ~World();  // MPI_Finalize
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // The World of this process (null before main made one).
  static World* current();

  int rank() const { return rank_; }
  int ranks() const { return ranks_; }
  bool alone() const { return ranks_ == 1; }

  // A Combiner over every process; null when alone.
  std::unique_ptr<ml::Combiner> combiner(ml::Reduction reduction) const;

  // Ends every process of the job at once with `code` (MPI_Abort: none is left waiting in a
  // collective); alone, std::exit(code).
  [[noreturn]] void abort(int code) const;
  // For an error every process raised alike, on processes other than 0: waits (in a barrier
  // process 0 never enters) until process 0, having printed the message, ends the job. Exiting
  // first would let mpirun end process 0 before it printed.
  [[noreturn]] void await_abort(int code) const;

 private:
  int rank_ = 0;
  int ranks_ = 1;
  [[maybe_unused]] bool initialized_ = false;  // read only when built with MPI
};

}  // namespace descent::parallel
