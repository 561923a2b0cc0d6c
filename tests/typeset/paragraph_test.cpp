// Paragraph typesetting with the test fonts (tests/test_fonts.h: Han and
// fullwidth punctuation 1 em, “ ” 0.35 em, ASCII 0.5 em): CJK-RULES §2–§5
// checked on the positioned glyphs the page builder receives.
#include "typeset/paragraph.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "base/utf8.h"
#include "test_fonts.h"

namespace moyin::typeset {
namespace {

const font::FontLibrary& library() { return *test_fonts::library(); }

ParagraphStyle body(double measure, double indent = 0) {
  ParagraphStyle ps;
  ps.measure = measure;
  ps.size = 10;
  ps.indent = indent;
  ps.fonts = {&library(), library().find_set("serif-zh"), library().find_set("mono")};
  return ps;
}

std::vector<doc::Inline> text(std::string s) {
  return {doc::Inline{.kind = doc::InlineKind::Text, .text = std::move(s)}};
}

// Every glyph of a line with its absolute pen x and the character it starts.
struct Placed {
  uint32_t gid;
  double x;
  double advance;
  char32_t cp;
  int face;
  double size;
  bool touches_next = false;  // the next glyph's character follows directly in the text
};

std::vector<Placed> placed(const Line& line) {
  std::vector<Placed> out;
  for (const auto& run : line.runs) {
    double x = run.origin.x;
    size_t prev_end = static_cast<size_t>(-1);
    for (const auto& g : run.glyphs) {
      size_t i = g.cluster;
      char32_t cp = base::next_code_point(run.text, i);
      if (!out.empty() && prev_end != static_cast<size_t>(-1))
        out.back().touches_next = g.cluster == prev_end;
      out.push_back({g.gid, x, g.advance, cp, run.face, run.size, false});
      prev_end = i;
      x += g.advance;
    }
  }
  return out;
}

char32_t first_cp(std::string_view s) {
  size_t i = 0;
  return s.empty() ? 0 : base::next_code_point(s, i);
}
char32_t last_cp(std::string_view s) {
  if (s.empty()) return 0;
  size_t j = s.size() - 1;
  while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) --j;
  return base::next_code_point(s, j);
}

class Paragraph : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test_fonts::library())
      GTEST_FAIL() << "test fonts missing: build the moyin_test_fonts target";
  }
  ParagraphSetter setter;
  doc::Diagnostics diags;
};

TEST_F(Paragraph, HanFillsTheMeasureExactly) {
  // 10 pt Han at a 100 pt measure: ten characters a line, at natural width.
  SetParagraph p =
      setter.set(text("一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑"), body(100), diags);
  ASSERT_EQ(p.lines.size(), 3u);
  EXPECT_NEAR(p.lines[0].width, 100, 0.01);
  EXPECT_NEAR(p.lines[0].natural, 100, 0.01);
  EXPECT_EQ(p.lines[2].text_end - p.lines[2].text_begin, 6u);  // 子丑
}

TEST_F(Paragraph, AuthorSpaceAtHanLatinBoundaryIsTheSameGlue) {
  auto a = setter.set(text("我们用GPU集群训练模型"), body(400), diags);
  auto b = setter.set(text("我们用 GPU 集群训练模型"), body(400), diags);
  std::vector<doc::Inline> soft{{.kind = doc::InlineKind::Text, .text = "我们用GPU"},
                                {.kind = doc::InlineKind::SoftBreak},
                                {.kind = doc::InlineKind::Text, .text = "集群训练模型"}};
  auto c = setter.set(soft, body(400), diags);
  ASSERT_EQ(a.lines.size(), 1u);
  ASSERT_EQ(b.lines.size(), 1u);
  ASSERT_EQ(c.lines.size(), 1u);
  auto pa = placed(a.lines[0]), pb = placed(b.lines[0]), pc = placed(c.lines[0]);
  ASSERT_EQ(pa.size(), pb.size());
  ASSERT_EQ(pa.size(), pc.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pa[i].gid, pb[i].gid);
    EXPECT_NEAR(pa[i].x, pb[i].x, 1e-9);
    EXPECT_NEAR(pa[i].x, pc[i].x, 1e-9);
  }
  // The gap between 用 and G is ¼ em (2.5 pt at 10 pt).
  EXPECT_NEAR(pa[3].x - pa[2].x - 10, 2.5, 1e-6);
}

