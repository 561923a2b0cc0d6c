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

// Decodes the code point starting at s[i] (i < s.size()), whatever the bytes.
Decoded decode_any(std::string_view s, size_t i);
// The same, with the two commonest forms (ASCII, and a valid three-byte
// sequence: Han and CJK marks) decoded inline: the typesetter decodes every
// character of a paragraph several times (docs/performance.md).
inline Decoded decode_at(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  if ((b0 & 0xF0) == 0xE0 && i + 2 < s.size()) {
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    const auto b2 = static_cast<unsigned char>(s[i + 2]);
    if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80) {
      const char32_t cp = (char32_t{b0 & 0x0Fu} << 12) | (char32_t{b1 & 0x3Fu} << 6) | (b2 & 0x3Fu);
      if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) return {cp, 3};
    }
  }
  return decode_any(s, i);
}
// Decodes the code point that ends just before s[end] (end > 0).
Decoded decode_before(std::string_view s, size_t end);
// Decodes the code point at s[i] and advances i past it.
inline char32_t next_code_point(std::string_view s, size_t& i) {
  Decoded d = decode_at(s, i);
  i += d.len;
  return d.cp;
}
void append_utf8(std::string& out, char32_t cp);
// Replaces each byte that begins no valid UTF-8 sequence by U+FFFD, in
// place; whether there was one.
bool repair_utf8(std::string& s);

// ASCII letters lowered, every other byte kept (names, keys, language tags).
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// `s` without the ASCII white space (space, tab, CR, LF, FF, VT) at its ends.
inline std::string_view trim_ascii_space(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
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
