// Itemize: a paragraph's inlines flattened to one UTF-8 string with style
// spans, then cut into runs of one style, one script class and one face.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "doc/document.h"
#include "font/font.h"

namespace moyin::typeset {

struct InlineStyle {
  bool bold = false;
  bool italic = false;
  bool code = false;
  bool strike = false;
  bool superscript = false;  // footnote reference numbers, <sup>
  bool subscript = false;    // <sub>
  bool underline = false;    // <u>, <ins>
  bool mark = false;         // <mark>: a highlighter's tint behind the text
  bool kbd = false;          // <kbd>: code face in a key-cap frame
  int color = -1;            // index into StyledText::colors (<span style="color:…">)
  int ruby = -1;             // index into StyledText::rubies: this text is a ruby base
  int link = -1;             // index into StyledText::links
  int object = -1;  // a formula or image: index into StyledText::objects (its U+FFFC stands for it)
  friend bool operator==(const InlineStyle&, const InlineStyle&) = default;
};

enum class SpanKind : uint8_t { Text, Soft, Hard };

// text[begin, end) came from one inline at `pos` (column of `begin`).
struct TextSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
  InlineStyle style;
  SpanKind kind = SpanKind::Text;
  doc::Position pos;
};

// An image in a line of text: a box of this size (pt) on the baseline.
struct ImageSize {
  double width = 0;
  double height = 0;
};

struct StyledText {
  std::string text;             // SoftBreak = " ", LineBreak = "\n"
  std::vector<TextSpan> spans;  // cover text in order
  std::vector<std::string> links;
  std::vector<const doc::Inline*> objects;  // inline formulas and images, each one U+FFFC in `text`
  bool image_objects = false;               // images are objects, not their alt text
  std::vector<std::string> colors;          // CSS colours as written
  std::vector<const doc::Inline*> rubies;   // Ruby inlines (their text is the annotation)
  // Raw HTML the PDF does not draw: the tag name ("abbr", "script", "!--") and where.
  std::vector<std::pair<std::string, doc::Position>> dropped_html;
  // Source position of byte `offset` (best effort: line of its inline, column + offset).
  doc::Position position(uint32_t offset) const;
  const TextSpan* span_at(uint32_t offset) const;
};

// Flattens inlines: emphasis → italic, strong → bold, strike, links, code,
// footnote references as superscript numbers, images as their alt text or,
// with `image_objects`, as objects (each one U+FFFC) like formulas.
StyledText flatten(const std::vector<doc::Inline>& inlines, bool image_objects = false);

// The fonts a paragraph draws from.
struct FontRoles {
  const font::FontLibrary* library = nullptr;
  const font::FontSet* text = nullptr;  // body set
  const font::FontSet* code = nullptr;  // inline code (null: the body set)
  // emphasis.cjk: bold — Han (and CJK marks) in *em* take the bold face,
  // since Han has no italics (CJK-RULES §6). Off: they stay regular (the
  // paragraph setter may draw emphasis dots instead).
  bool cjk_emphasis_bold = false;
};

// A run: one face, one style, one script class (CJK or not).
struct Run {
  uint32_t begin = 0;
  uint32_t end = 0;
  int face_id = -1;
  bool synthetic_bold = false;
  bool synthetic_italic = false;
  bool cjk = false;
  InlineStyle style;
};

// FontLibrary::select's answers already given, in a direct-mapped table
// (select is a pure function of the set, the character and the style, and
// walks the set's cmaps: a Han character behind a Latin face costs two
// misses first). One per ParagraphSetter, so used by one thread; the sets
// it is asked about must outlive it (they live in the FontLibrary).
class FaceMemo {
 public:
  font::FaceChoice select(const font::FontLibrary& library, const font::FontSet& set, char32_t cp,
                          bool bold, bool italic, bool prefer_cjk);

 private:
  struct Slot {
    const font::FontSet* set = nullptr;  // null: empty
    uint32_t key = 0;                    // the character and the three flags
    font::FaceChoice choice;
  };
  static constexpr size_t kSlots = 4096;
  std::vector<Slot> slots_;  // kSlots once used
};

// Decides per character (with “ ” ‘ ’ next to Han taken as Chinese marks,
// CJK-RULES §1) which face draws it and cuts runs: the role's set first,
// then any installed face covering it (FontLibrary::fallback, for the
// document language `lang`). `uncovered` collects code points no face has
// (they are drawn as the set's .notdef box).
// `memo` (optional) remembers the faces chosen, for the next paragraphs.
std::vector<Run> itemize(const StyledText& st, const FontRoles& fonts,
                         std::vector<std::pair<char32_t, uint32_t>>* uncovered = nullptr,
                         std::string_view lang = "zh-Hans", FaceMemo* memo = nullptr);

// True when the ambiguous quote at `offset` in `text` is a Chinese mark.
bool quote_is_cjk(const std::string& text, uint32_t offset);

}  // namespace moyin::typeset