TEST_F(Paragraph, AdjacentPunctuationCompresses) {
  // 。” : the period loses its blank, so ” starts ½ em after 。
  auto p = setter.set(text("他说：“好。”然后走了"), body(400), diags);
  auto g = placed(p.lines[0]);
  size_t stop = 0;
  while (g[stop].cp != U'。') ++stop;
  ASSERT_EQ(g[stop + 1].cp, U'”');
  EXPECT_NEAR(g[stop + 1].x - g[stop].x, 5, 1e-6);
  // ”然 : ” keeps its blank: 然 starts a full em after ”.
  EXPECT_NEAR(g[stop + 2].x - g[stop + 1].x, 10, 1e-6);
  // ）（ : 1.5 em from the start of ） to the character after （.
  p = setter.set(text("甲（乙）（丙）丁"), body(400), diags);
  g = placed(p.lines[0]);
  size_t close = 0;
  while (g[close].cp != U'）') ++close;
  ASSERT_EQ(g[close + 1].cp, U'（');
  ASSERT_EQ(g[close + 2].cp, U'丙');
  EXPECT_NEAR(g[close + 2].x - g[close].x, 15, 1e-6);
}

TEST_F(Paragraph, LineEndPunctuationIsHalfWidthAndFlush) {
  // 九 characters + "，" exactly: the comma's blank is dropped at the line end.
  auto p = setter.set(text("一二三四五六七八九，甲乙丙丁戊己庚辛壬癸子丑寅卯"), body(95), diags);
  ASSERT_GE(p.lines.size(), 2u);
  EXPECT_EQ(
      last_cp(p.text.substr(p.lines[0].text_begin, p.lines[0].text_end - p.lines[0].text_begin)),
      U'，');
  EXPECT_NEAR(p.lines[0].natural, 95, 1e-6);
  EXPECT_NEAR(p.lines[0].width, 95, 0.01);
}

TEST_F(Paragraph, OpeningBracketAtLineStartLosesItsBlank) {
  auto p = setter.set(text("（甲）乙"), body(400, 20), diags);
  auto g = placed(p.lines[0]);
  // The bracket's ink (right half of its em) starts at the indent: pen at indent − ½ em.
  EXPECT_NEAR(g[0].x, 20 - 5, 1e-6);
  EXPECT_NEAR(g[1].x, 20 + 5, 1e-6);
}

TEST_F(Paragraph, PairsNeverSplit) {
  for (double m = 40; m <= 140; m += 5) {
    auto p = setter.set(text("他想了想说——这件事……我们明天再谈——好吗……真的"), body(m), diags);
    for (size_t i = 0; i + 1 < p.lines.size(); ++i) {
      char32_t end = last_cp(p.text.substr(0, p.lines[i].text_end));
      char32_t start = first_cp(p.text.substr(p.lines[i + 1].text_begin));
      EXPECT_FALSE(end == start && (end == U'—' || end == U'…'))
          << "measure " << m << " line " << i;
    }
  }
}

TEST_F(Paragraph, OverfullWordBreaksWithAWarning) {
  doc::Diagnostics d;
  auto p = setter.set(
      text("见https://example.com/a/very/long/path/that/cannot/fit/on/one/line/at/all。"),
      body(100), d);
  ASSERT_GE(p.lines.size(), 2u);
  EXPECT_GE(d.count(doc::Severity::Warning), 1u);
  for (const Line& l : p.lines) EXPECT_LE(l.width, 100 + 0.01);
}

TEST_F(Paragraph, MinLastLine) {
  // 21 characters at 10 a line would leave one alone on the last line.
  auto p = setter.set(text("一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子"), body(100), diags);
  ASSERT_EQ(p.lines.size(), 3u);
  EXPECT_GE(p.lines[2].text_end - p.lines[2].text_begin, 6u);
}

