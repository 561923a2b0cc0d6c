// MathJax's SVG -> outlines. MathJax writes a small, regular subset of SVG
// (nested <g transform>, <path d>, <rect>, <line>, <text>), so a focused
// reader is enough: start tags with attributes, end tags and text.
#include <array>
#include <charconv>
#include <cmath>

#include "base/utf8.h"
#include "math/math.h"

namespace moyin::math {

namespace {

using Matrix = layout::Transform;

bool is_ws(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == ','; }

// Reads a number at s[i] (after separators); false when none.
bool number(std::string_view s, size_t& i, double& v) {
  while (i < s.size() && is_ws(s[i])) ++i;
  if (i >= s.size()) return false;
  size_t j = i;
  if (s[j] == '-' || s[j] == '+') ++j;
  bool digits = false, dot = false;
  while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || (s[j] == '.' && !dot))) {
    if (s[j] == '.') dot = true;
    else digits = true;
    ++j;
  }
  if (!digits) return false;
  if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
    size_t k = j + 1;
    if (k < s.size() && (s[k] == '-' || s[k] == '+')) ++k;
    if (k < s.size() && s[k] >= '0' && s[k] <= '9') {
      while (k < s.size() && s[k] >= '0' && s[k] <= '9') ++k;
      j = k;
    }
  }
  const char* begin = s.data() + i + (s[i] == '+' ? 1 : 0);
  auto r = std::from_chars(begin, s.data() + j, v);
  if (r.ec != std::errc()) return false;
  i = j;
  return true;
}

// "translate(1,2) scale(0.707) matrix(1 0 0 -1 0 0)"
Matrix parse_transform(std::string_view t) {
  Matrix m;
  size_t i = 0;
  while (i < t.size()) {
    while (i < t.size() && is_ws(t[i])) ++i;
    const size_t open = t.find('(', i);
    if (open == std::string_view::npos) break;
    const std::string_view name = t.substr(i, open - i);
    const size_t close = t.find(')', open);
    if (close == std::string_view::npos) break;
    const std::string_view args = t.substr(open + 1, close - open - 1);
    std::array<double, 6> v{};
    size_t n = 0, k = 0;
    while (n < 6 && number(args, k, v[n])) ++n;
    Matrix step;
    if (name == "translate" && n >= 1) step = {1, 0, 0, 1, v[0], n >= 2 ? v[1] : 0};
    else if (name == "scale" && n >= 1) step = {v[0], 0, 0, n >= 2 ? v[1] : v[0], 0, 0};
    else if (name == "matrix" && n == 6) step = {v[0], v[1], v[2], v[3], v[4], v[5]};
    m = m * step;
    i = close + 1;
  }
  return m;
}

struct Tag {
  std::string_view name;
  std::vector<std::pair<std::string_view, std::string_view>> attrs;
  bool closing = false;
  bool self_closing = false;
  std::string_view attr(std::string_view key) const {
    for (const auto& [k, v] : attrs)
      if (k == key) return v;
    return {};
  }
  bool has(std::string_view key) const {
    for (const auto& [k, v] : attrs)
      if (k == key) return true;
    return false;
  }
};

// Reads the tag starting at s[i] == '<'; i moves past it.
bool read_tag(std::string_view s, size_t& i, Tag& tag) {
  tag = Tag{};
  size_t j = i + 1;
  if (j < s.size() && s[j] == '/') {
    tag.closing = true;
    ++j;
  }
  size_t k = j;
  while (k < s.size() && !is_ws(s[k]) && s[k] != '>' && s[k] != '/') ++k;
  tag.name = s.substr(j, k - j);
  while (k < s.size()) {
    while (k < s.size() && is_ws(s[k])) ++k;
    if (k >= s.size()) return false;
    if (s[k] == '>') {
      i = k + 1;
      return true;
    }
    if (s[k] == '/') {
      tag.self_closing = true;
      ++k;
      continue;
    }
    size_t eq = s.find('=', k);
    if (eq == std::string_view::npos) return false;
    std::string_view key = s.substr(k, eq - k);
    if (eq + 1 >= s.size() || (s[eq + 1] != '"' && s[eq + 1] != '\'')) return false;
    const char q = s[eq + 1];
    size_t end = s.find(q, eq + 2);
    if (end == std::string_view::npos) return false;
    tag.attrs.emplace_back(key, s.substr(eq + 2, end - eq - 2));
    k = end + 1;
  }
  return false;
}

