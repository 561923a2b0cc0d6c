// SVG bytes -> a drawing: the outlines (transforms flattened, arcs and
// quadratic curves as cubics, fills and strokes resolved) and the text labels
// of an SVG file, in the CSS px of its own viewport (y down, origin at the
// top-left corner), plus its intrinsic size. Text is returned as items, not
// outlines: typeset shapes it with Moyin's fonts. What is not drawn as
// vectors (filters, masks, gradients, <image>, …) is listed, so the caller can
// fall back to `rasterize`. SVG++, rapidxml_ns, librsvg and cairo are included
// only in this folder.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "layout/book.h"

namespace moyin::svg {

enum class Anchor : uint8_t { Start, Middle, End };

// One run of text from a <text> or <tspan>. Sizes and positions are in the
// drawing's px (the element's transform already applied).
struct TextItem {
  std::string text;               // UTF-8, white space collapsed as SVG's default xml:space
  bool absolute = true;           // starts a text chunk at (x, y); else follows the previous item
  double x = 0, y = 0;            // baseline start (before the anchor shift), when absolute
  double dx = 0, dy = 0;          // shift before this item
  double size = 16;               // font size
  Anchor anchor = Anchor::Start;  // of the chunk this item starts
  bool bold = false;
  bool italic = false;
  std::string family;  // font-family as written ("" = not given)
  layout::Color fill;
  double opacity = 1;                        // of the fill (0: fill="none")
  std::optional<layout::PathStroke> stroke;  // widths in the drawing's px
};

// Group markers bracket the items of an element with children whose
// `opacity` is below 1: they are composited together, then faded as one.
// An <image> with its picture embedded (a `data:` URI) is an ImageBox in
// the drawing's px, its pixels decoded.
using Item = std::variant<layout::Path, TextItem, layout::Group, layout::ImageBox>;

// Something the drawing uses that is not drawn as vectors.
struct Unsupported {
  std::string feature;  // "filter", "mask", "linear gradient", …
  int line = 0;         // in the SVG file, 1-based (0 = unknown)
  int column = 0;
};

struct Drawing {
  double width = 300;  // intrinsic size, CSS px
  double height = 150;
  std::vector<Item> items;               // in painting order
  std::vector<Unsupported> unsupported;  // first occurrence of each feature
};

// Bounds on the work a file may cause; a file beyond them is an error.
struct Limits {
  size_t max_bytes = 16u << 20;           // the file
  int max_elements = 100'000;             // elements in the file
  int max_depth = 128;                    // element nesting
  int max_use_depth = 16;                 // <use> inside referenced content inside <use> …
  int64_t max_drawn_elements = 200'000;   // elements drawn, <use> copies included
  size_t max_segments = 2'000'000;        // path segments in the drawing
  int64_t max_image_pixels = 25'000'000;  // the pictures of its <image>s, together
};

// The limits for a document whose images may have `max_pixels` pixels each
// (image.max-megapixels): an SVG's embedded pictures share that budget.
Limits limits_for(int64_t max_pixels);

struct Result {
  std::optional<Drawing> drawing;  // empty on error
  std::string error;               // why there is no drawing
  int line = 0;                    // where, in the SVG file (0 = unknown)
  int column = 0;
  bool over_budget = false;  // refused: its <image> pictures exceed max_image_pixels
};

// Parses an SVG document. No entity is expanded except XML's five and
// character references; no external file is read.
Result parse(std::string_view bytes, const Limits& limits = {});

// The libraries of the raster fallback, by SONAME. They are not linked into
// Moyin (most runs never rasterize, and librsvg brings cairo, glib, pango and
// X11 to every process start): a Rasterizer loads them when it is made.
struct RasterLibraries {
  std::string rsvg = "librsvg-2.so.2";
  std::string cairo = "libcairo.so.2";
  std::string gobject = "libgobject-2.0.so.0";
  std::string glib = "libglib-2.0.so.0";
};

// librsvg and cairo loaded, with the functions the fallback calls.
class Rasterizer {
 public:
  explicit Rasterizer(const RasterLibraries& libraries = {});
  ~Rasterizer();
  Rasterizer(const Rasterizer&) = delete;
  Rasterizer& operator=(const Rasterizer&) = delete;

  // "" when the libraries are loaded; else which one is missing and why.
  const std::string& error() const { return error_; }

  // Pixels of the whole SVG drawn by librsvg into `width` × `height` pixels
  // (the viewport scaled to fit). Empty when librsvg cannot draw it or is
  // not loaded; `error` says why. Safe to call from several threads.
  std::optional<layout::Pixels> rasterize(std::string_view bytes, int width, int height,
                                          std::string* error = nullptr) const;

 private:
  struct Api;
  std::unique_ptr<Api> api_;
  std::string error_;
};

// The process's Rasterizer with the default libraries, loaded by the first
// call (from any thread; once).
const Rasterizer& default_rasterizer();

// default_rasterizer().rasterize(…).
std::optional<layout::Pixels> rasterize(std::string_view bytes, int width, int height,
                                        std::string* error = nullptr);

// True when the bytes look like an SVG document (XML whose root is <svg>).
bool looks_like_svg(std::string_view bytes);

}  // namespace moyin::svg
