// src/svg: shapes to segments, transforms, <use>, strokes, colours, text
// items, the fallback list, and hostile files.
#include "svg/svg.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace moyin::svg {
namespace {

using layout::PathSegment;
using Op = PathSegment::Op;

std::string svg(const std::string& body,
                const std::string& attrs = R"~(width="100" height="100")~") {
  return R"~(<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" )~" +
         attrs + ">" + body + "</svg>";
}

Drawing draw(const std::string& text) {
  Result r = parse(text);
  EXPECT_TRUE(r.drawing) << r.error;
  return r.drawing ? *r.drawing : Drawing{};
}

std::vector<layout::Path> paths(const Drawing& d) {
  std::vector<layout::Path> out;
  for (const Item& it : d.items)
    if (auto* p = std::get_if<layout::Path>(&it)) out.push_back(*p);
  return out;
}

std::vector<TextItem> texts(const Drawing& d) {
  std::vector<TextItem> out;
  for (const Item& it : d.items)
    if (auto* t = std::get_if<TextItem>(&it)) out.push_back(*t);
  return out;
}

// The bounds of the points on the outline (segment ends, not control points).
layout::Box bounds(const layout::Path& p) {
  double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
  for (const PathSegment& s : p.segments()) {
    if (s.op == Op::Close) continue;
    const layout::Point& e = s.op == Op::Cubic ? s.p[2] : s.p[0];
    x0 = std::min(x0, e.x);
    y0 = std::min(y0, e.y);
    x1 = std::max(x1, e.x);
    y1 = std::max(y1, e.y);
  }
  return {x0, y0, x1 - x0, y1 - y0};
}

void expect_box(const layout::Box& b, double x, double y, double w, double h) {
  EXPECT_NEAR(b.x, x, 1e-6);
  EXPECT_NEAR(b.y, y, 1e-6);
  EXPECT_NEAR(b.width, w, 1e-6);
  EXPECT_NEAR(b.height, h, 1e-6);
}

