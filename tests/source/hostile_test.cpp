// Inputs meant to break things: none may crash, hang or lose the body.
#include <gtest/gtest.h>

#include "source/helpers.h"
#include "source/hygiene.h"
#include "source/markdown.h"

namespace moyin {
namespace {

using test::first_para;
using test::parse;
using test::warnings;

TEST(Hygiene, BomIsDropped) {
  auto p = parse("\xEF\xBB\xBF---\ntitle: 有BOM\n---\n# 正文\n");
  EXPECT_EQ(p->meta.title, "有BOM");
  EXPECT_TRUE(p.diags.items.empty());
  auto q = parse("\xEF\xBB\xBF# 标题\n");
  EXPECT_EQ(q->blocks[0].kind, doc::BlockKind::Heading);
  EXPECT_EQ(q->blocks[0].pos, (doc::Position{1, 1}));
}

TEST(Hygiene, CrlfAndLoneCrAreLineEnds) {
  auto p = parse("# 标题\r\n\r\nfirst\r\nsecond  \r\nthird\rfourth\r\n");
  ASSERT_EQ(p->blocks.size(), 2u);
  EXPECT_EQ(test::sketch(p->blocks[1].inlines), "first⏎second↵third⏎fourth");
  EXPECT_EQ(p->blocks[1].pos, (doc::Position{3, 1}));
  EXPECT_EQ(p->blocks[1].inlines.back().pos, (doc::Position{6, 1}));
  for (const auto& in : p->blocks[1].inlines) {
    EXPECT_EQ(in.text.find('\r'), std::string::npos);
  }
}

TEST(Hygiene, InvalidUtf8OneWarningAtFirstPlace) {
  auto p = parse("第一行\n好\xFF\xFE坏\n再来\xC3\n");
  ASSERT_TRUE(p.doc);
  auto w = warnings(p);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0]->pos, (doc::Position{2, 4}));
  EXPECT_NE(w[0]->message.find("UTF-8"), std::string::npos);
  EXPECT_EQ(test::sketch(first_para(*p)), "第一行好\uFFFD\uFFFD坏再来\uFFFD");
}

TEST(Hygiene, OverlongAndSurrogatesAreInvalid) {
  auto p = parse("a\xC0\xAF b\xED\xA0\x80 c\xF4\x90\x80\x80\n");
  EXPECT_EQ(warnings(p).size(), 1u);
  const std::string s = test::sketch(first_para(*p));
  EXPECT_EQ(s.find('\xC0'), std::string::npos);
  EXPECT_EQ(s.find('\xED'), std::string::npos);
  EXPECT_EQ(s.find('\xF4'), std::string::npos);
}

TEST(Hygiene, ValidReplacementCharacterIsNotAWarning) {
  auto p = parse("已有\uFFFD字符\n");
  EXPECT_TRUE(p.diags.items.empty());
}

TEST(Hygiene, NulBecomesReplacementCharacter) {
  auto p = parse(std::string("前\0后\n", 8));
  ASSERT_TRUE(p.doc);
  EXPECT_EQ(test::sketch(first_para(*p)), "前\uFFFD后");
  ASSERT_EQ(warnings(p).size(), 1u);
  EXPECT_EQ(warnings(p)[0]->pos, (doc::Position{1, 4}));
}

