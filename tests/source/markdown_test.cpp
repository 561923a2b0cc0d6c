#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "base/utf8.h"

#include "source/helpers.h"

namespace moyin {
namespace {

using doc::BlockKind;
using doc::InlineKind;
using test::first_para;
using test::parse;
using test::sketch;

std::string para(std::string_view md) { return sketch(first_para(*parse(md).doc)); }

// --- Chinese fixes -----------------------------------------------------------

TEST(CjkEmphasis, StrongEndingInPunctuationBeforeHan) {
  EXPECT_EQ(para("**真，**她说。\n"), "**真，**她说。");
}

TEST(CjkEmphasis, StrongAroundBookTitleBeforeHan) {
  EXPECT_EQ(para("读了**《书名》**后很感动。\n"), "读了**《书名》**后很感动。");
}

TEST(CjkEmphasis, OpenerAfterHanBeforeQuote) {
  EXPECT_EQ(para("她说**“你好”**。\n"), "她说**“你好”**。");
}

TEST(CjkEmphasis, SeveralInOneParagraph) {
  EXPECT_EQ(para("**真，**她说**好**，**《书》**后。\n"), "**真，**她说**好**，**《书》**后。");
}

TEST(CjkEmphasis, SingleStarAndUnderscore) {
  EXPECT_EQ(para("这是*重点，*对吗\n"), "这是*重点，*对吗");
  EXPECT_EQ(para("这是__《书》__后\n"), "这是**《书》**后");
}

TEST(CjkEmphasis, LatinBehaviourUnchanged) {
  EXPECT_EQ(para("a ** b and c * d\n"), "a ** b and c * d");
  EXPECT_EQ(para("2**3 equals 8\n"), "2**3 equals 8");
  EXPECT_EQ(para("`2**3` 是代码\n"), "`2**3` 是代码");
  EXPECT_EQ(para("snake_case_name\n"), "snake_case_name");
  EXPECT_EQ(para("**bold** and *em*\n"), "**bold** and *em*");
  EXPECT_EQ(para("中文 ** 星号\n"), "中文 ** 星号");
}

TEST(CjkEmphasis, EscapedDelimitersStayLiteral) {
  EXPECT_EQ(para("\\*\\*真，\\*\\*她\n"), "**真，**她");
  EXPECT_EQ(para("\\**真，**她\n"),
            "*"
            "*真，**她");
}

TEST(CjkEmphasis, CodeAndUrlsUntouched) {
  auto p = parse("```\n**真，**她\n```\n\n`**《书》**后` [x](http://a.b/，**c)\n");
  ASSERT_EQ(p->blocks[0].kind, BlockKind::Code);
  EXPECT_EQ(p->blocks[0].text, "**真，**她\n");
  EXPECT_EQ(sketch(p->blocks[1].inlines), "`**《书》**后` [x](http://a.b/，**c)");
}

TEST(CjkEmphasis, PositionsAfterTheFixAreSourceColumns) {
  // "**真，**" is 2+3+3+2 = 10 bytes; 她 starts at column 11.
  auto p = parse("**真，**她说**好**\n");
  const auto& in = first_para(*p);
  ASSERT_EQ(in.size(), 3u);
  EXPECT_EQ(in[0].pos, (doc::Position{1, 1}));
  EXPECT_EQ(in[1].kind, InlineKind::Text);
  EXPECT_EQ(in[1].pos, (doc::Position{1, 11}));
  EXPECT_EQ(in[2].pos, (doc::Position{1, 17}));
}

TEST(CjkEmphasis, PositionsOnLaterLinesAndSecondParagraph) {
  // The sentinels are inserted while the text between delimiter runs is
  // copied a run at a time: columns on every line stay source columns.
  auto p = parse("plain line\n前**真，**她\n\n第二段**《书》**好 *x*\n");
  ASSERT_EQ(p->blocks.size(), 2u);
  const auto& first = p->blocks[0].inlines;
  ASSERT_EQ(first.size(), 5u);  // text, soft break, text, strong, text
  EXPECT_EQ(first[2].pos, (doc::Position{2, 1}));
  EXPECT_EQ(first[3].kind, InlineKind::Strong);
  EXPECT_EQ(first[3].pos, (doc::Position{2, 4}));
  EXPECT_EQ(first[4].pos, (doc::Position{2, 14}));
  const auto& second = p->blocks[1].inlines;
  ASSERT_EQ(second.size(), 4u);  // text, strong, text, emphasis
  EXPECT_EQ(second[1].kind, InlineKind::Strong);
  EXPECT_EQ(second[1].pos, (doc::Position{4, 10}));
  EXPECT_EQ(second[2].pos, (doc::Position{4, 23}));
  EXPECT_EQ(second[3].kind, InlineKind::Emphasis);
  EXPECT_EQ(second[3].pos, (doc::Position{4, 27}));
}

TEST(CjkAutolink, StopsBeforeFullwidthPunctuation) {
  auto p = parse("见https://x.com。后文\n");
  const auto& in = first_para(*p);
  ASSERT_EQ(in.size(), 3u);
  EXPECT_EQ(in[0].text, "见");
  EXPECT_EQ(in[1].kind, InlineKind::Link);
  EXPECT_TRUE(in[1].autolink);
  EXPECT_EQ(in[1].url, "https://x.com");
  EXPECT_EQ(sketch(in[1].children), "https://x.com");
  EXPECT_EQ(in[2].text, "。后文");
  EXPECT_EQ(in[2].pos, (doc::Position{1, 17}));
}

TEST(CjkAutolink, CommaAndWwwForms) {
  EXPECT_EQ(para("访问https://a.org/x?q=1，然后\n"),
            "访问[https://a.org/x?q=1](https://a.org/x?q=1)，然后");
  EXPECT_EQ(para("参考 www.example.org，好\n"),
            "参考 [www.example.org](http://www.example.org)，好");
  EXPECT_EQ(para("see https://x.com/path.\n"), "see [https://x.com/path](https://x.com/path).");
}

TEST(CjkAutolink, AngleAutolinkKeptAndMarked) {
  auto p = parse("地址 <https://x.com/a> 。\n");
  const auto& in = first_para(*p);
  ASSERT_EQ(in.size(), 3u);
  EXPECT_TRUE(in[1].autolink);
  EXPECT_EQ(in[1].url, "https://x.com/a");
  auto q = parse("[https://x.com](https://x.com)\n");
  EXPECT_FALSE(first_para(*q)[0].autolink);
}

TEST(CjkSoftBreak, RemovedBetweenHanKeptElsewhere) {
  EXPECT_EQ(para("第一行\n第二行\n"), "第一行第二行");
  EXPECT_EQ(para("句号。\n下一句\n"), "句号。下一句");
  EXPECT_EQ(para("中文\nLatin\n"), "中文⏎Latin");
  EXPECT_EQ(para("Latin\n中文\n"), "Latin⏎中文");
  EXPECT_EQ(para("one\ntwo\n"), "one⏎two");
  EXPECT_EQ(para("“quoted”\n“again”\n"), "“quoted”⏎“again”");
  EXPECT_EQ(para("**强调**\n继续\n"), "**强调**继续");
  EXPECT_EQ(para("硬换行  \n下一行\n"), "硬换行↵下一行");
}

// --- Blocks and inlines ------------------------------------------------------

TEST(Markdown, HeadingsWithIds) {
  auto p = parse("# 概述\n\n## 2.1 数据准备（Data）\n\n## 概述\n\n### !!!\n\n# Hello, World!\n");
  ASSERT_EQ(p->blocks.size(), 5u);
  EXPECT_EQ(p->blocks[0].level, 1);
  EXPECT_EQ(p->blocks[0].id, "概述");
  EXPECT_EQ(p->blocks[1].id, "21-数据准备data");
  EXPECT_EQ(p->blocks[2].id, "概述-1");
  EXPECT_EQ(p->blocks[3].id, "section");
  EXPECT_EQ(p->blocks[3].level, 3);
  EXPECT_EQ(p->blocks[4].id, "hello-world");
}

TEST(Markdown, Lists) {
  auto p = parse("3. 三\n4. 四\n   - 子项\n\n   - 松散\n\n- [x] 完成\n- [ ] 未完成\n");
  ASSERT_EQ(p->blocks.size(), 2u);
  const doc::Block& ol = p->blocks[0];
  EXPECT_EQ(ol.kind, BlockKind::List);
  EXPECT_TRUE(ol.ordered);
  EXPECT_EQ(ol.start, 3);
  ASSERT_EQ(ol.children.size(), 2u);
  const doc::Block& nested = ol.children[1].children[1];
  EXPECT_EQ(nested.kind, BlockKind::List);
  EXPECT_FALSE(nested.ordered);
  EXPECT_FALSE(nested.tight);
  const doc::Block& tasks = p->blocks[1];
  ASSERT_EQ(tasks.children.size(), 2u);
  EXPECT_EQ(tasks.children[0].task, doc::TaskState::Checked);
  EXPECT_EQ(tasks.children[1].task, doc::TaskState::Unchecked);
  EXPECT_EQ(sketch(tasks.children[0].children[0].inlines), "完成");
  EXPECT_EQ(ol.children[0].task, doc::TaskState::None);
}

TEST(Markdown, QuotesCodeRuleHtml) {
  auto p =
      parse("> 引用\n> > 嵌套\n\n```python title=x\nprint(1)\n```\n\n---\n\n<div>\nraw\n</div>\n");
  ASSERT_EQ(p->blocks.size(), 4u);
  EXPECT_EQ(p->blocks[0].kind, BlockKind::Quote);
  EXPECT_EQ(p->blocks[0].children[1].kind, BlockKind::Quote);
  EXPECT_EQ(p->blocks[1].kind, BlockKind::Code);
  EXPECT_EQ(p->blocks[1].info, "python");
  EXPECT_EQ(p->blocks[1].text, "print(1)\n");
  EXPECT_EQ(p->blocks[2].kind, BlockKind::Rule);
  EXPECT_EQ(p->blocks[3].kind, BlockKind::RawHtml);
  EXPECT_EQ(p->blocks[3].text, "<div>\nraw\n</div>\n");
}

TEST(Markdown, Table) {
  auto p = parse("| 左 | 中 | 右 | 无 |\n|:--|:-:|--:|---|\n| **a** | `b` | c | d |\n| e |\n");
  ASSERT_EQ(p->blocks.size(), 1u);
  const doc::Block& t = p->blocks[0];
  ASSERT_EQ(t.kind, BlockKind::Table);
  EXPECT_EQ(t.aligns, (std::vector<doc::Align>{doc::Align::Left, doc::Align::Center,
                                               doc::Align::Right, doc::Align::None}));
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_TRUE(t.rows[0].header);
  EXPECT_FALSE(t.rows[1].header);
  ASSERT_EQ(t.rows[1].cells.size(), 4u);
  EXPECT_EQ(sketch(t.rows[0].cells[0].inlines), "左");
  EXPECT_EQ(sketch(t.rows[1].cells[0].inlines), "**a**");
  EXPECT_EQ(sketch(t.rows[1].cells[1].inlines), "`b`");
  EXPECT_EQ(t.rows[1].cells[2].pos.line, 3);
}

TEST(Markdown, ImageParagraphBecomesImageBlock) {
  auto p = parse("![图 1：架构](images/a.png \"标题\")\n\n文字 ![内联](b.png)\n");
  ASSERT_EQ(p->blocks.size(), 2u);
  EXPECT_EQ(p->blocks[0].kind, BlockKind::Image);
  ASSERT_EQ(p->blocks[0].inlines.size(), 1u);
  EXPECT_EQ(p->blocks[0].inlines[0].url, "images/a.png");
  EXPECT_EQ(p->blocks[0].inlines[0].title, "标题");
  EXPECT_EQ(doc::plain_text(p->blocks[0].inlines[0].children), "图 1：架构");
  EXPECT_EQ(p->blocks[1].kind, BlockKind::Paragraph);
}

TEST(Markdown, Footnotes) {
  auto p = parse("甲[^b]乙[^a]丙[^b]。\n\n[^a]: 注释 A\n[^b]: 注释 B\n[^unused]: 无人引用\n");
  const auto& in = first_para(*p);
  std::vector<std::pair<std::string, int>> refs;
  for (const auto& i : in) {
    if (i.kind == InlineKind::FootnoteRef) refs.emplace_back(i.label, i.number);
  }
  EXPECT_EQ(refs, (std::vector<std::pair<std::string, int>>{{"b", 1}, {"a", 2}, {"b", 1}}));
  ASSERT_EQ(p->footnotes.size(), 2u);
  EXPECT_EQ(p->footnotes[0].label, "b");
  EXPECT_EQ(p->footnotes[0].number, 1);
  EXPECT_EQ(p->footnotes[0].id, "fn-b");
  EXPECT_EQ(p->footnotes[0].kind, BlockKind::FootnoteDef);
  EXPECT_EQ(sketch(p->footnotes[0].children[0].inlines), "注释 B");
  EXPECT_EQ(p->footnotes[1].label, "a");
  EXPECT_EQ(p->footnotes[1].number, 2);
  EXPECT_EQ(p->footnotes[1].pos, (doc::Position{3, 1}));
  for (const auto& b : p->blocks) EXPECT_NE(b.kind, BlockKind::FootnoteDef);
}

// cmark-gfm cuts the text of an unmatched footnote reference whose label
// spans a line inside a character (found by fuzz_source): the document's
// text stays valid UTF-8, the cut character a U+FFFD.
TEST(Markdown, UnmatchedFootnoteLabelOverALineStaysValidUtf8) {
  auto p = parse("a [^x\n<b>粗体</b>] b\n");
  std::string text;
  for (const auto& in : first_para(*p)) text += in.text;
  std::string repaired = text;
  EXPECT_FALSE(base::repair_utf8(repaired)) << "already valid: " << text;
  EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos) << text;
}

TEST(Markdown, InlineKinds) {
  EXPECT_EQ(para("*em* **strong** ~~del~~ `code` [l](u \"t\") <kbd>K</kbd>\n"),
            "*em* **strong** ~del~ `code` [l](u) [[K]]");
  EXPECT_EQ(para("&lt;0.3 % &amp; &copy; &#x4E2D;\n"), "<0.3 % & © 中");
  auto p = parse("[l](u \"t\")\n");
  EXPECT_EQ(first_para(*p)[0].title, "t");
}

TEST(Markdown, LessThanFollowedByDigitIsText) {
  auto p = parse("精度损失<0.3 %，好\n");
  const auto& in = first_para(*p);
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].kind, InlineKind::Text);
  EXPECT_EQ(in[0].text, "精度损失<0.3 %，好");
}

