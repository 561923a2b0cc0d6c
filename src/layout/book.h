// The output of typesetting: pages of positioned items, nothing else.
// typeset/ produces a Book; pdf/ (or any other back end) only walks it.
// Coordinates are PostScript points with the origin at the page's top-left
// corner and y growing downwards; back ends convert to their own system.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "doc/document.h"

namespace moyin::layout {

struct Point {
  double x = 0;
  double y = 0;
};

struct Box {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
};

struct Color {
  double r = 0, g = 0, b = 0;
  friend bool operator==(const Color&, const Color&) = default;
};

// A face used by the book. Faces are numbered by their index in Book::faces.
struct FaceRef {
  std::string path;             // font file
  int index = 0;                // face index inside a .ttc
  std::string postscript_name;  // for the PDF font name
};

struct Glyph {
  uint32_t gid = 0;
  double advance = 0;    // final pen advance in pt, justification included
  double x_offset = 0;   // pt, from HarfBuzz positioning
  double y_offset = 0;   // pt, positive = up (HarfBuzz convention)
  uint32_t cluster = 0;  // byte offset into GlyphRun::text where its cluster starts
};

struct PathStroke;

// Glyphs of one face at one size, drawn from `origin` (the baseline start).
struct GlyphRun {
  int face = 0;
  double size = 10;
  Color color;
  Point origin;
  std::vector<Glyph> glyphs;
  std::string text;             // the source text the glyphs came from (UTF-8)
  bool synthetic_bold = false;  // draw with a stroke: the face has no bold
  double synthetic_slant = 0;   // skew factor for synthetic italic, 0 = upright
  double opacity = 1;           // of the glyphs' fill (0 = outlines only), 0..1
  // The glyph outlines stroked over the fill (an SVG label's `stroke`); a
  // pointer, as body text never has one.
  std::shared_ptr<const PathStroke> stroke;
};

struct Rule {
  Point from;
  Point to;
  double width = 0.5;
  Color color;
};

struct Rect {
  Box box;
  Color fill;
};

// Pixels made while typesetting (an SVG drawn by librsvg as a fallback):
// 8-bit RGB rows top to bottom, and an alpha plane (empty = opaque).
struct Pixels {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;
  std::vector<uint8_t> alpha;
};

struct ImageBox {
  Box box;
  std::string path;                      // resolved local file
  std::shared_ptr<const Pixels> pixels;  // drawn instead of the file when set
};

// One step of a vector outline, in page coordinates (pt, y down) or the
// path's own (Path::transform).
struct PathSegment {
  enum class Op : uint8_t { Move, Line, Cubic, Close };
  Op op = Op::Move;
  // Move/Line: to = p[0]. Cubic: control points p[0], p[1], end point p[2]. Close: unused.
  Point p[3];
};

enum class LineCap : uint8_t { Butt, Round, Square };
enum class LineJoin : uint8_t { Miter, Round, Bevel };

struct PathFill {
  Color color;
  bool even_odd = false;  // SVG fill-rule: evenodd
  double opacity = 1;     // 0..1
  friend bool operator==(const PathFill&, const PathFill&) = default;
};

struct PathStroke {
  Color color;
  double width = 1;
  LineCap cap = LineCap::Butt;
  LineJoin join = LineJoin::Miter;
  double miter_limit = 4;
  std::vector<double> dash;  // on/off lengths in pt; empty = solid
  double dash_phase = 0;
  double opacity = 1;
  friend bool operator==(const PathStroke&, const PathStroke&) = default;
};

// An affine map of the plane: x' = a x + c y + e, y' = b x + d y + f (SVG's
// matrix(a b c d e f)).
struct Transform {
  double a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;
  Transform operator*(const Transform& m) const {  // this ∘ m (m applied first)
    return {a * m.a + c * m.b, b * m.a + d * m.b,     a * m.c + c * m.d,
            b * m.c + d * m.d, a * m.e + c * m.f + e, b * m.e + d * m.f + f};
  }
  Point apply(double x, double y) const { return {a * x + c * y + e, b * x + d * y + f}; }
  Point apply(Point p) const { return apply(p.x, p.y); }
  // The scale a length is drawn at (the geometric mean of the axes).
  double scale() const { return std::sqrt(std::abs(a * d - b * c)); }
  // Only scaled (the same on both axes) and moved.
  bool upright() const {
    double s = scale();
    return s > 0 && std::abs(b) < 1e-6 * s && std::abs(c) < 1e-6 * s && a > 0 && d > 0 &&
           std::abs(a - d) < 1e-3 * s;
  }
  bool identity() const { return *this == Transform{}; }
  friend bool operator==(const Transform&, const Transform&) = default;
};

// A path's segments. Shared by every use of one outline (a formula's glyph
// drawn 3,000 times is held once), so never changed where others see it:
// map_points copies them first unless its path is their only user.
using Outline = std::vector<PathSegment>;

// Segments made for a path, to hand to it (and to share).
inline std::shared_ptr<const Outline> make_outline(Outline segments) {
  // Made mutable and held as const: map_points may change a sole user's copy.
  return std::make_shared<Outline>(std::move(segments));
}

// A vector shape, filled and/or stroked: SVG figures, formulas, callout frames.
// Its segments are in page coordinates, or, for a shape drawn many times (a
// formula's glyphs), in the shape's own coordinates, placed on the page by
// `transform` (its stroke's width and dashes too): the PDF then draws each
// such shape once and places it wherever it is used.
struct Path {
  std::shared_ptr<const Outline> outline;  // null: no segments
  std::optional<PathFill> fill;
  std::optional<PathStroke> stroke;
  Transform transform;  // the identity: the segments are in page coordinates

