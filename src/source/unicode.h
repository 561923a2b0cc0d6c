// Small UTF-8 and character-class helpers for the source stage. They work on
// text that hygiene.h has already made valid UTF-8.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "doc/utf8.h"

namespace moyin::source {

using doc::Decoded;
using doc::decode_at;
using doc::decode_before;
using doc::append_utf8;

bool is_han(char32_t cp);
// Fullwidth and CJK punctuation, including the quotes “”‘’, —— and …… that
// Chinese text uses.
bool is_cjk_punct(char32_t cp);
// Han, kana and CJK punctuation / fullwidth forms: text set without spaces.
bool is_cjk(char32_t cp);
bool is_ascii_alnum(char32_t cp);

}  // namespace moyin::source
