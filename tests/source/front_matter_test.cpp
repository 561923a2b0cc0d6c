#include <gtest/gtest.h>

#include "source/front_matter.h"
#include "source/helpers.h"

namespace moyin {
namespace {

using test::parse;
using test::warnings;

TEST(FrontMatter, KnownKeys) {
  auto p = parse(
      "---\n"
      "title: 标题：副标题\n"
      "date: 2025-10-28T05:54:14.065Z\n"
      "tags: [\"LLM\", \"综述\"]\n"
      "categories: [\"LLM\"]\n"
      "description: \n"
      "author: 张三\n"
      "lang: en\n"
      "id: book-1\n"
      "style: print.yaml\n"
      "cover: images/cover.png\n"
      "---\n"
      "正文\n");
  ASSERT_TRUE(p.doc);
  const doc::Metadata& m = p->meta;
  EXPECT_TRUE(m.has_front_matter);
  EXPECT_EQ(m.title, "标题：副标题");
  EXPECT_EQ(m.date, "2025-10-28T05:54:14.065Z");
  EXPECT_EQ(m.tags, (std::vector<std::string>{"LLM", "综述"}));
  EXPECT_EQ(m.categories, (std::vector<std::string>{"LLM"}));
  EXPECT_EQ(m.description, "");
  EXPECT_EQ(m.authors, (std::vector<std::string>{"张三"}));
  EXPECT_EQ(m.lang, "en");
  EXPECT_EQ(m.id, "book-1");
  EXPECT_EQ(m.style, "print.yaml");
  EXPECT_EQ(m.cover, "images/cover.png");
  EXPECT_TRUE(m.extra.empty());
  EXPECT_TRUE(p.diags.items.empty());
  ASSERT_EQ(p->blocks.size(), 1u);
  EXPECT_EQ(p->blocks[0].pos, (doc::Position{13, 1}));
}

TEST(FrontMatter, OneStringTagsAndAuthorList) {
  auto p = parse("---\ntags: 随笔\ncategories: 技术\nauthor:\n  - A\n  - B\n---\n");
  EXPECT_EQ(p->meta.tags, (std::vector<std::string>{"随笔"}));
  EXPECT_EQ(p->meta.categories, (std::vector<std::string>{"技术"}));
  EXPECT_EQ(p->meta.authors, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(p->meta.lang, "zh-CN");  // the default
}

TEST(FrontMatter, UnknownKeysKeptInOrderAsTrees) {
  auto p = parse(
      "---\nzeta: 1\ncollection:\n  name: 笔记\n  parts: [1, 2]\nempty:\nalpha: [a, {b: c}]\n---\nx\n");
  const auto& extra = p->meta.extra;
  ASSERT_EQ(extra.size(), 4u);
  EXPECT_EQ(extra[0].first, "zeta");
  EXPECT_EQ(extra[0].second.kind, doc::MetaValue::Kind::Scalar);
  EXPECT_EQ(extra[0].second.scalar, "1");
  EXPECT_EQ(extra[1].first, "collection");
  ASSERT_EQ(extra[1].second.kind, doc::MetaValue::Kind::Map);
  ASSERT_EQ(extra[1].second.entries.size(), 2u);
  EXPECT_EQ(extra[1].second.entries[0].first, "name");
  EXPECT_EQ(extra[1].second.entries[0].second.scalar, "笔记");
  EXPECT_EQ(extra[1].second.entries[1].second.kind, doc::MetaValue::Kind::List);
  EXPECT_EQ(extra[1].second.entries[1].second.items.size(), 2u);
  EXPECT_EQ(extra[2].first, "empty");
  EXPECT_EQ(extra[2].second.kind, doc::MetaValue::Kind::Null);
  EXPECT_EQ(extra[3].first, "alpha");
  EXPECT_EQ(extra[3].second.items[1].kind, doc::MetaValue::Kind::Map);
}

TEST(FrontMatter, PlainDateAndOffsetDateKeptAsWritten) {
  EXPECT_EQ(parse("---\ndate: 2025-10-28\n---\n")->meta.date, "2025-10-28");
  auto p = parse("---\ndate: 2025-11-03T09:30:00+08:00\n---\n");
  EXPECT_EQ(p->meta.date, "2025-11-03T09:30:00+08:00");
  EXPECT_TRUE(p.diags.items.empty());
}

TEST(FrontMatter, GarbageDateWarnsButIsKept) {
  auto p = parse("---\ntitle: t\ndate: next tuesday\n---\n");
  EXPECT_EQ(p->meta.date, "next tuesday");
  auto w = warnings(p);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0]->pos, (doc::Position{3, 7}));
  EXPECT_NE(w[0]->message.find("ISO 8601"), std::string::npos);
}

TEST(FrontMatter, BrokenYamlWarnsAtFilePositionAndBodyConverts) {
  auto p = parse("---\ntitle: ok\ntags: [a, b\nlang: en\n---\n# 正文标题\n");
  ASSERT_TRUE(p.doc);
  auto w = warnings(p);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_GE(w[0]->pos.line, 3);  // inside the YAML, counted from the file's first line
  EXPECT_LE(w[0]->pos.line, 5);
  EXPECT_NE(w[0]->message.find("YAML"), std::string::npos);
  EXPECT_EQ(p->meta.lang, "zh-CN");      // nothing of the broken block survives
  EXPECT_EQ(p->meta.title, "正文标题");  // falls back to the first h1
  ASSERT_EQ(p->blocks.size(), 1u);
  EXPECT_EQ(p->blocks[0].pos.line, 6);
}

TEST(FrontMatter, BrokenYamlExactPosition) {
  // yaml-cpp reports the bad indentation at line 2 of the YAML = file line 3.
  auto p = parse("---\na: b\n  c: d\n---\ntext\n");
  auto w = warnings(p);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0]->pos.line, 3);
  EXPECT_GE(w[0]->pos.column, 1);
  EXPECT_EQ(doc::format(*w[0]).rfind("test.md:3:", 0), 0u);
}

