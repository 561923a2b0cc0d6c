// The math library without the engine: path data, MathJax's SVG, equation
// numbers and references.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <thread>

#include "math/math.h"
#include "source/source.h"
#include "test_util.h"

namespace moyin::math {
namespace {

using Op = layout::PathSegment::Op;

TEST(PathData, AbsoluteAndRelativeCommands) {
  std::vector<layout::PathSegment> s;
  ASSERT_TRUE(parse_path_data("M10 20L30 20H40V50h-10v-5l-5-5Z", s));
  ASSERT_EQ(s.size(), 8u);
  EXPECT_EQ(s[0].op, Op::Move);
  EXPECT_DOUBLE_EQ(s[3].p[0].y, 50);  // V50
  EXPECT_DOUBLE_EQ(s[4].p[0].x, 30);  // h-10
  EXPECT_DOUBLE_EQ(s[5].p[0].y, 45);  // v-5
  EXPECT_DOUBLE_EQ(s[6].p[0].x, 25);  // l-5-5
  EXPECT_DOUBLE_EQ(s[6].p[0].y, 40);
  EXPECT_EQ(s[7].op, Op::Close);
}

TEST(PathData, QuadraticsBecomeCubicsAndSmoothReflects) {
  std::vector<layout::PathSegment> s;
  // MathJax's glyphs are Q/T chains.
  ASSERT_TRUE(parse_path_data("M0 0Q30 30 60 0T120 0", s));
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[1].op, Op::Cubic);
  EXPECT_DOUBLE_EQ(s[1].p[0].x, 20);  // 0 + 2/3 (30 - 0)
  EXPECT_DOUBLE_EQ(s[1].p[0].y, 20);
  EXPECT_DOUBLE_EQ(s[2].p[2].x, 120);
  // T reflects the control point (30,30) about (60,0): (90,-30).
  EXPECT_DOUBLE_EQ(s[2].p[0].y, -20);
  s.clear();
  ASSERT_TRUE(parse_path_data("M0 0C10 10 20 10 30 0S50 -10 60 0", s));
  ASSERT_EQ(s.size(), 3u);
  EXPECT_DOUBLE_EQ(s[2].p[0].x, 40);  // reflection of (20,10) about (30,0)
  EXPECT_DOUBLE_EQ(s[2].p[0].y, -10);
  s.clear();
  ASSERT_TRUE(parse_path_data("m1.5.5l-1e1,2", s));  // "1.5.5" is 1.5 then .5
  EXPECT_DOUBLE_EQ(s[0].p[0].y, 0.5);
  EXPECT_DOUBLE_EQ(s[1].p[0].x, -8.5);
}

TEST(PathData, MalformedIsRefused) {
  std::vector<layout::PathSegment> s;
  EXPECT_FALSE(parse_path_data("L10", s));
  EXPECT_FALSE(parse_path_data("M10 x", s));
  EXPECT_FALSE(parse_path_data("M0 0A5 5 0 0 1 10 10", s));  // MathJax writes no arcs
}

// What MathJax writes for $\frac{a}{b}$-like input: nested transforms, a
// y-flip, a path, a fraction bar <rect>, a table <line> and CJK <text>.
constexpr const char* kSvg =
    R"svg(<svg style="vertical-align: -0.798ex;" xmlns="http://www.w3.org/2000/svg" width="6.889ex" )svg"
    R"svg(height="2.685ex" viewBox="0 -834 3045.2 1186.8"><g stroke="currentColor" fill="currentColor" )svg"
    R"svg(stroke-width="0" transform="scale(1,-1)"><g data-mml-node="math"><g transform="translate(220,394) )svg"
    R"svg(scale(0.707)"><path d="M0 0L100 0L100 100Z"></path></g><rect width="574.1" height="60" x="120" )svg"
    R"svg(y="220"></rect><line data-line="v" x1="10" y1="0" x2="10" y2="500"></line><text )svg"
    R"svg(transform="translate(1000,0) scale(1,-1)" font-size="884px" font-family="serif">&#x4E2D;文</text>)svg"
    R"svg(</g></g></svg>)svg";

