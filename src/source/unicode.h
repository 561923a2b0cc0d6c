// Small UTF-8 and character-class helpers for the source stage. They work on
// text that hygiene.h has already made valid UTF-8.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace moyin::source {

struct Decoded {
  char32_t cp = 0;
  size_t len = 0;  // bytes consumed (at least 1)
};

// Decodes the code point starting at s[i]; an invalid byte yields U+FFFD, len 1.
Decoded decode_at(std::string_view s, size_t i);
// Decodes the code point that ends just before s[end] (end > 0).
Decoded decode_before(std::string_view s, size_t end);
void append_utf8(std::string& out, char32_t cp);

bool is_han(char32_t cp);
// Fullwidth and CJK punctuation, including the quotes “”‘’, —— and …… that
// Chinese text uses.
bool is_cjk_punct(char32_t cp);
// Han, kana and CJK punctuation / fullwidth forms: text set without spaces.
bool is_cjk(char32_t cp);
bool is_ascii_alnum(char32_t cp);

}  // namespace moyin::source