TEST_F(Paragraph, StylesBecomeRunsAndDecorations) {
  std::vector<doc::Inline> in{{.kind = doc::InlineKind::Text, .text = "用"},
                              {.kind = doc::InlineKind::Code, .text = "git log"},
                              {.kind = doc::InlineKind::Text, .text = "查看"},
                              {.kind = doc::InlineKind::FootnoteRef, .number = 3}};
  doc::Inline link{.kind = doc::InlineKind::Link, .url = "https://x.com"};
  link.children.push_back({.kind = doc::InlineKind::Text, .text = "链接"});
  in.push_back(link);
  auto p = setter.set(in, body(400), diags);
  ASSERT_EQ(p.lines.size(), 1u);
  const Line& l = p.lines[0];
  ASSERT_GE(l.runs.size(), 4u);
  bool code = false, link_seen = false, sup = false;
  for (const auto& d : l.decorations) {
    code |= d.kind == Decoration::Kind::Code;
    if (d.kind == Decoration::Kind::Link) {
      link_seen = true;
      EXPECT_EQ(d.url, "https://x.com");
      EXPECT_GT(d.x1, d.x0);
    }
  }
  for (const auto& r : l.runs)
    if (r.text == "3") {
      sup = true;
      EXPECT_LT(r.size, 10);
      EXPECT_GT(r.glyphs[0].y_offset, 0);
    }
  EXPECT_TRUE(code);
  EXPECT_TRUE(link_seen);
  EXPECT_TRUE(sup);
  EXPECT_EQ(p.text, "用git log查看3链接");
}

// cjk.punctuation: kaiming keeps 。？！ a full em and sets the others half;
// banjiao sets all half; plain leaves every mark as drawn (no compression).
TEST_F(Paragraph, PunctuationStyles) {
  auto gaps = [&](PunctuationStyle style) {
    ParagraphStyle ps = body(400);
    ps.cjk.punctuation = style;
    auto p = setter.set(text("甲，乙。丙。”丁"), ps, diags);
    auto g = placed(p.lines[0]);
    // distances: ，→乙, 。→丙, 。→”, ”→丁
    return std::vector<double>{g[2].x - g[1].x, g[4].x - g[3].x, g[6].x - g[5].x, g[7].x - g[6].x};
  };
  EXPECT_EQ(gaps(PunctuationStyle::Quanjiao), (std::vector<double>{10, 10, 5, 10}));
  EXPECT_EQ(gaps(PunctuationStyle::Kaiming), (std::vector<double>{5, 10, 10, 3.5}));
  EXPECT_EQ(gaps(PunctuationStyle::Plain), (std::vector<double>{10, 10, 10, 3.5}));
  auto banjiao = gaps(PunctuationStyle::Banjiao);
  EXPECT_EQ(banjiao[0], 5);
  EXPECT_EQ(banjiao[1], 5);
}

TEST_F(Paragraph, LatinSpacingOption) {
  ParagraphStyle ps = body(400);
  ps.cjk.latin_spacing = 0;
  auto p = setter.set(text("用GPU"), ps, diags);
  auto g = placed(p.lines[0]);
  EXPECT_NEAR(g[1].x - g[0].x, 10, 1e-9);
}

// cjk.hanging: a comma may hang past the margin instead of pushing 十 down.
TEST_F(Paragraph, HangingPunctuation) {
  ParagraphStyle ps = body(100);
  auto plain = setter.set(text("一二三四五六七八九十，甲乙丙丁"), ps, diags);
  // Without hanging, 十， is pushed out: line 1 is 一…九, stretched to the measure.
  EXPECT_EQ(last_cp(plain.text.substr(0, plain.lines[0].text_end)), U'九');
  EXPECT_NEAR(plain.lines[0].width, 100, 0.01);
  ps.cjk.hanging = true;
  auto hung = setter.set(text("一二三四五六七八九十，甲乙丙丁"), ps, diags);
  ASSERT_EQ(hung.lines.size(), 2u);
  EXPECT_EQ(hung.lines[0].text_end, 33u);  // ten characters and the comma
  EXPECT_NEAR(hung.lines[0].width, 100, 0.01);
  auto g = placed(hung.lines[0]);
  EXPECT_NEAR(g.back().x, 100, 1e-6);  // the comma's ink starts at the margin
}

