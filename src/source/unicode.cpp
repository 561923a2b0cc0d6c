#include "source/unicode.h"

namespace moyin::source {

bool is_han(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F) ||
         (cp >= 0x3005 && cp <= 0x3007) || cp == 0x3021;
}

bool is_cjk_punct(char32_t cp) {
  if (cp >= 0x3000 && cp <= 0x303F) return !(cp >= 0x3005 && cp <= 0x3007) && cp != 0x3021;
  return (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
         (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65) ||
         (cp >= 0xFE10 && cp <= 0xFE1F) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0x2018 && cp <= 0x201F) || cp == 0x2014 || cp == 0x2015 || cp == 0x2026 ||
         cp == 0x00B7 || cp == 0x30FB;
}

bool is_cjk(char32_t cp) {
  return is_han(cp) || is_cjk_punct(cp) || (cp >= 0x3040 && cp <= 0x30FF) ||
         (cp >= 0x31F0 && cp <= 0x31FF) || (cp >= 0xFF00 && cp <= 0xFFEF);
}

bool is_ascii_alnum(char32_t cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

}  // namespace moyin::source
