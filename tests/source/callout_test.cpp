// Callouts and tabs (GitHub alerts, ::: containers, MkDocs admonitions and
// content tabs) as doc Callout blocks with right positions; inline HTML
// paired into structure; ruby in both syntaxes.
#include <gtest/gtest.h>

#include <functional>

#include "source/helpers.h"

namespace moyin::test {
namespace {

std::vector<const doc::Block*> callouts(const doc::Document& d) {
  std::vector<const doc::Block*> out;
  walk_blocks(d.blocks, [&](const doc::Block& b) {
    if (b.kind == doc::BlockKind::Callout) out.push_back(&b);
  });
  return out;
}

std::string text_of(const doc::Block& b) {
  std::string out;
  walk_blocks(b.children, [&](const doc::Block& c) {
    if (!out.empty() && !c.inlines.empty()) out += "|";
    out += sketch(c.inlines);
  });
  return out;
}

TEST(Callout, GitHubAlerts) {
  Parsed p = parse(
      "> [!NOTE]\n> 第一段。\n>\n> 第二段。\n\n> [!warning] 小心\n> 正文\n\n> [!NOTE] 还有文字 in line\n");
  auto c = callouts(*p);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0]->info, "note");
  EXPECT_EQ(c[0]->title, "");
  EXPECT_EQ(c[0]->pos, (doc::Position{1, 1}));
  EXPECT_EQ(text_of(*c[0]), "第一段。|第二段。");
  EXPECT_EQ(c[1]->info, "warning");
  EXPECT_EQ(c[1]->title, "小心");
  EXPECT_EQ(text_of(*c[1]), "正文");
  EXPECT_EQ(doc::callout_title(*c[0], "zh-CN"), "注意");
  EXPECT_EQ(doc::callout_title(*c[0], "en"), "Note");
  // A marker line with more than a plain title, or a quote that merely starts with a bracket, stays
  // a quote.
  Parsed q = parse("> [!NOTE] 后面还有 **强调**\n");
  EXPECT_TRUE(callouts(*q).empty());
  Parsed plain = parse("> [链接](x) 开头\n");
  EXPECT_TRUE(callouts(*plain).empty());
}

TEST(Callout, ColonContainers) {
  Parsed p = parse("前文\n\n::: tip 安装之前\n先确认 *版本*。\n\n第二段\n:::\n\n后文\n");
  auto c = callouts(*p);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0]->info, "tip");
  EXPECT_EQ(c[0]->title, "安装之前");
  EXPECT_EQ(c[0]->pos, (doc::Position{3, 1}));
  EXPECT_EQ(text_of(*c[0]), "先确认 *版本*。|第二段");
  ASSERT_EQ(p->blocks.size(), 3u);
  EXPECT_EQ(sketch(p->blocks[2].inlines), "后文");
  // Without blank lines around it, and Pandoc's class syntax.
  Parsed q = parse("a\n::: warning\nb\n:::\nc\n\n::: {.danger} 注意\nd\n:::\n");
  auto d = callouts(*q);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(text_of(*d[0]), "b");
  EXPECT_EQ(d[1]->info, "danger");
  EXPECT_EQ(d[1]->title, "注意");
  EXPECT_EQ(doc::callout_family("danger"), "caution");
}

TEST(Callout, UnclosedContainerWarns) {
  Parsed p = parse("::: note\n内容\n");
  ASSERT_EQ(callouts(*p).size(), 1u);
  auto w = warnings(p);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0]->pos, (doc::Position{1, 1}));
  EXPECT_NE(w[0]->message.find("not closed"), std::string::npos);
}