// The first-fit fallback (pathological paragraphs) keeps the same rules.
TEST_F(Paragraph, FirstFitFallbackKeepsTheRules) {
  std::string s;
  for (int i = 0; i < 40; ++i) s += "大模型（LLM）的训练，“数据”与算力。";
  ParagraphStyle ps = body(137);
  ps.first_fit_threshold = 50;
  auto p = setter.set(text(s), ps, diags);
  ASSERT_GT(p.lines.size(), 20u);
  for (size_t i = 0; i < p.lines.size(); ++i) {
    const Line& l = p.lines[i];
    std::string_view t = std::string_view(p.text).substr(l.text_begin, l.text_end - l.text_begin);
    if (i > 0) {
      EXPECT_FALSE(no_line_start(first_cp(t), 0, 0, LineBreakLevel::GB)) << i;
    }
    EXPECT_FALSE(no_line_end(last_cp(t), 0, LineBreakLevel::GB)) << i;
    if (i + 1 < p.lines.size() && !l.warned) {
      EXPECT_EQ(l.rule, BreakRule::FirstFit);
      EXPECT_NEAR(l.width, 137, 0.01) << i;
    }
  }
}

// Property test over randomized paragraphs of Han, Latin, digits and every
// punctuation mark, at random measures (CJK-RULES §2, §5, §8).
TEST_F(Paragraph, RandomParagraphsKeepTheRules) {
  const std::vector<std::string> han{"中", "文", "排", "版", "模", "型", "数", "据",
                                     "训", "练", "的", "是", "大", "在", "了", "和",
                                     "人", "工", "智", "能", "学", "习", "与", "开"};
  const std::vector<std::string> marks{
      "，", "。", "、", "：", "；", "？", "！", "．", "“",  "”",  "‘",  "’",  "（", "）", "《",
      "》", "〈", "〉", "「", "」", "『", "』", "【", "】", "〖", "〗", "〔", "〕", "［", "］",
      "｛", "｝", "——", "……", "～", "·",  "/",  "–",  "%",  "℃",  "°",  "…",  "—",  "¥"};
  const std::vector<std::string> latin{"GPU",   "Transformer", "AI",    "LLM",  "a",
                                       "model", "v3.1.2",      "12.5%", "2025", "7",
                                       "x86",   "the",         "RLHF"};
  std::mt19937 rng(20251128);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  int lines_checked = 0;
  for (int n = 0; n < 1500; ++n) {
    std::string s;
    int len = 10 + static_cast<int>(rng() % 90);
    for (int k = 0; k < len; ++k) {
      unsigned r = rng() % 20;
      if (r < 12) s += pick(han);
      else if (r < 17) s += pick(marks);
      else if (r < 19) s += pick(latin);
      else s += " ";
    }
    const double measure = 80 + static_cast<double>(rng() % 300);
    doc::Diagnostics d;
    SetParagraph p = setter.set(text(s), body(measure, rng() % 2 ? 20 : 0), d);
    for (size_t i = 0; i < p.lines.size(); ++i) {
      const Line& l = p.lines[i];
      if (l.text_end <= l.text_begin) continue;
      ++lines_checked;
      const std::string where =
          "paragraph " + std::to_string(n) + " line " + std::to_string(i) + ": " + s;
      const std::string_view t =
          std::string_view(p.text).substr(l.text_begin, l.text_end - l.text_begin);
      const bool last = i + 1 == p.lines.size();
      if (l.rule != BreakRule::Overfull && i > 0) {
        char32_t c = first_cp(t);
        char32_t prev = last_cp(std::string_view(p.text).substr(0, l.text_begin));
        char32_t next =
            first_cp(std::string_view(p.text).substr(l.text_begin + (c < 0x80      ? 1
                                                                     : c < 0x800   ? 2
                                                                     : c < 0x10000 ? 3
                                                                                   : 4)));
        // ASCII quotes/letters never count; the marks of §2 do.
        EXPECT_FALSE(no_line_start(c, prev, next, LineBreakLevel::GB)) << where;
      }
      if (!last && l.rule != BreakRule::Overfull) {
        char32_t c = last_cp(t);
        char32_t next = first_cp(std::string_view(p.text).substr(p.lines[i + 1].text_begin));
        EXPECT_FALSE(no_line_end(c, next, LineBreakLevel::GB)) << where;
        char32_t start = first_cp(std::string_view(p.text).substr(p.lines[i + 1].text_begin));
        EXPECT_FALSE(c == start && (c == U'—' || c == U'…')) << where;
      }
      if (l.warned) continue;
      if (!last) {
        EXPECT_NEAR(l.width, measure, 0.01) << where;
      }
      // Gaps between Han characters stay at or under 0.1 em.
      auto g = placed(l);
      for (size_t k = 0; k + 1 < g.size(); ++k) {
        if (!base::is_cjk_letter(g[k].cp) || !base::is_cjk_letter(g[k + 1].cp) ||
            !g[k].touches_next)
          continue;
        double natural = font::advance_em(library().face(g[k].face), g[k].gid) * g[k].size;
        EXPECT_LE(g[k + 1].x - g[k].x - natural, 0.1 * g[k].size + 1e-6) << where;
      }
    }
  }
  EXPECT_GT(lines_checked, 3000);
}

}  // namespace
}  // namespace moyin::typeset