double attr_number(const Tag& t, std::string_view key, double fallback = 0) {
  std::string_view v = t.attr(key);
  size_t i = 0;
  double x = fallback;
  if (!v.empty() && number(v, i, x)) return x;
  return fallback;
}

// SVG colour names MathJax's \color passes through, #rgb and #rrggbb; the rest black.
layout::Color parse_color(std::string_view v) {
  auto hex = [](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return 0;
  };
  if (v.size() == 7 && v[0] == '#')
    return {(hex(v[1]) * 16 + hex(v[2])) / 255.0, (hex(v[3]) * 16 + hex(v[4])) / 255.0,
            (hex(v[5]) * 16 + hex(v[6])) / 255.0};
  if (v.size() == 4 && v[0] == '#') return {hex(v[1]) / 15.0, hex(v[2]) / 15.0, hex(v[3]) / 15.0};
  static constexpr std::pair<std::string_view, layout::Color> kNames[] = {
      {"red", {1, 0, 0}},        {"green", {0, 0.5, 0}},       {"blue", {0, 0, 1}},
      {"gray", {0.5, 0.5, 0.5}}, {"orange", {1, 0.65, 0}},     {"purple", {0.5, 0, 0.5}},
      {"white", {1, 1, 1}},      {"magenta", {1, 0, 1}},       {"cyan", {0, 1, 1}},
      {"yellow", {1, 1, 0}},     {"brown", {0.65, 0.16, 0.16}}};
  for (const auto& [name, c] : kNames)
    if (v == name) return c;
  return {};
}

// Decodes the few entities MathJax's serializer writes in text.
std::string decode_text(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const size_t semi = s.find(';', i);
    if (semi == std::string_view::npos) {
      out += s[i];
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    char32_t cp = 0;
    if (ent == "amp") cp = '&';
    else if (ent == "lt") cp = '<';
    else if (ent == "gt") cp = '>';
    else if (ent == "quot") cp = '"';
    else if (ent == "apos") cp = '\'';
    else if (ent.size() > 2 && ent[0] == '#' && (ent[1] == 'x' || ent[1] == 'X')) {
      unsigned v = 0;
      std::from_chars(ent.data() + 2, ent.data() + ent.size(), v, 16);
      cp = v;
    } else if (ent.size() > 1 && ent[0] == '#') {
      unsigned v = 0;
      std::from_chars(ent.data() + 1, ent.data() + ent.size(), v);
      cp = v;
    }
    if (cp == 0 || cp > 0x10FFFF) {
      out += s[i];
      continue;
    }
    base::append_utf8(out, cp);
    i = semi;
  }
  return out;
}

void transform_segments(layout::Outline& segs, const Matrix& m) {
  for (layout::PathSegment& seg : segs) {
    const int n = seg.op == layout::PathSegment::Op::Cubic   ? 3
                  : seg.op == layout::PathSegment::Op::Close ? 0
                                                             : 1;
    for (int k = 0; k < n; ++k) seg.p[k] = m.apply(seg.p[k].x, seg.p[k].y);
  }
}

void rect_segments(double x, double y, double w, double h, layout::Outline& out) {
  using Op = layout::PathSegment::Op;
  out.push_back({Op::Move, {{x, y}}});
  out.push_back({Op::Line, {{x + w, y}}});
  out.push_back({Op::Line, {{x + w, y + h}}});
  out.push_back({Op::Line, {{x, y + h}}});
  out.push_back({Op::Close, {}});
}

}  // namespace

