// Reader-facing checks of issue 6 measured on the built PDFs: parsing of
// `pdftotext -bbox-layout`, `moyin dump --stage pages` and `qpdf --json`
// output into plain structs the checks in page_checks_test.cpp walk.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moyin::pdf::checks {

// ---- pdftotext -bbox-layout (y grows downward from the page top, points).

struct Word {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  std::string text;
};

struct TextPage {
  double width = 0, height = 0;
  std::vector<Word> words;
};

inline double attr(std::string_view tag, std::string_view name) {
  const std::string key = std::string(" ") + std::string(name) + "=\"";
  const size_t at = tag.find(key);
  if (at == std::string_view::npos) return 0;
  const char* b = tag.data() + at + key.size();
  double v = 0;
  std::from_chars(b, tag.data() + tag.size(), v);
  return v;
}

inline std::string unescape_xml(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const size_t semi = s.find(';', i);
    if (semi == std::string_view::npos) {
      out += s[i];
      continue;
    }
    const std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp") out += '&';
    else if (ent == "lt") out += '<';
    else if (ent == "gt") out += '>';
    else if (ent == "quot") out += '"';
    else if (ent == "apos") out += '\'';
    else out += std::string(s.substr(i, semi - i + 1));
    i = semi;
  }
  return out;
}

inline std::vector<TextPage> parse_bbox_layout(std::string_view html) {
  std::vector<TextPage> pages;
  size_t at = 0;
  while ((at = html.find('<', at)) != std::string_view::npos) {
    const size_t close = html.find('>', at);
    if (close == std::string_view::npos) break;
    const std::string_view tag = html.substr(at, close - at + 1);
    if (tag.rfind("<page ", 0) == 0) {
      pages.push_back({attr(tag, "width"), attr(tag, "height"), {}});
    } else if (tag.rfind("<word ", 0) == 0 && !pages.empty()) {
      const size_t end = html.find("</word>", close);
      if (end == std::string_view::npos) break;
      Word w{attr(tag, "xMin"), attr(tag, "yMin"), attr(tag, "xMax"), attr(tag, "yMax"),
             unescape_xml(html.substr(close + 1, end - close - 1))};
      pages.back().words.push_back(std::move(w));
      at = end;
      continue;
    }
    at = close + 1;
  }
  return pages;
}

// ---- moyin dump --stage pages (text format of src/typeset/pages_dump.cpp).

struct DumpRun {
  int face = 0;
  double size = 0, x = 0, y = 0, w = 0;  // origin on the baseline, advance width
};

struct DumpPage {
  std::string label;
  double width = 0, height = 0;
  std::vector<DumpRun> runs;
};

struct Dump {
  std::vector<std::string> faces;  // PostScript names by face number
  std::vector<DumpPage> pages;
};

inline std::string unquote(std::string_view s) {
  std::string out;
  if (s.size() < 2) return out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

inline double num(std::string_view s) {
  double v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

inline Dump parse_pages_dump(std::string_view text) {
  Dump d;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.rfind("face f", 0) == 0) {
      const size_t sp = line.find(' ', 6);
      if (sp != std::string_view::npos) d.faces.emplace_back(line.substr(sp + 1));
    } else if (line.rfind("page \"", 0) == 0) {
      DumpPage p;
      const size_t q = line.find('"', 6);
      p.label = std::string(line.substr(6, q - 6));
      const std::string_view wh = line.substr(q + 2);
      const size_t x = wh.find('x');
      p.width = num(wh.substr(0, x));
      p.height = num(wh.substr(x + 1));
      d.pages.push_back(std::move(p));
    } else if (line.rfind("  text f", 0) == 0 && !d.pages.empty()) {
      // "  text fN SIZE X,Y w=W ..."
      std::vector<std::string_view> tok;
      size_t b = 2;
      for (int k = 0; k < 5 && b < line.size(); ++k) {
        size_t e = line.find(' ', b);
        if (e == std::string_view::npos) e = line.size();
        tok.push_back(line.substr(b, e - b));
        b = e + 1;
      }
      if (tok.size() < 5) continue;
      DumpRun r;
      r.face = static_cast<int>(num(tok[1].substr(1)));
      r.size = num(tok[2]);
      const size_t comma = tok[3].find(',');
      r.x = num(tok[3].substr(0, comma));
      r.y = num(tok[3].substr(comma + 1));
      r.w = num(tok[4].substr(2));
      d.pages.back().runs.push_back(r);
    }
  }
  return d;
}

// ---- Characters.

// Decodes the UTF-8 code points of `s`.
inline std::vector<char32_t> code_points(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (i + static_cast<size_t>(len) > s.size()) len = 1;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += static_cast<size_t>(len);
  }
  return out;
}

inline bool is_han(char32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
}
inline bool is_latin_or_digit(char32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

// CJK-RULES.md §1: marks whose blank half is on the right (pause/stop and
// closing brackets). Set at a line end they lose that half.
inline bool blank_right(char32_t c) {
  static constexpr std::u32string_view kMarks = U"，。、：；？！．”’）》〉」』】〗〕］｝";
  return kMarks.find(c) != std::u32string_view::npos;
}
// §2 (level gb): never at a line start. `—` and `…` are handled as pairs.
inline bool no_start(char32_t c) {
  static constexpr std::u32string_view kMarks = U"～–·%‰℃°";
  return blank_right(c) || kMarks.find(c) != std::u32string_view::npos;
}
// §2: never at a line end (opening brackets).
inline bool no_end(char32_t c) {
  static constexpr std::u32string_view kMarks = U"“‘（《〈「『【〖〔［｛";
  return kMarks.find(c) != std::u32string_view::npos;
}

// A list marker as the first word of a line: a bullet, a checkbox, "12." or "3)".
inline bool is_list_marker(std::string_view word) {
  const std::vector<char32_t> cps = code_points(word);
  if (cps.empty() || cps.size() > 5) return false;
  if (cps.size() == 1 &&
      std::u32string_view(U"•◦▪☐☑☒✓✔■□").find(cps[0]) != std::u32string_view::npos)
    return true;
  if (cps.back() != '.' && cps.back() != ')') return false;
  return std::all_of(cps.begin(), cps.end() - 1, [](char32_t c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}

}  // namespace moyin::pdf::checks
