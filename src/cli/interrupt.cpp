#include "cli/interrupt.h"

#include <pthread.h>

#include <cstdio>

namespace moyin::cli {

InterruptGuard::InterruptGuard() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, &old_);
  watcher_ = std::thread([this] { watch(); });
}

InterruptGuard::~InterruptGuard() {
  done_.store(true);
  // Wakes the watcher: the signal is blocked, so it only ends its sigwait.
  pthread_kill(watcher_.native_handle(), SIGTERM);
  watcher_.join();
  // A signal arriving from here on is delivered when the mask is restored
  // (default action): every output is complete or untouched by then.
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

void InterruptGuard::watch() {
  for (;;) {
    int sig = 0;
    if (sigwait(&set_, &sig) != 0) continue;
    if (done_.load()) return;
    if (signal_.exchange(sig) == 0)
      std::fprintf(stderr,
                   "\nmoyin: %s: finishing the documents in progress, starting no new one\n",
                   sig == SIGINT ? "interrupted" : "terminated");
  }
}

}  // namespace moyin::cli
