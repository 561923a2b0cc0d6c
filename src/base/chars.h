// The one set of character classes every stage uses (source's CJK fixes and
// slugs, the font library's upright Han, the typesetter's itemizer, glue and
// 禁则). Plain tables of code point ranges: no locale, no library.
#pragma once

#include <cstdint>

namespace moyin::base {

// Han ideographs: the URO, Extension A, compatibility ideographs, planes 2–3
// (Extensions B–H and the compatibility supplement) and the ideographic marks
// 々 〆 〇 〡–〩 〸–〺.
bool is_han(char32_t c);
// Hiragana, katakana (not the middle dot ・), small katakana extensions.
bool is_kana(char32_t c);
// Bopomofo and its extension.
bool is_bopomofo(char32_t c);
// Han, kana or bopomofo: the letters of CJK text, set solid with Han glue
// between them (the typesetter's Han boxes).
bool is_cjk_letter(char32_t c);

// Characters drawn from a CJK face and never slanted: CJK letters, radicals,
// CJK symbols and punctuation (U+3000 block), enclosed CJK, compatibility
// forms, vertical forms, fullwidth and halfwidth forms. Not the ambiguous
// quotes “ ” ‘ ’, — or …, which belong to both scripts (see
// is_ambiguous_quote).
bool is_cjk(char32_t c);
// Fullwidth and CJK punctuation, including the marks Chinese shares with
// Western text (“ ” ‘ ’ ‛ ‟, — ―, …, ·).
bool is_cjk_punct(char32_t c);
// The CJK punctuation Western text uses as well: curly quotes, dashes,
// ellipsis, middle dot. Not enough on its own to call a place "Chinese".
bool is_shared_punct(char32_t c);
// Text set without spaces between words: is_cjk or is_cjk_punct.
bool is_cjk_text(char32_t c);
// “ ” ‘ ’ : Chinese marks next to Han, Latin quotes inside Latin text.
bool is_ambiguous_quote(char32_t c);

// Controls, format characters, variation selectors and tags: characters
// that draw nothing, so no face needs a glyph for them.
bool draws_nothing(char32_t c);

// Inline: asked of nearly every character the typesetter looks at.
inline bool is_ascii_digit(char32_t c) { return c >= '0' && c <= '9'; }
inline bool is_ascii_alnum(char32_t c) {
  return is_ascii_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// Letters and digits of Latin-like scripts (Latin, Greek, Cyrillic): words
// that take Han–Latin spacing.
bool is_latin_alnum(char32_t c);

// Punctuation classes of CJK-RULES.md §1 (for a character in Chinese context).
enum class PunctClass : uint8_t {
  None,
  PauseStop,   // ，。、：；？！． — blank on the right
  Closing,     // ” ’ ） 》 〉 」 』 】 〗 〕 ］ ｝ — blank on the right
  Opening,     // “ ‘ （ 《 〈 「 『 【 〖 〔 ［ ｛ — blank on the left
  Dash,        // — (U+2014), ⸺ (pairs are unbreakable)
  Ellipsis,    // … (U+2026)
  Interpunct,  // · ・
  FixedHalf,   // / - – : never adjusted
  Connector,   // ～
};
PunctClass punct_class(char32_t c);
// 。？！． : the "stop" marks shrunk last (§5) and kept full in kaiming.
bool is_stop_mark(char32_t c);
// Marks clreq's loose level lets start a line: small kana, 々 〻 ゝ ゞ ヽ ヾ,
// ー, ゠, 〜 ～.
bool is_loose_start(char32_t c);
// % ‰ ℃ ° ℉ ％: kept with the number before them.
bool is_unit_sign(char32_t c);
// ¥ $ £ ￥ € ＄: kept with the number after them.
bool is_currency(char32_t c);

}  // namespace moyin::base