TEST(Svg, RectIsAClosedOutline) {
  auto p = paths(draw(svg(R"~(<rect x="10" y="20" width="30" height="40" fill="#ff0000"/>)~")));
  ASSERT_EQ(p.size(), 1u);
  ASSERT_GE(p[0].segments().size(), 4u);
  EXPECT_EQ(p[0].segments().front().op, Op::Move);
  EXPECT_EQ(p[0].segments().back().op, Op::Close);
  expect_box(bounds(p[0]), 10, 20, 30, 40);
  ASSERT_TRUE(p[0].fill);
  EXPECT_EQ(p[0].fill->color, (layout::Color{1, 0, 0}));
  EXPECT_FALSE(p[0].stroke);
}

TEST(Svg, CircleEllipseAreCubics) {
  auto p = paths(
      draw(svg(R"~(<circle cx="50" cy="50" r="10"/><ellipse cx="20" cy="30" rx="5" ry="8"/>)~")));
  ASSERT_EQ(p.size(), 2u);
  auto on_curve = [](const layout::Path& path, double cx, double cy, double rx, double ry) {
    int cubics = 0;
    for (const PathSegment& s : path.segments()) {
      if (s.op == Op::Close) continue;
      cubics += s.op == Op::Cubic;
      const layout::Point& e = s.op == Op::Cubic ? s.p[2] : s.p[0];
      double dx = (e.x - cx) / rx, dy = (e.y - cy) / ry;
      EXPECT_NEAR(dx * dx + dy * dy, 1, 1e-9);
    }
    EXPECT_GE(cubics, 4);
    EXPECT_EQ(path.segments().back().op, Op::Close);
  };
  on_curve(p[0], 50, 50, 10, 10);
  on_curve(p[1], 20, 30, 5, 8);
}

TEST(Svg, LinePolylinePolygon) {
  auto p = paths(draw(svg(R"~(<line x1="1" y1="2" x2="30" y2="40" stroke="black"/>
    <polyline points="0,0 10,5 20,0" fill="none" stroke="blue"/>
    <polygon points="5,5 15,5 10,15"/>)~")));
  ASSERT_EQ(p.size(), 3u);
  ASSERT_EQ(p[0].segments().size(), 2u);
  EXPECT_EQ(p[0].segments()[1].op, Op::Line);
  EXPECT_DOUBLE_EQ(p[0].segments()[1].p[0].x, 30);
  EXPECT_EQ(p[1].segments().size(), 3u);
  EXPECT_FALSE(p[1].fill);
  EXPECT_EQ(p[1].stroke->color, (layout::Color{0, 0, 1}));
  EXPECT_EQ(p[2].segments().back().op, Op::Close);
}

TEST(Svg, PathDataArcsAndQuadraticsBecomeCubics) {
  auto p = paths(draw(svg(R"~(<path d="M10 10 h20 v20 q10 10 20 0 a10 10 0 0 1 20 0 z"/>)~")));
  ASSERT_EQ(p.size(), 1u);
  for (const PathSegment& s : p[0].segments()) EXPECT_NE(s.op, static_cast<Op>(99));
  int cubics = 0;
  for (const PathSegment& s : p[0].segments()) cubics += s.op == Op::Cubic;
  EXPECT_GE(cubics, 2);
  EXPECT_DOUBLE_EQ(p[0].segments()[1].p[0].x, 30);  // h20 from 10
  EXPECT_DOUBLE_EQ(p[0].segments()[2].p[0].y, 30);  // v20
}

TEST(Svg, NestedTransformsMultiply) {
  auto p = paths(draw(svg(R"~(<g transform="translate(10 20)"><g transform="scale(2)">
    <rect x="1" y="1" width="5" height="5" transform="rotate(90)"/></g></g>)~")));
  ASSERT_EQ(p.size(), 1u);
  // rotate(90): (x, y) -> (-y, x); then ×2; then +(10, 20).
  expect_box(bounds(p[0]), 10 - 12, 20 + 2, 10, 10);
}

TEST(Svg, ViewBoxScalesAndCentres) {
  Drawing d = draw(svg(R"~(<rect x="0" y="0" width="10" height="10"/>)~",
                       R"~(width="200" height="100" viewBox="0 0 10 10")~"));
  EXPECT_DOUBLE_EQ(d.width, 200);
  EXPECT_DOUBLE_EQ(d.height, 100);
  auto p = paths(d);
  ASSERT_EQ(p.size(), 1u);
  expect_box(bounds(p[0]), 50, 0, 100, 100);  // xMidYMid meet
  Drawing s =
      draw(svg(R"~(<rect x="0" y="0" width="10" height="10"/>)~",
               R"~(width="200" height="100" viewBox="0 0 10 10" preserveAspectRatio="none")~"));
  expect_box(bounds(paths(s)[0]), 0, 0, 200, 100);
}

TEST(Svg, IntrinsicSize) {
  auto size = [](const std::string& attrs) {
    Drawing d = draw(svg("", attrs));
    return std::make_pair(d.width, d.height);
  };
  EXPECT_EQ(size(R"~(width="2in" height="1in")~"), std::make_pair(192.0, 96.0));
  auto mm = size(R"~(width="72pt" height="25.4mm")~");
  EXPECT_NEAR(mm.first, 96, 1e-9);
  EXPECT_NEAR(mm.second, 96, 1e-9);
  EXPECT_EQ(size(R"~(viewBox="0 0 400 300")~"), std::make_pair(400.0, 300.0));
  EXPECT_EQ(size(R"~(width="100%" viewBox="0 0 400 300")~"), std::make_pair(400.0, 300.0));
  EXPECT_EQ(size(R"~(width="200" viewBox="0 0 400 300")~"), std::make_pair(200.0, 150.0));
  EXPECT_EQ(size(""), std::make_pair(300.0, 150.0));
}

TEST(Svg, UseAndDefs) {
  auto p = paths(draw(svg(R"~(<defs><rect id="box" width="10" height="10" fill="green"/></defs>
    <use xlink:href="#box" x="5" y="7"/><use href="#box" x="50" y="0" transform="scale(2)"/>)~")));
  ASSERT_EQ(p.size(), 2u);  // nothing drawn from <defs> itself
  expect_box(bounds(p[0]), 5, 7, 10, 10);
  EXPECT_EQ(p[0].fill->color, (layout::Color{0, 128 / 255.0, 0}));
}

TEST(Svg, InheritedStyleAndStyleAttribute) {
  auto p = paths(draw(svg(R"~(<g fill="none" stroke="#00f" stroke-width="3">
    <rect width="10" height="10" style="stroke-linecap:round; stroke-linejoin: bevel; stroke-dasharray: 4 2 1; stroke-dashoffset: 1; stroke-miterlimit: 8"/>
    </g>)~")));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_FALSE(p[0].fill);
  ASSERT_TRUE(p[0].stroke);
  const layout::PathStroke& s = *p[0].stroke;
  EXPECT_DOUBLE_EQ(s.width, 3);
  EXPECT_EQ(s.cap, layout::LineCap::Round);
  EXPECT_EQ(s.join, layout::LineJoin::Bevel);
  EXPECT_EQ(s.dash, (std::vector<double>{4, 2, 1, 4, 2, 1}));  // odd count repeated
  EXPECT_DOUBLE_EQ(s.dash_phase, 1);
  EXPECT_DOUBLE_EQ(s.miter_limit, 8);
}

TEST(Svg, StrokeScalesWithTransform) {
  auto p = paths(draw(svg(
      R"~(<line x2="10" stroke="red" stroke-width="2" stroke-dasharray="3" transform="scale(4)"/>)~")));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_DOUBLE_EQ(p[0].stroke->width, 8);
  EXPECT_EQ(p[0].stroke->dash, (std::vector<double>{12, 12}));
}

TEST(Svg, Colours) {
  auto fill = [](const std::string& f) {
    auto p =
        paths(draw(svg(R"~(<rect width="1" height="1" color="#00ff00" fill=")~" + f + R"~("/>)~")));
    return p.empty() || !p[0].fill ? layout::Color{-1, -1, -1} : p[0].fill->color;
  };
  EXPECT_EQ(fill("red"), (layout::Color{1, 0, 0}));
  EXPECT_EQ(fill("#f00"), (layout::Color{1, 0, 0}));
  EXPECT_EQ(fill("#0000ff"), (layout::Color{0, 0, 1}));
  EXPECT_EQ(fill("rgb(255, 255, 0)"), (layout::Color{1, 1, 0}));
  EXPECT_EQ(fill("rgb(100%, 0%, 100%)"), (layout::Color{1, 0, 1}));
  EXPECT_EQ(fill("currentColor"), (layout::Color{0, 1, 0}));
  EXPECT_EQ(fill("none"), (layout::Color{-1, -1, -1}));
}

TEST(Svg, OpacityAndFillRule) {
  auto p = paths(draw(svg(
      R"~(<g opacity="0.5"><rect width="1" height="1" fill-opacity="0.5" stroke="black" stroke-opacity="0.8" fill-rule="evenodd"/></g>)~")));
  ASSERT_EQ(p.size(), 1u);
  // The group's opacity is its transparency group's (below), not the shape's.
  EXPECT_DOUBLE_EQ(p[0].fill->opacity, 0.5);
  EXPECT_DOUBLE_EQ(p[0].stroke->opacity, 0.8);
  EXPECT_TRUE(p[0].fill->even_odd);
  // On a shape, `opacity` fades its fill and stroke.
  auto q = paths(draw(svg(R"~(<rect width="1" height="1" opacity="0.5" fill-opacity="0.5"/>)~")));
  ASSERT_EQ(q.size(), 1u);
  EXPECT_DOUBLE_EQ(q[0].fill->opacity, 0.25);
}

// A group element with `opacity` brackets its items with Group markers
// (nested groups nest; <use opacity> too; an opaque group has none).
TEST(Svg, GroupOpacityIsATransparencyGroup) {
  Drawing d = draw(svg(R"~(<defs><rect id="r" width="1" height="1"/></defs>
    <g opacity="0.5"><rect width="1" height="1"/><g opacity="0.4"><rect width="2" height="2"/></g></g>
    <g opacity="1"><rect width="3" height="3"/></g><use href="#r" opacity="0.25"/>)~"));
  std::string shape;
  for (const Item& it : d.items) {
    if (const auto* g = std::get_if<layout::Group>(&it))
      shape += g->end ? ")" : "(" + std::to_string(static_cast<int>(g->opacity * 100));
    else shape += "p";
  }
  EXPECT_EQ(shape, "(50p(40p))p(25p)");
}

// The outermost <svg> with `opacity` is a group too, closed after its last
// item (found by fuzz_svg: its group was opened and never closed).
TEST(Svg, RootOpacityIsATransparencyGroup) {
  auto shape_of = [](const Drawing& d) {
    std::string shape;
    for (const Item& it : d.items) {
      if (const auto* g = std::get_if<layout::Group>(&it))
        shape += g->end ? ")" : "(" + std::to_string(static_cast<int>(g->opacity * 100));
      else shape += "p";
    }
    return shape;
  };
  const std::string body =
      R"~(<rect width="1" height="1"/><g opacity="0.4"><rect width="2" height="2"/></g>)~";
  EXPECT_EQ(shape_of(draw(svg(body, R"~(width="10" height="10" opacity="0.5")~"))), "(50p(40p))");
  EXPECT_EQ(shape_of(draw(svg(body, R"~(width="10" height="10" opacity="0")~"))), "(0p(40p))");
}

TEST(Svg, HiddenElementsAreNotDrawn) {
  auto p = paths(draw(svg(
      R"~(<rect width="1" height="1" display="none"/><g style="display:none"><rect width="1" height="1"/></g>
    <rect width="1" height="1" visibility="hidden"/><rect width="2" height="2"/>)~")));
  EXPECT_EQ(p.size(), 1u);
}

TEST(Svg, TextItems) {
  Drawing d = draw(svg(R"~(<g transform="translate(10 0) scale(2)">
    <text x="5" y="20" font-size="12" font-family="Noto Sans, sans-serif" text-anchor="middle" fill="#333">
      流程 <tspan font-weight="bold" fill="red">开始</tspan>
    </text><text x="1" y="40"><tspan x="3" dy="5">A</tspan><tspan dx="2">B</tspan></text></g>)~"));
  auto t = texts(d);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].text, "流程 ");
  EXPECT_TRUE(t[0].absolute);
  EXPECT_DOUBLE_EQ(t[0].x, 20);
  EXPECT_DOUBLE_EQ(t[0].y, 40);
  EXPECT_DOUBLE_EQ(t[0].size, 24);
  EXPECT_EQ(t[0].anchor, Anchor::Middle);
  EXPECT_EQ(t[0].family, "Noto Sans, sans-serif");
  EXPECT_FALSE(t[0].bold);
  EXPECT_EQ(t[1].text, "开始");  // trailing space of the <text> dropped
  EXPECT_FALSE(t[1].absolute);
  EXPECT_TRUE(t[1].bold);
  EXPECT_EQ(t[1].fill, (layout::Color{1, 0, 0}));
  EXPECT_EQ(t[2].text, "A");
  EXPECT_DOUBLE_EQ(t[2].x, 16);
  EXPECT_DOUBLE_EQ(t[2].y, 90);  // (40 + 5) × 2
  EXPECT_FALSE(t[3].absolute);
  EXPECT_DOUBLE_EQ(t[3].dx, 4);
}

// A label's fill and stroke opacity (with the opacity of the <text> and
// <tspan>, not of a group: that is the group's) and its stroke, scaled with
// the transform; fill="none" with a stroke is an outlined label.
TEST(Svg, TextOpacityAndStroke) {
  Drawing d = draw(svg(R"~(<g opacity="0.5" transform="scale(2)">
    <text y="20" fill="blue" fill-opacity="0.5" stroke="lime" stroke-width="3" stroke-opacity="0.8"
      stroke-dasharray="2 1">A<tspan opacity="0.5">B</tspan></text>
    <text y="40" fill="none" stroke="red">C</text><text y="60" fill="none">D</text></g>)~"));
  auto t = texts(d);
  ASSERT_EQ(t.size(), 3u);  // D has neither fill nor stroke
  EXPECT_DOUBLE_EQ(t[0].opacity, 0.5);
  ASSERT_TRUE(t[0].stroke);
  EXPECT_EQ(t[0].stroke->color, (layout::Color{0, 1, 0}));
  EXPECT_DOUBLE_EQ(t[0].stroke->width, 6);
  EXPECT_DOUBLE_EQ(t[0].stroke->opacity, 0.8);
  EXPECT_EQ(t[0].stroke->dash, (std::vector<double>{4, 2}));
  EXPECT_DOUBLE_EQ(t[1].opacity, 0.25);
  EXPECT_DOUBLE_EQ(t[1].stroke->opacity, 0.4);
  EXPECT_DOUBLE_EQ(t[2].opacity, 0);
  ASSERT_TRUE(t[2].stroke);
  EXPECT_DOUBLE_EQ(t[2].stroke->width, 2);
}

TEST(Svg, RotatedTextFallsBack) {
  Drawing d = draw(svg(R"~(<text x="5" y="5" transform="rotate(-90)">y axis</text>)~"));
  ASSERT_EQ(d.unsupported.size(), 1u);
  EXPECT_EQ(d.unsupported[0].feature, "rotated or skewed text");
}

TEST(Svg, UnsupportedFeaturesAreNamedWithTheirLine) {
  Drawing d = draw(svg(R"~(
<defs><filter id="f"><feGaussianBlur stdDeviation="2"/></filter>
<linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs>
<rect width="10" height="10" filter="url(#f)"/>
<rect width="10" height="10" style="fill: url(#g)"/>
<rect width="10" height="10" mask="url(#m)"/>)~"));
  std::vector<std::string> names;
  for (const Unsupported& u : d.unsupported) names.push_back(u.feature);
  EXPECT_EQ(names, (std::vector<std::string>{"filter", "linear gradient", "mask"}));
  EXPECT_EQ(d.unsupported[0].line, 4);
  EXPECT_EQ(paths(d).size(), 2u);  // the vector drawing still exists (without the url() fill)
}

TEST(Svg, ImageAndForeignObjectFallBack) {
  Drawing d = draw(svg(R"~(<image href="x.png" width="1" height="1"/><foreignObject/>)~"));
  ASSERT_EQ(d.unsupported.size(), 2u);
  EXPECT_EQ(d.unsupported[0].feature, "<image> inside SVG");
}

// A 4×2 RGBA PNG (red, one half-transparent blue pixel), a 3×3 grey PNG and
// a PNG whose header claims 100000×100000 pixels, as data: URIs.
constexpr const char* kRgbaPng =
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAACCAYAAAB/qH1jAAAAF0lEQVR4nGP8z8DwnwEJMCFzGBn+"
    "NwIAQaoDg3Zk95kAAAAASUVORK5CYII=";
constexpr const char* kGreyPng =
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAMAAAADCAAAAABzQ+"
    "pjAAAAD0lEQVR4nGNsYGBgYoBgAAWwAIafSY+MAAAAAElFTkSuQmCC";
constexpr const char* kHugePng =
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgABhqAAAYagCAIAAAAnMJyfAAAACElEQVR4nAMAAAAAAUgGidIAAAAASUVORK5CYII=";

std::vector<layout::ImageBox> pictures(const Drawing& d) {
  std::vector<layout::ImageBox> out;
  for (const auto& it : d.items)
    if (auto* p = std::get_if<layout::ImageBox>(&it)) out.push_back(*p);
  return out;
}

// An <image> with an embedded picture is an image of the drawing: placed by
// x, y, width, height, preserveAspectRatio and the transform, its pixels
// decoded (grey as RGB), its opacity a group of its own. (Without width and
// height, SVG 2's auto size, it goes to the raster fallback.)
TEST(Svg, EmbeddedPictureIsAnImage) {
  Drawing d = draw(
      svg(std::string(R"~(<g transform="translate(5 0)">)~") +
          R"~(<image x="10" y="20" width="40" height="40" href=")~" + kRgbaPng +
          R"~("/><image width="40" height="40" preserveAspectRatio="none" xlink:href=")~" +
          kRgbaPng + R"~("/>)~" + R"~(<image y="100" width="3" height="3" opacity="0.5" href=")~" +
          kGreyPng + R"~("/></g>)~"));
  EXPECT_TRUE(d.unsupported.empty()) << d.unsupported[0].feature;
  auto p = pictures(d);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_DOUBLE_EQ(p[0].box.x, 15);  // fitted (2:1 in a square box), centred
  EXPECT_DOUBLE_EQ(p[0].box.y, 30);
  EXPECT_DOUBLE_EQ(p[0].box.width, 40);
  EXPECT_DOUBLE_EQ(p[0].box.height, 20);
  ASSERT_TRUE(p[0].pixels);
  EXPECT_EQ(p[0].pixels->width, 4);
  EXPECT_EQ(p[0].pixels->rgb.size(), 24u);
  EXPECT_EQ(p[0].pixels->alpha.size(), 8u);
  EXPECT_EQ(p[0].pixels->rgb[0], 255);
  EXPECT_DOUBLE_EQ(p[1].box.height, 40);  // stretched
  EXPECT_DOUBLE_EQ(p[2].box.width, 3);
  EXPECT_EQ(p[2].pixels->rgb.size(), 27u);
  EXPECT_EQ(p[2].pixels->rgb[4], 128);
  ASSERT_EQ(d.items.size(), 5u);
  EXPECT_TRUE(std::holds_alternative<layout::Group>(d.items[2]));
  EXPECT_DOUBLE_EQ(std::get<layout::Group>(d.items[2]).opacity, 0.5);
}

// What the drawing cannot show as an image goes to the raster fallback, named.
TEST(Svg, EmbeddedPicturesThatFallBack) {
  auto feature = [](const std::string& body) {
    Drawing d = draw(svg(body));
    return d.unsupported.empty() ? std::string() : d.unsupported[0].feature;
  };
  EXPECT_EQ(feature(std::string(R"~(<image width="9" height="9" transform="rotate(30)" href=")~") +
                    kRgbaPng + "\"/>"),
            "rotated or skewed <image>");
  EXPECT_EQ(feature(R"~(<image width="9" height="9" href="data:image/png;base64,@@"/>)~"),
            "<image> with a data: URI that cannot be read");
  EXPECT_EQ(feature(R"~(<image width="9" height="9" href="data:image/png;base64,AAAA"/>)~"),
            "<image> with a picture that cannot be decoded");
  EXPECT_EQ(feature(std::string(R"~(<image width="9" href=")~") + kRgbaPng + "\"/>"),
            "<image> without width and height");
  EXPECT_EQ(
      feature(std::string(
                  R"~(<image width="9" height="9" preserveAspectRatio="xMinYMin slice" href=")~") +
              kRgbaPng + "\"/>"),
      "<image> with preserveAspectRatio slice");
}

// A picture whose header claims more pixels than the drawing's budget is
// refused before anything is allocated: the SVG cannot be drawn.
TEST(SvgHostile, HugeEmbeddedPictureIsRefused) {
  Result r = parse(svg(std::string(R"~(<image width="9" height="9" href=")~") + kHugePng + "\"/>"));
  EXPECT_FALSE(r.drawing);
  EXPECT_NE(r.error.find("more than 25 megapixels"), std::string::npos) << r.error;
  EXPECT_EQ(r.line, 1);
}

TEST(Svg, MissingNamespaceIsAdded) {
  Drawing d = draw(R"~(<svg width="10" height="10"><rect width="5" height="5"/></svg>)~");
  EXPECT_EQ(paths(d).size(), 1u);
}

TEST(SvgHostile, MalformedXmlHasAPosition) {
  Result r = parse("<svg xmlns=\"http://www.w3.org/2000/svg\">\n<rect width=\"1\"\n</svg>");
  EXPECT_FALSE(r.drawing);
  EXPECT_NE(r.error.find("malformed XML"), std::string::npos) << r.error;
  EXPECT_GE(r.line, 2);
  EXPECT_FALSE(parse("<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>").drawing);  // mismatched
  EXPECT_FALSE(parse("").drawing);
  EXPECT_FALSE(parse("<html/>").drawing);
  EXPECT_FALSE(parse(std::string("\x89PNG\r\n\x1a\n", 8)).drawing);
}

TEST(SvgHostile, EntitiesAreNotExpanded) {
  std::string lol = R"~(<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol">)~";
  for (int i = 1; i < 10; ++i) {
    lol += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k)
      lol += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    lol += "\">";
  }
  lol += R"~(]><svg xmlns="http://www.w3.org/2000/svg"><text x="1" y="1">&lol9;</text></svg>)~";
  Result r = parse(lol);
  ASSERT_TRUE(r.drawing) << r.error;
  auto t = texts(*r.drawing);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].text, "&lol9;");  // left as written
}

TEST(SvgHostile, UseBillionLaughsIsBounded) {
  std::string s = R"~(<defs><rect id="a0" width="1" height="1"/>)~";
  for (int i = 1; i < 12; ++i) {
    s += "<g id=\"a" + std::to_string(i) + "\">";
    for (int k = 0; k < 10; ++k) s += "<use href=\"#a" + std::to_string(i - 1) + "\"/>";
    s += "</g>";
  }
  s += R"~(</defs><use href="#a11"/>)~";
  Result r = parse(svg(s));
  EXPECT_FALSE(r.drawing);
  EXPECT_NE(r.error.find("elements drawn"), std::string::npos) << r.error;
}

TEST(SvgHostile, UseCycleIsAnError) {
  Result r = parse(svg(R"~(<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g>)~"));
  EXPECT_FALSE(r.drawing);
  EXPECT_NE(r.error.find("cycle"), std::string::npos) << r.error;
  Result self = parse(svg(R"~(<use id="u" href="#u"/>)~"));
  EXPECT_FALSE(self.drawing);
}

TEST(SvgHostile, DeepNestingAndManyElements) {
  std::string deep;
  for (int i = 0; i < 20000; ++i) deep += "<g>";
  for (int i = 0; i < 20000; ++i) deep += "</g>";
  Result r = parse(svg(deep));
  EXPECT_FALSE(r.drawing);
  EXPECT_NE(r.error.find("nested"), std::string::npos) << r.error;
  std::string many;
  for (int i = 0; i < 150000; ++i) many += "<rect/>";
  Result m = parse(svg(many));
  EXPECT_FALSE(m.drawing);
  Limits small;
  small.max_segments = 100;
  std::string d = "M0 0";
  for (int i = 0; i < 200; ++i) d += " L" + std::to_string(i) + " 1";
  EXPECT_FALSE(parse(svg("<path d=\"" + d + "\"/>"), small).drawing);
  small.max_bytes = 10;
  EXPECT_FALSE(parse(svg(""), small).drawing);
}

TEST(SvgHostile, BadValuesAreIgnored) {
  auto p = paths(draw(svg(
      R"~(<rect width="10" height="10" fill="notacolour" stroke-width="-3" transform="rotate(" opacity="x"/>
    <path d="M 0 0 L 10 10 L oops"/><circle r="-1"/>)~")));
  ASSERT_GE(p.size(), 1u);
}

// A value with a byte above 0x7F where a grammar reads it is invalid and
// ignored: SVG++'s colour keywords (read case-blind by Boost.Spirit) failed
// an assertion on one (fuzz_svg). Ids and font families keep any text.
TEST(SvgHostile, NonAsciiValuesAreIgnoredWhereAGrammarReadsThem) {
  const Drawing d = draw(svg(
      R"~(<rect id="图一" width="10" height="10" fill="红色" stroke="#00f"/>
    <rect width="5" height="5" style="fill:蓝色; stroke:#0f0"/>
    <text x="1" y="9" style="font-family: 宋体; fill: #f00">字</text>)~"));
  auto p = paths(d);
  ASSERT_EQ(p.size(), 2u);
  ASSERT_TRUE(p[0].fill);
  EXPECT_EQ(p[0].fill->color, (layout::Color{0, 0, 0})) << "fill ignored: black, the initial value";
  ASSERT_TRUE(p[0].stroke);
  EXPECT_EQ(p[0].stroke->color, (layout::Color{0, 0, 1}));
  ASSERT_TRUE(p[1].fill);
  EXPECT_EQ(p[1].fill->color, (layout::Color{0, 0, 0}));
  ASSERT_TRUE(p[1].stroke) << "the style's other declaration kept";
  EXPECT_EQ(p[1].stroke->color, (layout::Color{0, 1, 0}));
  auto t = texts(d);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].family, "宋体");
  EXPECT_EQ(t[0].fill, (layout::Color{1, 0, 0}));
}

TEST(SvgRaster, DrawsPixels) {
  std::string error;
  auto px = rasterize(svg(R"~(<rect width="100" height="50" fill="#0000ff"/>)~"), 20, 20, &error);
  ASSERT_TRUE(px) << error;
  EXPECT_EQ(px->width, 20);
  ASSERT_EQ(px->rgb.size(), 20u * 20 * 3);
  EXPECT_EQ(px->rgb[2], 255);  // blue at the top-left
  EXPECT_EQ(px->rgb[0], 0);
  ASSERT_FALSE(px->alpha.empty());  // the lower half is transparent
  EXPECT_EQ(px->alpha.back(), 0);
  EXPECT_FALSE(rasterize("not svg", 10, 10, &error));
  EXPECT_FALSE(error.empty());
}

// The fallback's libraries are loaded at run time: one that is not
// installed gives an error naming it, and no pixels.
TEST(SvgRaster, MissingLibraryIsNamed) {
  RasterLibraries libs;
  libs.rsvg = "librsvg-moyin-missing.so.9";
  const Rasterizer missing(libs);
  EXPECT_NE(missing.error().find("librsvg-moyin-missing.so.9 cannot be loaded"), std::string::npos)
      << missing.error();
  std::string error;
  EXPECT_FALSE(missing.rasterize(svg(R"~(<rect width="10" height="10"/>)~"), 10, 10, &error));
  EXPECT_EQ(error, missing.error());
  EXPECT_EQ(default_rasterizer().error(), "");
}

TEST(Svg, Sniffing) {
  EXPECT_TRUE(looks_like_svg("<?xml version=\"1.0\"?>\n<svg xmlns=\"…\">"));
  EXPECT_TRUE(looks_like_svg("\xEF\xBB\xBF<svg>"));
  EXPECT_FALSE(looks_like_svg("\x89PNG"));
  EXPECT_FALSE(looks_like_svg("<svgfoo>"));
}

}  // namespace
}  // namespace moyin::svg
