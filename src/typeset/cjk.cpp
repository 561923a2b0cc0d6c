#include "typeset/cjk.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

#include <string>

#include "base/utf8.h"

namespace moyin::typeset {

bool no_line_start(char32_t c, char32_t prev, char32_t next, LineBreakLevel level) {
  if (base::is_ascii_alnum(c)) return false;  // the commonest answer, asked inside every word
  base::PunctClass k = base::punct_class(c);
  if (k == base::PunctClass::PauseStop || k == base::PunctClass::Closing) return true;
  if (c == U'·' || c == U'・') return true;  // ICU allows a break before ·; we never do
  if (level == LineBreakLevel::Basic) return false;
  // loose = gb minus the marks clreq's loose level lets start a line (small
  // kana, 々 and other iteration marks, ー, 〜 ～). gb and strict forbid them
  // explicitly rather than relying on ICU's class for them.
  if (base::is_loose_start(c)) return level != LineBreakLevel::Loose;
  if (c == U'–' || c == '/' || base::is_unit_sign(c)) return true;
  if (c == U'—' || c == U'…') {
    bool pair = next == c || prev == c;
    if (!pair) return true;                               // a lone — or … never starts a line
    return level == LineBreakLevel::Strict && prev != c;  // strict: pairs never start a line
  }
  if (c == U'⸺') return level == LineBreakLevel::Strict;
  return false;
}

bool no_line_end(char32_t c, char32_t next, LineBreakLevel level) {
  if (base::is_ascii_alnum(c)) return false;  // neither an opening mark nor a currency sign
  if (base::punct_class(c) == base::PunctClass::Opening) return true;
  if (level == LineBreakLevel::Basic) return false;
  return base::is_currency(c) && (base::is_ascii_digit(next) || next == 0);
}

struct BreakOpportunities::Impl {
  std::unique_ptr<icu::BreakIterator> iter;
  // The text decoded, kept between calls for their memory.
  std::vector<size_t> starts;  // byte offset of each character
  std::vector<char32_t> cps;
};

BreakOpportunities::BreakOpportunities() : impl_(std::make_unique<Impl>()) {
  UErrorCode status = U_ZERO_ERROR;
  impl_->iter.reset(icu::BreakIterator::createLineInstance(icu::Locale("zh"), status));
  if (U_FAILURE(status)) impl_->iter.reset();
}

BreakOpportunities::~BreakOpportunities() = default;

std::vector<uint8_t> BreakOpportunities::find(std::string_view utf8, LineBreakLevel level) {
  std::vector<uint8_t> ok(utf8.size() + 1, 0);
  if (utf8.empty()) return ok;
  if (impl_->iter) {
    UErrorCode status = U_ZERO_ERROR;
    // UTF-8 UText: the iterator's positions are byte offsets into utf8.
    UText* ut = utext_openUTF8(nullptr, utf8.data(), static_cast<int64_t>(utf8.size()), &status);
    if (U_SUCCESS(status)) {
      impl_->iter->setText(ut, status);
      if (U_SUCCESS(status)) {
        for (int32_t p = impl_->iter->first(); p != icu::BreakIterator::DONE;
             p = impl_->iter->next())
          if (p > 0 && static_cast<size_t>(p) < utf8.size()) ok[static_cast<size_t>(p)] = 1;
      }
      // Detach before closing the UText the iterator refers to.
      impl_->iter->setText(icu::UnicodeString());
    }
    utext_close(ut);
  }
  // Decode once; apply the 禁则 vetoes of CJK-RULES §2 on top of ICU.
  std::vector<size_t>& starts = impl_->starts;
  std::vector<char32_t>& cps = impl_->cps;
  starts.clear();
  cps.clear();
  for (size_t i = 0; i < utf8.size();) {
    starts.push_back(i);
    cps.push_back(base::next_code_point(utf8, i));
  }
  auto prev_visible = [&](size_t k) -> char32_t {  // the last non-space before index k
    while (k > 0) {
      --k;
      if (cps[k] != ' ' && cps[k] != '\n') return cps[k];
    }
    return 0;
  };
  for (size_t k = 1; k < cps.size(); ++k) {
    uint8_t& o = ok[starts[k]];
    // loose: ICU (whose default rules treat small kana and iteration marks
    // as non-starters) is overruled between such a mark and a Han character.
    // ICU's own lb=loose is never used: it would also split ……
    if (!o && level == LineBreakLevel::Loose && base::is_loose_start(cps[k]) &&
        (base::is_cjk_letter(cps[k - 1]) || base::is_loose_start(cps[k - 1])))
      o = 1;
    if (!o) continue;
    char32_t c = cps[k], prev = cps[k - 1], next = k + 1 < cps.size() ? cps[k + 1] : 0;
    char32_t before = prev_visible(k);
    if (c == ' ') {
      o = 0;
      continue;
    }  // breaks go after spaces, never before
    if (no_line_start(c, prev, next, level)) o = 0;
    else if (before && no_line_end(before, c, level)) o = 0;
    else if (prev != ' ' && base::is_ascii_digit(prev) && (base::is_unit_sign(c) || c == '.'))
      o = 0;
    else if (prev == U'°' && (c == 'C' || c == 'F')) o = 0;
    else if (prev == c && (c == U'—' || c == U'…')) o = 0;
  }
  return ok;
}

}  // namespace moyin::typeset
