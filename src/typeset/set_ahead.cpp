#include "typeset/set_ahead.h"

#include <algorithm>

#include "base/parallel.h"
#include "typeset/set_cache.h"

namespace moyin::typeset {

OwnedRequest::OwnedRequest(const SetRequest& req)
    : inlines_(req.inlines ? *req.inlines : std::vector<doc::Inline>{}),
      path_(req.path),
      fields_(req) {
  fields_.inlines = nullptr;
  fields_.path = {};
}

SetRequest OwnedRequest::request() const {
  SetRequest req = fields_;
  req.inlines = &inlines_;
  req.path = path_;
  return req;
}

SetAhead::SetAhead(Predict predict, int threads, std::function<AheadSetter()> make, size_t window)
    : window_(std::max<size_t>(window, 1)), reach_(window_) {
  if (threads < 1) return;
  predicting_ = true;
  workers_ = base::start_parallel(static_cast<size_t>(threads), threads,
                                  [this, make = std::move(make), predict = std::move(predict)](
                                      size_t i) { work(make, i == 0 ? &predict : nullptr); });
}

SetAhead::SetAhead(std::vector<OwnedRequest> planned, int threads,
                   std::function<AheadSetter()> make, size_t window)
    : window_(std::max<size_t>(window, 1)), reach_(window_) {
  for (const OwnedRequest& r : planned) {
    const SetRequest req = r.request();
    add_locked(request_key(req), req);  // no worker yet
  }
  if (threads < 1 || slots_.empty()) return;
  workers_ = base::start_parallel(static_cast<size_t>(threads), threads,
                                  [this, make = std::move(make)](size_t) { work(make, nullptr); });
}

SetAhead::~SetAhead() {
  wait_for_prediction();
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  workers_.clear();  // joins
}

void SetAhead::wait_for_prediction() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return !predicting_; });
}

void SetAhead::add_locked(std::string key, const SetRequest& req) {
  if (const auto asked = early_.find(key); asked != early_.end()) {
    if (--asked->second == 0) early_.erase(asked);
    return;  // the caller has set this one itself
  }
  auto [it, added] = index_.emplace(std::move(key), slots_.size());
  if (added) {
    slots_.emplace_back();
    slots_.back().request.emplace(req);
    ++counts_.predicted;
  }
  ++slots_[it->second].uses;
}

void SetAhead::predict_all(const Predict& predict) {
  try {
    predict([this](const SetRequest& req) {
      std::string key = request_key(req);  // outside the lock: the main thread takes meanwhile
      std::lock_guard lock(mutex_);
      const size_t before = slots_.size();
      add_locked(std::move(key), req);
      if (slots_.size() > before && before < reach_) changed_.notify_all();  // other workers
    });
  } catch (...) {
    // What was predicted stands; the rest is set by the main thread.
  }
  std::lock_guard lock(mutex_);
  predicting_ = false;
  early_.clear();
  changed_.notify_all();
}

size_t SetAhead::claim_locked() {
  while (next_ < slots_.size() && slots_[next_].state != Slot::State::Free) ++next_;
  if (next_ >= reach_ || next_ >= slots_.size()) return kNone;
  slots_[next_].state = Slot::State::Claimed;
  return next_++;
}

void SetAhead::set_claimed(std::unique_lock<std::mutex>& lock, size_t i, const AheadSetter& set) {
  const OwnedRequest req = std::move(*slots_[i].request);
  slots_[i].request.reset();
  lock.unlock();
  std::optional<SetOutcome> outcome;
  try {
    outcome = set(req.request());
  } catch (...) {
    outcome.reset();  // the main thread sets it again, and meets the problem itself
  }
  lock.lock();
  slots_[i].outcome = std::move(outcome);
  slots_[i].state = Slot::State::Done;
  changed_.notify_all();
}

void SetAhead::work(const std::function<AheadSetter()>& make, const Predict* predict) {
  if (predict) predict_all(*predict);
  AheadSetter set;
  try {
    set = make();
  } catch (...) {
    return;  // the main thread sets what this worker would have
  }
  std::unique_lock lock(mutex_);
  while (!stop_) {
    const size_t i = claim_locked();
    if (i != kNone) set_claimed(lock, i, set);
    else if (!predicting_ && next_ >= slots_.size()) return;  // nothing left to set
    else changed_.wait(lock);  // until the main thread comes closer or more is predicted
  }
}

std::optional<SetOutcome> SetAhead::take(const SetRequest& req, const AheadSetter& help) {
  const std::string key = request_key(req);
  std::unique_lock lock(mutex_);
  const auto found = index_.find(key);
  if (found == index_.end() || slots_[found->second].uses == 0) {
    if (predicting_) {  // set here; its prediction, when it comes, is dropped
      ++early_[key];
      ++counts_.early;
    }
    ++counts_.missed;
    return std::nullopt;
  }
  const size_t i = found->second;
  Slot& slot = slots_[i];
  --slot.uses;
  if (const size_t reach = i + 1 + window_; reach > reach_) {
    reach_ = reach;
    changed_.notify_all();
  }
  for (;;) {
    switch (slot.state) {
      case Slot::State::Free:  // not reached yet: set here, in order
        if (slot.uses == 0) {
          slot.state = Slot::State::Gone;
          slot.request.reset();
        }
        ++counts_.here;
        return std::nullopt;
      case Slot::State::Claimed:  // a worker is on it: set the next ones meanwhile
        if (const size_t j = claim_locked(); j != kNone) set_claimed(lock, j, help);
        else changed_.wait(lock);
        continue;
      case Slot::State::Done: {
        std::optional<SetOutcome> out = slot.uses > 0 ? slot.outcome : std::move(slot.outcome);
        if (slot.uses == 0) {
          slot.state = Slot::State::Gone;
          slot.outcome.reset();
        }
        ++(out ? counts_.taken : counts_.here);
        return out;
      }
      case Slot::State::Gone: break;
    }
    ++counts_.missed;
    return std::nullopt;
  }
}

SetAheadCounts SetAhead::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

}  // namespace moyin::typeset
