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

// ASCII-case-insensitive equality and search (HTML element names, file extensions).
inline bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}
inline size_t ascii_ifind(std::string_view s, std::string_view needle, size_t from = 0) {
  for (size_t i = from; i + needle.size() <= s.size(); ++i)
    if (ascii_iequals(s.substr(i, needle.size()), needle)) return i;
  return std::string_view::npos;
}

}  // namespace moyin::base
