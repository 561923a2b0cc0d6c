// English hyphenation for the line breaker's second pass: libhyphen with
// TeX-style patterns (Debian's hyphen-en-us, /usr/share/hyphen/hyph_en_US.dic).
// Opened once per process by the command line and shared by every job's
// thread: the patterns are read once, on first use (std::call_once), and
// only read after that. libhyphen stays
// inside hyphenate.cpp.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moyin::typeset {

// Where libhyphen's tables may come from instead of the dictionary: the
// caller's store of the tables an earlier run read (tables_to_keep()).
// Reading the 11,000 English patterns (parsing, hashing, building the
// automaton) is about 24 M instructions; taking kept tables about 3 M.
// Called at most once, on first use; nullopt: read the dictionary. Tables
// that do not make a sound automaton are not used.
using KeptTables = std::function<std::optional<std::string>()>;

class Hyphenator {
 public:
  // nullopt when the file is missing. The patterns are read on the first
  // word asked for (a file that is not a pattern dictionary then gives no
  // hyphenation points): from `kept` when it gives sound tables, else from
  // the dictionary.
  static std::optional<Hyphenator> load(const std::filesystem::path& dictionary,
                                        KeptTables kept = {});
  Hyphenator(Hyphenator&&) noexcept;
  Hyphenator& operator=(Hyphenator&&) noexcept;
  ~Hyphenator();

  // Where a hyphen may go in an ASCII word: i in the result means "break
  // after the first i letters". At least 2 letters before and 3 after (TeX's
  // \lefthyphenmin, \righthyphenmin for English); words with anything but
  // ASCII letters, or shorter than 5, get none.
  std::vector<size_t> points(std::string_view word) const;

  // Reads the patterns now (about 8 ms from the dictionary) unless done
  // already: a caller with a spare core calls it on another thread when the
  // document is long enough to need them, so the first points() does not
  // wait. Thread-safe.
  void preload() const;

  // The tables to keep for later runs (KeptTables), when this run read
  // them from the dictionary; nullopt otherwise (not read yet, taken from
  // kept tables, or tables this format does not keep). Call once no thread
  // asks for points any more.
  std::optional<std::string> tables_to_keep() const;

 private:
  struct Dict;
  explicit Hyphenator(std::unique_ptr<Dict> d);
  std::unique_ptr<Dict> dict_;
};

// The dictionary the build was configured with (CMake MOYIN_HYPHEN_DICT).
std::filesystem::path default_hyphenation_dictionary();

}  // namespace moyin::typeset