TEST(Svg, GeometryInEmsWithTheBaselineAtZero) {
  std::optional<Drawing> d = drawing(kSvg);
  ASSERT_TRUE(d);
  EXPECT_NEAR(d->width, 3.0452, 1e-9);
  EXPECT_NEAR(d->ascent, 0.834, 1e-9);
  EXPECT_NEAR(d->descent, 0.3528, 1e-9);
  ASSERT_EQ(d->paths.size(), 3u);
  // The glyph keeps its own units (the same glyph, the same path) and is
  // placed by its transform: (0,0) -> translate(220,394) scale(.707) ->
  // flipped y: (0.22, -0.394) em.
  EXPECT_EQ(d->paths[0].segments()[0].p[0].x, 0);
  EXPECT_FALSE(d->paths[0].transform.identity());
  const layout::Path glyph = layout::placed(d->paths[0]);
  EXPECT_NEAR(glyph.segments()[0].p[0].x, 0.220, 1e-9);
  EXPECT_NEAR(glyph.segments()[0].p[0].y, -0.394, 1e-9);
  EXPECT_NEAR(glyph.segments()[1].p[0].x, 0.220 + 0.0707, 1e-9);
  EXPECT_TRUE(d->paths[0].fill);
  EXPECT_TRUE(d->paths[1].transform.identity()) << "a rule: its own size, flattened";
  // The bar is filled; the line is stroked 70 units wide.
  EXPECT_TRUE(d->paths[1].fill);
  ASSERT_TRUE(d->paths[2].stroke);
  EXPECT_FALSE(d->paths[2].fill);
  EXPECT_NEAR(d->paths[2].stroke->width, 0.070, 1e-9);
  ASSERT_EQ(d->texts.size(), 1u);
  EXPECT_EQ(d->texts[0].text, "中文");
  EXPECT_NEAR(d->texts[0].x, 1.0, 1e-9);
  EXPECT_NEAR(d->texts[0].y, 0.0, 1e-9);
  EXPECT_NEAR(d->texts[0].size, 0.884, 1e-9);
}

// A glyph used by many formulas is parsed once and held once: every use
// shares its segments, and each use keeps its own place.
TEST(Svg, AGlyphIsHeldOnceForEveryFormulaThatUsesIt) {
  Glyphs glyphs;
  std::optional<Drawing> a = drawing(kSvg, &glyphs);
  std::optional<Drawing> b = drawing(kSvg, &glyphs);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(glyphs.size(), 1u) << "one glyph; the rule and the line are not glyphs";
  EXPECT_EQ(a->paths[0].outline, b->paths[0].outline);
  EXPECT_NE(a->paths[1].outline, b->paths[1].outline) << "a rule is flattened, its own";
  layout::Path moved = b->paths[0];
  layout::map_points(moved, [](layout::Point p) { return layout::Point{p.x + 1, p.y}; });
  EXPECT_NE(moved.outline, a->paths[0].outline) << "changed in a copy of its own";
  EXPECT_EQ(a->paths[0].segments()[1].p[0].x, 100) << "the shared outline is unchanged";
  EXPECT_EQ(moved.segments()[1].p[0].x, 101);
  std::optional<Drawing> alone = drawing(kSvg);
  ASSERT_TRUE(alone);
  EXPECT_NE(alone->paths[0].outline, a->paths[0].outline) << "without a table: its own";
}

// The setters of one document, on their threads, share each formula's
// drawing: parsed once, the same object for every thread that asks.
TEST(Svg, SharedDrawingsParseEachFormulaOnceForEveryThread) {
  Formulas formulas;
  formulas.results[{"x", false}] = {"", kSvg, "<math>x</math>"};
  formulas.results[{"\\bad", false}] = {"Undefined control sequence \\bad", "", ""};
  SharedDrawings shared(formulas);
  const Drawing* first[2] = {};
  std::thread other([&] { first[1] = shared.find("x", false); });
  first[0] = shared.find("x", false);
  other.join();
  ASSERT_NE(first[0], nullptr);
  EXPECT_EQ(first[0], first[1]);
  EXPECT_EQ(shared.find("x", false), first[0]);
  EXPECT_EQ(shared.find("x", false)->paths.size(), drawing(kSvg)->paths.size());
  EXPECT_EQ(shared.find("x", true), nullptr) << "not converted as a display formula";
  EXPECT_EQ(shared.find("\\bad", false), nullptr) << "refused by MathJax";
}

