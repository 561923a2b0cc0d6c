#include "source/hygiene.h"

#include <algorithm>

#include "base/utf8.h"

namespace moyin::source {

bool looks_binary(std::string_view raw) {
  const std::string_view sample = raw.substr(0, std::min<size_t>(raw.size(), 8192));
  size_t nul = 0;
  size_t control = 0;
  for (char c : sample) {
    const auto b = static_cast<unsigned char>(c);
    if (b == 0) {
      ++nul;
    } else if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != '\v' &&
                b != 0x1B) ||
               b == 0x7F) {
      ++control;
    }
  }
  const size_t n = sample.size();
  return (nul >= 8 && nul * 100 > n) || (control + nul >= 8 && (control + nul) * 10 > n);
}

namespace {

// A three-byte sequence whose lead byte (E1–EC, EE, EF) cannot start an
// overlong form or a surrogate: valid when both continuation bytes are.
// Han and CJK punctuation are all such; anything else goes to the decoder.
bool three_byte_without_checks(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0xE1 || b0 > 0xEF || b0 == 0xED || i + 3 > s.size()) return false;
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  const auto b2 = static_cast<unsigned char>(s[i + 2]);
  return (b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80;
}

}  // namespace

std::optional<std::string> clean_input(std::string_view raw, std::string_view path,
                                       doc::Diagnostics& diags) {
  if (looks_binary(raw)) {
    diags.error(path, {}, "binary file, not a manuscript");
    return std::nullopt;
  }
  if (raw.starts_with("\xEF\xBB\xBF")) raw.remove_prefix(3);

  std::string out;
  out.reserve(raw.size() + raw.size() / 16);
  int line = 1;
  size_t line_start = 0;  // offset in raw of the current line
  doc::Position first_invalid;
  doc::Position first_nul;
  size_t i = 0;
  size_t run = 0;  // start of the bytes kept as they are, copied a run at a time
  auto replace = [&](size_t skip, std::string_view with) {
    out.append(raw.substr(run, i - run));
    out += with;
    i += skip;
    run = i;
  };
  while (i < raw.size()) {
    const char c = raw[i];
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x80) {  // most of the text
      ++i;
      continue;
    }
    if (c == '\r') {
      replace((i + 1 < raw.size() && raw[i + 1] == '\n') ? 2 : 1, "\n");
      ++line;
      line_start = i;
      continue;
    }
    if (c == '\n') {
      ++i;
      ++line;
      line_start = i;
      continue;
    }
    if (c == '\0') {
      if (first_nul.line == 0) first_nul = {line, static_cast<int>(i - line_start) + 1};
      replace(1, "\xEF\xBF\xBD");  // U+FFFD
      continue;
    }
    if (u < 0x80) {
      ++i;
      continue;
    }
    if (three_byte_without_checks(raw, i)) {  // most Han text: no call to the decoder
      i += 3;
      continue;
    }
    const base::Decoded d = base::decode_at(raw, i);
    if (d.len == 1) {  // an invalid byte (a real U+FFFD decodes from 3)
      if (first_invalid.line == 0) first_invalid = {line, static_cast<int>(i - line_start) + 1};
      replace(1, "\xEF\xBF\xBD");
      continue;
    }
    i += d.len;
  }
  out.append(raw.substr(run));
  if (first_invalid.line != 0) {
    diags.warn(path, first_invalid, "invalid UTF-8, replaced by U+FFFD");
  }
  if (first_nul.line != 0) {
    diags.warn(path, first_nul, "NUL character, replaced by U+FFFD");
  }
  return out;
}

}  // namespace moyin::source
