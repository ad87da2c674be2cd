#include "ml/worker_pool.hpp"

namespace descent::ml::detail {

WorkerPool::WorkerPool(int threads) {
  for (int part = 1; part < threads; ++part) workers_.emplace_back([this, part] { loop(part); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void WorkerPool::run_impl(Trampoline call, void* context) {
  if (workers_.empty()) {
    call(context, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    call_ = call;
    context_ = context;
    pending_ = static_cast<int>(workers_.size());
    ++generation_;
  }
  wake_.notify_all();
  call(context, 0);
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [this] { return pending_ == 0; });
  call_ = nullptr;
  context_ = nullptr;
}

void WorkerPool::loop(int part) {
  std::uint64_t seen = 0;
  while (true) {
    Trampoline call = nullptr;
    void* context = nullptr;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      call = call_;
      context = context_;
    }
    call(context, part);
    bool last = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      last = --pending_ == 0;
    }
    if (last) done_.notify_one();
  }
}

}  // namespace descent::ml::detail
