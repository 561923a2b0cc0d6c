// Running independent jobs on a small thread pool: the documents of a batch
// (cli), the font subsets and streams of one PDF (pdf). Each job writes only
// its own result slot; the only shared state is the index counter.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace moyin::base {

// Calls run(i) for every i in [0, count) on up to `threads` threads, and
// done(finished_so_far) after each (from the worker; `done` must be
// thread-safe). Returns when all have finished. When `stop` is given and
// returns true, no further i starts (the calls in progress finish).
inline void run_parallel(size_t count, int threads, const std::function<void(size_t)>& run,
                         const std::function<void(size_t)>& done = {},
                         const std::function<bool()>& stop = {}) {
  std::atomic<size_t> next{0}, finished{0};
  auto worker = [&] {
    for (;;) {
      if (stop && stop()) return;
      size_t i = next.fetch_add(1);
      if (i >= count) return;
      run(i);
      size_t n = finished.fetch_add(1) + 1;
      if (done) done(n);
    }
  };
  size_t n = std::clamp<size_t>(threads < 1 ? 1 : static_cast<size_t>(threads), 1,
                                std::max<size_t>(count, 1));
  if (n <= 1) {
    worker();
    return;
  }
  std::vector<std::jthread> pool;
  for (size_t t = 0; t < n; ++t) pool.emplace_back(worker);
}

// run_parallel without waiting: calls run(i) for every i in [0, count) on
// up to `threads` threads started now, and returns them; the jobs are done
// once each is joined (a std::jthread joins when destroyed), so the caller
// keeps them, and what `run` touches, until then.
inline std::vector<std::jthread> start_parallel(size_t count, int threads,
                                                std::function<void(size_t)> run) {
  struct Shared {
    Shared(std::function<void(size_t)> r, size_t c) : run(std::move(r)), count(c) {}
    std::function<void(size_t)> run;
    size_t count;
    std::atomic<size_t> next{0};
  };
  auto shared = std::make_shared<Shared>(std::move(run), count);
  size_t n = std::clamp<size_t>(threads < 1 ? 1 : static_cast<size_t>(threads), 1,
                                std::max<size_t>(count, 1));
  std::vector<std::jthread> pool;
  for (size_t t = 0; t < n && count > 0; ++t)
    pool.emplace_back([shared] {
      for (size_t i; (i = shared->next.fetch_add(1)) < shared->count;) shared->run(i);
    });
  return pool;
}

}  // namespace moyin::base