TEST(FrontMatter, UnclosedBlockIsMarkdown) {
  auto p = parse("---\ntitle: x\n\n# 标题\n");
  auto w = warnings(p);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0]->pos, (doc::Position{1, 1}));
  EXPECT_NE(w[0]->message.find("never closed"), std::string::npos);
  EXPECT_FALSE(p->meta.has_front_matter);
  // `---` then `title: x` is a setext heading... no: a thematic break, then a paragraph.
  ASSERT_GE(p->blocks.size(), 2u);
  EXPECT_EQ(p->blocks[0].kind, doc::BlockKind::Rule);
  EXPECT_EQ(p->meta.title, "标题");
}

TEST(FrontMatter, DotsCloseTheBlock) {
  auto p = parse("---\ntitle: x\n...\nbody\n");
  EXPECT_EQ(p->meta.title, "x");
  EXPECT_TRUE(p.diags.items.empty());
}

TEST(FrontMatter, EmptyBlock) {
  auto p = parse("---\n---\n# H\n");
  EXPECT_TRUE(p->meta.has_front_matter);
  EXPECT_EQ(p->meta.title, "H");
  EXPECT_TRUE(p.diags.items.empty());
}

TEST(FrontMatter, NotAMapping) {
  auto p = parse("---\n- a\n- b\n---\ntext\n");
  ASSERT_EQ(warnings(p).size(), 1u);
  EXPECT_TRUE(p->meta.extra.empty());
}

TEST(FrontMatter, NoFrontMatterTitleFromFirstH1ElseStem) {
  auto a = parse("## 二级\n\n# 一级 *标题*\n\n# 第二个\n", "dir/a.md");
  EXPECT_FALSE(a->meta.has_front_matter);
  EXPECT_EQ(a->meta.title, "一级 标题");
  auto b = parse("只有正文。\n", "some/dir/我的文章.md");
  EXPECT_EQ(b->meta.title, "我的文章");
}

TEST(FrontMatter, FrontMatterMustBeAtVeryStart) {
  auto p = parse("\n---\ntitle: x\n---\n");
  EXPECT_FALSE(p->meta.has_front_matter);
  EXPECT_NE(p->meta.title, "x");
}

TEST(FrontMatter, BillionLaughsIsRefused) {
  std::string y =
      "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  const char* names = "bcdefghij";
  char prev = 'a';
  for (int i = 0; names[i]; ++i) {
    std::string line = std::string(1, names[i]) + ": &" + names[i] + " [";
    for (int k = 0; k < 9; ++k) line += std::string(k ? "," : "") + "*" + prev;
    y += line + "]\n";
    prev = names[i];
  }
  y += "title: bomb\n---\n# 正文\n";
  auto p = parse(y);
  ASSERT_TRUE(p.doc);
  auto w = warnings(p);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0]->message.find("aliases"), std::string::npos);
  EXPECT_TRUE(p->meta.extra.empty());
  EXPECT_EQ(p->meta.title, "正文");
}

TEST(FrontMatter, SmallAliasesExpand) {
  auto p = parse("---\nbase: &b [x, y]\ntags: *b\n---\n");
  EXPECT_EQ(p->meta.tags, (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(p.diags.items.empty());
}

TEST(FrontMatter, DeepNestingIsRefusedQuickly) {
  std::string y =
      "---\nx: " + std::string(100000, '[') + std::string(100000, ']') + "\n---\nbody\n";
  auto p = parse(y);
  ASSERT_TRUE(p.doc);
  ASSERT_EQ(warnings(p).size(), 1u);
  EXPECT_NE(warnings(p)[0]->message.find("deeply"), std::string::npos);
  std::string z = "---\n";
  for (int i = 0; i < 3000; ++i) z += std::string(i, ' ') + "k:\n";
  z += "---\nbody\n";
  auto q = parse(z);
  ASSERT_TRUE(q.doc);
  EXPECT_EQ(warnings(q).size(), 1u);
  EXPECT_EQ(q->blocks.size(), 1u);
}

TEST(FrontMatter, NonScalarTitleWarns) {
  auto p = parse("---\ntitle: [a, b]\n---\n# H\n");
  EXPECT_EQ(warnings(p).size(), 1u);
  EXPECT_EQ(p->meta.title, "H");
}

TEST(FrontMatter, CrlfFrontMatter) {
  auto p = parse("---\r\ntitle: 窗口\r\ntags: [a]\r\n---\r\n# 正文\r\n");
  EXPECT_EQ(p->meta.title, "窗口");
  EXPECT_EQ(p->meta.tags, (std::vector<std::string>{"a"}));
  ASSERT_EQ(p->blocks.size(), 1u);
  EXPECT_EQ(p->blocks[0].pos, (doc::Position{5, 1}));
}

}  // namespace
}  // namespace moyin
