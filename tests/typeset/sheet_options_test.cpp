// Every paragraph/CJK option the style sheet exposes reaches the paragraph
// setter: each test sets it with the sheet's own `--set` keys, typesets a
// small document with the test fonts (tests/test_fonts.h) through typeset(), and looks at the
// lines on the page (CJK-RULES §2, §3, §4, §6).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/utf8.h"
#include "font/font.h"
#include "source/source.h"
#include "style/style.h"
#include "test_fonts.h"
#include "typeset/book.h"

namespace moyin::typeset {
namespace {

const font::FontLibrary* library() { return test_fonts::library(); }

// A text area exactly 30 em of 10 pt wide, no first-line indent unless set.
constexpr double kSize = 10, kMeasure = 300;
constexpr double kMargin = 150;

style::Sheet sheet_with(std::vector<std::string> overrides) {
  std::vector<std::string> all{"page.width=600pt",         "page.height=800pt",
                               "page.margins.inner=150pt", "page.margins.outer=150pt",
                               "page.margins.top=100pt",   "page.margins.bottom=100pt",
                               "body.size=10pt",           "body.indent=0pt"};
  all.insert(all.end(), overrides.begin(), overrides.end());
  doc::Diagnostics d;
  style::Sheet s =
      style::resolve("article", all, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
  EXPECT_FALSE(d.has_errors());
  return s;
}

// One printed line: its text (runs in x order) and the extent of its glyphs.
struct PrintedLine {
  std::string text;
  double x0 = 1e9, x1 = -1e9;  // page coordinates, pen box of the glyphs
  double y = 0;
  struct G {
    char32_t cp;
    double x, advance;
  };
  std::vector<G> glyphs;
};

struct Printed {
  std::vector<PrintedLine> lines;
  std::vector<layout::Rect> rects;
  std::string signature;  // text and positions of everything (to tell outputs apart)
};

Printed print(const std::string& markdown, const style::Sheet& sheet) {
  Printed out;
  doc::Diagnostics d;
  auto doc = source::parse(markdown, "t.md", d);
  EXPECT_TRUE(doc.has_value());
  if (!doc) return out;
  layout::Book book = typeset(*doc, sheet, *library(), d);
  for (size_t p = 0; p < book.pages.size(); ++p) {
    std::map<long, std::vector<const layout::GlyphRun*>> rows;
    for (const layout::Item& it : book.pages[p].items) {
      if (const auto* r = std::get_if<layout::GlyphRun>(&it))
        rows[std::lround(r->origin.y * 100)].push_back(r);
      if (const auto* r = std::get_if<layout::Rect>(&it)) out.rects.push_back(*r);
    }
    for (auto& [y, runs] : rows) {
      if (y < 100 * 100 || y > 700 * 100) continue;  // running heads: outside the text area
      std::sort(runs.begin(), runs.end(),
                [](auto* a, auto* b) { return a->origin.x < b->origin.x; });
      PrintedLine l;
      l.y = static_cast<double>(y) / 100;
      for (const layout::GlyphRun* r : runs) {
        l.text += r->text;
        double x = r->origin.x;
        for (const layout::Glyph& g : r->glyphs) {
          size_t c = g.cluster;
          l.glyphs.push_back({base::next_code_point(r->text, c), x, g.advance});
          l.x0 = std::min(l.x0, x);
          x += g.advance;
          l.x1 = std::max(l.x1, x);
          out.signature += std::to_string(g.gid) + "@" + std::to_string(std::lround(x * 100)) + " ";
        }
      }
      out.signature += "\n";
      // Keep body lines only (the article's centred title block starts far right).
      if (l.x0 < kMargin + 2.5 * kSize) out.lines.push_back(std::move(l));
    }
  }
  for (const auto& r : out.rects)
    out.signature += "rect " + std::to_string(std::lround(r.box.x * 100)) + "\n";
  return out;
}

std::string han(int n) {
  static const char* kHan[] = {"天", "地", "玄", "黄", "宇", "宙", "洪", "荒", "日", "月"};
  std::string s;
  for (int i = 0; i < n; ++i) s += kHan[i % 10];
  return s;
}

bool starts_with(const std::string& s, std::string_view p) {
  return s.compare(0, p.size(), p) == 0;
}

bool some_line_starts(const Printed& p, std::string_view mark) {
  for (const auto& l : p.lines)
    if (starts_with(l.text, mark)) return true;
  return false;
}

class SheetOptions : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!library() || !library()->find_set("serif-zh"))
      GTEST_FAIL() << "test fonts missing: build the moyin_test_fonts target";
  }
};