TEST(Svg, NotMathJaxSvgIsRefused) {
  EXPECT_FALSE(drawing(""));
  EXPECT_FALSE(drawing("<svg width=\"100%\"><g></g></svg>"));  // no viewBox (a tagged formula)
  EXPECT_FALSE(drawing("<svg viewBox=\"0 0 1 1\"><path d=\"M0 0 Q\"></path></svg>"));
  EXPECT_FALSE(drawing("<svg viewBox=\"0 0 1 1\"><path d=\"M0 0"));
}

doc::Document parse(const std::string& md) {
  doc::Diagnostics diags;
  auto d = source::parse(md, "t.md", diags);
  EXPECT_TRUE(d);
  return std::move(*d);
}

std::vector<std::string> equations(const doc::Document& d) {
  std::vector<std::string> out;
  for (const doc::Block& b : d.blocks)
    if (b.kind == doc::BlockKind::Math) out.push_back(b.equation);
  return out;
}

std::string link_text(const doc::Document& d, size_t block) {
  for (const doc::Inline& in : d.blocks[block].inlines)
    if (in.kind == doc::InlineKind::Link) return in.children.at(0).text + " -> " + in.url;
  return "";
}

TEST(Numbering, TagsLabelsAndModes) {
  const std::string md =
      "# One\n\n$$a \\tag{*}$$\n\n$$b \\label{x}$$\n\n$$c$$\n\n# Two\n\n$$d$$ {#eq:d}\n\n"
      "See \\eqref{x}, \\ref{eq:d} and \\eqref{nope}.\n";
  {
    doc::Document d = parse(md);
    doc::Diagnostics diags;
    number_equations(std::span(&d, 1), Numbering::None, diags);
    EXPECT_EQ(equations(d), (std::vector<std::string>{"*", "1", "", "2"}));
    EXPECT_EQ(link_text(d, 6), "(1) -> #eq-x");
    ASSERT_EQ(diags.items.size(), 1u);
    EXPECT_NE(diags.items[0].message.find("nope"), std::string::npos);
  }
  {
    doc::Document d = parse(md);
    doc::Diagnostics diags;
    number_equations(std::span(&d, 1), Numbering::All, diags);
    EXPECT_EQ(equations(d), (std::vector<std::string>{"*", "1", "2", "3"}));
  }
  {
    doc::Document d = parse(md);
    doc::Diagnostics diags;
    number_equations(std::span(&d, 1), Numbering::Chapter, diags);
    EXPECT_EQ(equations(d), (std::vector<std::string>{"*", "1.1", "1.2", "2.1"}));
    // \ref prints the bare number, \eqref adds parentheses.
    std::string all;
    for (const doc::Inline& in : d.blocks[6].inlines)
      if (in.kind == doc::InlineKind::Link) all += in.children.at(0).text + ";";
    EXPECT_EQ(all, "(1.1);2.1;(\?\?);");
  }
}

// A kept file as JSON text, and back: the tests forge kept files in the
// text and read what the store wrote.
std::string as_json(const std::string& kept) { return nlohmann::json::from_msgpack(kept).dump(); }
std::string from_json(std::string_view text) {
  std::string bytes;
  nlohmann::json::to_msgpack(nlohmann::json::parse(text), bytes);
  return bytes;
}
// `kept` with its first `from` (in its JSON text) replaced by `to`.
std::string forged(const std::string& kept, std::string_view from, std::string_view to) {
  std::string text = as_json(kept);
  text.replace(text.find(from), from.size(), to);
  return from_json(text);
}

