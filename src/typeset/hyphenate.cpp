#include "typeset/hyphenate.h"

#include <hyphen.h>

#include <cstdlib>
#include <mutex>
#include <string>

namespace moyin::typeset {

// Loaded on the first word asked for: most documents never need a second
// pass, and reading the patterns is about 5 ms of every run.
struct Hyphenator::Dict {
  std::filesystem::path path;
  std::once_flag loaded;
  HyphenDict* dict = nullptr;
  HyphenDict* get() {
    std::call_once(loaded, [this] { dict = hnj_hyphen_load(path.c_str()); });
    return dict;
  }
  ~Dict() {
    if (dict) hnj_hyphen_free(dict);
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
  std::string lower(word);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    else if (c < 'a' || c > 'z') return out;
  }
  HyphenDict* dict = dict_->get();
  if (!dict) return out;
  std::vector<char> hyphens(lower.size() + 5, '0');
  char** rep = nullptr;
  int* pos = nullptr;
  int* cut = nullptr;
  const int rc =
      hnj_hyphen_hyphenate3(dict, lower.data(), static_cast<int>(lower.size()), hyphens.data(),
                            nullptr, &rep, &pos, &cut, kLeftMin, kRightMin, kLeftMin, kRightMin);
  if (rep) {  // non-standard hyphenation (not in English patterns): ignored
    for (size_t i = 0; i < lower.size(); ++i) std::free(rep[i]);
    std::free(rep);
    std::free(pos);
    std::free(cut);
  }
  if (rc != 0) return out;
  for (size_t i = kLeftMin - 1; i + kRightMin < lower.size(); ++i)
    if (hyphens[i] & 1) out.push_back(i + 1);
  return out;
}

std::filesystem::path default_hyphenation_dictionary() { return MOYIN_HYPHEN_DICT; }

}  // namespace moyin::typeset
