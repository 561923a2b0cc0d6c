#include "source/slug.h"

#include "base/chars.h"
#include "base/utf8.h"

namespace moyin::source {

namespace {

// Non-ASCII code points GitHub's slugger removes (punctuation, symbols,
// spaces other than ASCII space).
bool dropped_non_ascii(char32_t cp) {
  if (base::is_cjk_punct(cp)) return true;
  if (cp >= 0x80 && cp <= 0xBF)
    return cp != 0xAA && cp != 0xB5 && cp != 0xBA && !(cp >= 0xB2 && cp <= 0xB3) && cp != 0xB9 &&
           !(cp >= 0xBC && cp <= 0xBE);
  if (cp == 0xD7 || cp == 0xF7) return true;
  if (cp >= 0x2000 && cp <= 0x206F) return true;  // general punctuation, spaces
  if (cp >= 0x20A0 && cp <= 0x20CF) return true;  // currency
  if (cp >= 0x2190 && cp <= 0x2BFF) return true;  // arrows, math, shapes, dingbats
  if (cp >= 0x2E00 && cp <= 0x2E7F) return true;  // supplemental punctuation
  if (cp >= 0xFE10 && cp <= 0xFE6F) return true;  // vertical/small forms
  if (cp >= 0xFF01 && cp <= 0xFF0F) return true;
  if (cp >= 0xFF1A && cp <= 0xFF20) return true;
  if (cp >= 0xFF3B && cp <= 0xFF40) return true;
  if (cp >= 0xFF5B && cp <= 0xFF65) return true;
  if (cp >= 0xFFE0 && cp <= 0xFFFF) return true;
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return true;  // emoji and pictographs
  return false;
}

}  // namespace

std::string slugify(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const base::Decoded d = base::decode_at(text, i);
    const char32_t cp = d.cp;
    if (cp < 0x80) {
      if (cp >= 'A' && cp <= 'Z') {
        out += static_cast<char>(cp - 'A' + 'a');
      } else if (base::is_ascii_alnum(cp) || cp == '-' || cp == '_') {
        out += static_cast<char>(cp);
      } else if (cp == ' ') {
        out += '-';
      }
    } else if (!dropped_non_ascii(cp)) {
      out.append(text.substr(i, d.len));
    }
    i += d.len;
  }
  return out;
}

std::string SlugRegistry::unique(std::string_view text) {
  std::string base = slugify(text);
  if (base.empty()) base = "section";
  if (taken.insert(base).second) return base;
  int& n = next_suffix[base];
  for (;;) {
    std::string candidate = base + "-" + std::to_string(++n);
    if (taken.insert(candidate).second) return candidate;
  }
}

}  // namespace moyin::source
