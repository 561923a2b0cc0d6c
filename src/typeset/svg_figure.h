// SVG figures in the PDF: the drawing of src/svg placed in the figure's box
// as vector paths and glyph runs (labels shaped with Moyin's fonts through
// the line setter), or, when the drawing uses what vectors cannot show
// (filters, gradients, …), as a print-resolution raster made by librsvg.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doc/diagnostics.h"
#include "layout/book.h"
#include "svg/svg.h"
#include "typeset/blocks.h"

namespace moyin::typeset {

struct SvgFigure {
  svg::Drawing drawing;
  std::shared_ptr<const std::string>
      bytes;         // the file as the image catalog read it (raster fallback)
  std::string name;  // as the manuscript wrote it (for messages)
  const svg::Rasterizer* raster = nullptr;  // the fallback's; nullptr: svg::default_rasterizer()
};

// An SVG file's bytes, as the image catalog read them (one reader for every
// image: image::Catalog), parsed; nothing when it cannot be drawn, which is
// reported at `pos` (with the place in the SVG file). A drawing that needs
// the raster fallback loads its libraries (`raster`, or the process's
// svg::default_rasterizer()); when they cannot be loaded, that is reported
// and there is nothing either, so the figure prints as its alt text.
// `limits`: the catalog's checks used (svg::limits_for the run's image limit).
std::optional<SvgFigure> load_svg_figure(std::shared_ptr<const std::string> bytes,
                                         std::string_view url, std::string_view doc_path,
                                         doc::Position pos, doc::Diagnostics& diags,
                                         const svg::Rasterizer* raster = nullptr,
                                         const svg::Limits& limits = {});

// Resolution of the raster fallback at the placed size.
inline constexpr double kSvgRasterDpi = 300;

// The figure's items for a box of `width` pt whose top-left corner is
// `origin` (the drawing keeps its proportions): paths and glyph runs, or an
// ImageBox with pixels, after one warning naming the features, when the
// drawing needs the fallback.
std::vector<layout::Item> svg_figure_items(const SvgFigure& fig, layout::Point origin, double width,
                                           const LineSetter& setter, std::string_view doc_path,
                                           doc::Position pos, doc::Diagnostics& diags);

// A path of the drawing (CSS px, y down) in page space: scaled by `scale`
// (pt per px) from `origin`; stroke widths and dashes scale with it.
layout::Path place_path(layout::Path path, layout::Point origin, double scale);

}  // namespace moyin::typeset
