// Paragraph typesetting: inlines → measured atoms → boxes/glue/penalties
// (CJK-RULES §1–§5) → optimal breaks → justified lines of positioned glyph
// runs, ready for the page builder.
//
//   typeset::ParagraphSetter setter(fonts_library);        // one per job/thread
//   typeset::ParagraphStyle ps{.measure = 420, .fonts = {&lib, lib.find_set("serif-zh")},
//                              .size = 10.5, .indent = 21};
//   typeset::SetParagraph p = setter.set(block.inlines, ps, diags, doc.path);
//   for (const typeset::Line& line : p.lines)
//     for (layout::GlyphRun run : line.runs) {            // origin relative to the line
//       run.origin.x += left; run.origin.y += baseline;   // place it
//       run.face = book_face_index(run.face);             // FontLibrary id → Book::faces
//       page.items.push_back(std::move(run));
//     }
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/timings.h"
#include "doc/diagnostics.h"
#include "layout/book.h"
#include "typeset/cjk.h"
#include "typeset/hyphenate.h"
#include "typeset/itemize.h"
#include "typeset/linebreak.h"
#include "typeset/measure.h"

namespace moyin::typeset {

enum class Alignment { Justify, Left, Center, Right };

// Everything a paragraph needs, as plain values (a mapping from style::Sheet
// lives with the page builder).
struct ParagraphStyle {
  double measure = 0;  // line width, pt
  FontRoles fonts;     // body set (+ code set)
  double size = 10.5;  // pt
  double indent = 0;   // first-line indent, pt (2 em for body text)
  Alignment align = Alignment::Justify;
  CjkOptions cjk;
  int min_last_line = 2;  // paragraph.min-last-line
  bool emphasis_dots =
      false;  // emphasis.cjk: dots — Han in *em* gets 着重号 (Decoration::Kind::Dot)
  double code_scale = 0.9;
  std::string lang = "zh-Hans";
  size_t first_fit_threshold = 20000;
  // English hyphenation for the second pass (null: URL breaks only).
  const Hyphenator* hyphenator = nullptr;
  // Inline formulas' drawings (see MeasureOptions::formula).
  std::function<const math::Drawing*(const doc::Inline&)> formula;
  // Inline images' sizes (see MeasureOptions::images).
  std::vector<ImageSize> images;
  // Where `moyin build --timings` adds shaping and line-breaking time (null: not timed).
  base::Timings* timings = nullptr;
};

// A decoration the page builder draws or links, in line coordinates (x from
// the line's left edge).
struct Decoration {
  // Dot: an emphasis dot (着重号, CJK-RULES §6) under the Han character
  // whose advance box (natural width, stretch excluded) is [x0, x1): the
  // page builder centres it at (x0 + x1) / 2 below the baseline.
  // Underline, Mark (a tint behind), Kbd (a key-cap frame), Ruby (the
  // annotation `text` centred above [x0, x1)).
  enum class Kind { Link, Strike, Code, Dot, Underline, Mark, Kbd, Ruby } kind = Kind::Link;
  double x0 = 0, x1 = 0;
  std::string url;   // Link; Ruby: "#ruby<n>", which keeps neighbouring rubies apart
  std::string text;  // Ruby: the annotation
  int link = -1;     // Link: which link of the paragraph (SetParagraph::link_texts)
};

// Why a break was allowed at that place (for the dump and debugging).
// Url and Hyphen exist only in a paragraph's second pass (see ParagraphSetter::set).
enum class BreakKind : uint8_t {
  None,
  Han,
  HanLatin,
  Space,
  AfterPunct,
  BeforeOpening,
  Other,
  Hard,
  Emergency,
  Url,
  Hyphen
};
const char* to_string(BreakKind k);

// An inline formula or image on a line: drawn by the page builder at x, on the baseline.
struct LineObject {
  const doc::Inline* formula = nullptr;  // the formula or image
  double x = 0;                          // pt from the line's left edge (alignment included)
  double size = 0;                       // pt, the text size it is drawn at
  int image = -1;                        // an image: its index in ParagraphStyle::images
  int link = -1;     // the link it is part of (SetParagraph::link_texts), -1 = none
  size_t after = 0;  // how many of Line::runs precede it in reading order
};

struct Line {
  // Glyph runs in line coordinates: origin.x from the line's left edge
  // (alignment offset included), origin.y = 0 on the baseline. Glyph.advance
  // is the final pen advance (justification included); face = FontLibrary id.
  std::vector<layout::GlyphRun> runs;
  std::vector<int> run_links;  // parallel to runs: the link each is part of, -1 = none
  std::vector<Decoration> decorations;
  std::vector<LineObject> objects;
  uint32_t text_begin = 0, text_end = 0;  // bytes of SetParagraph::text on this line
  doc::Position pos;                      // source position of the line's first character
  double natural = 0;                     // pt, before adjustment
  double width = 0;                       // pt, after adjustment (ink may start before 0 for none)
  double offset = 0;                      // pt, alignment shift already applied to runs
  double ratio = 0;                       // adjustment ratio (TeX-style)
  LineFit fit;                            // per-class detail
  BreakRule rule = BreakRule::End;        // how the break after this line was chosen
  BreakKind kind = BreakKind::None;       // what kind of opportunity it was
  double ascent = 0, descent = 0;         // pt, max over the faces used (descent positive)
  bool warned = false;  // overfull/emergency/underfull/stretched Han: a warning was issued
};

struct SetParagraph {
  std::string text;  // the flattened source text (lines index into it)
  double measure = 0;
  double size = 0;
  std::vector<Line> lines;
  // Characters no installed face draws (set as .notdef), at their source
  // positions; the caller reports them once per document.
  std::vector<std::pair<char32_t, doc::Position>> uncovered;
  // Inline HTML not drawn (tag name, position); the caller warns once per tag.
  std::vector<std::pair<std::string, doc::Position>> dropped_html;
  // A paragraph longer than kMaxPieceBytes is set in pieces (copies of its
  // inlines, cut between characters); LineObject::formula points into them.
  std::vector<std::vector<doc::Inline>> pieces;
  // The text of each link of the paragraph, in order (what a link annotation
  // describes itself as: its /Contents).
  std::vector<std::string> link_texts;
};

// Text bytes of the largest piece a paragraph is broken into lines in: a
// longer paragraph is set piece by piece (memory bounded by the piece), and
// the last line of each piece ends where the piece does.
inline constexpr size_t kMaxPieceBytes = 256 * 1024;

// Holds the ICU line iterator; cheap to reuse for many paragraphs. One per
// thread (not thread-safe); the FontLibrary it reads is shared.
class ParagraphSetter {
 public:
  ParagraphSetter();
  ~ParagraphSetter();
  ParagraphSetter(const ParagraphSetter&) = delete;
  ParagraphSetter& operator=(const ParagraphSetter&) = delete;

