// Work on a document's pages done by a thread of its own a few pages ahead
// of the writer's thread (docs/performance.md, "Glyph runs formatted a few
// pages ahead"): `make(page)` runs there, in page order, at most `window`
// pages past the last page the writer took, and the writer takes each
// page's result in order. A page the thread has not started when the writer
// reaches it is left to the writer (take() gives nullopt, the thread skips
// it), so the writer never waits for a page the thread has not begun.
// `make` must not touch what the writer changes meanwhile (libharu above
// all): what it makes is plain data, and it must not throw. No libharu here.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace moyin::pdf {

template <typename Result>
class PagesAhead {
 public:
  PagesAhead(size_t pages, size_t window, std::function<Result(size_t)> make)
      : pages_(pages), window_(window), make_(std::move(make)), done_(pages) {
    thread_ = std::jthread([this] { work(); });
  }
  PagesAhead(const PagesAhead&) = delete;
  PagesAhead& operator=(const PagesAhead&) = delete;
  ~PagesAhead() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
  }  // thread_ joins (it finishes the page it is on first)

  // Page `page`'s result (pages are taken in increasing order): waits when
  // the thread is making it; nullopt when the thread had not started it.
  std::optional<Result> take(size_t page) {
    std::unique_lock lock(mutex_);
    taken_ = page + 1;
    std::optional<Result> out;
    if (next_ <= page) {
      next_ = page + 1;  // the writer's own: the thread goes on after it
    } else {
      changed_.wait(lock, [&] { return done_[page].has_value(); });
      out = std::move(done_[page]);
      done_[page].reset();
    }
    lock.unlock();
    changed_.notify_all();
    return out;
  }

 private:
  void work() {
    for (;;) {
      size_t page = 0;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stop_ || next_ >= pages_ || next_ < taken_ + window_; });
        if (stop_ || next_ >= pages_) return;
        page = next_++;
      }
      Result made = make_(page);
      {
        std::lock_guard lock(mutex_);
        done_[page] = std::move(made);
      }
      changed_.notify_all();
    }
  }

  const size_t pages_, window_;
  std::function<Result(size_t)> make_;
  std::mutex mutex_;
  std::condition_variable changed_;
  size_t next_ = 0;   // the next page the thread makes
  size_t taken_ = 0;  // pages the writer has taken
  bool stop_ = false;
  std::vector<std::optional<Result>> done_;  // by page: made, not yet taken
  std::jthread thread_;                      // last: joined before the rest goes
};

}  // namespace moyin::pdf
