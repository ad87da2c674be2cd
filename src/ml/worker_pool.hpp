// A small pool of threads for data-parallel training steps (private to ml). Waiting threads
// block on a condition variable after a short spin instead of spinning like OpenMP's default,
// so a step stays fast when other processes share the cores.
// Example: WorkerPool pool(2); pool.run([&](int part) { work(part); });  // parts 0 and 1
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace descent::ml::detail {

class WorkerPool {
 public:
  // `threads` parts in all: the calling thread runs part 0, threads - 1 workers the others.
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }
  // Runs job(part) for every part in [0, size()) and returns when all are done. The job must
  // not throw. No allocation: the job is passed by address.
  template <typename Job>
  void run(Job& job) {
    run_impl([](void* context, int part) { (*static_cast<Job*>(context))(part); }, &job);
  }

 private:
  using Trampoline = void (*)(void* context, int part);
  void run_impl(Trampoline call, void* context);
  void loop(int part);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  Trampoline call_ = nullptr;
  void* context_ = nullptr;
  std::uint64_t generation_ = 0;
  int pending_ = 0;
  bool stop_ = false;
};

}  // namespace descent::ml::detail
