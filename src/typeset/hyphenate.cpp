#include "typeset/hyphenate.h"

#include <hyphen.h>

#include <cstdlib>
#include <string>

namespace moyin::typeset {

struct Hyphenator::Dict {
  HyphenDict* dict = nullptr;
  ~Dict() {
    if (dict) hnj_hyphen_free(dict);
  }
};

Hyphenator::Hyphenator(std::unique_ptr<Dict> d) : dict_(std::move(d)) {}
Hyphenator::Hyphenator(Hyphenator&&) noexcept = default;
Hyphenator& Hyphenator::operator=(Hyphenator&&) noexcept = default;
Hyphenator::~Hyphenator() = default;

std::optional<Hyphenator> Hyphenator::load(const std::filesystem::path& dictionary) {
  auto d = std::make_unique<Dict>();
  d->dict = hnj_hyphen_load(dictionary.c_str());
  if (!d->dict) return std::nullopt;
  return Hyphenator(std::move(d));
}

std::vector<size_t> Hyphenator::points(std::string_view word) const {
  constexpr size_t kLeftMin = 2, kRightMin = 3, kMinWord = 5, kMaxWord = 64;
  std::vector<size_t> out;
  if (word.size() < kMinWord || word.size() > kMaxWord) return out;
  std::string lower(word);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    else if (c < 'a' || c > 'z') return out;
  }
  std::vector<char> hyphens(lower.size() + 5, '0');
  char** rep = nullptr;
  int* pos = nullptr;
  int* cut = nullptr;
  const int rc = hnj_hyphen_hyphenate3(dict_->dict, lower.data(), static_cast<int>(lower.size()),
                                       hyphens.data(), nullptr, &rep, &pos, &cut, kLeftMin,
                                       kRightMin, kLeftMin, kRightMin);
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