namespace moyin::typeset {
namespace {

// CJK-RULES §1 vs §5: a fullwidth 间隔号 has ¼ em blank sides that shrink
// (Interpunct class, before bracket outsides and ，、； blanks); a half-width
// · stays a fixed box.
TEST_F(Paragraph, FullwidthInterpunctSidesShrinkFirst) {
  const std::string s = "甲乙丙・丁戊，己庚辛";  // 3 + 1 + 2 + 1 + 3 em = 100 pt at 10 pt
  auto natural = setter.set(text(s), body(400), diags);
  ASSERT_EQ(natural.lines.size(), 1u);
  auto g = placed(natural.lines[0]);
  ASSERT_EQ(g[3].cp, U'・');
  ASSERT_NEAR(g[3].advance, 10, 0.01) << "the CJK face should draw ・ 1 em wide";
  EXPECT_NEAR(g[4].x - g[2].x, 20, 1e-6);  // 丙 ・ 丁: natural widths
  EXPECT_NEAR(natural.lines[0].natural, 100, 1e-6);
  // 3 pt too wide: the interpunct's sides give the 3 pt, the comma keeps its blank.
  auto tight = setter.set(text(s), body(97), diags);
  ASSERT_EQ(tight.lines.size(), 1u);
  g = placed(tight.lines[0]);
  EXPECT_NEAR(tight.lines[0].width, 97, 0.01);
  EXPECT_NEAR(g[4].x - g[2].x, 17, 1e-6);
  EXPECT_NEAR((g[3].x + 5) - (g[2].x + 10), g[4].x - (g[3].x + 5), 1e-6);  // ink stays centred
  EXPECT_NEAR(g[7].x - g[6].x, 10, 1e-6);  // ， keeps its ½ em blank
  // The items: two ¼ em glues of the Interpunct class around a ½ em box.
  int sides = 0;
  MeasureOptions mo;
  mo.size = 10;
  ParagraphStyle ps = body(400);
  for (const Item& it : setter.build_items(measure(text(s), ps.fonts, mo), ps))
    if (it.kind == ItemKind::Glue && it.shrink_class == ShrinkClass::Interpunct) {
      EXPECT_NEAR(it.width, 2.5, 1e-9);
      EXPECT_NEAR(it.shrink, 2.5, 1e-9);
      ++sides;
    }
  EXPECT_EQ(sides, 2);
}

TEST_F(Paragraph, HalfWidthInterpunctIsAFixedBox) {
  auto p = setter.set(text("用DALL·E生成"), body(400), diags);
  ASSERT_EQ(p.lines.size(), 1u);
  auto g = placed(p.lines[0]);
  size_t dot = 0;
  while (dot < g.size() && g[dot].cp != U'·') ++dot;
  ASSERT_LT(dot, g.size());
  if (g[dot].advance >= 7.5) GTEST_SKIP() << "this face draws · fullwidth";
  MeasureOptions mo;
  mo.size = 10;
  ParagraphStyle ps = body(400);
  for (const Item& it : setter.build_items(measure(text("用DALL·E生成"), ps.fonts, mo), ps))
    EXPECT_FALSE(it.kind == ItemKind::Glue && it.shrink_class == ShrinkClass::Interpunct);
}

TEST_F(Paragraph, EmphasisDotsAreDecorationsUnderHanOnly) {
  std::vector<doc::Inline> in{
      {.kind = doc::InlineKind::Text, .text = "前"},
      {.kind = doc::InlineKind::Emphasis,
       .children = {{.kind = doc::InlineKind::Text, .text = "重点 Key 字"}}},
      {.kind = doc::InlineKind::Text, .text = "后"}};
  ParagraphStyle ps = body(400);
  auto off = setter.set(in, ps, diags);
  ps.emphasis_dots = true;
  auto on = setter.set(in, ps, diags);
  auto dots = [](const SetParagraph& p) {
    std::vector<Decoration> d;
    for (const auto& l : p.lines)
      for (const auto& x : l.decorations)
        if (x.kind == Decoration::Kind::Dot) d.push_back(x);
    return d;
  };
  EXPECT_TRUE(dots(off).empty());
  auto d = dots(on);
  ASSERT_EQ(d.size(), 3u);  // 重 点 字
  auto g = placed(on.lines[0]);
  EXPECT_NEAR(d[0].x0, g[1].x, 1e-9);
  EXPECT_NEAR(d[0].x1 - d[0].x0, 10, 1e-9);
}

}  // namespace
}  // namespace moyin::typeset

