// typeset::number_blocks and Numerals: heading, figure and table numbers,
// Chinese numerals from ICU, and cross-reference texts (docs/numbering.md).
#include "typeset/numbering.h"

#include <gtest/gtest.h>

#include "math/math.h"
#include "source/source.h"

namespace moyin::typeset {
namespace {

using style::NumberFormat;

TEST(Numerals, ChineseFromIcuAndOtherFormats) {
  Numerals n;
  EXPECT_EQ(n.format(1, NumberFormat::Chinese), "一");
  EXPECT_EQ(n.format(10, NumberFormat::Chinese), "十");
  EXPECT_EQ(n.format(12, NumberFormat::Chinese), "十二");
  EXPECT_EQ(n.format(20, NumberFormat::Chinese), "二十");
  EXPECT_EQ(n.format(105, NumberFormat::Chinese), "一百零五");
  EXPECT_EQ(n.format(12, NumberFormat::ChineseFinancial), "拾贰");
  // One formatter switches between the two rule sets.
  EXPECT_EQ(n.format(12, NumberFormat::Chinese), "十二");
  EXPECT_EQ(n.format(2147483647, NumberFormat::Chinese), "二十一亿四千七百四十八万三千六百四十七");
  EXPECT_EQ(n.format(14, NumberFormat::RomanUpper), "XIV");
  EXPECT_EQ(n.format(4, NumberFormat::Roman), "iv");
  EXPECT_EQ(n.format(28, NumberFormat::Alpha), "ab");
  EXPECT_EQ(n.format(3, NumberFormat::AlphaUpper), "C");
  EXPECT_EQ(n.format(0, NumberFormat::Alpha), "0");  // no letter for zero
  EXPECT_EQ(n.format(42, NumberFormat::Arabic), "42");
}

doc::Document parse(const std::string& text, const std::string& path = "a.md") {
  doc::Diagnostics d;
  std::optional<doc::Document> doc = source::parse(text, path, d);
  EXPECT_TRUE(doc);
  return *doc;
}

style::Sheet sheet(std::vector<std::string> sets) {
  doc::Diagnostics d;
  style::Sheet s = style::resolve("article", sets, MOYIN_SOURCE_DIR "/styles", d);
  EXPECT_TRUE(d.items.empty()) << d.items.front().message;
  return s;
}

std::vector<std::string> numbers(const doc::Document& d) {
  std::vector<std::string> out;
  for (const doc::Block& b : d.blocks)
    if (!b.number_text.empty()) out.push_back(b.number_text);
  return out;
}

// The text of the n-th link of the paragraph at `block`.
std::string link_text(const doc::Document& d, size_t block, size_t n = 0) {
  for (const doc::Inline& in : d.blocks.at(block).inlines)
    if (in.kind == doc::InlineKind::Link && n-- == 0) return doc::plain_text(in.children);
  return "<no link>";
}

TEST(NumberBlocks, ChineseHierarchyWithUnnumberedHeadings) {
  std::vector<doc::Document> docs{parse(
      "# 前言 {-}\n\n# 总则\n\n## 目的\n\n### 范围\n\n### 定义\n\n## 原则\n\n# 分则\n\n### 跳级\n")};
  doc::Diagnostics d;
  number_blocks(
      docs, sheet({"numbering.h1={1:zh}、", "numbering.h2=（{2:zh}）", "numbering.h3={3}."}), d);
  EXPECT_EQ(numbers(docs[0]),
            (std::vector<std::string>{"一、", "（一）", "1.", "2.", "（二）", "二、", "1."}));
  EXPECT_EQ(docs[0].blocks[0].number_text, "");
  EXPECT_EQ(doc::heading_title(docs[0].blocks[1]), "一、总则");  // no space after 、
  EXPECT_EQ(doc::heading_title(docs[0].blocks[3]), "1. 范围");
}

TEST(NumberBlocks, BookCountsOnThroughChaptersAndFiguresRestartPerChapter) {
  std::vector<doc::Document> docs{
      parse("# 甲\n\n## 一节\n\n![图一](a.png)\n\n![](logo.png)\n\n![图二](b.png){#fig:b}\n"),
      parse("# 乙\n\n![图三](c.png)\n\n| a |\n|---|\n| 1 |\n\nTable: 表格 {#tbl:t}\n", "b.md")};
  doc::Diagnostics d;
  number_blocks(docs,
                sheet({"numbering.h1=第{1:zh}章", "numbering.h2={1}.{2}",
                       "numbering.figure=图 {1}-{n}", "numbering.table=表 {n}"}),
                d);
  EXPECT_TRUE(d.items.empty());
  // The logo has neither caption nor id: not a figure.
  EXPECT_EQ(numbers(docs[0]), (std::vector<std::string>{"第一章", "1.1", "图 1-1", "图 1-2"}));
  EXPECT_EQ(numbers(docs[1]), (std::vector<std::string>{"第二章", "图 2-1", "表 1"}));
}

TEST(NumberBlocks, EmptyLinksPrintTheirTargetsNumber) {
  std::vector<doc::Document> docs{
      parse(
          "# 甲 {#ch:a}\n\n## 方法 {#sec:m}\n\n![流程](a.png){#fig:flow}\n\n"
          "$$\nx = 1 \\label{one}\n$$\n\n"
          "见[](#fig:flow)、[](#ch:b)、[](b.md#sec:m)、[](#eq:one)、[](#eq-one)、[自己的字](#fig:flow)。\n"),
      parse("# 乙 {#ch:b}\n\n回到[](a.md#ch:a)，看[](#nowhere)。\n", "b.md")};
  doc::Diagnostics d;
  math::number_equations(docs, math::Numbering::Chapter, d);
  number_blocks(docs, sheet({"numbering.h2={1}.{2}", "numbering.figure=图 {1}-{n}"}), d);
  const size_t para = docs[0].blocks.size() - 1;
  EXPECT_EQ(link_text(docs[0], para, 0), "图 1-1");
  EXPECT_EQ(link_text(docs[0], para, 1), "乙");  // an unnumbered heading: its title
  EXPECT_EQ(link_text(docs[0], para, 2), "1.1 节");
  EXPECT_EQ(link_text(docs[0], para, 3), "(1.1)");
  EXPECT_EQ(link_text(docs[0], para, 4), "(1.1)");
  EXPECT_EQ(link_text(docs[0], para, 5), "自己的字");
  // #eq:one goes to the equation's anchor.
  size_t n = 0;
  for (const doc::Inline& in : docs[0].blocks[para].inlines)
    if (in.kind == doc::InlineKind::Link && n++ == 3) {
      EXPECT_EQ(in.url, "#eq-one");
    }
  EXPECT_EQ(link_text(docs[1], 1, 1), "??");
  ASSERT_EQ(d.items.size(), 1u);
  EXPECT_EQ(doc::format(d.items[0]),
            "b.md:3:26: warning: cross-reference: nothing has the id `nowhere`");
}

// numbering.equation numbers display formulas like figures ("({1}.{n})" is
// "{1}.{n}": the parentheses are always drawn); \tag keeps its text and does
// not count; \eqref links get the numbers after (math's Given mode).
TEST(NumberBlocks, EquationsFromATemplate) {
  std::vector<doc::Document> docs{
      parse("# 甲\n\n$$\na \\label{a}\n$$\n\n$$\nb \\tag{T}\n$$\n\n$$\nc \\label{c}\n$$\n\n"
            "见 \\eqref{c} 与[](#eq:a)。\n"),
      parse("# 乙\n\n$$\nd\n$$\n", "b.md")};
  doc::Diagnostics d;
  number_blocks(docs, sheet({"numbering.h1={1}", "numbering.equation=({1}.{n})"}), d);
  math::number_equations(docs, math::Numbering::Given, d);
  EXPECT_TRUE(d.items.empty());
  std::vector<std::string> eq;
  for (const doc::Document& doc : docs)
    for (const doc::Block& b : doc.blocks)
      if (b.kind == doc::BlockKind::Math) eq.push_back(b.equation);
  EXPECT_EQ(eq, (std::vector<std::string>{"1.1", "T", "1.2", "2.1"}));
  const doc::Block& para = docs[0].blocks.back();
  std::string refs;
  for (const doc::Inline& in : para.inlines)
    if (in.kind == doc::InlineKind::Link) refs += doc::plain_text(in.children) + "|";
  EXPECT_EQ(refs, "(1.2)|(1.1)|");
}

TEST(NumberBlocks, MathNumberingIsTheOldSpellingWithAWarning) {
  doc::Diagnostics d;
  style::Sheet s =
      style::resolve("article", {"math.numbering=chapter"}, MOYIN_SOURCE_DIR "/styles", d);
  EXPECT_EQ(s.numbering.equation, "{1}.{n}");
  ASSERT_EQ(d.items.size(), 1u);
  EXPECT_NE(d.items[0].message.find("`math.numbering` is deprecated"), std::string::npos);
  doc::Diagnostics bad;
  style::resolve("article", {"math.numbering=sometimes"}, MOYIN_SOURCE_DIR "/styles", bad);
  ASSERT_EQ(bad.items.size(), 1u);
  EXPECT_NE(bad.items[0].message.find("expected one of none, all, chapter"), std::string::npos);
}

// An automatic id (from the caption) reaches the figure, and does not make
// an image a figure when the sheet prints no captions.
TEST(NumberBlocks, AutomaticIdsAreTargetsButNotFigures) {
  std::vector<doc::Document> docs{
      parse("![流程](a.png)\n\n见[](#fig-流程)与[那张图](#fig-流程)。\n")};
  doc::Diagnostics d;
  number_blocks(docs, sheet({"numbering.figure=图 {n}"}), d);
  EXPECT_EQ(docs[0].blocks[0].number_text, "图 1");
  EXPECT_EQ(link_text(docs[0], 1, 0), "图 1");
  std::vector<doc::Document> plain{parse("![流程](a.png)\n\n见[那张图](#fig-流程)。\n")};
  number_blocks(plain, sheet({"numbering.figure=图 {n}", "figure.caption=none"}), d);
  EXPECT_EQ(plain[0].blocks[0].number_text, "");
  EXPECT_TRUE(d.items.empty());
}

TEST(NumberBlocks, ChapterReferencesInBothLanguages) {
  std::vector<doc::Document> docs{parse("# A {#a}\n\n[](#a)\n"),
                                  parse("---\nlang: en\n---\n# B {#b}\n\n[](#b)\n", "b.md")};
  doc::Diagnostics d;
  number_blocks(docs, sheet({"numbering.h1={1}"}), d);
  EXPECT_EQ(link_text(docs[0], 1), "第 1 章");
  EXPECT_EQ(link_text(docs[1], 1), "Chapter 2");
}

}  // namespace
}  // namespace moyin::typeset
