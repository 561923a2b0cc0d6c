// PagesAhead (src/pdf/ahead.h): a thread making pages' work ahead of the
// writer, which takes it in order or does a page itself.
#include "pdf/ahead.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace moyin::pdf {
namespace {

// Every page is either taken made by the thread or left to the writer, never
// both, never twice; the thread stays within its window of the writer.
TEST(PagesAhead, EachPageMadeOnceWithinTheWindow) {
  constexpr size_t kPages = 200, kWindow = 3;
  std::atomic<size_t> taken{0};
  std::atomic<bool> beyond_window{false};
  std::mutex made_mutex;
  std::multiset<size_t> made;
  PagesAhead<std::string> ahead(kPages, kWindow, [&](size_t page) {
    // (`taken` is set just after take() returns: one page behind at most.)
    if (page > taken.load() + kWindow) beyond_window = true;
    std::lock_guard lock(made_mutex);
    made.insert(page);
    return "page " + std::to_string(page);
  });
  size_t by_thread = 0, by_writer = 0;
  for (size_t page = 0; page < kPages; ++page) {
    if (page % 7 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
    std::optional<std::string> got = ahead.take(page);
    taken = page + 1;
    if (got) {
      EXPECT_EQ(*got, "page " + std::to_string(page));
      ++by_thread;
    } else {
      ++by_writer;
    }
  }
  EXPECT_EQ(by_thread + by_writer, kPages);
  EXPECT_GT(by_thread, 0u) << "the writer slept: the thread must have made pages ahead";
  EXPECT_FALSE(beyond_window);
  std::lock_guard lock(made_mutex);
  EXPECT_EQ(made.size(), by_thread) << "a page made and not taken, or made twice";
  for (size_t page : made) EXPECT_EQ(made.count(page), 1u) << page;
}

// Stopping with pages left (a page failed to draw): the thread finishes the
// page it is on and stops; nothing is left running.
TEST(PagesAhead, StopsEarlyWithPagesLeft) {
  std::atomic<int> calls{0};
  {
    PagesAhead<int> ahead(1000, 4, [&](size_t page) {
      ++calls;
      std::this_thread::sleep_for(std::chrono::microseconds(100));
      return static_cast<int>(page);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::optional<int> first = ahead.take(0);
    if (first) {
      EXPECT_EQ(*first, 0);
    }
  }
  EXPECT_LE(calls.load(), 6) << "the thread went past its window";
}

}  // namespace
}  // namespace moyin::pdf