namespace moyin::typeset {
namespace {

// Material with no allowed break that is wider than the measure (a run of
// —— or of marks that may neither start nor end a line) is broken at any
// character as a last resort, with a warning, never drawn past the margin.
TEST_F(Paragraph, UnbreakableRunsWiderThanTheMeasureBreakAsALastResort) {
  std::string dashes, closers, openers;
  for (int i = 0; i < 20; ++i) dashes += "——";
  for (int i = 0; i < 10; ++i) closers += "，”）》";
  for (int i = 0; i < 10; ++i) openers += "“（《";
  for (const std::string& s : {"前" + dashes + "后", "字" + closers + "字", openers + "字"}) {
    doc::Diagnostics d;
    auto p = setter.set(text(s), body(100), d);
    ASSERT_GT(p.lines.size(), 1u) << s;
    for (const Line& l : p.lines) {
      double right = 0;
      for (const Placed& g : placed(l)) right = std::max(right, g.x + g.advance);
      EXPECT_LE(right, 100 + 0.01) << s;
    }
    EXPECT_GT(d.count(doc::Severity::Warning), 0u) << s;
  }
  // Where a break that keeps the rules exists, the last resort is not used.
  auto p = setter.set(text("一二三四五六七八九十——甲乙"), body(100), diags);
  for (const Line& l : p.lines) EXPECT_NE(l.kind, BreakKind::Emergency);
}

// A ruby base or a superscript is kept whole, but one wider than the
// measure breaks at any character as a last resort too (found by
// fuzz_pipeline: a 130-character ruby base ran 900 pt past the margin).
TEST_F(Paragraph, GluedMaterialWiderThanTheMeasureBreaksAsALastResort) {
  std::string han;
  for (int i = 0; i < 30; ++i) han += "汉";
  for (doc::InlineKind kind : {doc::InlineKind::Ruby, doc::InlineKind::Superscript}) {
    doc::Inline glued{.kind = kind, .text = "hàn"};
    glued.children = text(han);
    std::vector<doc::Inline> in = text("注音：");
    in.push_back(glued);
    doc::Diagnostics d;
    auto p = setter.set(in, body(100), d);
    ASSERT_GT(p.lines.size(), 1u);
    for (const Line& l : p.lines) {
      double right = 0;
      for (const Placed& g : placed(l)) right = std::max(right, g.x + g.advance);
      EXPECT_LE(right, 100 + 0.01);
    }
    EXPECT_GT(d.count(doc::Severity::Warning), 0u);
  }
  // A short one stays whole: the line breaks before it.
  doc::Inline ruby{.kind = doc::InlineKind::Ruby, .text = "hàn zì"};
  ruby.children = text("汉字");
  std::vector<doc::Inline> in = text("一二三四五六七八九");
  in.push_back(ruby);
  auto p = setter.set(in, body(100), diags);
  ASSERT_EQ(p.lines.size(), 2u);
  EXPECT_EQ(p.text.substr(p.lines[1].text_begin, p.lines[1].text_end - p.lines[1].text_begin),
            "汉字");
}

// Issue 15: a paragraph longer than kMaxPieceBytes is broken into lines
// piece by piece (memory bounded by the piece): every character is set once,
// in order, within the measure, and one warning says so.
TEST_F(Paragraph, HugeParagraphIsSetInPieces) {
  std::string s;
  while (s.size() < 2 * kMaxPieceBytes + 1000) s += "汉字排版测试 Latin words here, ";
  std::vector<doc::Inline> in = text(s);
  in[0].pos = {3, 1};
  doc::Diagnostics d;
  auto p = setter.set(in, body(200, 20), d);
  EXPECT_EQ(p.text, s);
  EXPECT_EQ(p.pieces.size(), 3u);
  ASSERT_GT(p.lines.size(), 100u);
  EXPECT_EQ(p.lines.front().text_begin, 0u);
  for (size_t k = 1; k < p.lines.size(); ++k) {
    EXPECT_GE(p.lines[k].text_begin, p.lines[k - 1].text_end) << k;
    EXPECT_GT(p.lines[k].pos.column, p.lines[k - 1].pos.column) << k;
  }
  EXPECT_GE(p.lines.back().text_end + 1, static_cast<uint32_t>(s.size()));
  // Only the first line is indented.
  EXPECT_GE(placed(p.lines[0]).front().x, 20 - 0.01);
  for (size_t k = 1; k < p.lines.size(); ++k) {
    const auto g = placed(p.lines[k]);
    ASSERT_FALSE(g.empty());
    EXPECT_LT(g.front().x, 20 - 0.01) << k;
    EXPECT_LE(g.back().x + g.back().advance, 200 + 0.01) << k;
  }
  ASSERT_EQ(d.count(doc::Severity::Warning), 1u);
  EXPECT_EQ(d.items[0].pos, (doc::Position{3, 1}));
  EXPECT_NE(d.items[0].message.find("3 pieces"), std::string::npos) << d.items[0].message;
  // Short paragraphs are one piece and say nothing.
  doc::Diagnostics quiet;
  EXPECT_TRUE(setter.set(text("短段落"), body(200), quiet).pieces.empty());
  EXPECT_EQ(quiet.count(doc::Severity::Warning), 0u);
}

// Issue 15: a line of Han beside a long URL is not spread wider than 0.1 em
// between characters: the URL breaks after / . - _ ? & instead.
TEST_F(Paragraph, LongUrlBreaksInsideInsteadOfSpreadingHan) {
  doc::Diagnostics d;
  const std::string url = "https://docs.example.com/some_long_module.name?query=abc&lang=zh";
  auto p = setter.set(text("参见文档" + url + "了解更多内容和说明"), body(120), d);
  ASSERT_GT(p.lines.size(), 2u);
  for (const Line& l : p.lines) {
    EXPECT_FALSE(l.fit.han_overflow) << p.text.substr(l.text_begin, l.text_end - l.text_begin);
    if (l.rule == BreakRule::End) continue;
    // Inside the URL a line ends only after one of / . - _ ? &
    const char last = p.text[l.text_end - 1];
    const size_t at = p.text.find(url);
    if (l.text_end > at && l.text_end < at + url.size()) {
      EXPECT_NE(std::string_view("/.-_?&").find(last), std::string_view::npos) << last;
    }
  }
  // (Lines made only of URL pieces may still be set ragged: "cannot justify".)
  for (const auto& item : d.items)
    EXPECT_EQ(item.message.find("Han characters spaced"), std::string::npos) << item.message;
  // "3.5" and "//" never break.
  auto q = setter.set(text("版本3.5和网址http://a.b/c"), body(40), d);
  for (const Line& l : q.lines) {
    std::string s = q.text.substr(l.text_begin, l.text_end - l.text_begin);
    EXPECT_FALSE(s.ends_with("3.") || s.ends_with("http:/")) << s;
  }
}

TEST(Hyphenator, EnglishPatterns) {
  auto hy = Hyphenator::load(default_hyphenation_dictionary());
  ASSERT_TRUE(hy) << default_hyphenation_dictionary() << " (Debian hyphen-en-us)";
  EXPECT_EQ(hy->points("hyphenation"), (std::vector<size_t>{2, 6}));  // hy-phen-ation
  EXPECT_TRUE(hy->points("GPT4o").empty());                           // not a word of letters
  EXPECT_TRUE(hy->points("cat").empty());
  EXPECT_FALSE(Hyphenator::load("/nonexistent/hyph.dic"));
}

// Tables kept from an earlier run (KeptTables) give the same points as the
// dictionary; tables that are not a sound automaton are refused (the
// dictionary is read instead), whatever byte of them is damaged.
TEST(Hyphenator, KeptTablesGiveTheDictionarysPoints) {
  std::vector<std::string> words;
  {
    std::ifstream in(std::string(MOYIN_SOURCE_DIR) + "/tests/data/corpus/llm-survey-2025.md");
    std::string w;
    for (char c; in.get(c);) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        w += c;
      } else if (!w.empty()) {
        words.push_back(std::exchange(w, {}));
      }
    }
  }
  for (const char* w : {"hyphenation", "characteristically", "incomprehensibilities",
                        "electroencephalographically", "typesetting", "table"})
    words.emplace_back(w);
  ASSERT_GT(words.size(), 500u);
  auto fresh = Hyphenator::load(default_hyphenation_dictionary());
  ASSERT_TRUE(fresh);
  EXPECT_FALSE(fresh->tables_to_keep());  // nothing read yet
  std::vector<std::vector<size_t>> expected;
  for (const std::string& w : words) expected.push_back(fresh->points(w));
  const std::optional<std::string> tables = fresh->tables_to_keep();
  ASSERT_TRUE(tables);
  auto from = [&](std::optional<std::string> given) {
    return Hyphenator::load(default_hyphenation_dictionary(),
                            [given = std::move(given)] { return given; });
  };
  auto kept = from(tables);
  for (size_t i = 0; i < words.size(); ++i)
    EXPECT_EQ(kept->points(words[i]), expected[i]) << words[i];
  EXPECT_FALSE(kept->tables_to_keep());  // taken, not read
  // Refused: read from the dictionary instead.
  for (const std::string& bad : {std::string(), std::string("MHY1"), tables->substr(0, 100),
                                 tables->substr(0, tables->size() - 1), *tables + "x"}) {
    auto h = from(bad);
    EXPECT_EQ(h->points("hyphenation"), expected[words.size() - 6]);
    EXPECT_TRUE(h->tables_to_keep());
  }
  // Any damaged byte: never read outside the tables (the sanitizers run
  // this), at worst other points for a word.
  for (size_t at = 0; at < tables->size(); at += tables->size() / 24 + 1) {
    std::string bad = *tables;
    bad[at] = static_cast<char>(bad[at] ^ 0x5A);
    auto h = from(bad);
    for (size_t i = 0; i < words.size(); i += 7) (void)h->points(words[i]);
  }
}

