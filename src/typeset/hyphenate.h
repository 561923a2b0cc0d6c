// English hyphenation for the line breaker's second pass: libhyphen with
// TeX-style patterns (Debian's hyphen-en-us, /usr/share/hyphen/hyph_en_US.dic).
// Opened once per process by the command line and shared by every job's
// thread: the patterns are read once, on first use (std::call_once), and
// only read after that. libhyphen stays
// inside hyphenate.cpp.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace moyin::typeset {

class Hyphenator {
 public:
  // nullopt when the file is missing. The patterns are read on the first
  // word asked for (a file that is not a pattern dictionary then gives no
  // hyphenation points).
  static std::optional<Hyphenator> load(const std::filesystem::path& dictionary);
  Hyphenator(Hyphenator&&) noexcept;
  Hyphenator& operator=(Hyphenator&&) noexcept;
  ~Hyphenator();

  // Where a hyphen may go in an ASCII word: i in the result means "break
  // after the first i letters". At least 2 letters before and 3 after (TeX's
  // \lefthyphenmin, \righthyphenmin for English); words with anything but
  // ASCII letters, or shorter than 5, get none.
  std::vector<size_t> points(std::string_view word) const;

  // Reads the patterns now (about 8 ms) unless done already: a caller with
  // a spare core calls it on another thread when the document is long
  // enough to need them, so the first points() does not wait. Thread-safe.
  void preload() const;

 private:
  struct Dict;
  explicit Hyphenator(std::unique_ptr<Dict> d);
  std::unique_ptr<Dict> dict_;
};

// The dictionary the build was configured with (CMake MOYIN_HYPHEN_DICT).
std::filesystem::path default_hyphenation_dictionary();

}  // namespace moyin::typeset
