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
  std::vector<Inline> inlines{{.kind = InlineKind::Text, .text = "一 "}, strong,
                              {.kind = InlineKind::Code, .text = "x"}};
  EXPECT_EQ(plain_text(inlines), "一 粗体x");
}

}  // namespace moyin::doc