// Formulas kept between runs come back as they were, only for the engine
// that made them, and never replace a result already there.
TEST(Kept, StoredFormulasComeBackForTheSameEngineOnly) {
  Formulas made;
  made.results[{"x^2", false}] = {"", "<svg>x</svg>", "<math>x</math>"};
  made.results[{"\\frac{a}", true}] = {"Missing argument for \\frac", "", ""};
  made.results[{"unused", false}] = {"", "<svg/>", "<math/>"};
  const Collected mine{.keys = {{"\\frac{a}", true}, {"x^2", false}, {"absent", false}}};
  const std::string text = store(mine, made, "engine-1");
  EXPECT_EQ(text, store(mine, made, "engine-1")) << "deterministic";
  EXPECT_EQ(text.find("unused"), std::string::npos) << "only the keys asked for";

  Formulas back;
  ASSERT_TRUE(restore(text, "engine-1", {}, back));
  ASSERT_EQ(back.results.size(), 2u);
  EXPECT_EQ(back.find("x^2", false)->svg, "<svg>x</svg>");
  EXPECT_EQ(back.find("x^2", false)->mathml, "<math>x</math>");
  EXPECT_EQ(back.find("\\frac{a}", true)->error, "Missing argument for \\frac");
  EXPECT_EQ(back.find("x^2", true), nullptr);

  Formulas other;
  EXPECT_FALSE(restore(text, "engine-2", {}, other));
  EXPECT_FALSE(restore(text, "engine-1", {"\\def\\a{b}"}, other)) << "another preamble";
  Collected defining = mine;
  defining.preamble = {"\\def\\a{b}"};
  Formulas under;
  EXPECT_TRUE(restore(store(defining, made, "engine-1"), "engine-1", defining.preamble, under));
  EXPECT_FALSE(restore(store(defining, made, "engine-1"), "engine-1", {}, other));
  EXPECT_FALSE(restore(text, "", {}, other));
  EXPECT_TRUE(other.empty());
  const std::string no_drawing = from_json(
      R"({"format":4,"engine":"engine-1","preamble":[],"glyphs":[],"formulas":[{"tex":"y",)"
      R"("display":false,"error":"","svg":"","mathml":""}]})");
  for (const std::string& bad :
       {std::string(), std::string("{"), text.substr(0, text.size() / 2), as_json(text), no_drawing,
        forged(text, "\"format\":4", "\"format\":3")}) {
    EXPECT_FALSE(restore(bad, "engine-1", {}, other)) << bad;
    EXPECT_TRUE(other.empty()) << bad;
  }
  EXPECT_TRUE(restore(from_json(as_json(text)), "engine-1", {}, other)) << "the same, re-encoded";
  other = {};

  EXPECT_FALSE(restore(forged(text, "<svg>x</svg>", "<script/>"), "engine-1", {}, other))
      << "not MathJax's SVG";
  EXPECT_TRUE(other.empty());

  Formulas mixed;
  mixed.results[{"x^2", false}] = {"", "<svg>new</svg>", "<math>new</math>"};
  ASSERT_TRUE(restore(text, "engine-1", {}, mixed));
  EXPECT_EQ(mixed.find("x^2", false)->svg, "<svg>new</svg>") << "what is there stays";
}

// A glyph's path data, in every formula that uses it, is kept once.
TEST(Kept, EachGlyphsPathDataIsKeptOnce) {
  const std::string glyph = "M0 0L100 0L100 100Z", other = "M1 1L2 2Z";
  auto svg = [](std::string_view d1, std::string_view d2) {
    return "<svg><g><path data-c=\"78\" d=\"" + std::string(d1) + "\"></path><path d=\"" +
           std::string(d2) + "\"/></g></svg>";
  };
  Formulas made;
  made.results[{"x", false}] = {"", svg(glyph, glyph), "<math>x</math>"};
  made.results[{"x+y", false}] = {"", svg(other, glyph), "<math>x+y</math>"};
  const Collected mine{.keys = {{"x", false}, {"x+y", false}}};
  const std::string text = store(mine, made, "e");
  EXPECT_EQ(moyin::testing::count(text, glyph), 1) << text;
  EXPECT_EQ(moyin::testing::count(text, other), 1) << text;
  Formulas back;
  ASSERT_TRUE(restore(text, "e", {}, back));
  EXPECT_EQ(back.find("x", false)->svg, svg(glyph, glyph));
  EXPECT_EQ(back.find("x+y", false)->svg, svg(other, glyph));

  for (std::string_view wrong : {"@2", "@-1", "@x", "@1x", "M0 0"}) {
    Formulas none;
    EXPECT_FALSE(restore(forged(text, "@1", wrong), "e", {}, none)) << wrong;
    EXPECT_TRUE(none.empty()) << wrong;
  }
}

