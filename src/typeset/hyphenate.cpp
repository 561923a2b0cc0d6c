#include "typeset/hyphenate.h"

#include <algorithm>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/file.h"

namespace moyin::typeset {

// Liang's algorithm over TeX-style patterns in the hyphen (libhyphen) file
// format: a charset line, optional keyword lines (LEFTHYPHENMIN …), then one
// pattern per line ("a1b2c": letters with a digit in some of the gaps, '.'
// for a word edge). Every substring of ".word." that is a pattern raises
// the gaps it covers to its digits; an odd gap may take a hyphen.
// Read with one pass into a hash map (about a tenth of what building
// libhyphen's automaton cost: 39 M instructions per process, docs/performance.md).
// Loaded on the first word asked for: most documents never need a second pass.
struct Hyphenator::Dict {
  std::filesystem::path path;
  std::once_flag loaded;
  std::unordered_map<std::string, std::string> patterns;  // letters → gap digits ('0'…'9')
  size_t longest = 0;                                     // letters of the longest pattern

  const Dict* get() {
    std::call_once(loaded, [this] { load(); });
    return patterns.empty() ? nullptr : this;
  }

  void load() {
    std::string error;
    std::optional<std::string> text = base::read_bounded(path, error, 16u << 20);
    if (!text) return;
    std::string_view rest = *text;
    bool first = true;
    while (!rest.empty()) {
      const size_t eol = rest.find('\n');
      std::string_view line = rest.substr(0, eol);
      rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 1);
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
      if (first) {  // the charset
        first = false;
        continue;
      }
      if (line == "NEXTLEVEL") break;  // compound levels: not in English patterns
      if (line.empty() || line[0] == '%' || line.find('/') != std::string_view::npos ||
          (line[0] >= 'A' && line[0] <= 'Z'))  // keywords; non-standard hyphenation
        continue;
      add(line);
    }
  }

  void add(std::string_view line) {
    std::string letters, digits = "0";
    for (char c : line) {
      if (c >= '0' && c <= '9') {
        digits.back() = c;
      } else {
        letters += c;
        digits += '0';
      }
    }
    if (letters.empty()) return;
    longest = std::max(longest, letters.size());
    patterns.insert_or_assign(std::move(letters), std::move(digits));
  }
};

Hyphenator::Hyphenator(std::unique_ptr<Dict> d) : dict_(std::move(d)) {}
Hyphenator::Hyphenator(Hyphenator&&) noexcept = default;
Hyphenator& Hyphenator::operator=(Hyphenator&&) noexcept = default;
Hyphenator::~Hyphenator() = default;

std::optional<Hyphenator> Hyphenator::load(const std::filesystem::path& dictionary) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dictionary, ec)) return std::nullopt;
  auto d = std::make_unique<Dict>();
  d->path = dictionary;
  return Hyphenator(std::move(d));
}

void Hyphenator::preload() const { dict_->get(); }

std::vector<size_t> Hyphenator::points(std::string_view word) const {
  constexpr size_t kLeftMin = 2, kRightMin = 3, kMinWord = 5, kMaxWord = 64;
  std::vector<size_t> out;
  if (word.size() < kMinWord || word.size() > kMaxWord) return out;
  std::string dotted = ".";
  for (char c : word) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    else if (c < 'a' || c > 'z') return out;
    dotted += c;
  }
  dotted += '.';
  const Dict* dict = dict_->get();
  if (!dict) return out;
  // gaps[k]: the gap before dotted[k].
  std::vector<char> gaps(dotted.size() + 1, '0');
  std::string key;
  for (size_t i = 0; i < dotted.size(); ++i)
    for (size_t len = 1; len <= dict->longest && i + len <= dotted.size(); ++len) {
      key.assign(dotted, i, len);
      auto it = dict->patterns.find(key);
      if (it == dict->patterns.end()) continue;
      for (size_t k = 0; k <= len; ++k) gaps[i + k] = std::max(gaps[i + k], it->second[k]);
    }
  // The gap after the word's letter i is gaps[i + 2] (a '.' leads).
  for (size_t i = kLeftMin - 1; i + kRightMin < word.size(); ++i)
    if ((gaps[i + 2] - '0') & 1) out.push_back(i + 1);
  return out;
}

std::filesystem::path default_hyphenation_dictionary() { return MOYIN_HYPHEN_DICT; }

}  // namespace moyin::typeset
