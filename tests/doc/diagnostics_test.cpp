#include "doc/diagnostics.h"

#include <gtest/gtest.h>

namespace moyin::doc {

TEST(Diagnostics, FormatsLikeACompiler) {
  Diagnostics d;
  d.warn("a.md", {3, 7}, "broken front matter");
  d.error("b.md", {}, "binary file");
  EXPECT_EQ(format(d.items[0]), "a.md:3:7: warning: broken front matter");
  EXPECT_EQ(format(d.items[1]), "b.md: error: binary file");
  EXPECT_TRUE(d.has_errors());
  EXPECT_EQ(d.count(Severity::Warning), 1u);
}

TEST(Document, PlainTextOfNestedInlines) {
  Inline strong{.kind = InlineKind::Strong};
  strong.children.push_back({.kind = InlineKind::Text, .text = "粗体"});
  std::vector<Inline> inlines{
      {.kind = InlineKind::Text, .text = "一 "}, strong, {.kind = InlineKind::Code, .text = "x"}};
  EXPECT_EQ(plain_text(inlines), "一 粗体x");
}

}  // namespace moyin::doc

namespace moyin::doc {

TEST(Diagnostics, KindBlanksWhatVariesBetweenOccurrences) {
  Diagnostic a{Severity::Warning, "a.md", {1, 1}, "cannot justify line 12 (ratio 3.5)"};
  Diagnostic b{Severity::Warning, "a.md", {9, 1}, "cannot justify line 7 (ratio 10)"};
  Diagnostic c{Severity::Warning, "a.md", {9, 1}, "image \"x.png\" not found"};
  Diagnostic d{Severity::Warning, "a.md", {9, 1}, "image \"y y.png\" not found"};
  Diagnostic e{Severity::Warning, "a.md", {9, 1}, "no font draws U+2705 ✅ (first of 3 uses)"};
  Diagnostic f{Severity::Warning, "a.md", {9, 1}, "no font draws U+20000 𠀀 (first of 1 uses)"};
  EXPECT_EQ(kind_of(a), kind_of(b));
  EXPECT_EQ(kind_of(c), kind_of(d));
  EXPECT_NE(kind_of(a), kind_of(c));
  EXPECT_EQ(kind_of(e), kind_of(f));
  b.kind = "explicit";
  EXPECT_EQ(kind_of(b), "explicit");
}

TEST(Diagnostics, PresentableSortsBySourceAndCapsEachKind) {
  std::vector<Diagnostic> in;
  for (int i = 30; i >= 1; --i)
    in.push_back({Severity::Warning, "a.md", {i, 2}, "cannot justify line " + std::to_string(i)});
  in.push_back({Severity::Error, "a.md", {}, "cannot write a.pdf"});
  in.push_back({Severity::Warning, "a.md", {15, 1}, "link to #x has no target"});
  in.push_back({Severity::Error, "a.md", {40, 1}, "cannot justify line 40"});  // errors stay
  std::vector<Diagnostic> out = presentable(in, 5);
  ASSERT_EQ(out.size(), 5u + 1 + 1 + 1 + 1);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(out[i].pos.line, i + 1);
  EXPECT_EQ(out[5].message, "… and 25 more like this");
  EXPECT_EQ(out[6].message, "link to #x has no target");
  EXPECT_EQ(out[7].pos.line, 40);
  EXPECT_EQ(out[8].message, "cannot write a.pdf") << "positionless diagnostics come last";
  EXPECT_EQ(presentable(in, 0).size(), in.size()) << "0 = no cap";
}

// A later layout that sets a paragraph again (page references) repeats its
// warnings word for word: each is shown once; the same words elsewhere stay.
TEST(Diagnostics, PresentableSaysARepeatOnce) {
  std::vector<Diagnostic> in = {{Severity::Warning, "a.md", {3, 4}, "no break fits"},
                                {Severity::Warning, "a.md", {9, 1}, "no break fits"},
                                {Severity::Warning, "a.md", {3, 4}, "no break fits"},
                                {Severity::Error, "a.md", {3, 4}, "no break fits"}};
  std::vector<Diagnostic> out = presentable(in, 0);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].pos.line, 3);
  EXPECT_EQ(out[1].severity, Severity::Error);
  EXPECT_EQ(out[2].pos.line, 9);
}

}  // namespace moyin::doc
