// Hexo tag plugins, TOML (+++) and JSON front matter: what a blog's posts
// contain as they are written.
#include <gtest/gtest.h>

#include "source/helpers.h"
#include "source/hexo.h"

namespace moyin {
namespace {

using test::parse;
using test::warnings;

std::string expand(std::string_view body, std::string_view path = "posts/hello.md") {
  doc::Diagnostics diags;
  return source::expand_hexo_tags(body, 1, path, diags);
}

TEST(Hexo, AssetTagsPointIntoThePostsAssetFolder) {
  EXPECT_EQ(expand("{% asset_img pic.png %}\n"), "![](<hello/pic.png>)\n");
  EXPECT_EQ(expand("{% asset_img \"my pic.jpg\" \"A title\" %}\n"),
            "![A title](<hello/my pic.jpg> \"A title\")\n");
  EXPECT_EQ(expand("{% asset_img big.png 800 600 \"Title\" \"Alt text\" %}"),
            "![Alt text](<hello/big.png> \"Title\")");
  EXPECT_EQ(expand("See {% asset_path doc.pdf %} or {% asset_link doc.pdf the PDF %}.\n"),
            "See hello/doc.pdf or [the PDF](<hello/doc.pdf>).\n");
  EXPECT_EQ(expand("{% img right /images/x.png %}\n"), "![](</images/x.png>)\n");
}

TEST(Hexo, CodeIsLeftAlone) {
  const std::string fenced = "```\n{% asset_img a.png %}\n```\n";
  EXPECT_EQ(expand(fenced), fenced);
  EXPECT_EQ(expand("`{% asset_img a.png %}` and {% asset_path a.png %}\n"),
            "`{% asset_img a.png %}` and hello/a.png\n");
}

TEST(Hexo, BlockTagsKeepEveryLineInPlace) {
  const std::string body =
      "{% codeblock lang:python %}\n"
      "print('{% not a tag %}')\n"
      "{% endcodeblock %}\n"
      "\n"
      "{% blockquote David Levithan, Wide Awake %}\n"
      "Do not just seek happiness.\n"
      "{% endblockquote %}\n"
      "\n"
      "{% note warning %}\n"
      "Careful.\n"
      "{% endnote %}\n"
      "<!-- more -->\n"
      "Last {% youtube abc %} line.\n";
  doc::Diagnostics diags;
  const std::string out = source::expand_hexo_tags(body, 5, "p.md", diags);
  EXPECT_EQ(out,
            "~~~~~~~~~~python\n"
            "print('{% not a tag %}')\n"
            "~~~~~~~~~~\n"
            "\n"
            ">\n"
            "> Do not just seek happiness.  \n"
            "> — David Levithan, Wide Awake\n"
            "\n"
            "::: warning\n"
            "Careful.\n"
            ":::\n"
            "\n"
            "Last {% youtube abc %} line.\n");
  ASSERT_EQ(diags.items.size(), 1u);
  EXPECT_EQ(diags.items[0].pos.line, 17);
  EXPECT_EQ(diags.items[0].pos.column, 6);
  EXPECT_NE(diags.items[0].message.find("youtube"), std::string::npos);
}

TEST(Hexo, NoteBecomesACalloutOfItsClass) {
  auto p = parse(
      "# T\n\n{% note danger no-icon %}\n**小心**这里。\n\n```sh\nrm -rf x\n```\n{% endnote %}\n\n"
      "{% note %}\nPlain.\n{% endnote %}\n\n{% note primary %}\nP.\n{% endnote %}\n",
      "posts/n.md");
  ASSERT_TRUE(p.doc);
  ASSERT_EQ(p->blocks.size(), 4u);
  const doc::Block& danger = p->blocks[1];
  EXPECT_EQ(danger.kind, doc::BlockKind::Callout);
  EXPECT_EQ(danger.info, "danger");
  EXPECT_EQ(danger.pos.line, 3);
  ASSERT_EQ(danger.children.size(), 2u);
  EXPECT_EQ(danger.children[0].kind, doc::BlockKind::Paragraph);
  EXPECT_EQ(danger.children[0].pos.line, 4);
  EXPECT_EQ(danger.children[1].kind, doc::BlockKind::Code);
  EXPECT_EQ(danger.children[1].text, "rm -rf x\n");
  EXPECT_EQ(p->blocks[2].kind, doc::BlockKind::Callout);
  EXPECT_EQ(p->blocks[2].info, "note");
  EXPECT_EQ(p->blocks[3].info, "note");  // primary, default: a note
  for (auto* w : warnings(p)) ADD_FAILURE() << w->message;
}

TEST(Hexo, UnclosedBlockIsReported) {
  doc::Diagnostics diags;
  source::expand_hexo_tags("{% codeblock %}\ncode\n", 1, "p.md", diags);
  ASSERT_EQ(diags.items.size(), 1u);
  EXPECT_NE(diags.items[0].message.find("never closed"), std::string::npos);
}

TEST(Hexo, ParsedPostHasImageCodeAndQuote) {
  auto p = parse(
      "---\ntitle: T\ndate: 2024-05-01 10:00:00\nupdated: 2024-06-01 08:00:00\n"
      "tags: 随笔\ncategories:\n  - [生活, 日记]\n---\n"
      "{% asset_img pic.png 图 %}\n\n{% codeblock js %}\nlet x;\n{% endcodeblock %}\n\n"
      "{% blockquote %}\n引文\n{% endblockquote %}\n",
      "posts/hello.md");
  ASSERT_TRUE(p.doc);
  EXPECT_EQ(p->meta.date, "2024-05-01 10:00:00");
  EXPECT_EQ(p->meta.tags, (std::vector<std::string>{"随笔"}));
  EXPECT_EQ(p->meta.categories, (std::vector<std::string>{"生活 / 日记"}));
  ASSERT_EQ(p->blocks.size(), 3u);
  EXPECT_EQ(p->blocks[0].kind, doc::BlockKind::Image);
  EXPECT_EQ(p->blocks[0].inlines[0].url, "hello/pic.png");
  EXPECT_EQ(p->blocks[0].pos.line, 9);
  EXPECT_EQ(p->blocks[1].kind, doc::BlockKind::Code);
  EXPECT_EQ(p->blocks[1].info, "js");
  EXPECT_EQ(p->blocks[1].text, "let x;\n");
  EXPECT_EQ(p->blocks[2].kind, doc::BlockKind::Quote);
  for (auto* w : warnings(p)) ADD_FAILURE() << w->message;
}

TEST(FrontMatterFormats, TomlBetweenPlusLines) {
  auto p = parse(
      "+++\ntitle = \"你好\"\ndate = 2024-05-01T10:00:00+08:00\ntags = [\"a\", \"b\"]\n"
      "draft = false\n[params]\nmood = \"ok\"\n+++\n# Body\n");
  ASSERT_TRUE(p.doc);
  EXPECT_EQ(p->meta.title, "你好");
  EXPECT_EQ(p->meta.date, "2024-05-01T10:00:00+08:00");
  EXPECT_EQ(p->meta.tags, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(p->blocks.size(), 1u);
  EXPECT_EQ(p->blocks[0].pos.line, 9);
  EXPECT_TRUE(warnings(p).empty());
}

TEST(FrontMatterFormats, BrokenTomlIsReportedAtItsLine) {
  auto p = parse("+++\ntitle = \"x\"\ntags = [\n+++\nBody\n");
  ASSERT_TRUE(p.doc);
  auto w = warnings(p);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0]->message.find("not valid TOML"), std::string::npos);
  EXPECT_GE(w[0]->pos.line, 3);
  EXPECT_EQ(p->meta.title, "test");  // no front-matter title: the file name
}

TEST(FrontMatterFormats, JsonObjectFirst) {
  auto p = parse(
      "{\n  \"title\": \"JSON post\",\n  \"tags\": [\"x\"],\n  \"date\": \"2024-13-01\"\n}\nText\n");
  ASSERT_TRUE(p.doc);
  EXPECT_EQ(p->meta.title, "JSON post");
  EXPECT_EQ(p->meta.tags, (std::vector<std::string>{"x"}));
  auto w = warnings(p);
  ASSERT_EQ(w.size(), 1u);  // the impossible date, at its own line
  EXPECT_EQ(w[0]->pos.line, 4);
  ASSERT_EQ(p->blocks.size(), 1u);
  EXPECT_EQ(p->blocks[0].pos.line, 6);
}

TEST(FrontMatterFormats, ABraceWithoutClosingLineIsMarkdown) {
  auto p = parse("{ not json\ntext\n");
  ASSERT_TRUE(p.doc);
  EXPECT_FALSE(p->meta.has_front_matter);
  EXPECT_TRUE(warnings(p).empty());
}

}  // namespace
}  // namespace moyin

