// SIGINT/SIGTERM during a batch: the documents in flight finish (their
// outputs are written and renamed into place), no new document starts, and
// the run ends with status 128 + the signal. While a guard lives the signals
// are blocked in every thread (threads started later inherit the mask) and
// one watcher thread takes them with sigwait, so no signal handler runs and
// no temporary file is left behind.
#pragma once

#include <signal.h>

#include <atomic>
#include <thread>

namespace moyin::cli {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // The signal that arrived (SIGINT or SIGTERM), or 0.
  int signal() const { return signal_.load(); }

 private:
  void watch();

  sigset_t set_{};
  sigset_t old_{};
  std::atomic<int> signal_{0};
  std::atomic<bool> done_{false};
  std::thread watcher_;
};

}  // namespace moyin::cli
