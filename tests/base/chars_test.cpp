#include "base/chars.h"

#include <gtest/gtest.h>

namespace moyin::base {
namespace {

TEST(Chars, Han) {
  EXPECT_TRUE(is_han(U'中'));
  EXPECT_TRUE(is_han(U'㐀'));          // Ext A
  EXPECT_TRUE(is_han(U'\U00020BB7'));  // 𠮷, Ext B
  EXPECT_TRUE(is_han(U'\U00031350'));  // Ext H
  EXPECT_TRUE(is_han(U'豈'));          // compatibility ideograph
  EXPECT_TRUE(is_han(U'〇'));
  EXPECT_TRUE(is_han(U'々'));
  EXPECT_FALSE(is_han(U'，'));
  EXPECT_FALSE(is_han(U'あ'));
  EXPECT_FALSE(is_han(U'A'));
}

TEST(Chars, LettersKanaBopomofo) {
  EXPECT_TRUE(is_kana(U'あ'));
  EXPECT_TRUE(is_kana(U'ㇰ'));
  EXPECT_FALSE(is_kana(U'・'));  // katakana middle dot is punctuation
  EXPECT_TRUE(is_bopomofo(U'ㄅ'));
  EXPECT_TRUE(is_cjk_letter(U'集'));
  EXPECT_TRUE(is_cjk_letter(U'カ'));
  EXPECT_FALSE(is_cjk_letter(U'。'));
  EXPECT_FALSE(is_cjk_letter(U'“'));
}

TEST(Chars, CjkFaceAndPunctuation) {
  EXPECT_TRUE(is_cjk(U'中'));
  EXPECT_TRUE(is_cjk(U'。'));
  EXPECT_TRUE(is_cjk(U'，'));
  EXPECT_TRUE(is_cjk(U'ｶ'));  // halfwidth katakana
  EXPECT_FALSE(is_cjk(U'A'));
  EXPECT_FALSE(is_cjk(U'“'));  // ambiguous: decided by context
  EXPECT_FALSE(is_cjk(U'—'));
  EXPECT_TRUE(is_cjk_punct(U'。'));
  EXPECT_TRUE(is_cjk_punct(U'，'));
  EXPECT_TRUE(is_cjk_punct(U'“'));
  EXPECT_TRUE(is_cjk_punct(U'・'));
  EXPECT_FALSE(is_cjk_punct(U'々'));
  EXPECT_FALSE(is_cjk_punct(U'中'));
  EXPECT_TRUE(is_shared_punct(U'…'));
  EXPECT_FALSE(is_shared_punct(U'。'));
  EXPECT_TRUE(is_cjk_text(U'“'));
  EXPECT_TRUE(is_cjk_text(U'中'));
  EXPECT_FALSE(is_cjk_text(U'a'));
  for (char32_t q : {U'“', U'”', U'‘', U'’'}) EXPECT_TRUE(is_ambiguous_quote(q));
  EXPECT_FALSE(is_ambiguous_quote(U'"'));
  EXPECT_FALSE(is_ambiguous_quote(U'「'));
}

TEST(Chars, LatinAndDigits) {
  EXPECT_TRUE(is_ascii_digit(U'7'));
  EXPECT_FALSE(is_ascii_digit(U'７'));
  EXPECT_TRUE(is_ascii_alnum(U'z'));
  EXPECT_FALSE(is_ascii_alnum(U'é'));
  EXPECT_TRUE(is_latin_alnum(U'é'));
  EXPECT_TRUE(is_latin_alnum(U'Ж'));
  EXPECT_FALSE(is_latin_alnum(U'×'));
  EXPECT_FALSE(is_latin_alnum(U'中'));
}

TEST(Chars, PunctuationClasses) {
  EXPECT_EQ(punct_class(U'、'), PunctClass::PauseStop);
  EXPECT_EQ(punct_class(U'』'), PunctClass::Closing);
  EXPECT_EQ(punct_class(U'〖'), PunctClass::Opening);
  EXPECT_EQ(punct_class(U'“'), PunctClass::Opening);
  EXPECT_EQ(punct_class(U'—'), PunctClass::Dash);
  EXPECT_EQ(punct_class(U'…'), PunctClass::Ellipsis);
  EXPECT_EQ(punct_class(U'·'), PunctClass::Interpunct);
  EXPECT_EQ(punct_class(U'～'), PunctClass::Connector);
  EXPECT_EQ(punct_class(U'中'), PunctClass::None);
  EXPECT_TRUE(is_stop_mark(U'。'));
  EXPECT_FALSE(is_stop_mark(U'，'));
  EXPECT_TRUE(is_loose_start(U'ッ'));
  EXPECT_TRUE(is_loose_start(U'々'));
  EXPECT_FALSE(is_loose_start(U'中'));
  EXPECT_TRUE(is_unit_sign(U'％'));
  EXPECT_TRUE(is_currency(U'￥'));
}

}  // namespace
}  // namespace moyin::base
