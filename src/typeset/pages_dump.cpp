#include "typeset/pages_dump.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>

#include "base/number.h"
#include "typeset/book.h"
#include "typeset/hyphenate.h"

namespace moyin::typeset {

namespace {

std::string num(double v) {
  // Rounded half away from zero first, as the goldens were written.
  return base::fixed(std::round(v * 10) / 10, 1);
}

std::string xy(double x, double y) { return num(x) + "," + num(y); }
std::string wh(double w, double h) { return num(w) + "x" + num(h); }

std::string color(const layout::Color& c) {
  static const char* kHex = "0123456789abcdef";
  std::string out = "#";
  for (double v : {c.r, c.g, c.b}) {
    int n = static_cast<int>(std::lround(std::clamp(v, 0.0, 1.0) * 255));
    out += kHex[n >> 4];
    out += kHex[n & 15];
  }
  return out;
}

std::string qstr(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    out += ch;
  }
  return out + "\"";
}

const char* label_style(layout::LabelStyle s) {
  switch (s) {
    case layout::LabelStyle::Decimal: return "decimal";
    case layout::LabelStyle::LowerRoman: return "roman";
    case layout::LabelStyle::UpperRoman: return "ROMAN";
    case layout::LabelStyle::None: return "none";
  }
  return "?";
}

// A path prints its extent and paint, not every segment: goldens stay readable.
void dump_path(const layout::Path& path, std::string& out) {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool first = true;
  for (const auto& seg : path.segments()) {
    int n = seg.op == layout::PathSegment::Op::Cubic   ? 3
            : seg.op == layout::PathSegment::Op::Close ? 0
                                                       : 1;
    for (int i = 0; i < n; ++i) {
      const layout::Point pt = path.transform.apply(seg.p[i]);
      if (first) {
        x0 = x1 = pt.x;
        y0 = y1 = pt.y;
        first = false;
      }
      x0 = std::min(x0, pt.x);
      y0 = std::min(y0, pt.y);
      x1 = std::max(x1, pt.x);
      y1 = std::max(y1, pt.y);
    }
  }
  out += "  path " + xy(x0, y0) + " " + wh(x1 - x0, y1 - y0) +
         " n=" + std::to_string(path.segments().size());
  if (path.fill) out += " fill=" + color(path.fill->color);
  if (path.stroke)
    out += " stroke=" + color(path.stroke->color) +
           " w=" + num(path.stroke->width * path.transform.scale());
  out += "\n";
}

void dump_item(const layout::Item& item, std::string& out) {
  std::visit(
      [&](const auto& it) {
        using T = std::decay_t<decltype(it)>;
        if constexpr (std::is_same_v<T, layout::GlyphRun>) {
          double w = 0;
          for (const auto& g : it.glyphs) w += g.advance;
          out += "  text f" + std::to_string(it.face) + " " + num(it.size) + " " +
                 xy(it.origin.x, it.origin.y) + " w=" + num(w) +
                 " n=" + std::to_string(it.glyphs.size());
          // Appended piece by piece: `" " + string` prepends into a temporary,
          // which GCC 12 at -O3 reports as an overlapping memcpy (-Wrestrict).
          if (it.color != layout::Color{}) (out += ' ') += color(it.color);
          if (it.synthetic_bold) out += " bold";
          if (it.synthetic_slant != 0) out += " slant";
          if (it.opacity != 1) out += " opacity=" + num(it.opacity);
          if (it.stroke)
            out += " stroke=" + color(it.stroke->color) + "/" + num(it.stroke->width) + "/" +
                   num(it.stroke->opacity);
          ((out += ' ') += qstr(it.text)) += '\n';
        } else if constexpr (std::is_same_v<T, layout::Rule>) {
          out += "  rule " + xy(it.from.x, it.from.y) + " " + xy(it.to.x, it.to.y) +
                 " w=" + num(it.width) + " " + color(it.color) + "\n";
        } else if constexpr (std::is_same_v<T, layout::Rect>) {
          out += "  rect " + xy(it.box.x, it.box.y) + " " + wh(it.box.width, it.box.height) + " " +
                 color(it.fill) + "\n";
        } else if constexpr (std::is_same_v<T, layout::ImageBox>) {
          // The file name only: the resolved path depends on the checkout.
          std::string name = it.path.substr(it.path.find_last_of('/') + 1);
          out += "  image " + xy(it.box.x, it.box.y) + " " + wh(it.box.width, it.box.height) + " " +
                 qstr(name);
          if (it.pixels)
            out += " pixels=" + std::to_string(it.pixels->width) + "x" +
                   std::to_string(it.pixels->height);
          out += "\n";
        } else if constexpr (std::is_same_v<T, layout::LinkArea>) {
          out += "  link " + xy(it.box.x, it.box.y) + " " + wh(it.box.width, it.box.height) +
                 (it.dest.empty() ? " uri=" + qstr(it.uri) : " dest=" + qstr(it.dest)) + "\n";
        } else if constexpr (std::is_same_v<T, layout::Anchor>) {
          out += "  anchor " + qstr(it.name) + " " + xy(it.at.x, it.at.y) + "\n";
        } else if constexpr (std::is_same_v<T, layout::Path>) {
          dump_path(it, out);
        } else if constexpr (std::is_same_v<T, layout::ActualText>) {
          out += it.end ? "  actual-text end\n" : "  actual-text " + qstr(it.text) + "\n";
        } else if constexpr (std::is_same_v<T, layout::Turn>) {
          out += it.end ? "  turn end\n" : "  turn " + xy(it.pivot.x, it.pivot.y) + "\n";
        } else if constexpr (std::is_same_v<T, layout::Group>) {
          out += it.end ? "  group end\n" : "  group opacity=" + num(it.opacity) + "\n";
        }
        // Tag markers are left out: the dump shows what is drawn, and the
        // structure is checked on the PDF (tests/pdf/structure_test.cpp).
      },
      item);
}

}  // namespace

std::string dump_page(const layout::Page& page) {
  std::string out = "page " + qstr(page.label) + " " + wh(page.width, page.height);
  if (page.trim.x != 0 || page.trim.y != 0)
    out += " trim=" + xy(page.trim.x, page.trim.y) + " " + wh(page.trim.width, page.trim.height);
  out += "\n";
  for (const auto& it : page.items) dump_item(it, out);
  return out;
}

std::string dump_book(const layout::Book& book) {
  std::string out = "book pages=" + std::to_string(book.pages.size()) +
                    " faces=" + std::to_string(book.faces.size()) + "\n";
  for (size_t k = 0; k < book.faces.size(); ++k)
    out += "face f" + std::to_string(k) + " " + book.faces[k].postscript_name + "\n";
  for (const auto& l : book.labels)
    out += "labels from=" + std::to_string(l.first_page) + " " + label_style(l.style) +
           " start=" + std::to_string(l.start) + "\n";
  for (const auto& o : book.outline)
    out +=
        "outline " + std::to_string(o.level) + " " + qstr(o.title) + " -> " + qstr(o.dest) + "\n";
  for (const auto& p : book.pages) out += dump_page(p);
  return out;
}

std::optional<std::string> dump_pages(const doc::Document& doc, const style::Sheet& sheet,
                                      const font::FontLibrary& fonts, doc::Diagnostics& diags,
                                      const Resources& resources) {
  if (diags.has_errors()) return std::nullopt;
  layout::Book book = typeset(doc, sheet, fonts, diags, resources);
  return dump_book(book);
}

}  // namespace moyin::typeset