#include "source/badges.h"

namespace moyin {
namespace {

TEST(Badges, RowsOfBadgesAreDroppedAndNothingElse) {
  EXPECT_TRUE(source::is_badge_url("https://img.shields.io/badge/license-MIT-blue.svg"));
  EXPECT_TRUE(source::is_badge_url(
      "https://github.com/o/r/actions/workflows/ci.yml/badge.svg?branch=main"));
  EXPECT_FALSE(source::is_badge_url("https://example.com/photo.png"));
  EXPECT_FALSE(source::is_badge_url("badge.svg"));  // a local file is the author's own picture
  auto p = test::parse(
      "# T\n\n"
      "[![CI](https://github.com/o/r/actions/workflows/ci.yml/badge.svg)](https://github.com/o/r) "
      "![license](https://img.shields.io/badge/license-MIT-blue.svg)\n"
      "![cov](https://codecov.io/gh/o/r/branch/main/graph/badge.svg)\n\n"
      "![photo](https://example.com/photo.png)\n\n"
      "Text with ![inline](https://img.shields.io/x.svg) badge.\n");
  ASSERT_TRUE(p.doc);
  doc::Document d = *p.doc;
  EXPECT_EQ(source::drop_badges(d), 3u);
  ASSERT_EQ(d.blocks.size(), 3u);
  EXPECT_EQ(d.blocks[1].kind, doc::BlockKind::Image);
  EXPECT_EQ(d.blocks[2].kind, doc::BlockKind::Paragraph);
}

}  // namespace
}  // namespace moyin