  std::span<const PathSegment> segments() const {
    return outline ? std::span<const PathSegment>(*outline) : std::span<const PathSegment>();
  }
};

// Sets every point of `path`'s segments (unused ones too) to f(point): in
// place when no other path shares them, else in a copy of its own.
template <class F>
void map_points(Path& path, F f) {
  if (!path.outline) return;
  if (path.outline.use_count() != 1) path.outline = make_outline(*path.outline);
  // make_outline made it mutable; this path is its only user.
  for (PathSegment& seg : const_cast<Outline&>(*path.outline))
    for (Point& pt : seg.p) pt = f(pt);
}

// `path` in page coordinates: its transform applied.
inline Path placed(Path path) {
  if (path.transform.identity()) return path;
  const Transform t = path.transform;
  map_points(path, [&](Point p) { return t.apply(p); });
  if (path.stroke) {
    const double s = t.scale();
    path.stroke->width *= s;
    for (double& d : path.stroke->dash) d *= s;
    path.stroke->dash_phase *= s;
  }
  path.transform = {};
  return path;
}

// A clickable area: either an external URI or an internal anchor name.
struct LinkArea {
  Box box;
  std::string uri;
  std::string dest;
  std::string text;  // what the link says (its annotation's description); "" = the target
};

// A named destination (heading, footnote) for links and the outline.
struct Anchor {
  std::string name;
  Point at;
};

// Brackets the items up to the matching end marker as one piece of text for
// copy and search: a formula's outlines copy as its TeX source (the PDF's
// marked content with /ActualText).
struct ActualText {
  std::string text;  // begin marker: the replacement text; end marker: empty
  bool end = false;
};

// Brackets the items up to the matching end marker as content of one element
// of Book::structure (a tagged PDF's marked content). Markers nest (a formula
// inside a paragraph) and are balanced within each page; items outside every
// marker are artifacts (running heads, page numbers, rules, backgrounds).
struct Tag {
  int element = -1;  // index into Book::structure
  bool end = false;
};

// Brackets items drawn turned a quarter turn counter-clockwise about `pivot`:
// a landscape table on a portrait page, its top toward the page's left edge.
// The items inside keep their unturned coordinates, except the undrawn ones
// (LinkArea, Anchor), which are given where they land on the page.
struct Turn {
  Point pivot;
  bool end = false;
};

// Brackets items drawn as one transparency group: composited together
// first, then painted with `opacity` (an SVG `<g opacity>`), so overlapping
// items inside do not show through each other. Markers nest.
struct Group {
  double opacity = 1;  // begin marker: 0..1; end marker: unused
  bool end = false;
};

using Item = std::variant<GlyphRun, Rule, Rect, ImageBox, LinkArea, Anchor, Path, ActualText, Tag,
                          Turn, Group>;

enum class LabelStyle { Decimal, LowerRoman, UpperRoman, None };

struct Page {
  double width = 595.276;  // A4
  double height = 841.89;
  Box trim;  // equals the page when there is no bleed
  Box bleed;
  std::string label;  // "i", "ii", "1", … as printed and as the page label
  std::vector<Item> items;
};

// From page `first_page` (0-based) on, pages are labelled in `style` from `start`.
struct PageLabelRange {
  int first_page = 0;
  LabelStyle style = LabelStyle::Decimal;
  int start = 1;
};

struct OutlineEntry {
  std::string title;
  int level = 1;
  std::string dest;  // anchor name
};

// One element of the document's logical structure, as a tagged PDF's
// structure tree holds it. Elements are listed parent before child, siblings
// in reading order; the content is attached by Tag markers on the pages.
struct StructElement {
  // A standard structure type of PDF 1.7 (ISO 32000-1 §14.8.4): "H1"…"H6",
  // "P", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD", "Figure",
  // "Formula", "Caption", "BlockQuote", "Code", "Note", "TOC", "TOCI", "Sect".
  std::string type;
  int parent = -1;     // index into Book::structure; -1 = the document itself
  std::string alt;     // Figure, Formula: the alternate description (/Alt)
  std::string actual;  // replacement text (/ActualText), "" = none
  // The source block it was made for: the chapter (index among a book's
  // documents, 0 for one document) and the block's position; line 0 = none
  // (title page, table of contents). The EPUB's page list maps pages back
  // to blocks with it.
  int chapter = 0;
  doc::Position pos;
  // Part of its parent's text (a link, an inline formula or image): placed
  // among the parent's content where its own is met, not before it.
  bool in_line = false;
};

struct Book {
  doc::Metadata meta;
  std::vector<FaceRef> faces;
  std::vector<Page> pages;
  std::vector<PageLabelRange> labels;
  std::vector<OutlineEntry> outline;
  std::vector<StructElement> structure;
};

}  // namespace moyin::layout