  SetParagraph set(const std::vector<doc::Inline>& inlines, const ParagraphStyle& style,
                   doc::Diagnostics& diags, std::string_view path = {});

  // The widest piece of the paragraph that no break rule allows to break
  // (CSS min-content width, pt): breaks of both passes count, the emergency
  // breaks inside unbreakable material do not.
  double min_content_width(const std::vector<doc::Inline>& inlines, const ParagraphStyle& style);

  // The box/glue/penalty list of a measured paragraph (exposed for tests and
  // the benchmark); items' `ref` index MeasuredParagraph::atoms (or kNoAtom).
  // `second_pass` adds the breaks readers accept only when a line would
  // otherwise be too loose: after / . - _ ? & inside URLs and words, and
  // English hyphenation points (a hyphen is drawn at such a line end).
  std::vector<Item> build_items(const MeasuredParagraph& mp, const ParagraphStyle& style,
                                bool second_pass = false);

 private:
  SetParagraph set_piece(const std::vector<doc::Inline>& inlines, const ParagraphStyle& style,
                         doc::Diagnostics& diags, std::string_view path);
  MeasuredParagraph measure_for(const std::vector<doc::Inline>& inlines,
                                const ParagraphStyle& style);
  BreakOpportunities breaks_;
  ShapeCache shapes_;
  FaceMemo faces_;
};

inline constexpr uint32_t kNoAtom = 0xFFFFFFFF;

}  // namespace moyin::typeset
