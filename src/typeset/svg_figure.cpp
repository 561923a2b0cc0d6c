#include "typeset/svg_figure.h"

#include <algorithm>
#include <cmath>

#include "base/utf8.h"

namespace moyin::typeset {

namespace {

using style::Role;

// The role whose font set draws a label: SVG's generic families mapped onto
// the style's faces (serif: body text; sans-serif and the usual sans
// families: the heading face; monospace: code). A label without a family
// takes the body face.
Role role_for_family(std::string_view family) {
  const std::string f = base::ascii_lower(family);
  // The first family that names a kind decides.
  for (std::string_view part : {"mono", "courier", "consol", "menlo"})
    if (f.find(part) != std::string::npos) return Role::Code;
  size_t sans = std::string::npos;
  for (std::string_view part : {"sans", "arial", "helvetica", "verdana", "hei", "yahei", "pingfang",
                                "\xE9\xBB\x91" /* 黑 */})
    sans = std::min(sans, f.find(part));
  size_t serif = f.find("serif");
  while (serif != std::string::npos && serif >= 5 && f.compare(serif - 5, 5, "sans-") == 0)
    serif = f.find("serif", serif + 1);
  if (sans != std::string::npos && (serif == std::string::npos || sans < serif)) return Role::H1;
  return Role::Body;
}

// A stroke of the drawing (px) at `scale` pt per px.
layout::PathStroke scaled(layout::PathStroke stroke, double scale) {
  stroke.width *= scale;
  for (double& d : stroke.dash) d *= scale;
  stroke.dash_phase *= scale;
  return stroke;
}

// One label item shaped as a single line: its glyph runs relative to the
// pen (x = 0) and the baseline (y = 0), and its advance.
SetLine shape_label(const svg::TextItem& t, double size, const LineSetter& setter,
                    std::string_view doc_path, doc::Position pos) {
  std::vector<doc::Inline> inl(1);
  inl[0].kind = doc::InlineKind::Text;
  inl[0].text = t.text;
  inl[0].pos = pos;
  for (auto [on, kind] : {std::pair{t.italic, doc::InlineKind::Emphasis},
                          std::pair{t.bold, doc::InlineKind::Strong}}) {
    if (!on) continue;
    doc::Inline w;
    w.kind = kind;
    w.pos = pos;
    w.children = std::move(inl);
    inl.assign(1, std::move(w));
  }
  SetRequest req;
  req.inlines = &inl;
  req.role = role_for_family(t.family);
  req.measure = 1e6;
  req.align = style::Align::Left;
  req.nowrap = true;
  req.size = size;
  req.path = doc_path;
  std::vector<SetLine> lines = setter(req);
  if (lines.empty()) return {};
  return std::move(lines.front());
}

// The drawing's items in painting order: paths placed, text chunks (an
// absolutely positioned item and the items that follow it) shaped into
// glyph runs, each chunk shifted by its text-anchor.
void place_items(const svg::Drawing& d, layout::Point origin, double scale,
                 const LineSetter& setter, std::string_view doc_path, doc::Position pos,
                 std::vector<layout::Item>& out) {
  std::vector<layout::GlyphRun> chunk;
  double pen = 0, baseline = 0, start = 0;
  svg::Anchor anchor = svg::Anchor::Start;
  auto flush = [&] {
    double shift = anchor == svg::Anchor::Middle ? (pen - start) / 2
                   : anchor == svg::Anchor::End  ? pen - start
                                                 : 0;
    for (layout::GlyphRun& r : chunk) {
      r.origin.x -= shift;
      out.emplace_back(std::move(r));
    }
    chunk.clear();
  };
  for (const svg::Item& item : d.items) {
    const auto* t = std::get_if<svg::TextItem>(&item);
    if (!t) {
      flush();
      if (const auto* group = std::get_if<layout::Group>(&item)) {
        out.emplace_back(*group);
      } else if (const auto* picture = std::get_if<layout::ImageBox>(&item)) {
        layout::ImageBox placed = *picture;
        placed.box = {origin.x + picture->box.x * scale, origin.y + picture->box.y * scale,
                      picture->box.width * scale, picture->box.height * scale};
        out.emplace_back(std::move(placed));
      } else {
        out.emplace_back(place_path(std::get<layout::Path>(item), origin, scale));
      }
      continue;
    }
    if (t->absolute) {
      flush();
      anchor = t->anchor;
      pen = start = origin.x + t->x * scale;
      baseline = origin.y + t->y * scale;
    }
    pen += t->dx * scale;
    baseline += t->dy * scale;
    if (t->text.empty()) continue;
    SetLine line = shape_label(*t, t->size * scale, setter, doc_path, pos);
    std::shared_ptr<const layout::PathStroke> stroke;
    if (t->stroke) stroke = std::make_shared<const layout::PathStroke>(scaled(*t->stroke, scale));
    for (layout::Item& it : line.items) {
      auto* run = std::get_if<layout::GlyphRun>(&it);
      if (!run) continue;
      run->origin.x += pen;
      run->origin.y += baseline;
      run->color = t->fill;
      run->opacity = t->opacity;
      run->stroke = stroke;
      chunk.push_back(std::move(*run));
    }
    pen += line.width;
  }
  flush();
}

std::string feature_list(const std::vector<svg::Unsupported>& u, std::string_view name) {
  std::string s;
  for (size_t i = 0; i < u.size(); ++i) {
    if (i) s += i + 1 == u.size() ? " and " : ", ";
    s += u[i].feature;
    if (u[i].line > 0) s += " (" + std::string(name) + ":" + std::to_string(u[i].line) + ")";
  }
  return s;
}

}  // namespace

std::optional<SvgFigure> load_svg_figure(std::shared_ptr<const std::string> bytes,
                                         std::string_view url, std::string_view doc_path,
                                         doc::Position pos, doc::Diagnostics& diags,
                                         const svg::Rasterizer* raster, const svg::Limits& limits) {
  if (!bytes) return std::nullopt;
  SvgFigure fig;
  fig.name = std::string(url);
  fig.bytes = std::move(bytes);
  fig.raster = raster;
  svg::Result r = svg::parse(*fig.bytes, limits);
  if (!r.drawing) {
    std::string where = r.line > 0 ? " (" + fig.name + ":" + std::to_string(r.line) + ":" +
                                         std::to_string(r.column) + ")"
                                   : "";
    diags.warn(doc_path, pos,
               "SVG image " + fig.name + " cannot be drawn: " + r.error + where +
                   "; the PDF shows its alt text");
    return std::nullopt;
  }
  // The fallback's libraries are loaded only now, by the first drawing that needs them.
  if (!r.drawing->unsupported.empty()) {
    if (!fig.raster) fig.raster = &svg::default_rasterizer();
    if (!fig.raster->error().empty()) {
      diags.warn(doc_path, pos,
                 "SVG image " + fig.name + " uses " +
                     feature_list(r.drawing->unsupported, fig.name) +
                     ", which Moyin draws through librsvg, and " + fig.raster->error() +
                     "; the PDF shows its alt text");
      return std::nullopt;
    }
  }
  fig.drawing = std::move(*r.drawing);
  return fig;
}

layout::Path place_path(layout::Path path, layout::Point origin, double scale) {
  layout::map_points(path, [&](layout::Point p) {
    return layout::Point{origin.x + p.x * scale, origin.y + p.y * scale};
  });
  if (path.stroke) path.stroke = scaled(std::move(*path.stroke), scale);
  return path;
}

std::vector<layout::Item> svg_figure_items(const SvgFigure& fig, layout::Point origin, double width,
                                           const LineSetter& setter, std::string_view doc_path,
                                           doc::Position pos, doc::Diagnostics& diags) {
  const svg::Drawing& d = fig.drawing;
  const double scale = width / d.width;  // pt per px
  const double height = d.height * scale;
  std::vector<layout::Item> out;
  if (!d.unsupported.empty()) {
    const int pw = std::max(1, static_cast<int>(std::ceil(width / 72 * kSvgRasterDpi)));
    const int ph = std::max(1, static_cast<int>(std::ceil(height / 72 * kSvgRasterDpi)));
    std::string error;
    const svg::Rasterizer& raster = fig.raster ? *fig.raster : svg::default_rasterizer();
    auto pixels = raster.rasterize(*fig.bytes, pw, ph, &error);
    if (!pixels) {
      diags.warn(doc_path, pos,
                 "SVG image " + fig.name + " uses " + feature_list(d.unsupported, fig.name) +
                     ", and librsvg cannot draw it either (" + error + "); the PDF leaves it out");
      return out;
    }
    diags.warn(doc_path, pos,
               "SVG image " + fig.name + " uses " + feature_list(d.unsupported, fig.name) +
                   ", which Moyin does not draw as vectors; the PDF has it as a " +
                   std::to_string(static_cast<int>(kSvgRasterDpi)) + " dpi raster");
    layout::ImageBox box{layout::Box{origin.x, origin.y, width, height}, fig.name, nullptr};
    box.pixels = std::make_shared<const layout::Pixels>(std::move(*pixels));
    out.emplace_back(std::move(box));
    return out;
  }
  place_items(d, origin, scale, setter, doc_path, pos, out);
  return out;
}

}  // namespace moyin::typeset
