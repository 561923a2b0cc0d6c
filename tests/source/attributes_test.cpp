// Pandoc attributes that name and number things: `{#id}` / `{-}` after
// headings, `{#id}` after images, `Table:` captions (docs/numbering.md).
#include <gtest/gtest.h>

#include "source/helpers.h"

namespace moyin {
namespace {

using test::parse;

TEST(HeadingAttributes, IdAndUnnumberedAreTakenOutOfTheTitle) {
  auto p = parse("# 绪论 {#ch:intro}\n\n## 前言 {-}\n\n## 背景 {.unnumbered #bg}\n\n## 普通\n");
  const auto& b = p->blocks;
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(doc::plain_text(b[0].inlines), "绪论");
  EXPECT_EQ(b[0].id, "ch:intro");
  EXPECT_FALSE(b[0].unnumbered);
  EXPECT_EQ(doc::plain_text(b[1].inlines), "前言");
  EXPECT_TRUE(b[1].unnumbered);
  EXPECT_EQ(b[1].id, "前言");  // no id given: the slug
  EXPECT_EQ(b[2].id, "bg");
  EXPECT_TRUE(b[2].unnumbered);
  EXPECT_FALSE(b[3].unnumbered);
}

TEST(HeadingAttributes, BracesThatAreNotAttributesStay) {
  auto p = parse("# 集合 {a, b}\n\n# f(x) {x}\n");
  EXPECT_EQ(doc::plain_text(p->blocks[0].inlines), "集合 {a, b}");
  EXPECT_EQ(doc::plain_text(p->blocks[1].inlines), "f(x) {x}");
  EXPECT_TRUE(test::warnings(p).empty());
}

TEST(HeadingAttributes, RepeatedIdWarnsAtTheHeading) {
  auto p = parse("# 甲 {#x}\n\n# 乙 {#x}\n");
  EXPECT_EQ(p->blocks[0].id, "x");
  EXPECT_NE(p->blocks[1].id, "x");
  auto w = test::warnings(p);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0]->pos.line, 3);
  EXPECT_NE(w[0]->message.find("`x`"), std::string::npos);
}

TEST(ImageAttributes, IdNamesTheFigure) {
  auto p = parse("![流程](a.png){#fig:flow width=50%}\n\n<img src=\"b.png\" id=\"fig:b\">\n");
  ASSERT_EQ(p->blocks.size(), 2u);
  EXPECT_EQ(p->blocks[0].kind, doc::BlockKind::Image);
  EXPECT_EQ(p->blocks[0].id, "fig:flow");
  EXPECT_EQ(p->blocks[0].inlines[0].width, "50%");
  EXPECT_EQ(p->blocks[1].id, "fig:b");
}

TEST(TableCaptions, AfterOrBeforeTheTable) {
  auto p = parse(
      "| a | b |\n|---|---|\n| 1 | 2 |\n\nTable: 结果 {#tbl:r}\n\n"
      "正文。\n\n: 之前的说明\n\n| c |\n|---|\n| 3 |\n\n正文。\n");
  const auto& b = p->blocks;
  ASSERT_EQ(b.size(), 4u);  // both captions became part of their tables
  EXPECT_EQ(b[0].kind, doc::BlockKind::Table);
  EXPECT_EQ(b[0].title, "结果");
  EXPECT_EQ(b[0].id, "tbl:r");
  EXPECT_EQ(b[2].kind, doc::BlockKind::Table);
  EXPECT_EQ(b[2].title, "之前的说明");
  EXPECT_EQ(b[2].id, "tbl-之前的说明");  // from the caption (docs/numbering.md)
  EXPECT_TRUE(b[2].auto_id);
  EXPECT_FALSE(b[0].auto_id);
}

// Figures and tables without {#id} get "fig-"/"tbl-" + the caption's slug,
// unique in the document, never one that a block names later.
TEST(CaptionIds, FiguresAndTablesWithoutAnIdGetOneFromTheCaption) {
  auto p = parse(
      "![墨印的处理流程](a.png)\n\n![Stage Timings!](b.png)\n\n![墨印的处理流程](c.png)\n\n"
      "![](d.png)\n\n![x](e.png){#fig-x}\n\n<img src=\"f.png\" alt=\"\">\n\n"
      "| a |\n|---|\n| 1 |\n\nTable: Stage Timings\n\n"
      "- ![in a list](g.png)\n");
  const auto& b = p->blocks;
  ASSERT_GE(b.size(), 8u);
  EXPECT_EQ(b[0].id, "fig-墨印的处理流程");
  EXPECT_TRUE(b[0].auto_id);
  EXPECT_EQ(b[1].id, "fig-stage-timings");
  EXPECT_EQ(b[2].id, "fig-墨印的处理流程-1");
  EXPECT_EQ(b[3].id, "");  // no caption: no id
  EXPECT_EQ(b[4].id, "fig-x");
  EXPECT_FALSE(b[4].auto_id);
  EXPECT_EQ(b[6].kind, doc::BlockKind::Table);
  EXPECT_EQ(b[6].id, "tbl-stage-timings");
  EXPECT_EQ(b[7].children.at(0).children.at(0).id, "fig-in-a-list");
  EXPECT_TRUE(test::warnings(p).empty());
}

TEST(CaptionIds, AWrittenIdLaterInTheDocumentIsNotTaken) {
  auto p = parse("![x](a.png)\n\n![y](b.png){#fig-x}\n");
  EXPECT_EQ(p->blocks[0].id, "fig-x-1");
  EXPECT_EQ(p->blocks[1].id, "fig-x");
}

TEST(TableCaptions, AParagraphAwayFromATableIsText) {
  auto p = parse("Table: 不是说明\n\n正文。\n");
  ASSERT_EQ(p->blocks.size(), 2u);
  EXPECT_EQ(p->blocks[0].kind, doc::BlockKind::Paragraph);
}

}  // namespace
}  // namespace moyin
