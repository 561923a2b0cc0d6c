// Block layout: the blocks of a doc::Document -> a vertical list (pages.h)
// of line boxes, glue and penalties. Paragraph text is set by a LineSetter
// (the real one wraps the paragraph line breaker; tests pass a fake one with
// fixed metrics), so everything here is independent of fonts.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "doc/diagnostics.h"
#include "doc/document.h"
#include "image/catalog.h"
#include "layout/book.h"
#include "style/style.h"
#include "typeset/pages.h"

namespace moyin::typeset {

// A colour for the bytes [begin, end) of a line's text.
struct TextColor {
  uint32_t begin = 0;
  uint32_t end = 0;
  layout::Color color;
};

// What block layout asks of a paragraph setter.
// An image in a line of text, resolved and drawn by the block layout: its
// items have the box's bottom-left corner at (0, 0), on the baseline.
struct InlineImage {
  double width = 0;  // pt
  double height = 0;
  std::vector<layout::Item> items;
};

struct SetRequest {
  const std::vector<doc::Inline>* inlines = nullptr;
  style::Role role = style::Role::Body;
  double measure = 0;       // line width, pt
  double first_indent = 0;  // extra indent of the first line, pt
  style::Align align = style::Align::Justify;
  bool bold = false;    // the whole paragraph bold (headings)
  bool nowrap = false;  // one line per hard break, never wrapped (code)
  double size = 0;      // pt; when > 0, replaces the role's size (SVG labels, shrunk tables)
  // Only the paragraph's CSS min-content width (its widest unbreakable
  // piece): one SetLine with that width and no items. A setter that cannot
  // tell returns its lines at `measure`.
  bool min_content = false;
  std::string_view path;  // the document the text came from (diagnostics)
  // nowrap only (highlighted code): colours of byte ranges of the inlines'
  // concatenated text, ordered and disjoint; text outside them takes
  // `text_color` when set, else the role's colour.
  std::vector<TextColor> colors;
  std::optional<layout::Color> text_color;
  // The inlines' images in order, when the block layout resolved them: then
  // every Image inline is drawn from here (one that could not be drawn was
  // already replaced by its alt text). Empty: images are their alt text.
  std::vector<InlineImage> images;
  // Mark the paragraph's links and inline formulas as elements of their own
  // (SetLine::elements), for the tagged PDF.
  bool inline_tags = false;
};

// An element inside a set line's text (SetRequest::inline_tags): a link or an
// inline formula. The line's layout::Tag markers hold its index in
// SetLine::elements until the block layout makes it an element of
// Book::structure, a child of the paragraph's element.
struct InlineElement {
  std::string type;  // "Link", "Formula"
  std::string alt;   // Formula: its TeX source
  int link = -1;     // Link: which link of the paragraph (one element over all its lines)
};

// One set line. Items are relative to the line start (x = 0 is the left edge
// of the measure) and the baseline (y downwards positive); glyph runs carry
// face ids of the font::FontLibrary (renumbered into Book::faces later).
struct SetLine {
  double width = 0;    // advance width of the content, indent included
  double ascent = 0;   // pt above the baseline
  double descent = 0;  // pt below the baseline (positive)
  std::vector<layout::Item> items;
  std::vector<InlineElement> elements;  // with SetRequest::inline_tags
};

using LineSetter = std::function<std::vector<SetLine>(const SetRequest&)>;

// Convenience: sets a plain string (a marker, a page number, a header).
std::vector<SetLine> set_text(const LineSetter& setter, const std::string& text, style::Role role,
                              double measure, style::Align align = style::Align::Left,
                              bool bold = false);

// Everything block layout produces besides the vertical list.
struct HeadingInfo {
  int level = 1;
  std::string id;     // anchor name
  std::string title;  // plain text
};

struct BlockLayout {
  std::vector<VItem> list;
  std::vector<HeadingInfo> headings;  // in document order
  // The logical structure (tagged PDF); the list's boxes carry layout::Tag
  // markers into it. Book::structure starts with these.
  std::vector<layout::StructElement> structure;
};

// Lays out the document's blocks and its footnotes: with
// `footnote.placement: page` each note is set apart and held by the first
// line box that cites it (a link to the note's anchor), for the page builder
// to set at that page's foot; with `end`, as numbered notes after the text. `measure` is the type
// area width. Images come from `images` (the run's catalog, shared with the other outputs); null =
// a catalog of this call bounded by each document's folder.
BlockLayout layout_blocks(const doc::Document& doc, const style::Sheet& sheet,
                          const LineSetter& setter, doc::Diagnostics& diags,
                          image::Catalog* images = nullptr);

// A book: the chapters one after another, each starting on a new page (a
// recto when the sheet says chapters open right), each with its notes (at
// the page foot or at the chapter's end).
// `name_untitled`: a chapter without a level-1 heading gets an anchor and a
// heading entry (TOC, outline) named by doc::untitled_chapter_name.
BlockLayout layout_chapters(std::span<const doc::Document> chapters, const style::Sheet& sheet,
                            const LineSetter& setter, doc::Diagnostics& diags,
                            image::Catalog* images = nullptr, bool name_untitled = true);

// The requests layout_chapters would make of its setter, in order, each
// passed to `seen`, found by a dry pass of the block layout that sets
// nothing: every request is answered with one empty line, and images are
// neither read nor drawn (a block image is left out, text holding an image
// is not passed on), so nothing is said and no file is read. Requests whose
// measure depends on other requests' widths (table cells, a formula beside
// its number) may differ from the real layout's. For setting paragraphs
// ahead on other threads (set_ahead.h): a prediction, never trusted.
void predict_requests(std::span<const doc::Document> chapters, const style::Sheet& sheet,
                      bool name_untitled, const std::function<void(const SetRequest&)>& seen);

// A box for one set line in a role: height = the role's leading (or more
// when the content is taller), baseline centred in it; items shifted right by `x`.
VBox line_box(SetLine line, const style::RoleStyle& role, double x);

}  // namespace moyin::typeset
