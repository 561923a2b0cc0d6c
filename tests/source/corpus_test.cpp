// The seed manuscript every stage must handle perfectly.
#include <gtest/gtest.h>

#include "source/helpers.h"

namespace moyin {
namespace {

const char* kCorpus = MOYIN_TEST_DATA_DIR "/corpus/llm-survey-2025.md";

TEST(Corpus, SeedValues) {
  doc::Diagnostics diags;
  auto d = source::read_file(kCorpus, diags);
  ASSERT_TRUE(d);
  EXPECT_TRUE(diags.items.empty());
  const doc::Metadata& m = d->meta;
  EXPECT_TRUE(m.has_front_matter);
  EXPECT_EQ(m.title, "2025年大模型技术综述：从发展历程、生命周期到多模态应用");
  EXPECT_EQ(m.date, "2025-10-28T05:54:14.065Z");
  EXPECT_EQ(m.tags, (std::vector<std::string>{"LLM", "综述"}));
  EXPECT_EQ(m.categories, (std::vector<std::string>{"LLM"}));
  EXPECT_EQ(m.description, "");
  EXPECT_EQ(m.lang, "zh-CN");

  int h1 = 0;
  std::vector<std::string> ids;
  test::walk_blocks(d->blocks, [&](const doc::Block& b) {
    if (b.kind == doc::BlockKind::Heading) {
      h1 += b.level == 1;
      ids.push_back(b.id);
    }
  });
  EXPECT_EQ(h1, 6);
  EXPECT_EQ(ids.front(), "文章引言");
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "heading ids are unique";

  std::string all;
  int literal_stars = 0;
  int strong = 0;
  test::walk_all_inlines(*d, [&](const doc::Inline& in) {
    if (in.kind == doc::InlineKind::Text) {
      all += in.text;
      literal_stars += in.text.find("**") != std::string::npos;
    }
    strong += in.kind == doc::InlineKind::Strong;
    EXPECT_NE(in.kind, doc::InlineKind::RawHtml);
    EXPECT_GT(in.pos.line, 0);
  });
  EXPECT_NE(all.find("精度损失<0.3 %"), std::string::npos);
  EXPECT_EQ(literal_stars, 0) << "every ** pair became strong";
  EXPECT_GT(strong, 100);
}

}  // namespace
}  // namespace moyin
