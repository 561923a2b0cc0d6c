// What `moyin watch` keeps from one build to the next, so that the PDF work
// an edit does not change is not done again (docs/performance.md): each
// face's subset by its glyph set (an edit that adds no new character reuses
// the subset bytes) and each compressed stream by its bytes (the font
// programs, the pages an edit did not reach). The outputs are the same bytes
// as without it. Thread-safe: the jobs of a build share one. sweep() after
// each build drops what that build did not use, so it holds one build's worth.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "font/subset.h"

namespace moyin::pdf {

class Reuse {
 public:
  // The subset kept under `key` (face and glyph set), or null.
  std::shared_ptr<const font::PdfFont> find_subset(const std::string& key);
  void keep_subset(const std::string& key, std::shared_ptr<const font::PdfFont> subset);
  // The compressed form kept for the stream `raw`, or null.
  std::shared_ptr<const std::string> find_stream(const std::string& raw);
  void keep_stream(std::string raw, std::shared_ptr<const std::string> packed);
  // Drops every entry not found or kept since the last sweep.
  void sweep();

 private:
  template <typename T>
  struct Entry {
    T value;
    bool used = true;
  };
  std::mutex mutex_;
  std::map<std::string, Entry<std::shared_ptr<const font::PdfFont>>> subsets_;
  std::unordered_map<std::string, Entry<std::shared_ptr<const std::string>>> streams_;
};

}  // namespace moyin::pdf
