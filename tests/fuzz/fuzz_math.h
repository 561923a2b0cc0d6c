// The formulas' fuzz entry: arbitrary bytes read as a kept formulas file
// (.moyin-cache/NAME.math, which a user can damage or hand over) and as
// MathJax's SVG, through everything that reads them: math::restore,
// math::drawing with a glyph table, math::draws_nothing and the path data
// reader. Used by the libFuzzer target (fuzz_math.cpp, clang only) and by a
// deterministic GoogleTest (math_fuzz_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "math/math.h"

namespace moyin::fuzz {

inline void check_drawing(const math::Drawing& d) {
  for (const layout::Path& p : d.paths) {
    if (p.segments().empty()) std::abort();  // empty paths are left out
    for (const layout::PathSegment& s : p.segments())
      if (s.op > layout::PathSegment::Op::Close) std::abort();
  }
  for (const math::Text& t : d.texts)
    if (t.text.empty()) std::abort();
}

// The engine a kept file names, so that its formulas are read (restore
// takes only those of the engine asked for): the MessagePack string after
// the key "engine" (fixstr or str8), found without decoding the file.
inline std::string kept_engine(std::string_view bytes) {
  constexpr std::string_view key =
      "\xA6"
      "engine";
  const size_t at = bytes.find(key);
  if (at == std::string_view::npos || at + key.size() >= bytes.size()) return "fuzz";
  size_t begin = at + key.size() + 1, size = 0;
  const auto head = static_cast<unsigned char>(bytes[begin - 1]);
  if ((head & 0xE0) == 0xA0) size = head & 0x1F;
  else if (head == 0xD9 && begin < bytes.size()) size = static_cast<unsigned char>(bytes[begin++]);
  if (size == 0 || begin + size > bytes.size()) return "fuzz";
  return std::string(bytes.substr(begin, size));
}

// Returns 0 as libFuzzer expects; aborts when an invariant breaks.
inline int fuzz_math_one(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  math::Formulas kept;
  math::Glyphs glyphs;
  if (math::restore(text, kept_engine(text), {}, kept)) {
    for (const auto& [key, f] : kept.results) {
      if (!f.error.empty()) continue;
      if (!f.svg.starts_with("<svg") || !f.mathml.starts_with("<math")) std::abort();
      if (auto d = math::drawing(f.svg, &glyphs)) check_drawing(*d);
      (void)math::draws_nothing(f.svg);
    }
  } else if (!kept.empty()) {
    std::abort();  // a file not taken adds nothing
  }
  if (auto d = math::drawing(text)) check_drawing(*d);
  (void)math::draws_nothing(text);
  layout::Outline segments;
  (void)math::parse_path_data(text, segments);
  return 0;
}

}  // namespace moyin::fuzz
