// Where a build's time goes, for `moyin build --timings`: wall time per
// stage, summed over every document of the run (atomics: jobs add from their
// threads). Timing never changes an output; a null `Timings*` (the default
// everywhere) skips the clock entirely.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace moyin::base {

enum class Stage : uint8_t { Read, Parse, Math, Fonts, Shape, Break, Pages, Pdf, Epub, Write };
inline constexpr size_t kStageCount = 10;
std::string_view stage_name(Stage s);  // "read", "parse", …

class Timings {
 public:
  void add(Stage s, std::chrono::nanoseconds d) {
    ns_[static_cast<size_t>(s)].fetch_add(d.count(), std::memory_order_relaxed);
  }
  std::chrono::nanoseconds get(Stage s) const {
    return std::chrono::nanoseconds(ns_[static_cast<size_t>(s)].load(std::memory_order_relaxed));
  }

 private:
  std::array<std::atomic<int64_t>, kStageCount> ns_{};
};

// Adds the time from construction to destruction (or to stop()) to `stage`.
class StageTimer {
 public:
  StageTimer(Timings* t, Stage s) : t_(t), s_(s) {
    if (t_) start_ = std::chrono::steady_clock::now();
  }
  ~StageTimer() { stop(); }
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;
  void stop() {
    if (t_) t_->add(s_, std::chrono::steady_clock::now() - start_);
    t_ = nullptr;
  }

 private:
  Timings* t_;
  Stage s_;
  std::chrono::steady_clock::time_point start_{};
};

}  // namespace moyin::base
