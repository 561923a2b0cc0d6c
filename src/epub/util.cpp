// Small helpers: stable identifiers (libuuid), calendar arithmetic without the
// C library's time zone, escaping, UTF-8 hygiene for XML.
#include <array>
#include <charconv>
#include <cstring>

#include <uuid/uuid.h>

#include "base/number.h"
#include "epub/internal.h"

namespace moyin::epub::detail {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool read_digits(std::string_view s, size_t& i, int n, int& out) {
  if (i + n > s.size()) return false;
  int v = 0;
  for (int k = 0; k < n; ++k) {
    char c = s[i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  i += n;
  out = v;
  return true;
}

}  // namespace

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

CivilTime civil_from_epoch(int64_t epoch) {
  int64_t days = epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
  int64_t secs = epoch - days * 86400;
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y += m <= 2;
  return {static_cast<int>(y), m, d, static_cast<int>(secs / 3600),
          static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60)};
}

std::optional<int64_t> parse_iso_date(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  size_t i = 0;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!read_digits(s, i, 4, y) || i >= s.size() || s[i++] != '-' || !read_digits(s, i, 2, mo) ||
      i >= s.size() || s[i++] != '-' || !read_digits(s, i, 2, d))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  int64_t offset = 0;
  if (i < s.size()) {
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return std::nullopt;
    ++i;
    if (!read_digits(s, i, 2, h) || i >= s.size() || s[i++] != ':' || !read_digits(s, i, 2, mi))
      return std::nullopt;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!read_digits(s, i, 2, sec)) return std::nullopt;
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
    while (i < s.size() && s[i] == ' ') ++i;
    if (i < s.size()) {
      if (s[i] == 'Z' || s[i] == 'z') {
        ++i;
      } else if (s[i] == '+' || s[i] == '-') {
        int sign = s[i++] == '-' ? -1 : 1;
        int oh, om = 0;
        if (!read_digits(s, i, 2, oh)) return std::nullopt;
        if (i < s.size() && s[i] == ':') ++i;
        if (i < s.size() && !read_digits(s, i, 2, om)) return std::nullopt;
        offset = sign * (oh * 3600 + om * 60);
      }
    }
    if (i != s.size()) return std::nullopt;
  }
  return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
}

std::string format_day(int64_t epoch) {
  CivilTime t = civil_from_epoch(epoch);
  std::string out;
  base::append_integer(out, t.year, 4);
  out += '-';
  base::append_integer(out, t.month, 2);
  out += '-';
  base::append_integer(out, t.day, 2);
  return out;
}

std::string format_utc(int64_t epoch) {
  CivilTime t = civil_from_epoch(epoch);
  std::string out = format_day(epoch);
  out += 'T';
  base::append_integer(out, t.hour, 2);
  out += ':';
  base::append_integer(out, t.minute, 2);
  out += ':';
  base::append_integer(out, t.second, 2);
  out += 'Z';
  return out;
}

std::string escape_html(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"':
        if (attribute) out += "&quot;";
        else out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

std::string valid_utf8_xml(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  auto bad = [&] {
    out += "\xEF\xBF\xBD";
    ++i;
  };
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += static_cast<char>(c);
      ++i;
      continue;
    }
    int len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (len == 0 || i + len > s.size()) {
      bad();
      continue;
    }
    char32_t cp = len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    bool ok = true;
    for (int k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (!ok || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      bad();
      continue;
    }
    if (cp == 0xFFFE || cp == 0xFFFF) {  // not XML characters
      i += len;
      continue;
    }
    out.append(s.substr(i, len));
    i += len;
  }
  return out;
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