TEST(Markdown, Positions) {
  auto p = parse("# 标题\n\n段落 *强调* 文字\n第二行 `代码`\n\n- 项\n  - 子项\n\n> 引用\n");
  ASSERT_EQ(p->blocks.size(), 4u);
  EXPECT_EQ(p->blocks[0].pos, (doc::Position{1, 1}));
  EXPECT_EQ(p->blocks[0].inlines[0].pos, (doc::Position{1, 3}));
  const auto& in = p->blocks[1].inlines;
  EXPECT_EQ(p->blocks[1].pos, (doc::Position{3, 1}));
  ASSERT_EQ(in.size(), 4u);  // the soft break between 字 and 第 is gone
  EXPECT_EQ(in[1].kind, InlineKind::Emphasis);
  EXPECT_EQ(in[1].pos, (doc::Position{3, 8}));
  EXPECT_EQ(in.back().kind, InlineKind::Code);
  EXPECT_EQ(in.back().pos, (doc::Position{4, 12}));  // cmark: first byte inside the backticks
  EXPECT_EQ(p->blocks[2].children[0].children[1].pos, (doc::Position{7, 3}));
  EXPECT_EQ(p->blocks[3].children[0].pos, (doc::Position{9, 3}));
}

TEST(Markdown, EveryNodeHasAPosition) {
  auto p =
      parse("见https://x.com。和 www.a.org，\n中文\nLatin\n\n| a |\n|---|\n| https://b.c。 |\n");
  int missing = 0;
  test::walk_all_inlines(*p, [&](const doc::Inline& i) { missing += i.pos.line == 0; });
  test::walk_blocks(p->blocks, [&](const doc::Block& b) { missing += b.pos.line == 0; });
  EXPECT_EQ(missing, 0);
}

}  // namespace
}  // namespace moyin

