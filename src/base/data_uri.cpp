#include "base/data_uri.h"

#include <cstdint>

namespace moyin::base {

namespace {

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;  // '-' and '_': the URL-safe alphabet
  if (c == '/' || c == '_') return 63;
  return -1;
}

std::optional<std::string> decode_base64(std::string_view s) {
  std::string out;
  out.reserve(s.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  bool padding = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    const int v = base64_value(c);
    if (v < 0 || padding) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (bits >= 6) return std::nullopt;  // a lone sixth of a byte: truncated
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

std::optional<DataUri> parse_data_uri(std::string_view uri) {
  while (!uri.empty() && (uri.front() == ' ' || uri.front() == '\n' || uri.front() == '\t'))
    uri.remove_prefix(1);
  if (uri.size() < 5) return std::nullopt;
  for (size_t i = 0; i < 5; ++i)
    if ((uri[i] | 0x20) != "data:"[i]) return std::nullopt;  // the scheme in any case
  uri.remove_prefix(5);
  const size_t comma = uri.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  std::string_view header = uri.substr(0, comma);
  const std::string_view payload = uri.substr(comma + 1);
  DataUri d;
  const size_t semi = header.find(';');
  for (char c : header.substr(0, semi))
    if (c != ' ') d.media_type.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  bool base64 = false;
  for (size_t at = semi; at != std::string_view::npos;) {
    const size_t next = header.find(';', at + 1);
    std::string_view param =
        header.substr(at + 1, next == std::string_view::npos ? next : next - at - 1);
    if (param == "base64") base64 = true;
    at = next;
  }
  if (base64) {
    std::optional<std::string> bytes = decode_base64(percent_decode(payload));
    if (!bytes) return std::nullopt;
    d.bytes = std::move(*bytes);
  } else {
    d.bytes = percent_decode(payload);
  }
  return d;
}

}  // namespace moyin::base
