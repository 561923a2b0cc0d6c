#include "base/utf8.h"

namespace moyin::base {

Decoded decode_any(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  size_t len = 0;
  char32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return {0xFFFD, 1};
  }
  if (i + len > s.size()) return {0xFFFD, 1};
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return {0xFFFD, 1};
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid.
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return {0xFFFD, 1};
  }
  return {cp, len};
}

Decoded decode_before(std::string_view s, size_t end) {
  size_t start = end - 1;
  // Step back over at most three continuation bytes.
  while (start > 0 && end - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
    --start;
  }
  Decoded d = decode_at(s, start);
  if (start + d.len != end) return {0xFFFD, 1};
  return d;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool repair_utf8(std::string& s) {
  size_t i = 0;
  auto invalid = [&](size_t at, Decoded& d) {
    d = decode_at(s, at);
    return d.len == 1 && static_cast<unsigned char>(s[at]) >= 0x80;
  };
  Decoded d;
  while (i < s.size() && !invalid(i, d)) i += d.len;
  if (i == s.size()) return false;
  std::string out(s, 0, i);
  while (i < s.size()) {
    if (invalid(i, d)) out += "\xEF\xBF\xBD";
    else out.append(s, i, d.len);
    i += d.len;
  }
  s = std::move(out);
  return true;
}

}  // namespace moyin::base