namespace moyin {
namespace {

TEST(CjkAutolink, SeveralUrlsInOneRunOfChinese) {
  auto p = test::parse("见https://a.com/x。参见https://b.org，以及http://c.net/y?z=1。完\n");
  EXPECT_EQ(test::sketch(test::first_para(*p)),
            "见[https://a.com/x](https://a.com/x)。参见[https://b.org](https://b.org)，以及"
            "[http://c.net/y?z=1](http://c.net/y?z=1)。完");
  int links = 0;
  for (const auto& in : test::first_para(*p)) {
    if (in.kind != doc::InlineKind::Link) continue;
    ++links;
    EXPECT_TRUE(in.autolink);
  }
  EXPECT_EQ(links, 3);
  // 见 = 3 bytes, https://a.com/x = 15, 。参见 = 9: the second URL starts at column 28.
  EXPECT_EQ(test::first_para(*p)[3].pos, (doc::Position{1, 28}));
  EXPECT_EQ(test::sketch(test::first_para(*test::parse("见https://a.com。http://。完\n"))),
            "见[https://a.com](https://a.com)。http://。完");
}

// cmark-gfm 0.29 keeps the characters that start an extension's inline
// syntax (`w` and `:` for autolinks, `~` for strikethrough) in one table for
// the whole process, adds them when a parser starts its inlines and clears
// them when it ends (a table row's cells too): a document parsed while
// another finished lost its autolinks and strikethrough now and then (a
// batch's EPUB differed between two runs). Two threads parse at once here.
TEST(GfmExtensions, HoldWhileAnotherThreadParses) {
  const std::string md =
      "参考 www.example.org 与 ~~旧~~ 和 https://a.cn 。\n\n| x |\n|---|\n| y |\n";
  const std::string want =
      "参考 [www.example.org](http://www.example.org) 与 ~旧~ 和 [https://a.cn](https://a.cn) 。";
  std::atomic<int> wrong = 0;
  auto parse_many = [&] {
    for (int i = 0; i < 3000; ++i)
      if (para(md) != want) ++wrong;
  };
  std::thread other(parse_many);
  parse_many();
  other.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace moyin
