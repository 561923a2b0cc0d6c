// Measure: shape each run with HarfBuzz (through font::shape) and cut the
// glyphs into atoms — the smallest pieces the line breaker handles (a Han
// character, a mark, a Latin cluster, a space) — mapped back to the text.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/string_map.h"
#include "math/math.h"

#include "typeset/cjk.h"
#include "typeset/itemize.h"

namespace moyin::typeset {

enum class AtomKind : uint8_t {
  Han,    // ideograph, kana, bopomofo
  Latin,  // letters and digits (Han–Latin spacing applies)
  Punct,  // a mark of CJK-RULES §1 in Chinese context (class in Atom::punct)
  Space,  // ASCII space or soft break (becomes glue)
  Hard,   // hard line break
  Other,  // symbols, Latin punctuation, superscripts
};

struct Atom {
  uint32_t begin = 0, end = 0;              // bytes of MeasuredParagraph::text.text
  uint32_t glyph_begin = 0, glyph_end = 0;  // into MeasuredParagraph::glyphs
  uint32_t run = 0;                         // into MeasuredParagraph::runs
  char32_t cp = 0;                          // first character
  AtomKind kind = AtomKind::Other;
  base::PunctClass punct = base::PunctClass::None;
  bool soft = false;   // Space: from a soft line break
  double advance = 0;  // pt: sum of the glyphs' advances
  double size = 0;     // pt: font size of its run (its em)
  int object = -1;     // an inline formula or image: index into StyledText::objects
  int image = -1;      // an inline image: index into MeasureOptions::images
};

struct MeasuredParagraph {
  StyledText text;
  std::vector<Run> runs;
  std::vector<font::ShapedGlyph> glyphs;  // advances/offsets in em of their run's size
  std::vector<double> run_size;           // pt, per run
  std::vector<double> run_rise;           // pt baseline shift (superscripts), per run
  std::vector<Atom> atoms;
  std::vector<std::pair<char32_t, uint32_t>> uncovered;
  // Formulas wider than MeasureOptions::max_object_width, scaled down to it:
  // for the caller's warning.
  struct Shrunk {
    uint32_t offset = 0;  // in text
    int object = 0;       // index in text.objects
    double scale = 1;
  };
  std::vector<Shrunk> shrunk;
};

// Runs already shaped, by (face, script, language, text), with clusters
// relative to the run (as Android's minikin LayoutCache): the same words,
// names and sentences are shaped once per document, and once for all the
// layouts page references and per-page note numbers repeat. Owned by one
// ParagraphSetter, so used by one thread.
struct ShapeCache {
  // Looked up by a string_view of a reused key buffer: a hit allocates nothing.
  base::StringMap<std::vector<font::ShapedGlyph>> runs;
  std::string key;      // the key being looked up
  font::Shaper shaper;  // what makes the runs not found
};

struct MeasureOptions {
  double size = 10.5;       // pt, body text
  double code_scale = 0.9;  // inline code size relative to body
  double superscript_scale = 0.6;
  double superscript_rise = 0.4;  // em of the body size
  double subscript_drop =
      0.15;  // em of the body size, below the baseline (same scale as superscripts)
  std::string lang = "zh-Hans";
  // The drawing of an inline formula (nullptr: not typeset; its atom is empty).
  std::function<const math::Drawing*(const doc::Inline&)> formula;
  // A formula wider than this (pt; 0 = no limit) is drawn smaller to fit it:
  // MathJax 3 cannot break a formula, and a line never breaks inside one.
  double max_object_width = 0;
  // The sizes of the paragraph's images, in order. Empty: every image is its
  // alt text; else every image is an object and has its size here.
  std::vector<ImageSize> images;
  ShapeCache* shapes = nullptr;  // null: every run shaped
  FaceMemo* faces = nullptr;     // null: every character's face chosen afresh
};

MeasuredParagraph measure(const std::vector<doc::Inline>& inlines, const FontRoles& fonts,
                          const MeasureOptions& opt);

}  // namespace moyin::typeset