// 30 Han fill the first line exactly, so the 31st character starts line 2.
TEST_F(SheetOptions, LineBreakLevelsAreDistinctThroughTheSheet) {
  const std::string kana = han(29) + "人々" + han(40) + "\n";  // 々 at the line start?
  const std::string wave = han(30) + "～" + han(40) + "\n";    // ～ at the line start?
  const std::string dash = han(30) + "——" + han(40) + "\n";    // —— at the line start?
  std::map<std::string, std::string> sig;
  for (const char* level : {"basic", "gb", "strict", "loose"}) {
    style::Sheet s = sheet_with({std::string("cjk.line-break=") + level});
    Printed k = print(kana, s), w = print(wave, s), d = print(dash, s);
    const std::string l = level;
    EXPECT_EQ(some_line_starts(k, "々"), l == "loose") << l;
    EXPECT_EQ(some_line_starts(w, "～"), l == "basic" || l == "loose") << l;
    EXPECT_EQ(some_line_starts(d, "——"), l != "strict") << l;
    sig[l] = k.signature + w.signature + d.signature;
  }
  for (const auto& [a, sa] : sig)
    for (const auto& [b, sb] : sig)
      if (a < b) {
        EXPECT_NE(sa, sb) << a << " vs " << b;
      }
}

TEST_F(SheetOptions, HangingLetsOneCommaHangPastTheMargin) {
  const std::string md = han(30) + "，" + han(20) + "\n";
  Printed off = print(md, sheet_with({}));
  Printed on = print(md, sheet_with({"cjk.hanging=true"}));
  const double right = kMargin + kMeasure;
  ASSERT_GE(on.lines.size(), 2u);
  for (const auto& l : off.lines) EXPECT_LE(l.x1, right + 0.01) << l.text;
  // Line 1: all 30 Han plus the hanging comma (its ink half past the margin).
  EXPECT_EQ(on.lines[0].text, han(30) + "，");
  EXPECT_NEAR(on.lines[0].x1, right + kSize / 2, 0.01);
  EXPECT_NE(off.lines[0].text, on.lines[0].text);
  // Hanging changes nothing in justified lines without such a mark.
  EXPECT_EQ(print(han(70) + "\n", sheet_with({})).signature,
            print(han(70) + "\n", sheet_with({"cjk.hanging=true"})).signature);
}

TEST_F(SheetOptions, PunctuationStylesChangeTheOutput) {
  const std::string md = "他说：“好。”然后（走了）（又回来），" + han(40) + "\n";
  std::map<std::string, std::string> sig;
  for (const char* p : {"quanjiao", "kaiming", "banjiao", "plain"})
    sig[p] = print(md, sheet_with({std::string("cjk.punctuation=") + p})).signature;
  for (const auto& [a, sa] : sig)
    for (const auto& [b, sb] : sig)
      if (a < b) {
        EXPECT_NE(sa, sb) << a << " vs " << b;
      }
}

TEST_F(SheetOptions, LatinSpacingChangesTheGap) {
  const std::string md = "用GPU集群\n";
  auto gap = [&](const char* v) {
    Printed p = print(md, sheet_with({std::string("cjk.latin-spacing=") + v}));
    EXPECT_EQ(p.lines.size(), 1u);
    return p.signature;
  };
  EXPECT_NE(gap("0.25em"), gap("0.5em"));
  EXPECT_NE(gap("0.25em"), gap("0"));
}