TEST(Callout, MkDocsAdmonitionsNestAndKeepColumns) {
  Parsed p = parse(
      "!!! note \"关于 排版\"\n    正文 **粗**。\n\n    ??? warning\n        里层\n\n    外层第二段\n\n之后\n");
  auto c = callouts(*p);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0]->title, "关于 排版");
  EXPECT_EQ(c[1]->info, "warning");
  EXPECT_EQ(c[1]->pos, (doc::Position{4, 5}));
  ASSERT_EQ(c[0]->children.size(), 3u);
  EXPECT_EQ(sketch(c[0]->children[0].inlines), "正文 **粗**。");
  // Columns refer to the file, indentation included.
  EXPECT_EQ(c[0]->children[0].pos, (doc::Position{2, 5}));
  EXPECT_EQ(c[0]->children[0].inlines[0].pos, (doc::Position{2, 5}));
  EXPECT_EQ(text_of(*c[1]), "里层");
  EXPECT_EQ(c[1]->children[0].pos, (doc::Position{5, 9}));
  EXPECT_EQ(sketch(c[0]->children[2].inlines), "外层第二段");
  ASSERT_EQ(p->blocks.size(), 2u);
  EXPECT_EQ(sketch(p->blocks[1].inlines), "之后");
  Parsed empty = parse("!!! tip \"\"\n    无标题\n");
  ASSERT_EQ(callouts(*empty).size(), 1u);
  EXPECT_TRUE(callouts(*empty)[0]->untitled);
  EXPECT_EQ(doc::callout_title(*callouts(*empty)[0], "zh-CN"), "");
  // `???` folds on the web (`???+` open): kept for the EPUB's <details>.
  EXPECT_EQ(c[0]->fold, doc::Fold::None);
  EXPECT_EQ(c[1]->fold, doc::Fold::Closed);
  Parsed open = parse("???+ tip \"展开\"\n    正文\n");
  ASSERT_EQ(callouts(*open).size(), 1u);
  EXPECT_EQ(callouts(*open)[0]->fold, doc::Fold::Open);
  EXPECT_EQ(callouts(*open)[0]->title, "展开");
}

TEST(Callout, ContentTabsAndFences) {
  Parsed p = parse(
      "=== \"Python\"\n\n    ```python\n    !!! not an admonition\n    ```\n\n=== \"C++\"\n    text\n");
  auto c = callouts(*p);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0]->info, "tab");
  EXPECT_EQ(c[0]->title, "Python");
  ASSERT_EQ(c[0]->children.size(), 1u);
  EXPECT_EQ(c[0]->children[0].kind, doc::BlockKind::Code);
  EXPECT_EQ(c[0]->children[0].text, "!!! not an admonition\n");
  EXPECT_EQ(c[1]->title, "C++");
  // Inside a fence nothing is a container.
  Parsed f = parse("```\n::: tip\n!!! note\n```\n");
  EXPECT_TRUE(callouts(*f).empty());
}

TEST(Callout, MathInsideAnAdmonitionKeepsItsColumn) {
  Parsed p = parse("!!! note\n    公式 $x^2$ 在此\n");
  auto c = callouts(*p);
  ASSERT_EQ(c.size(), 1u);
  const auto& inl = c[0]->children.at(0).inlines;
  ASSERT_GE(inl.size(), 2u);
  EXPECT_EQ(inl[1].kind, doc::InlineKind::Math);
  EXPECT_EQ(inl[1].pos, (doc::Position{2, 12}));
}

TEST(InlineHtml, PairedIntoStructure) {
  Parsed p = parse(
      "H<sub>2</sub>O, mc<sup>2</sup>, <b>b</b> <i>i</i> <u>u</u> <s>s</s> <mark>m</mark> "
      "<kbd>Ctrl</kbd> <span style=\"color: #c00\">red</span> <em>x<br>y</em>");
  EXPECT_EQ(sketch(first_para(*p)),
            "H_(2)O, mc^(2), **b** *i* <u>u</u> ~s~ ==m== [[Ctrl]] {#c00:red} *x↵y*");
}