bool parse_path_data(std::string_view d, layout::Outline& out) {
  using Op = layout::PathSegment::Op;
  double cx = 0, cy = 0, sx = 0, sy = 0;  // current point, subpath start
  double qx = 0, qy = 0;                  // last control point (for S and T)
  char prev = 0;
  char cmd = 0;
  size_t i = 0;
  auto cubic = [&](double x1, double y1, double x2, double y2, double x, double y) {
    out.push_back({Op::Cubic, {{x1, y1}, {x2, y2}, {x, y}}});
  };
  auto quad = [&](double x1, double y1, double x, double y) {
    cubic(cx + 2.0 / 3 * (x1 - cx), cy + 2.0 / 3 * (y1 - cy), x + 2.0 / 3 * (x1 - x),
          y + 2.0 / 3 * (y1 - y), x, y);
  };
  while (true) {
    while (i < d.size() && is_ws(d[i])) ++i;
    if (i >= d.size()) break;
    const char ch = d[i];
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')) {
      cmd = ch;
      ++i;
      if (cmd == 'Z' || cmd == 'z') {
        out.push_back({Op::Close, {}});
        cx = sx;
        cy = sy;
        prev = 'Z';
        continue;
      }
    } else if (cmd == 0 || cmd == 'Z' || cmd == 'z') {
      return false;
    }
    const bool rel = cmd >= 'a';
    const double ox = rel ? cx : 0, oy = rel ? cy : 0;
    std::array<double, 6> v{};
    auto args = [&](int n) {
      for (int k = 0; k < n; ++k)
        if (!number(d, i, v[static_cast<size_t>(k)])) return false;
      return true;
    };
    const char up = static_cast<char>(rel ? cmd - 32 : cmd);
    switch (up) {
      case 'M':
        if (!args(2)) return false;
        cx = sx = ox + v[0];
        cy = sy = oy + v[1];
        out.push_back({Op::Move, {{cx, cy}}});
        cmd = rel ? 'l' : 'L';  // further pairs are lines
        break;
      case 'L':
        if (!args(2)) return false;
        cx = ox + v[0];
        cy = oy + v[1];
        out.push_back({Op::Line, {{cx, cy}}});
        break;
      case 'H':
        if (!args(1)) return false;
        cx = ox + v[0];
        out.push_back({Op::Line, {{cx, cy}}});
        break;
      case 'V':
        if (!args(1)) return false;
        cy = oy + v[0];
        out.push_back({Op::Line, {{cx, cy}}});
        break;
      case 'C':
        if (!args(6)) return false;
        cubic(ox + v[0], oy + v[1], ox + v[2], oy + v[3], ox + v[4], oy + v[5]);
        qx = ox + v[2];
        qy = oy + v[3];
        cx = ox + v[4];
        cy = oy + v[5];
        break;
      case 'S': {
        if (!args(4)) return false;
        const bool smooth = prev == 'C' || prev == 'S';
        const double x1 = smooth ? 2 * cx - qx : cx, y1 = smooth ? 2 * cy - qy : cy;
        cubic(x1, y1, ox + v[0], oy + v[1], ox + v[2], oy + v[3]);
        qx = ox + v[0];
        qy = oy + v[1];
        cx = ox + v[2];
        cy = oy + v[3];
        break;
      }
      case 'Q':
        if (!args(4)) return false;
        quad(ox + v[0], oy + v[1], ox + v[2], oy + v[3]);
        qx = ox + v[0];
        qy = oy + v[1];
        cx = ox + v[2];
        cy = oy + v[3];
        break;
      case 'T': {
        if (!args(2)) return false;
        const bool smooth = prev == 'Q' || prev == 'T';
        const double x1 = smooth ? 2 * cx - qx : cx, y1 = smooth ? 2 * cy - qy : cy;
        quad(x1, y1, ox + v[0], oy + v[1]);
        qx = x1;
        qy = y1;
        cx = ox + v[0];
        cy = oy + v[1];
        break;
      }
      default: return false;  // arcs and unknown commands: MathJax writes none
    }
    prev = up;
  }
  return true;
}

namespace {

// A glyph's outline, parsed once per `glyphs` (when given).
std::shared_ptr<const layout::Outline> glyph_outline(std::string_view d, Glyphs* glyphs) {
  if (glyphs)
    if (auto it = glyphs->find(d); it != glyphs->end()) return it->second;
  layout::Outline segments;
  if (!parse_path_data(d, segments)) return nullptr;
  auto outline = layout::make_outline(std::move(segments));
  if (glyphs) glyphs->emplace(d, outline);
  return outline;
}

}  // namespace

const Drawing* SharedDrawings::find(const std::string& tex, bool display) {
  std::lock_guard lock(mutex_);
  Key key{tex, display};
  auto it = drawings_.find(key);
  if (it == drawings_.end()) {
    const Formula* f = formulas_.find(tex, display);
    std::optional<Drawing> d;
    if (f && f->error.empty()) d = drawing(f->svg, &glyphs_);
    it = drawings_.emplace(std::move(key), std::move(d)).first;
  }
  return it->second ? &*it->second : nullptr;
}