TEST_F(SheetOptions, MinLastLineAndIndentReachTheSetter) {
  // 31 Han: one Han alone on line 2 unless min-last-line pulls one down.
  const std::string md = han(31) + "\n";
  Printed one = print(md, sheet_with({"paragraph.min-last-line=1"}));
  Printed two = print(md, sheet_with({"paragraph.min-last-line=2"}));
  ASSERT_EQ(one.lines.size(), 2u);
  ASSERT_EQ(two.lines.size(), 2u);
  EXPECT_EQ(one.lines[1].text, han(31).substr(30 * 3));
  EXPECT_EQ(two.lines[1].text, han(31).substr(29 * 3));
  Printed indented = print(md, sheet_with({"body.indent=2em"}));
  ASSERT_FALSE(indented.lines.empty());
  EXPECT_NEAR(indented.lines[0].x0 - one.lines[0].x0, 2 * kSize, 0.01);
}

TEST_F(SheetOptions, EmphasisDotsUnderEachHanCentredEvenWhenStretched) {
  // A justified first line that must stretch (the ，that would start line 2 is
  // pushed out), with emphasis on four Han and a Latin word.
  const std::string md = "前面" + std::string("*着重号字 Bold*") + han(22) + "，" + han(10) + "\n";
  Printed bold = print(md, sheet_with({}));
  Printed dots = print(md, sheet_with({"emphasis.cjk=dots"}));
  EXPECT_TRUE(bold.rects.empty());
  ASSERT_EQ(dots.rects.size(), 4u);  // 着重号字: Han only, not the Latin word
  ASSERT_FALSE(dots.lines.empty());
  // Each dot is centred under the natural 1 em advance box of its character.
  const PrintedLine& first = dots.lines[0];
  EXPECT_TRUE(starts_with(first.text, "前面着重号字"));
  bool stretched = false;
  for (size_t i = 0; i < 4; ++i) {
    const char32_t want = std::u32string(U"着重号字")[i];
    auto g = std::find_if(first.glyphs.begin(), first.glyphs.end(),
                          [&](auto& x) { return x.cp == want; });
    ASSERT_NE(g, first.glyphs.end());
    const layout::Rect& r = dots.rects[i];
    EXPECT_NEAR(r.box.x + r.box.width / 2, g->x + kSize / 2, 0.01) << i;
    EXPECT_GT(r.box.y, first.y);  // below the baseline, above the next line
    EXPECT_LT(r.box.y + r.box.height, first.y + kSize * 0.5);
    stretched = stretched || g->advance > kSize + 0.01;
  }
  EXPECT_TRUE(stretched) << "the test line should stretch its Han gaps";
}

}  // namespace
}  // namespace moyin::typeset

namespace moyin::typeset {
namespace {

// emphasis.cjk: bold (the default) sets Han in *em* bold (Han has no
// italics, CJK-RULES §6); dots leaves it regular and adds the dots.
TEST_F(SheetOptions, HanEmphasisIsBoldByDefault) {
  auto run_of = [](const style::Sheet& sheet, std::string_view what) {
    doc::Diagnostics d;
    auto doc = source::parse("前面*着重*后面\n", "t.md", d);
    layout::Book book = typeset(*doc, sheet, *library(), d);
    for (const auto& page : book.pages)
      for (const auto& it : page.items)
        if (const auto* r = std::get_if<layout::GlyphRun>(&it);
            r && r->text.find(what) != std::string::npos)
          return std::make_pair(r->face, r->synthetic_bold);
    return std::make_pair(-2, false);
  };
  const auto plain = run_of(sheet_with({}), "前面");
  const auto bold = run_of(sheet_with({}), "着重");
  const auto dots = run_of(sheet_with({"emphasis.cjk=dots"}), "着重");
  ASSERT_NE(plain.first, -2);
  EXPECT_TRUE(bold != plain) << "emphasised Han should use a bold face or synthetic bold";
  EXPECT_EQ(dots, plain);
}

}  // namespace
}  // namespace moyin::typeset
