// Input hygiene (source/hygiene.h): what reaches the parsers is valid UTF-8
// with LF line ends, and the first bad byte of each kind is reported where
// it stands.
#include "source/hygiene.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using moyin::doc::Diagnostics;
using moyin::source::clean_input;

TEST(CleanInput, LineEndsBecomeLf) {
  Diagnostics diags;
  EXPECT_EQ(clean_input("a\r\nb\rc\nd\r", "x.md", diags), "a\nb\nc\nd\n");
  EXPECT_TRUE(diags.items.empty());
}

TEST(CleanInput, KeepsTextControlsAndRealReplacementCharacters) {
  Diagnostics diags;
  const std::string text = "\xEF\xBB\xBF汉字 Latin\t\x1B[0m \xEF\xBF\xBD \xF0\x9F\x98\x80\n";
  EXPECT_EQ(clean_input(text, "x.md", diags), text.substr(3));  // the BOM dropped
  EXPECT_TRUE(diags.items.empty());
}

TEST(CleanInput, NulAndInvalidBytesReplacedAndReportedWhereTheyStand) {
  Diagnostics diags;
  const std::string text = std::string("ok\r\nab\0c\n汉\xFF\xC3 d\n\xE6\x97", 19);
  const auto out = clean_input(text, "x.md", diags);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out,
            "ok\nab\xEF\xBF\xBD"
            "c\n汉\xEF\xBF\xBD\xEF\xBF\xBD d\n\xEF\xBF\xBD\xEF\xBF\xBD");
  ASSERT_EQ(diags.items.size(), 2u);
  EXPECT_EQ(diags.items[0].message, "invalid UTF-8, replaced by U+FFFD");
  EXPECT_EQ(diags.items[0].pos.line, 3);
  EXPECT_EQ(diags.items[0].pos.column, 4);  // after the 3 bytes of 汉
  EXPECT_EQ(diags.items[1].message, "NUL character, replaced by U+FFFD");
  EXPECT_EQ(diags.items[1].pos.line, 2);
  EXPECT_EQ(diags.items[1].pos.column, 3);
}

TEST(CleanInput, ThreeByteSequencesCheckedAtEveryLeadByte) {
  Diagnostics diags;
  // Valid at the lead bytes the fast path takes (E1–EC, EE, EF) and at those it
  // leaves to the decoder (E0, ED): အ 한 U+D7FF 豈 U+FFFD ࠀ.
  const std::string good =
      "\xE1\x80\x80\xED\x95\x9C\xED\x9F\xBF\xEF\xA4\x80\xEF\xBF\xBD\xE0\xA0\x80";
  EXPECT_EQ(clean_input(good, "x.md", diags), good);
  EXPECT_TRUE(diags.items.empty());
  // A surrogate, an overlong form, a bad continuation byte and a cut-off
  // sequence become U+FFFD one byte at a time.
  const auto out = clean_input("\xED\xA0\x80|\xE0\x80\x80|\xE4\xB8(|\xE4\xB8", "x.md", diags);
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(out, r + r + r + "|" + r + r + r + "|" + r + r + "(|" + r + r);
  ASSERT_EQ(diags.items.size(), 1u);
  EXPECT_EQ(diags.items[0].pos.column, 1);
}

TEST(CleanInput, BinaryFileRefused) {
  Diagnostics diags;
  EXPECT_FALSE(clean_input(std::string(64, '\0') + "text", "x.bin", diags).has_value());
  ASSERT_EQ(diags.items.size(), 1u);
  EXPECT_EQ(diags.items[0].message, "binary file, not a manuscript");
}

}  // namespace