// A display formula that draws nothing (it only defines macros) leaves the
// document before numbering; one with a label, a drawing or an error stays.
TEST(Definitions, DisplayFormulasThatDrawNothingAreTakenOut) {
  doc::Document d = parse(
      "$$\\newcommand{\\R}{x}$$\n\n$$\\R$$\n\n> $$\\def\\b{c}$$\n\n"
      "$$\\def\\c{d}\\label{eq:k}$$\n\n$$\\broken$$\n\nText $\\def\\e{f}$.\n");
  const std::string nothing = "<svg viewBox=\"0 0 0 0\"></svg>";
  Formulas f;
  f.results[{"\\newcommand{\\R}{x}", true}] = {"", nothing, "<math/>"};
  f.results[{"\\R", true}] = {"", kSvg, "<math/>"};
  f.results[{"\\def\\b{c}", true}] = {"", nothing, "<math/>"};
  f.results[{"\\def\\c{d}", true}] = {"", nothing, "<math/>"};
  f.results[{"\\broken", true}] = {"Undefined control sequence \\broken", "", ""};
  drop_definitions(std::span(&d, 1), f);
  std::vector<std::string> left;
  for (const doc::Block& b : d.blocks) {
    if (b.kind == doc::BlockKind::Math) left.push_back(b.text);
    if (b.kind == doc::BlockKind::Quote) {
      EXPECT_TRUE(b.children.empty()) << "nested too";
    }
  }
  EXPECT_EQ(left, (std::vector<std::string>{"\\R", "\\def\\c{d}", "\\broken"}));
  EXPECT_EQ(d.blocks.back().kind, doc::BlockKind::Paragraph) << "inline formulas stay";
}

TEST(Definitions, WhatDrawsNothing) {
  EXPECT_TRUE(draws_nothing("<svg viewBox=\"0 0 0 0\"></svg>"));
  EXPECT_TRUE(draws_nothing(
      R"(<svg viewBox="0 -10 0 20"><g stroke="currentColor"><g data-mml-node="math"></g></g></svg>)"));
  EXPECT_FALSE(draws_nothing(kSvg));
  EXPECT_FALSE(draws_nothing(R"(<svg viewBox="0 0 0 0"><text>x</text></svg>)"));
  EXPECT_FALSE(draws_nothing("not an svg")) << "refused: printed as its TeX, not dropped";
}

TEST(Collect, EachFormulaOnceWithItsStyle) {
  doc::Document d = parse("$x$ and $x$ and $$x$$\n\n| $y$ |\n|---|\n| $z$ |\n\n> $$w$$\n");
  const Collected c = collect(std::span(&d, 1));
  ASSERT_EQ(c.keys.size(), 5u);
  EXPECT_TRUE(c.preamble.empty());
  const doc::Document defining = parse(
      "$\\R$ then $$\\def\\R{\\mathbb{R}}$$ and $\\newcommand\\Q{\\mathbb{Q}}$, $\\def\\R{\\mathbb{R}}$\n");
  EXPECT_EQ(collect(std::span(&defining, 1)).preamble,
            (Preamble{"\\def\\R{\\mathbb{R}}", "\\newcommand\\Q{\\mathbb{Q}}"}))
      << "in the order written, each once";
  EXPECT_TRUE(has_math(d));
  EXPECT_FALSE(has_math(parse("no math: $5 and $6\n")));
}

}  // namespace
}  // namespace moyin::math
