// Small helpers: stable identifiers (libuuid), escaping, UTF-8 hygiene for XML.
#include <array>
#include <charconv>
#include <cstring>

#include <uuid/uuid.h>

#include "base/number.h"
#include "base/utf8.h"
#include "epub/internal.h"

namespace moyin::epub::detail {
std::string uuid_from_name(std::string_view name) {
  // RFC 4122 version 5 (SHA-1) in a namespace of Moyin's own, so the same
  // title and date always give the same identifier.
  static constexpr uuid_t kMoyinNamespace = {0x6d, 0x6f, 0x79, 0x69, 0x6e, 0x2d, 0x45, 0x50,
                                             0x80, 0x55, 0x42, 0x2d, 0x69, 0x64, 0x73, 0x21};
  uuid_t out;
  uuid_generate_sha1(out, kMoyinNamespace, name.data(), name.size());
  char text[37];
  uuid_unparse_lower(out, text);
  return text;
}

void append_escaped_html(std::string& out, std::string_view text, bool attribute) {
  size_t run = 0;  // start of the bytes not yet copied (copied a run at a time)
  for (size_t i = 0; i < text.size(); ++i) {
    const char* entity = nullptr;
    switch (text[i]) {
      case '&': entity = "&amp;"; break;
      case '<': entity = "&lt;"; break;
      case '>': entity = "&gt;"; break;
      case '"': entity = attribute ? "&quot;" : nullptr; break;
      default: break;
    }
    if (!entity) continue;
    out.append(text.substr(run, i - run));
    out += entity;
    run = i + 1;
  }
  out.append(text.substr(run));
}

std::string escape_html(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  append_escaped_html(out, text, attribute);
  return out;
}

std::string valid_utf8_xml(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t run = 0;  // start of the bytes not yet copied (copied a run at a time)
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {  // not an XML character
        out.append(s.substr(run, i - run));
        run = i + 1;
      }
      ++i;
      continue;
    }
    const base::Decoded d = base::decode_at(s, i);
    if (d.cp == 0xFFFE || d.cp == 0xFFFF || d.len == 1) {
      out.append(s.substr(run, i - run));
      // U+FFFE and U+FFFF are not XML characters; an invalid byte becomes
      // U+FFFD (a real U+FFFD is 3 bytes).
      if (d.len == 1) out += "\xEF\xBF\xBD";
      run = i + d.len;
    }
    i += d.len;
  }
  out.append(s.substr(run));
  return out;
}

bool xml_chars_only(std::string_view valid_utf8) {
  for (size_t i = 0; i < valid_utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(valid_utf8[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
    // U+FFFE and U+FFFF: EF BF BE, EF BF BF.
    if (c == 0xEF && i + 2 < valid_utf8.size() && valid_utf8[i + 1] == '\xBF' &&
        (valid_utf8[i + 2] == '\xBE' || valid_utf8[i + 2] == '\xBF'))
      return false;
  }
  return true;
}

bool valid_language_tag(std::string_view tag) {
  if (tag.empty()) return false;
  size_t i = 0, part = 0;
  while (i <= tag.size()) {
    size_t j = tag.find('-', i);
    if (j == std::string_view::npos) j = tag.size();
    std::string_view sub = tag.substr(i, j - i);
    if (sub.empty() || sub.size() > 8) return false;
    for (char c : sub) {
      bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      bool digit = c >= '0' && c <= '9';
      if (part == 0 ? !alpha : !(alpha || digit)) return false;
    }
    if (part == 0 && sub.size() > 3 && sub.size() < 5) return false;
    ++part;
    i = j + 1;
    if (j == tag.size()) break;
  }
  return true;
}

std::string uri_escape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
        c == '`' || c == '{' || c == '|' || c == '}') {
      out.push_back('%');
      out.push_back("0123456789ABCDEF"[c >> 4]);
      out.push_back("0123456789ABCDEF"[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

}  // namespace moyin::epub::detail
