#include "typeset/cjk.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

#include <string>

#include "font/font.h"

namespace moyin::typeset {

PunctClass punct_class(char32_t c) {
  switch (c) {
    case U'，': case U'。': case U'、': case U'：': case U'；': case U'？': case U'！': case U'．':
      return PunctClass::PauseStop;
    case U'”': case U'’': case U'）': case U'》': case U'〉': case U'」': case U'』': case U'】':
    case U'〗': case U'〕': case U'］': case U'｝':
      return PunctClass::Closing;
    case U'“': case U'‘': case U'（': case U'《': case U'〈': case U'「': case U'『': case U'【':
    case U'〖': case U'〔': case U'［': case U'｛':
      return PunctClass::Opening;
    case U'—': case U'⸺': return PunctClass::Dash;
    case U'…': return PunctClass::Ellipsis;
    case U'·': case U'・': return PunctClass::Interpunct;
    case U'/': case U'-': case U'–': return PunctClass::FixedHalf;
    case U'～': return PunctClass::Connector;
    default: return PunctClass::None;
  }
}

bool is_stop_mark(char32_t c) { return c == U'。' || c == U'？' || c == U'！' || c == U'．'; }

bool is_ambiguous_quote(char32_t c) { return c == U'“' || c == U'”' || c == U'‘' || c == U'’'; }

bool is_han(char32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x3FFFF) || (c >= 0x3040 && c <= 0x30FF && c != 0x30FB) ||
         (c >= 0x3100 && c <= 0x312F) || (c >= 0x31A0 && c <= 0x31BF) || c == 0x3005 || c == 0x3007;
}

bool is_latin_alnum(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  // Latin-1 letters, Latin Extended, Greek, Cyrillic: words that take Han–Latin spacing.
  return (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x370 && c <= 0x52F) ||
         (c >= 0x1E00 && c <= 0x1FFF);
}

namespace {

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool is_unit_sign(char32_t c) {
  return c == '%' || c == U'‰' || c == U'℃' || c == U'°' || c == U'℉' || c == U'％';
}
bool is_currency(char32_t c) {
  return c == U'¥' || c == '$' || c == U'£' || c == U'￥' || c == U'€' || c == U'＄';
}

}  // namespace

bool is_loose_start(char32_t c) {
  switch (c) {
    case U'々': case U'〻': case U'ゝ': case U'ゞ': case U'ヽ': case U'ヾ':  // iteration marks
    case U'ー': case U'゠': case U'〜': case U'～':                          // prolonged sound, wave dashes
    case U'ぁ': case U'ぃ': case U'ぅ': case U'ぇ': case U'ぉ': case U'っ': case U'ゃ': case U'ゅ':
    case U'ょ': case U'ゎ': case U'ゕ': case U'ゖ': case U'ァ': case U'ィ': case U'ゥ': case U'ェ':
    case U'ォ': case U'ッ': case U'ャ': case U'ュ': case U'ョ': case U'ヮ': case U'ヵ': case U'ヶ':
      return true;
    default: return c >= 0x31F0 && c <= 0x31FF;  // Katakana Phonetic Extensions (small ㇰ…ㇿ)
  }
}

bool no_line_start(char32_t c, char32_t prev, char32_t next, LineBreakLevel level) {
  PunctClass k = punct_class(c);
  if (k == PunctClass::PauseStop || k == PunctClass::Closing) return true;
  if (c == U'·' || c == U'・') return true;  // ICU allows a break before ·; we never do
  if (level == LineBreakLevel::Basic) return false;
  // loose = gb minus the marks clreq's loose level lets start a line (small
  // kana, 々 and other iteration marks, ー, 〜 ～). gb and strict forbid them
  // explicitly rather than relying on ICU's class for them.
  if (is_loose_start(c)) return level != LineBreakLevel::Loose;
  if (c == U'–' || c == '/' || is_unit_sign(c)) return true;
  if (c == U'—' || c == U'…') {
    bool pair = next == c || prev == c;
    if (!pair) return true;                         // a lone — or … never starts a line
    return level == LineBreakLevel::Strict && prev != c;  // strict: pairs never start a line
  }
  if (c == U'⸺') return level == LineBreakLevel::Strict;
  return false;
}

bool no_line_end(char32_t c, char32_t next, LineBreakLevel level) {
  if (punct_class(c) == PunctClass::Opening) return true;
  if (level == LineBreakLevel::Basic) return false;
  return is_currency(c) && (is_digit(next) || next == 0);
}

struct BreakOpportunities::Impl {
  std::unique_ptr<icu::BreakIterator> iter;
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
        for (int32_t p = impl_->iter->first(); p != icu::BreakIterator::DONE; p = impl_->iter->next())
          if (p > 0 && static_cast<size_t>(p) < utf8.size()) ok[static_cast<size_t>(p)] = 1;
      }
      // Detach before closing the UText the iterator refers to.
      impl_->iter->setText(icu::UnicodeString());
    }
    utext_close(ut);
  }
  // Decode once; apply the 禁则 vetoes of CJK-RULES §2 on top of ICU.
  std::vector<size_t> starts;
  std::vector<char32_t> cps;
  for (size_t i = 0; i < utf8.size();) {
    starts.push_back(i);
    cps.push_back(font::next_code_point(utf8, i));
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
    if (!o && level == LineBreakLevel::Loose && is_loose_start(cps[k]) &&
        (is_han(cps[k - 1]) || is_loose_start(cps[k - 1])))
      o = 1;
    if (!o) continue;
    char32_t c = cps[k], prev = cps[k - 1], next = k + 1 < cps.size() ? cps[k + 1] : 0;
    char32_t before = prev_visible(k);
    if (c == ' ') { o = 0; continue; }  // breaks go after spaces, never before
    if (no_line_start(c, prev, next, level)) o = 0;
    else if (before && no_line_end(before, c, level)) o = 0;
    else if (prev != ' ' && is_digit(prev) && (is_unit_sign(c) || c == '.')) o = 0;
    else if (prev == U'°' && (c == 'C' || c == 'F')) o = 0;
    else if (prev == c && (c == U'—' || c == U'…')) o = 0;
  }
  return ok;
}

}  // namespace moyin::typeset