TEST_F(Paragraph, LongEnglishWordsAreHyphenatedWhenALineWouldBeLoose) {
  auto hy = Hyphenator::load(default_hyphenation_dictionary());
  ASSERT_TRUE(hy);
  ParagraphStyle ps = body(100);
  ps.hyphenator = &*hy;
  doc::Diagnostics d;
  auto p =
      setter.set(text("中文字符internationalization与characterization中文字符测试文本内容"), ps, d);
  int hyphenated = 0;
  for (const Line& l : p.lines) {
    EXPECT_FALSE(l.fit.han_overflow) << p.text.substr(l.text_begin, l.text_end - l.text_begin);
    if (l.kind != BreakKind::Hyphen) continue;
    ++hyphenated;
    ASSERT_FALSE(l.runs.empty());
    EXPECT_EQ(l.runs.back().text, "-");  // the hyphen is drawn, within the measure
    double right = 0;
    for (const Placed& g : placed(l)) right = std::max(right, g.x + g.advance);
    EXPECT_LE(right, 100 + 0.01);
  }
  EXPECT_GT(hyphenated, 0);
  // A paragraph that sets well in one pass is never hyphenated.
  auto easy =
      setter.set(text("这是一段普通的中文，其中有internationalization这个词。"), body(400), d);
  for (const Line& l : easy.lines) EXPECT_NE(l.kind, BreakKind::Hyphen);
}

}  // namespace
}  // namespace moyin::typeset
