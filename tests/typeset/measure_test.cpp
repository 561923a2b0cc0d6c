// Itemize and measure (issue 4, shaping): runs split at face/script/style
// changes, advances are the fonts' hmtx values, atoms map back to the text.
#include "typeset/measure.h"

#include <gtest/gtest.h>

#include <optional>

#include "test_fonts.h"

namespace moyin::typeset {
namespace {

const font::FontLibrary* library() { return test_fonts::library(); }

std::vector<doc::Inline> text(std::string s) {
  return {doc::Inline{.kind = doc::InlineKind::Text, .text = std::move(s)}};
}

class Measure : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!library() || !library()->find_set("serif-zh"))
      GTEST_FAIL() << "test fonts missing: build the moyin_test_fonts target";
    roles = {library(), library()->find_set("serif-zh"), library()->find_set("mono")};
  }
  FontRoles roles;
};

TEST_F(Measure, AdvancesAreHmtxValues) {
  MeasureOptions mo;
  mo.size = 12;
  MeasuredParagraph mp = measure(text("汉字Latin 12"), roles, mo);
  ASSERT_FALSE(mp.atoms.empty());
  for (const Atom& a : mp.atoms) {
    double sum = 0;
    for (uint32_t g = a.glyph_begin; g < a.glyph_end; ++g)
      sum += font::advance_em(library()->face(mp.runs[a.run].face_id), mp.glyphs[g].gid) * 12;
    EXPECT_NEAR(a.advance, sum, 1e-9) << static_cast<uint32_t>(a.cp);
  }
  EXPECT_EQ(mp.atoms[0].kind, AtomKind::Han);
  EXPECT_EQ(mp.atoms[2].kind, AtomKind::Latin);
  EXPECT_EQ(mp.atoms[7].kind, AtomKind::Space);
  EXPECT_EQ(mp.text.text.substr(mp.atoms[1].begin, mp.atoms[1].end - mp.atoms[1].begin), "字");
}

TEST_F(Measure, RunsSplitAtFaceScriptAndStyle) {
  // ♞ is not in Moyin Test: Moyin Test Symbols draws it (a face change).
  std::vector<doc::Inline> in = text("模型♞性能");
  doc::Inline strong{.kind = doc::InlineKind::Strong};
  strong.children.push_back({.kind = doc::InlineKind::Text, .text = "加粗"});
  in.push_back(strong);
  in.push_back({.kind = doc::InlineKind::Code, .text = "x=1"});
  MeasuredParagraph mp = measure(in, roles, MeasureOptions{});
  ASSERT_GE(mp.runs.size(), 5u);
  EXPECT_NE(mp.runs[0].face_id, mp.runs[1].face_id);  // 模型 | ♞
  EXPECT_EQ(mp.runs[0].face_id, mp.runs[2].face_id);  // 性能 back in the body face
  bool bold = false, code = false;
  for (const typeset::Run& r : mp.runs) {
    bold |= r.style.bold;
    code |= r.style.code;
  }
  EXPECT_TRUE(bold);
  EXPECT_TRUE(code);
  EXPECT_TRUE(mp.uncovered.empty());
}

TEST_F(Measure, QuotesNextToHanAreChineseMarks) {
  MeasuredParagraph mp = measure(text("他说“好”。He said “yes” then"), roles, MeasureOptions{});
  int cjk_quotes = 0, latin_quotes = 0;
  for (const Atom& a : mp.atoms) {
    if (!base::is_ambiguous_quote(a.cp)) continue;
    if (a.kind == AtomKind::Punct) ++cjk_quotes;
    else ++latin_quotes;
  }
  EXPECT_EQ(cjk_quotes, 2);
  EXPECT_EQ(latin_quotes, 2);
  EXPECT_TRUE(quote_is_cjk("说“好", 3));
  EXPECT_FALSE(quote_is_cjk("said “yes", 5));
}

}  // namespace
}  // namespace moyin::typeset
