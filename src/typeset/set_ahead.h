// A long document's paragraphs set on the other cores while the main thread
// lays it out (docs/performance.md, "Paragraphs set on both cores").
//
// A paragraph is a pure function of its SetRequest given the fonts. The
// requests the block layout will make are predicted (predict_requests in
// blocks.h) by the first worker while the main thread starts the layout;
// the workers set them in document order, each with its own setter, a
// bounded window ahead of the main thread. What the main thread asks before
// the prediction has reached it, it sets itself, and that prediction is
// then dropped. The main thread makes
// the real layout and takes each paragraph by its whole request
// (request_key) when it gets there; while a worker is still on the one it
// needs, it sets the next ones itself. A request nobody predicted, or one
// that could not be set ahead, is set by the caller as before. What a
// paragraph has to say travels with its lines (SetOutcome::events) and is
// said by the main thread as it takes them, so the lines and the
// diagnostics are exactly those of setting everything in order on one
// thread, whatever the prediction and the timing.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "doc/diagnostics.h"
#include "typeset/blocks.h"

namespace moyin::typeset {

// One set request: its lines and, in the order they happened, what setting
// it had to say, for the main thread to say when it takes the lines.
struct SetOutcome {
  // A character no face draws (reported once per document at the end).
  struct Missing {
    std::string path;
    char32_t cp = 0;
    doc::Position pos;
  };
  // Inline HTML the PDF does not draw (warned once per document and tag).
  struct DroppedHtml {
    std::string path;
    std::string tag;
    doc::Position pos;
  };
  using Event = std::variant<doc::Diagnostic, Missing, DroppedHtml>;
  std::vector<SetLine> lines;
  std::vector<Event> events;
};

// How setting ahead went (tests; docs/performance.md).
struct SetAheadCounts {
  size_t predicted = 0;  // distinct requests predicted
  size_t taken = 0;      // requests answered with what was set ahead
  size_t missed = 0;     // requests not predicted (or predicted fewer times)
  size_t here = 0;       // predicted requests the caller set itself (not reached, or not settable)
  size_t early = 0;      // of `missed`: asked before the prediction came to them
};

// A SetRequest holding copies of what it points to (the predicted requests
// outlive the dry pass's temporaries).
class OwnedRequest {
 public:
  explicit OwnedRequest(const SetRequest& req);
  SetRequest request() const;  // points into this object

 private:
  std::vector<doc::Inline> inlines_;
  std::string path_;
  SetRequest fields_;  // inlines and path empty
};

// Sets one request on the calling thread; nothing when it cannot be set
// there (then the main thread sets it itself, in order).
using AheadSetter = std::function<std::optional<SetOutcome>(const SetRequest&)>;

// Calls `seen` with each request the layout is expected to make, in document
// order (predict_requests).
using Predict = std::function<void(const std::function<void(const SetRequest&)>& seen)>;

class SetAhead {
 public:
  // `threads` workers start now; the first runs `predict`, then each calls
  // `make` once, on its own thread, for its setter. At most `window`
  // distinct requests past the last one taken are set ahead (the memory
  // held is bounded by it). What `predict` reads must stay until
  // wait_for_prediction returns.
  SetAhead(Predict predict, int threads, std::function<AheadSetter()> make, size_t window = 256);
  // The same with the predicted requests known already, in document order.
  SetAhead(std::vector<OwnedRequest> planned, int threads, std::function<AheadSetter()> make,
           size_t window = 256);
  ~SetAhead();  // waits for the prediction, stops the workers (each finishes its paragraph), joins

  // Returns once the prediction has ended (what it reads may go then).
  void wait_for_prediction();
  SetAhead(const SetAhead&) = delete;
  SetAhead& operator=(const SetAhead&) = delete;

  // `req`'s outcome when it was predicted and set ahead (waiting for a
  // worker that is on it, meanwhile setting the next predicted requests
  // with `help` on this thread). Nothing when the caller must set it:
  // not predicted, not reached yet, or not settable ahead.
  std::optional<SetOutcome> take(const SetRequest& req, const AheadSetter& help);

  SetAheadCounts counts() const;

 private:
  struct Slot {
    enum class State : uint8_t { Free, Claimed, Done, Gone } state = State::Free;
    size_t uses = 0;                      // predicted requests with this key not yet taken
    std::optional<OwnedRequest> request;  // until it is claimed
    std::optional<SetOutcome> outcome;    // when Done; nothing: could not be set ahead
  };
  static constexpr size_t kNone = static_cast<size_t>(-1);
  // Counts one more prediction of `key` (a new slot holding a copy of `req`
  // when it is the first), unless the caller has asked it already.
  void add_locked(std::string key, const SetRequest& req);
  void predict_all(const Predict& predict);  // on the first worker
  size_t claim_locked();  // the next Free slot within the window, Claimed; kNone when none
  // Sets the claimed slot `i` with `set`, the lock released meanwhile.
  void set_claimed(std::unique_lock<std::mutex>& lock, size_t i, const AheadSetter& set);
  void work(const std::function<AheadSetter()>& make, const Predict* predict);

  // Distinct requests in order of first prediction. A deque: the prediction
  // appends while take() and the workers hold references to earlier slots
  // across waits (a vector's growth moved them: a use after free).
  std::deque<Slot> slots_;
  std::unordered_map<std::string, size_t> index_;  // request_key -> slot
  // Requests the caller asked before the prediction came to them (key ->
  // times): their predictions are dropped as they come.
  std::unordered_map<std::string, size_t> early_;
  const size_t window_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  size_t next_ = 0;   // slots before it are not Free
  size_t reach_ = 0;  // slots from here on wait for the main thread to come closer
  bool predicting_ = false;
  bool stop_ = false;
  SetAheadCounts counts_;
  std::vector<std::jthread> workers_;
};

}  // namespace moyin::typeset
