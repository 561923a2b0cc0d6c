// Paragraphs set once for the several layouts of one book. Page references
// (xref.page) and per-page note numbers lay the chapters out again until the
// pages settle; between two layouts only the paragraphs holding a page
// reference or a note mark change. SetCache is a LineSetter that remembers
// each paragraph it set by everything its request holds, so the layouts
// after the first shape and break only those.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "typeset/blocks.h"

namespace moyin::typeset {

class SetCache {
 public:
  explicit SetCache(const LineSetter& setter) : setter_(setter) {}

  // The lines `setter` gives for `req`, set on the first request only. A
  // paragraph's diagnostics are reported when it is first set.
  std::vector<SetLine> operator()(const SetRequest& req);

  size_t hits() const { return hits_; }

 private:
  const LineSetter& setter_;
  std::unordered_map<std::string, std::vector<SetLine>> lines_;
  size_t hits_ = 0;
};

// Everything in `req` that the lines set from it depend on, as one string.
std::string request_key(const SetRequest& req);

}  // namespace moyin::typeset
