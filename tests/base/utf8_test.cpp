#include "base/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace moyin::base {
namespace {

TEST(Utf8, DecodeAndEncode) {
  const std::string s = "a中𠮷\xff";
  size_t i = 0;
  EXPECT_EQ(next_code_point(s, i), U'a');
  EXPECT_EQ(next_code_point(s, i), U'中');
  EXPECT_EQ(next_code_point(s, i), U'𠮷');
  EXPECT_EQ(next_code_point(s, i), 0xFFFDu);
  EXPECT_EQ(i, s.size());
  std::string out;
  for (char32_t c : {U'a', U'中', U'𠮷', U'é'}) append_utf8(out, c);
  EXPECT_EQ(out, "a中𠮷é");
  size_t j = 0;
  EXPECT_EQ(next_code_point("\xe4\xb8", j), 0xFFFDu);  // truncated
  EXPECT_EQ(j, 1u);                                    // one byte at a time
}

// decode_at's inline forms decode what decode_any decodes: every lead byte
// with every second byte and the interesting third bytes, whole or cut short.
TEST(Utf8, InlineFormsAgreeWithTheFullDecoder) {
  const unsigned char thirds[] = {0x00, 0x41, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xE4, 0xFF};
  int checked = 0;
  for (int b0 = 0; b0 < 256; ++b0)
    for (int b1 = 0; b1 < 256; ++b1)
      for (unsigned char b2 : thirds) {
        const char bytes[] = {static_cast<char>(b0), static_cast<char>(b1), static_cast<char>(b2)};
        for (size_t len = 1; len <= 3; ++len) {
          const std::string_view s(bytes, len);
          const Decoded fast = decode_at(s, 0), full = decode_any(s, 0);
          ASSERT_EQ(fast.cp, full.cp) << b0 << " " << b1 << " " << int{b2} << " " << len;
          ASSERT_EQ(fast.len, full.len) << b0 << " " << b1 << " " << int{b2} << " " << len;
          ++checked;
        }
      }
  EXPECT_EQ(checked, 256 * 256 * 10 * 3);
  EXPECT_EQ(decode_at("中", 0).cp, U'中');
  EXPECT_EQ(decode_at("\xef\xbf\xbf", 0).cp, 0xFFFFu);
}

TEST(Utf8, RejectsOverlongSurrogatesAndOutOfRange) {
  EXPECT_EQ(decode_at("\xc0\xaf", 0).cp, 0xFFFDu);          // overlong '/'
  EXPECT_EQ(decode_at("\xe0\x80\xaf", 0).cp, 0xFFFDu);      // overlong, 3 bytes
  EXPECT_EQ(decode_at("\xed\xa0\x80", 0).cp, 0xFFFDu);      // U+D800
  EXPECT_EQ(decode_at("\xf4\x90\x80\x80", 0).cp, 0xFFFDu);  // past U+10FFFF
  EXPECT_EQ(decode_at("\xf4\x8f\xbf\xbf", 0).cp, 0x10FFFFu);
  EXPECT_EQ(decode_at("\xe4\x41", 0).len, 1u);  // bad continuation
}

TEST(Utf8, DecodesBackwards) {
  const std::string s = "x中𠮷";
  Decoded d = decode_before(s, s.size());
  EXPECT_EQ(d.cp, U'𠮷');
  EXPECT_EQ(d.len, 4u);
  d = decode_before(s, s.size() - 4);
  EXPECT_EQ(d.cp, U'中');
  EXPECT_EQ(decode_before(s, 1).cp, U'x');
  // A lone continuation byte at the end is one invalid byte.
  EXPECT_EQ(decode_before("a\x80", 2).cp, 0xFFFDu);
  EXPECT_EQ(decode_before("a\x80", 2).len, 1u);
}

TEST(Utf8, RoundTripsEveryScalarValue) {
  for (char32_t c = 0; c <= 0x10FFFF; c += (c < 0x800 ? 1 : 97)) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    std::string s;
    append_utf8(s, c);
    size_t i = 0;
    ASSERT_EQ(next_code_point(s, i), c);
    ASSERT_EQ(i, s.size());
  }
}

TEST(Utf8, RepairReplacesEachInvalidByte) {
  std::string valid = "中文 text 𠀀";
  EXPECT_FALSE(repair_utf8(valid));
  EXPECT_EQ(valid, "中文 text 𠀀");
  std::string cut = "粗体";
  cut.resize(2);  // E7 B2: a character cut short
  cut += "]";
  EXPECT_TRUE(repair_utf8(cut));
  EXPECT_EQ(cut, "\xEF\xBF\xBD\xEF\xBF\xBD]");
  std::string stray =
      "a\x80"
      "b\xFF";
  EXPECT_TRUE(repair_utf8(stray));
  EXPECT_EQ(stray,
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
}

TEST(Ascii, TrimDropsWhiteSpaceAtTheEndsOnly) {
  EXPECT_EQ(trim_ascii_space(" \t fill \r\n"), "fill");
  EXPECT_EQ(trim_ascii_space("font family"), "font family");
  EXPECT_EQ(trim_ascii_space(" \f\v "), "");
  EXPECT_EQ(trim_ascii_space(""), "");
  EXPECT_EQ(trim_ascii_space("\xE3\x80\x80x"), "\xE3\x80\x80x") << "U+3000 is not ASCII";
}

}  // namespace
}  // namespace moyin::base
