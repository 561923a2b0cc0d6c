// Math recognition before Markdown parsing: cmark-gfm would eat the
// backslashes of \(a\) and turn $a*b*c$ into emphasis, so every formula is
// found first (tex_math_dollars rules, \(…\), \[…\], $`…`$, \eqref{…}),
// never inside code spans or code blocks, and replaced by a placeholder
// character that cmark passes through as a letter. The converter turns the
// placeholders back into doc Math nodes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace moyin::source {

struct MathSpan {
  enum class Kind { Math, Ref } kind = Kind::Math;
  std::string tex;       // Math: the TeX between the delimiters; Ref: the label
  bool display = false;  // $$…$$ or \[…\]
  std::string id;        // display math: the `{#eq:id}` after it, as written ("eq:id")
  std::string source;    // the span as written (restored where a placeholder cannot be math)
  int line = 0;          // 1-based line of the body where it starts
  int column = 0;        // 1-based byte column
};

// A region of one line whose `original` bytes became `replaced` bytes.
struct LineEdit {
  int column = 0;    // 1-based column in the protected text
  int replaced = 0;  // bytes in the protected text
  int original = 0;  // bytes in the body
};

struct ProtectedMath {
  std::string text;                          // the body with placeholders
  std::vector<MathSpan> spans;               // span k is placeholder base + k
  char32_t base = 0;                         // 0: no math (text == body)
  std::vector<std::vector<LineEdit>> edits;  // per line (1-based), ascending columns

  // Column in the body of column `col` of line `line` of the protected text.
  int original_column(int line, int col) const;
  // The span a code point stands for, or nullptr.
  const MathSpan* span_of(char32_t cp) const;
  // `s` with every placeholder replaced by its span as written.
  std::string restore(std::string_view s) const;
};

// Finds the formulas of a Markdown body and protects them.
ProtectedMath protect_math(std::string_view body);

}  // namespace moyin::source
