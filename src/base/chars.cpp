#include "base/chars.h"

namespace moyin::base {

namespace {

constexpr bool in(char32_t c, char32_t lo, char32_t hi) { return c >= lo && c <= hi; }

}  // namespace

bool is_han(char32_t c) {
  return in(c, 0x4E00, 0x9FFF) || in(c, 0x3400, 0x4DBF) || in(c, 0xF900, 0xFAFF) ||
         in(c, 0x20000, 0x3FFFF) || in(c, 0x3005, 0x3007) || in(c, 0x3021, 0x3029) ||
         in(c, 0x3038, 0x303A);
}

bool is_kana(char32_t c) { return (in(c, 0x3040, 0x30FF) && c != 0x30FB) || in(c, 0x31F0, 0x31FF); }

bool is_bopomofo(char32_t c) { return in(c, 0x3100, 0x312F) || in(c, 0x31A0, 0x31BF); }

bool is_cjk_letter(char32_t c) { return is_han(c) || is_kana(c) || is_bopomofo(c); }

bool is_cjk(char32_t c) {
  return in(c, 0x2E80, 0x2FDF) ||  // radicals supplement, Kangxi radicals
         in(c, 0x2FF0, 0x303F) ||  // ideographic description, CJK symbols & punctuation
         in(c, 0x3040, 0x31FF) ||  // kana, bopomofo, Hangul compat jamo, kanbun, strokes
         in(c, 0x3200, 0x4DBF) ||  // enclosed CJK, compatibility, Ext A
         in(c, 0x4E00, 0x9FFF) ||  // URO
         in(c, 0xF900, 0xFAFF) ||  // compatibility ideographs
         in(c, 0xFE10, 0xFE1F) ||  // vertical forms
         in(c, 0xFE30, 0xFE4F) ||  // CJK compatibility forms
         in(c, 0xFF00, 0xFFEF) ||  // fullwidth and halfwidth forms
         in(c, 0x20000, 0x3FFFF);  // Ext B–H, compatibility supplement
}

bool is_cjk_punct(char32_t c) {
  if (in(c, 0x3000, 0x303F)) return !is_han(c);
  return in(c, 0xFF01, 0xFF0F) || in(c, 0xFF1A, 0xFF20) || in(c, 0xFF3B, 0xFF40) ||
         in(c, 0xFF5B, 0xFF65) || in(c, 0xFE10, 0xFE1F) || in(c, 0xFE30, 0xFE4F) || c == 0x30FB ||
         is_shared_punct(c);
}

bool is_shared_punct(char32_t c) {
  return in(c, 0x2018, 0x201F) || c == 0x2014 || c == 0x2015 || c == 0x2026 || c == 0x00B7;
}

bool is_cjk_text(char32_t c) { return is_cjk(c) || is_cjk_punct(c); }

bool is_ambiguous_quote(char32_t c) { return c == U'“' || c == U'”' || c == U'‘' || c == U'’'; }

bool is_latin_alnum(char32_t c) {
  if (c < 0x80) return is_ascii_alnum(c);
  // Latin-1 letters, Latin Extended, Greek, Cyrillic, Latin Extended Additional, Greek Extended.
  return (in(c, 0xC0, 0x24F) && c != 0xD7 && c != 0xF7) || in(c, 0x370, 0x52F) ||
         in(c, 0x1E00, 0x1FFF);
}

PunctClass punct_class(char32_t c) {
  switch (c) {
    case U'，':
    case U'。':
    case U'、':
    case U'：':
    case U'；':
    case U'？':
    case U'！':
    case U'．': return PunctClass::PauseStop;
    case U'”':
    case U'’':
    case U'）':
    case U'》':
    case U'〉':
    case U'」':
    case U'』':
    case U'】':
    case U'〗':
    case U'〕':
    case U'］':
    case U'｝': return PunctClass::Closing;
    case U'“':
    case U'‘':
    case U'（':
    case U'《':
    case U'〈':
    case U'「':
    case U'『':
    case U'【':
    case U'〖':
    case U'〔':
    case U'［':
    case U'｛': return PunctClass::Opening;
    case U'—':
    case U'⸺': return PunctClass::Dash;
    case U'…': return PunctClass::Ellipsis;
    case U'·':
    case U'・': return PunctClass::Interpunct;
    case U'/':
    case U'-':
    case U'–': return PunctClass::FixedHalf;
    case U'～': return PunctClass::Connector;
    default: return PunctClass::None;
  }
}

bool is_stop_mark(char32_t c) { return c == U'。' || c == U'？' || c == U'！' || c == U'．'; }

bool is_loose_start(char32_t c) {
  switch (c) {
    case U'々':
    case U'〻':
    case U'ゝ':
    case U'ゞ':
    case U'ヽ':
    case U'ヾ':  // iteration marks
    case U'ー':
    case U'゠':
    case U'〜':
    case U'～':  // prolonged sound, wave dashes
    case U'ぁ':
    case U'ぃ':
    case U'ぅ':
    case U'ぇ':
    case U'ぉ':
    case U'っ':
    case U'ゃ':
    case U'ゅ':
    case U'ょ':
    case U'ゎ':
    case U'ゕ':
    case U'ゖ':
    case U'ァ':
    case U'ィ':
    case U'ゥ':
    case U'ェ':
    case U'ォ':
    case U'ッ':
    case U'ャ':
    case U'ュ':
    case U'ョ':
    case U'ヮ':
    case U'ヵ':
    case U'ヶ': return true;
    default: return in(c, 0x31F0, 0x31FF);  // Katakana Phonetic Extensions (small ㇰ…ㇿ)
  }
}

bool is_unit_sign(char32_t c) {
  return c == '%' || c == U'‰' || c == U'℃' || c == U'°' || c == U'℉' || c == U'％';
}

bool is_currency(char32_t c) {
  return c == U'¥' || c == '$' || c == U'£' || c == U'￥' || c == U'€' || c == U'＄';
}

bool draws_nothing(char32_t c) {
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == 0xAD ||
         (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2060 && c <= 0x206F) || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF ||
         (c >= 0xE0000 && c <= 0xE0FFF);
}

}  // namespace moyin::base
