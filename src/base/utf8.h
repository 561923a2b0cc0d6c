// The one UTF-8 decoder and encoder; every stage that walks text per
// character uses it. Invalid bytes decode as U+FFFD, one byte at a time.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace moyin::base {

struct Decoded {
  char32_t cp = 0;
  size_t len = 0;  // bytes consumed (at least 1)
};

// Decodes the code point starting at s[i] (i < s.size()).
Decoded decode_at(std::string_view s, size_t i);
// Decodes the code point that ends just before s[end] (end > 0).
Decoded decode_before(std::string_view s, size_t end);
// Decodes the code point at s[i] and advances i past it.
inline char32_t next_code_point(std::string_view s, size_t& i) {
  Decoded d = decode_at(s, i);
  i += d.len;
  return d.cp;
}
void append_utf8(std::string& out, char32_t cp);

// ASCII letters lowered, every other byte kept (names, keys, language tags).
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace moyin::base
