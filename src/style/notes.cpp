// Footnote marks as footnote.marks says; the PDF and the EPUB print the same.
#include "base/utf8.h"
#include "style/style.h"

namespace moyin::style {

std::string note_mark(int n, NoteMarks marks) {
  if (marks == NoteMarks::Circled && n >= 1 && n <= 50) {
    // ①–⑳ U+2460…, ㉑–㉟ U+3251…, ㊱–㊿ U+32B1…
    const char32_t cp = n <= 20   ? U'\u2460' + static_cast<char32_t>(n - 1)
                        : n <= 35 ? U'\u3251' + static_cast<char32_t>(n - 21)
                                  : U'\u32B1' + static_cast<char32_t>(n - 36);
    std::string out;
    base::append_utf8(out, cp);
    return out;
  }
  if (marks == NoteMarks::Circled) return "(" + std::to_string(n) + ")";
  return std::to_string(n);
}

std::string note_marker(int n, NoteMarks marks) {
  std::string m = note_mark(n, marks);
  return marks == NoteMarks::Superscript ? m + "." : m;
}

}  // namespace moyin::style