std::optional<Drawing> drawing(std::string_view svg, Glyphs* glyphs) {
  Drawing out;
  // Units: MathJax's 1000 per em; the root viewBox is y-down with the baseline at 0.
  constexpr double kUnit = 1.0 / 1000;
  std::vector<Matrix> stack;
  struct Style {
    layout::Color fill, stroke;
    bool fill_none = false;
  };
  std::vector<Style> styles;
  size_t i = svg.find('<');
  bool seen_root = false;
  Tag tag;
  while (i != std::string_view::npos && i < svg.size()) {
    if (!read_tag(svg, i, tag)) return std::nullopt;
    if (tag.closing) {
      if ((tag.name == "g" || tag.name == "svg") && !stack.empty()) {
        stack.pop_back();
        styles.pop_back();
      }
      i = svg.find('<', i);
      continue;
    }
    const Matrix parent = stack.empty() ? Matrix{} : stack.back();
    const Style parent_style = styles.empty() ? Style{} : styles.back();
    Style st = parent_style;
    if (tag.has("fill")) {
      st.fill_none = tag.attr("fill") == "none";
      if (!st.fill_none && tag.attr("fill") != "currentColor")
        st.fill = parse_color(tag.attr("fill"));
    }
    if (tag.has("stroke") && tag.attr("stroke") != "currentColor" && tag.attr("stroke") != "none")
      st.stroke = parse_color(tag.attr("stroke"));
    const Matrix m = parent * parse_transform(tag.attr("transform"));
    if (tag.name == "svg" && !seen_root) {
      seen_root = true;
      std::string_view vb = tag.attr("viewBox");
      size_t k = 0;
      std::array<double, 4> v{};
      for (double& x : v)
        if (!number(vb, k, x)) return std::nullopt;  // a tagged, full-width formula: not expected
      out.width = v[2] * kUnit;
      out.ascent = -v[1] * kUnit;
      out.descent = (v[1] + v[3]) * kUnit;
      const Matrix root{kUnit, 0, 0, kUnit, -v[0] * kUnit, 0};
      if (!tag.self_closing) {
        stack.push_back(root);
        styles.push_back(st);
      }
    } else if (tag.name == "g" || tag.name == "svg") {
      if (!tag.self_closing) {
        stack.push_back(m);
        styles.push_back(st);
      }
    } else if (tag.name == "path" || tag.name == "rect" || tag.name == "line") {
      // A glyph's outline stays in its own units, placed by `m`: the same
      // glyph is the same path wherever it is (held once, and the PDF draws
      // it once); rules and lines, each its own size, are flattened.
      layout::Path p;
      const bool glyph = tag.name == "path";
      if (glyph) {
        p.outline = glyph_outline(tag.attr("d"), glyphs);
        if (!p.outline) return std::nullopt;
        p.transform = m;
      } else {
        layout::Outline segments;
        if (tag.name == "rect") {
          rect_segments(attr_number(tag, "x"), attr_number(tag, "y"), attr_number(tag, "width"),
                        attr_number(tag, "height"), segments);
        } else {
          using Op = layout::PathSegment::Op;
          segments.push_back({Op::Move, {{attr_number(tag, "x1"), attr_number(tag, "y1")}}});
          segments.push_back({Op::Line, {{attr_number(tag, "x2"), attr_number(tag, "y2")}}});
        }
        transform_segments(segments, m);
        p.outline = layout::make_outline(std::move(segments));
      }
      const double scale = glyph ? 1 : m.scale();
      const bool line = tag.name == "line";
      const double stroke_w = attr_number(tag, "stroke-width", line ? 70 : 0);
      const bool fill_none = line || (tag.has("fill") ? tag.attr("fill") == "none" : st.fill_none);
      if (!fill_none) p.fill = layout::PathFill{st.fill};
      if (stroke_w > 0) {
        layout::PathStroke s;
        s.color = st.stroke;
        s.width = stroke_w * scale;
        if (tag.attr("stroke-dasharray").size() > 0) s.dash = {3 * s.width, 3 * s.width};
        p.stroke = s;
      }
      if (!p.segments().empty() && (p.fill || p.stroke)) out.paths.push_back(std::move(p));
    } else if (tag.name == "text") {
      const size_t end = svg.find("</text>", i);
      if (end == std::string_view::npos) return std::nullopt;
      Text t;
      t.text = decode_text(svg.substr(i, end - i));
      const layout::Point at = m.apply(0, 0);
      t.x = at.x;
      t.y = at.y;
      t.size = attr_number(tag, "font-size", 1000) * std::sqrt(std::abs(m.a * m.d - m.b * m.c));
      if (!t.text.empty()) out.texts.push_back(std::move(t));
      i = end;
    }
    i = svg.find('<', i);
  }
  if (!seen_root) return std::nullopt;
  return out;
}

bool draws_nothing(std::string_view svg) {
  for (std::string_view drawn : {"<path", "<rect", "<line", "<text"})
    if (svg.find(drawn) != std::string_view::npos) return false;
  const std::optional<Drawing> d = drawing(svg);
  return d && d->paths.empty() && d->texts.empty();
}

}  // namespace moyin::math