TEST(Hygiene, BinaryFileIsAnError) {
  static const char kHeader[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\xe0\0\0\0\xf0\x08\x02\0\0\0";
  std::string png(kHeader, sizeof kHeader - 1);
  for (int i = 0; i < 200; ++i) png += std::string("\0\x01\x02\x03", 4);
  auto p = parse(png, "pic.md");
  EXPECT_FALSE(p.doc);
  ASSERT_EQ(p.diags.items.size(), 1u);
  EXPECT_EQ(doc::format(p.diags.items[0]), "pic.md: error: binary file, not a manuscript");
  EXPECT_TRUE(source::looks_binary(png));
  EXPECT_FALSE(source::looks_binary("普通的中文文本\n\tTab and\fform feed\n"));
  EXPECT_FALSE(source::looks_binary(std::string(10000, 'a') + std::string(9, '\0')));
  std::string controls;
  for (int i = 0; i < 100; ++i) controls += "ab\x01\x02\x03\x04\x05";
  EXPECT_TRUE(source::looks_binary(controls));
}

TEST(Hygiene, Utf16IsBinary) {
  std::string u16("\xFF\xFE", 2);
  for (char c : std::string("# Title\nsome text here\n")) {
    u16 += c;
    u16 += '\0';
  }
  EXPECT_FALSE(parse(u16).doc);
}

TEST(Hostile, DeeplyNestedQuotesAndLists) {
  auto q = parse(std::string(10000, '>') + " 深\n");
  ASSERT_TRUE(q.doc);
  EXPECT_EQ(warnings(q).size(), 1u);  // flattened past the cap
  int depth = 0;
  const doc::Block* b = &q->blocks[0];
  while (!b->children.empty()) {
    ++depth;
    b = &b->children[0];
  }
  EXPECT_LE(depth, 70);
  EXPECT_EQ(test::sketch(b->inlines), "深");

  std::string lists;
  for (int i = 0; i < 5000; ++i) lists += "- ";
  lists += "x\n";
  auto l = parse(lists);
  ASSERT_TRUE(l.doc);
  EXPECT_EQ(warnings(l).size(), 1u);
}

TEST(Hostile, ManyBracketsAndEmphasis) {
  auto a = parse(std::string(10000, '[') + "x" + std::string(10000, ']') + "\n");
  ASSERT_TRUE(a.doc);
  auto b = parse(std::string(10000, '*') + "中，" + std::string(10000, '*') + "文\n");
  ASSERT_TRUE(b.doc);
  std::string nested;
  for (int i = 0; i < 3000; ++i) nested += "*_";
  nested += "深";
  for (int i = 0; i < 3000; ++i) nested += "_*";
  auto c = parse(nested + "\n");
  ASSERT_TRUE(c.doc);
  EXPECT_NE(doc::plain_text(first_para(*c)).find("深"), std::string::npos);
  std::string links;
  for (int i = 0; i < 3000; ++i) links += "[![";
  links += "x";
  for (int i = 0; i < 3000; ++i) links += "](u)](v)";
  EXPECT_TRUE(parse(links + "\n").doc);
}

TEST(Hostile, LongLinesAndManyDelimiters) {
  std::string s;
  for (int i = 0; i < 20000; ++i) s += "中**，";
  auto p = parse(s + "\n");
  ASSERT_TRUE(p.doc);
  std::string u;
  for (int i = 0; i < 5000; ++i) u += "见https://x.com/" + std::to_string(i) + "。\n";
  auto q = parse(u);
  ASSERT_TRUE(q.doc);
  int links = 0;
  test::walk_all_inlines(*q, [&](const doc::Inline& in) {
    if (in.kind == doc::InlineKind::Link) {
      ++links;
      EXPECT_EQ(in.url.find("。"), std::string::npos);
    }
  });
  EXPECT_EQ(links, 5000);
}

TEST(Hostile, EmptyAndWhitespaceOnly) {
  auto e = parse("", "empty.md");
  ASSERT_TRUE(e.doc);
  EXPECT_TRUE(e->blocks.empty());
  EXPECT_EQ(e->meta.title, "empty");
  EXPECT_TRUE(parse("   \n\n\t\n").doc);
  EXPECT_TRUE(parse("---").doc);
  EXPECT_TRUE(parse("---\n").doc);
  EXPECT_TRUE(parse("---\n---").doc);
}

TEST(Hostile, SentinelCharactersInInputSurvive) {
  // The emphasis fix uses a rare punctuation mark internally; text that
  // already contains it must come through untouched.
  auto p = parse("⸮问号⸮ **真，**她\n");
  EXPECT_EQ(test::sketch(first_para(*p)), "⸮问号⸮ **真，**她");
}

// Issue 15: a link target longer than any server takes stays as its text,
// with a warning at the link (every line of a link carries its target).
TEST(Hostile, OverlongLinkTargetIsSetAsPlainText) {
  const std::string url = "https://example.com/" + std::string(source::kMaxLinkTarget, 'a');
  auto p = parse("见 " + url + " 和 [短](" + url + ") 与 [好](https://example.com/ok)\n");
  const auto& in = first_para(*p);
  size_t links = 0;
  std::string text;
  for (const auto& i : in) {
    if (i.kind == doc::InlineKind::Link) ++links;
    text += i.kind == doc::InlineKind::Link ? i.children[0].text : i.text;
  }
  EXPECT_EQ(links, 1u);
  EXPECT_NE(text.find(url), std::string::npos);  // the text is all there
  EXPECT_NE(text.find("短"), std::string::npos);
  auto w = warnings(p);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0]->pos, (doc::Position{1, 5}));
  EXPECT_NE(w[0]->message.find("link target is"), std::string::npos) << w[0]->message;
}

TEST(ReadFile, MissingFileIsAnError) {
  doc::Diagnostics diags;
  auto d = source::read_file("/nonexistent/dir/x.md", diags);
  EXPECT_FALSE(d);
  ASSERT_EQ(diags.items.size(), 1u);
  EXPECT_EQ(diags.items[0].severity, doc::Severity::Error);
  EXPECT_EQ(doc::format(diags.items[0]).rfind("/nonexistent/dir/x.md: error: cannot read", 0), 0u);
}

TEST(ReadFile, DirectoryIsAnError) {
  doc::Diagnostics diags;
  EXPECT_FALSE(source::read_file(MOYIN_SOURCE_DIR "/content", diags));
  EXPECT_TRUE(diags.has_errors());
}

// A device has no file size (a .md symlinked to /dev/zero): the read itself must stop at the limit.
TEST(ReadFile, EndlessDeviceIsRefusedNotReadForever) {
  doc::Diagnostics diags;
  EXPECT_FALSE(source::read_file("/dev/zero", diags));
  ASSERT_EQ(diags.items.size(), 1u);
  EXPECT_EQ(doc::format(diags.items[0]).rfind("/dev/zero: error: file too large", 0), 0u);
}

}  // namespace
}  // namespace moyin
