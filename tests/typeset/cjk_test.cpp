// Break opportunities: ICU's zh line iterator refined by the 禁则 of CJK-RULES §2.
#include "typeset/cjk.h"

#include <gtest/gtest.h>

#include <string>

namespace moyin::typeset {
namespace {

// Renders the opportunities as the text with "|" at every allowed break.
std::string marks(std::string_view s, LineBreakLevel level = LineBreakLevel::GB) {
  BreakOpportunities bo;
  auto ok = bo.find(s, level);
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (ok[i]) out += '|';
    out += s[i];
  }
  return out;
}

TEST(BreakOpportunities, HanBreaksAnywhereButBeforePauseAndClosing) {
  EXPECT_EQ(marks("中文，测试。"), "中|文，|测|试。");
  EXPECT_EQ(marks("见（附录）。"), "见|（附|录）。");
  EXPECT_EQ(marks("“好”，他说"), "“好”，|他|说");
}

TEST(BreakOpportunities, PairsAndInterpunctStayWhole) {
  EXPECT_EQ(marks("他说……好"), "他|说……|好");
  EXPECT_EQ(marks("历程——生命"), "历|程|——|生|命");  // gb: a pair may start a line
  EXPECT_EQ(marks("历程——生命", LineBreakLevel::Strict), "历|程——|生|命");
  EXPECT_EQ(marks("达·芬奇"), "达·|芬|奇");
  EXPECT_EQ(marks("DALL·E"), "DALL·E");
}

TEST(BreakOpportunities, NumbersWithUnitsStayWhole) {
  EXPECT_EQ(marks("增长12.5%的"), "增|长|12.5%|的");
  EXPECT_EQ(marks("约25°C时"), "约|25°C|时");
  EXPECT_EQ(marks("价¥6元"), "价|¥6|元");
  EXPECT_EQ(marks("v3.1.2版"), "v3.1.2|版");
}

TEST(BreakOpportunities, HanLatinBoundariesAndSpaces) {
  EXPECT_EQ(marks("用GPU集群"), "用|GPU|集|群");
  EXPECT_EQ(marks("Attention Is All"), "Attention |Is |All");
}

// The four levels of cjk.line-break differ (CJK-RULES §2): a paragraph whose
// opportunities tell every pair of levels apart.
TEST(BreakOpportunities, LevelsAreDistinct) {
  const std::string s = "人々说ァ～好—他——来12%";
  const std::string basic = marks(s, LineBreakLevel::Basic), gb = marks(s, LineBreakLevel::GB),
                    strict = marks(s, LineBreakLevel::Strict),
                    loose = marks(s, LineBreakLevel::Loose);
  EXPECT_NE(basic, gb);
  EXPECT_NE(basic, strict);
  EXPECT_NE(basic, loose);
  EXPECT_NE(gb, strict);
  EXPECT_NE(gb, loose);
  EXPECT_NE(strict, loose);
}

TEST(BreakOpportunities, LooseLetsSmallKanaIterationMarksAndWaveDashStart) {
  EXPECT_EQ(marks("人々", LineBreakLevel::GB), "人々");
  EXPECT_EQ(marks("人々", LineBreakLevel::Strict), "人々");
  EXPECT_EQ(marks("人々", LineBreakLevel::Loose), "人|々");
  EXPECT_EQ(marks("カァ", LineBreakLevel::GB), "カァ");
  EXPECT_EQ(marks("カァ", LineBreakLevel::Loose), "カ|ァ");
  EXPECT_EQ(marks("好〜啊", LineBreakLevel::GB), "好〜|啊");
  EXPECT_EQ(marks("好〜啊", LineBreakLevel::Loose), "好|〜|啊");
  EXPECT_EQ(marks("好～啊", LineBreakLevel::GB), "好～|啊");
  EXPECT_EQ(marks("好～啊", LineBreakLevel::Loose), "好|～|啊");
  // loose is not ICU's lb=loose: …… and —— stay whole, closing marks never start.
  EXPECT_EQ(marks("他说……好", LineBreakLevel::Loose), "他|说……|好");
  EXPECT_EQ(marks("历程——生命", LineBreakLevel::Loose), "历|程|——|生|命");
  EXPECT_EQ(marks("中文，测试。", LineBreakLevel::Loose), "中|文，|测|试。");
  // … and the rest of gb still holds under loose.
  EXPECT_EQ(marks("增长12.5%的", LineBreakLevel::Loose), "增|长|12.5%|的");
  EXPECT_EQ(marks("他说…好", LineBreakLevel::Loose), marks("他说…好", LineBreakLevel::GB));
}

TEST(BreakOpportunities, StrictKeepsPairsOffTheLineStart) {
  EXPECT_EQ(marks("历程——生命", LineBreakLevel::GB), "历|程|——|生|命");
  EXPECT_EQ(marks("历程——生命", LineBreakLevel::Strict), "历|程——|生|命");
  EXPECT_EQ(marks("历程⸺生命", LineBreakLevel::Strict).find("|⸺"), std::string::npos);
  for (const char* s : {"他说……好", "说了——好……吧", "A——B……C"}) {
    std::string m = marks(s, LineBreakLevel::Strict);
    EXPECT_EQ(m.find("|—"), std::string::npos) << m;
    EXPECT_EQ(m.find("|…"), std::string::npos) << m;
  }
}

// Letters and digits are neither marks, unit or currency signs nor loose
// starters, so no level forbids a line to start or end with one (what
// no_line_start and no_line_end answer first, without looking further).
TEST(Classes, AsciiLettersAndDigitsAreNeverProhibited) {
  for (char32_t c = 0; c < 0x80; ++c) {
    if (!base::is_ascii_alnum(c)) continue;
    EXPECT_EQ(base::punct_class(c), base::PunctClass::None) << char(c);
    EXPECT_FALSE(base::is_unit_sign(c) || base::is_currency(c) || base::is_loose_start(c))
        << char(c);
    for (LineBreakLevel level : {LineBreakLevel::Basic, LineBreakLevel::GB, LineBreakLevel::Strict,
                                 LineBreakLevel::Loose}) {
      EXPECT_FALSE(no_line_start(c, c, c, level)) << char(c);
      EXPECT_FALSE(no_line_end(c, U'5', level)) << char(c);
    }
  }
}

TEST(Classes, ProhibitionsByLevel) {
  EXPECT_TRUE(no_line_start(U'，', U'中', U'文', LineBreakLevel::Basic));
  EXPECT_TRUE(no_line_start(U'》', 0, 0, LineBreakLevel::Basic));
  EXPECT_FALSE(no_line_start(U'～', 0, 0, LineBreakLevel::Basic));
  EXPECT_TRUE(no_line_start(U'～', 0, 0, LineBreakLevel::GB));
  EXPECT_TRUE(no_line_start(U'%', U'5', 0, LineBreakLevel::GB));
  EXPECT_TRUE(no_line_start(U'…', U'说', U'好', LineBreakLevel::GB));  // lone …
  EXPECT_FALSE(no_line_start(U'…', U'说', U'…', LineBreakLevel::GB));  // a pair may start (gb)
  EXPECT_TRUE(no_line_start(U'…', U'说', U'…', LineBreakLevel::Strict));
  EXPECT_TRUE(no_line_end(U'（', U'中', LineBreakLevel::Basic));
  EXPECT_TRUE(no_line_end(U'¥', U'6', LineBreakLevel::GB));
}

}  // namespace
}  // namespace moyin::typeset