TEST(InlineHtml, ScriptsAndCommentsAreNotText) {
  Parsed p = parse("a<script>alert(\"x\")</script>b<!-- note -->c <abbr title=\"t\">AI</abbr>");
  const auto& inl = first_para(*p);
  EXPECT_EQ(sketch(inl), "a<script>alert(\"x\")</script>bc <abbr title=\"t\">AI</abbr>");
  ASSERT_GE(inl.size(), 2u);
  EXPECT_EQ(inl[1].kind, doc::InlineKind::RawHtml);  // the whole element, one raw inline
  // Unmatched and unknown tags stay raw; unclosed ones end with the paragraph.
  EXPECT_EQ(sketch(first_para(*parse("x</sup> <sup>y"))), "x</sup> ^(y)");
}

TEST(InlineHtml, Ruby) {
  EXPECT_EQ(sketch(first_para(*parse("<ruby>汉字<rt>hàn zì</rt></ruby>"))), "{汉字|hàn zì}");
  EXPECT_EQ(
      sketch(first_para(*parse("<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp>字<rt>ji</rt></ruby>"))),
      "{漢|kan}{字|ji}");
  EXPECT_EQ(sketch(first_para(*parse("注音 {拼音|pīn yīn} 与 {a|b}"))),
            "注音 {拼音|pīn yīn} 与 {a|b}");
  Parsed p = parse("注音 {拼音|pīn yīn}");
  const auto& inl = first_para(*p);
  ASSERT_EQ(inl.size(), 2u);
  EXPECT_EQ(inl[1].kind, doc::InlineKind::Ruby);
  EXPECT_EQ(inl[1].text, "pīn yīn");
  EXPECT_EQ(inl[1].pos, (doc::Position{1, 8}));
  EXPECT_EQ(sketch(first_para(*parse("`{代码|code}`"))), "`{代码|code}`");
}

// The shorthand reads text only: never code spans, math, link text (a URL or
// a wiki target is no ruby), or template syntax.
TEST(InlineHtml, RubyShorthandFalsePositives) {
  const std::function<int(const std::vector<doc::Inline>&)> rubies =
      [&](const std::vector<doc::Inline>& v) {
        int n = 0;
        for (const doc::Inline& in : v)
          n += (in.kind == doc::InlineKind::Ruby) + rubies(in.children);
        return n;
      };
  auto count = [&](const std::string& md) { return rubies(first_para(*parse(md))); };
  EXPECT_EQ(count("*{汉字|hàn zì}* 与 **强调 {拼音|pīn}**"), 2);  // inside emphasis: yes
  EXPECT_EQ(count("`{代码|code}`"), 0);
  EXPECT_EQ(count("公式 $f{汉字|x}$ 里"), 0);
  EXPECT_EQ(count("[{汉字|hàn}](https://example.com)"), 0);
  EXPECT_EQ(count("[*{汉字|hàn}*](https://example.com)"), 0);
  EXPECT_EQ(count("<https://example.com/{汉字|x}>"), 0);
  EXPECT_EQ(count("模板 {{ 名字|upper }} 与 {% 标签|x %}"), 0);
  EXPECT_EQ(count("{ 汉字|x}"), 0);
  EXPECT_EQ(count("之后 {汉字|hàn zì}"), 1);
}

TEST(FrontMatter, PublicationData) {
  Parsed p = parse(
      "---\ntitle: T\nsubtitle: S\npublisher: P\nrights: R\nisbn: 978-7-111-12345-6\nseries: Se\n"
      "edition: E\nback-cover: back.png\n---\ntext\n");
  EXPECT_EQ(p->meta.subtitle, "S");
  EXPECT_EQ(p->meta.publisher, "P");
  EXPECT_EQ(p->meta.rights, "R");
  EXPECT_EQ(p->meta.isbn, "978-7-111-12345-6");
  EXPECT_EQ(p->meta.series, "Se");
  EXPECT_EQ(p->meta.edition, "E");
  EXPECT_EQ(p->meta.back_cover, "back.png");
  EXPECT_TRUE(p->meta.extra.empty());
}

}  // namespace
}  // namespace moyin::test
