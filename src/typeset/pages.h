// The page builder: cuts a vertical list of line boxes, glue and penalties
// into pages of a type area. Knows nothing about fonts or Markdown: block
// layout (typeset/blocks.h) produces the list, this file places it.
//
// Break rules are expressed as penalties, as in TeX: a page may only end at a
// VPenalty; kForbid means "never, unless nothing else fits", kForce means
// "here, always". Glue and penalties after a break vanish (nothing blank at a
// page top); glue before a break vanishes too. Widows/orphans and
// keep-with-next are decided by whoever adds the penalties (VListBuilder).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "layout/book.h"
#include "style/style.h"

namespace moyin::typeset {

inline constexpr int kForbid = 10000;
inline constexpr int kForce = -10000;

// A background or a rule drawn beside every line box that carries it; the
// page builder joins consecutive boxes with the same id on one page into one
// Rect (shade) or one vertical Rule, so a block split over pages gets one per
// page fragment.
struct Band {
  enum class Kind { Shade, Rule };
  int id = 0;  // unique per block instance
  Kind kind = Kind::Shade;
  double x = 0;      // from the type area's left edge
  double width = 0;  // Shade: rect width; Rule: stroke width
  layout::Color color;
  double pad = 0;  // extends above the first and below the last box of a fragment
};

// A heading that starts here, for running heads ({chapter}, {section}).
struct Mark {
  int level = 1;
  std::string title;
};

struct FootNote;

// One unbreakable box: usually a line of text. Items are relative to the
// box's baseline: x from the type area's left edge, y from the baseline
// (downwards positive), as on a page.
struct VBox {
  double height = 0;    // vertical space taken
  double baseline = 0;  // from the box top to the baseline
  std::vector<layout::Item> items;
  std::vector<Band> bands;
  std::vector<Mark> marks;
  // Set on the body rows of a table: when a page starts with this box, the
  // page builder first places a copy of `repeat` (the header rows with their
  // rules) at the page top, so a table broken over pages shows its header on
  // every continuation page. Shared, not copied, between the rows.
  std::shared_ptr<const VBox> repeat;
  // Drawn (relative to this box's baseline) only when a page ends right
  // after this box: the closing rule of a table that continues overleaf.
  std::vector<layout::Item> close;
  // Below 1: a figure (an image, a placeholder frame, an SVG drawing) that may be scaled down to
  // this fraction to fit the rest of a page, with what is kept with it (its caption), instead of
  // moving to the next page.
  double min_scale = 1;
  // Footnotes first cited in this box, in order.
  std::vector<std::shared_ptr<const FootNote>> notes;
};

// A footnote set for the foot of a page: its lines in the footnote style, x
// from the type area's left edge. The box that first cites it holds it; the
// page builder sets it at the foot of that box's page (or splits it there,
// continuing at the foot of the next page).
struct FootNote {
  std::vector<VBox> lines;
  std::string key;  // names the note in PageBuild::notes
};

// `box` scaled by `s` about the horizontal centre of its drawings and its
// baseline (a figure shrunk to fit a page).
VBox scaled(const VBox& box, double s);

struct VGlue {
  double size = 0;
};

struct VPenalty {
  int cost = 0;
  bool recto = false;  // a break here continues on a recto page (a blank verso is added)
};

using VItem = std::variant<VBox, VGlue, VPenalty>;

// Builds a vertical list with the break rules applied as it goes.
class VListBuilder {
 public:
  // A legal break point with `cost`; combined with an adjacent one (the
  // stronger wins; kForce beats kForbid).
  void add_break(int cost, bool recto = false);
  void add_glue(double size);
  // Adds one box. Inside a keep (see keep_next) the break point before it is
  // forbidden.
  void add_box(VBox box);
  // Adds the lines of one paragraph with widow/orphan control: no break that
  // leaves fewer than `orphans` lines at a page bottom or fewer than `widows`
  // at the next page top. Breaks between other lines cost 0.
  void add_lines(std::vector<VBox> lines, int orphans, int widows);
  // The next `boxes` boxes stay on the page of the last box added
  // (a heading kept with the next two lines).
  void keep_next(int boxes);
  // Makes every break point from now on forbidden until end_keep_together()
  // (nested allowed).
  void begin_keep_together() { ++together_; }
  void end_keep_together() {
    if (together_ > 0) --together_;
  }

  bool empty() const { return items_.empty(); }
  std::vector<VItem>& items() { return items_; }
  std::vector<VItem> take() { return std::move(items_); }

 private:
  std::vector<VItem> items_;
  int keep_ = 0;  // boxes still to be kept with the one before
  int together_ = 0;
};

// The type area of a page: mirrored books put the inner margin on the left
// of recto (odd) pages and on the right of verso pages.
struct TypeArea {
  double left = 0, top = 0, width = 0, height = 0;
};
// In page coordinates (the bleed, when there is one, offsets everything).
TypeArea type_area(const style::PageStyle& page, bool recto);

// Offset of the trim box from the paper edge: the bleed, plus room for crop
// marks when the sheet asks for them.
double trim_offset(const style::PageStyle& page);
// A page of the sheet's paper with its trim and bleed boxes (and crop marks).
layout::Page blank_page(const style::PageStyle& page);

// How the foot of a page is drawn: the notes sit at the bottom of the type
// area, `skip` below the body's last line, under a short rule centred in
// that skip.
struct FootStyle {
  double skip = 12;        // from the body's last box to the first note line
  double rule_length = 0;  // the rule above the notes (0: none)
  double between = 0;      // space between two notes
  // Items drawn in the hanging indent of the first line of a note continued
  // from the previous page ("续"), relative to that line's baseline.
  std::vector<layout::Item> continued;
  // Cost of splitting a note over two pages, against leaving the page short.
  int split_cost = 60;
};

struct PageBuild {
  std::vector<layout::Page> pages;
  // Per page: the marks of boxes placed on it, in order.
  std::vector<std::vector<Mark>> marks;
  // Per page: how many of those marks the page's first box carries (a
  // chapter that opens the page).
  std::vector<size_t> top_marks;
  // Per page: the keys of the notes that start at its foot, in order.
  std::vector<std::vector<std::string>> notes;
};

// Cuts `list` into pages. `first_recto`: whether the first page is a recto
// (odd) page, for mirrored margins. Every box lands on some page; a box taller
// than the type area gets a page of its own (and overflows it).
// Footnotes held by the boxes are set at the foot of the page that cites
// them: a box is placed on a page only if at least the first line of each of
// its notes fits there too (after every earlier note on the page in full);
// what does not fit continues at the foot of the next page, and notes still
// left after the last box get pages of their own.
PageBuild build_pages(std::span<const VItem> list, const style::PageStyle& page, bool first_recto,
                      const FootStyle& foot = {});
// The same, consuming the list: each box's items are released as soon as its
// page is made, so the drawn items are held once (a 6 MB paragraph's glyphs).
PageBuild build_pages(std::vector<VItem>&& list, const style::PageStyle& page, bool first_recto,
                      const FootStyle& foot = {});

// Moves every item of `items` by (dx, dy).
void translate(layout::Item& item, double dx, double dy);

layout::Color to_layout(const style::Color& c);

}  // namespace moyin::typeset
