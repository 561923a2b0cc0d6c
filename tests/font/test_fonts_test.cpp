// The test fonts (tests/fonts/make_test_fonts.py) have the advances the
// exact-width tests rely on; if the script changes them, this fails first.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "font/font.h"
#include "test_fonts.h"

namespace moyin::font {
namespace {

double advance_of(const FontLibrary& lib, const char* set, char32_t cp) {
  FaceChoice c = lib.select(*lib.find_set(set), cp);
  EXPECT_TRUE(c.covered) << static_cast<uint32_t>(cp);
  return advance_em(*c.face, glyph_of(*c.face, cp));
}

TEST(TestFonts, AdvancesAreTheDocumentedOnes) {
  const FontLibrary* lib = test_fonts::library();
  ASSERT_NE(lib, nullptr) << "test fonts missing: build the moyin_test_fonts target";
  const Face& body = lib->face(lib->find_set("serif-zh")->faces[0].regular);
  EXPECT_EQ(info(body).family, "Moyin Test");
  EXPECT_EQ(info(body).units_per_em, 1000);
  EXPECT_DOUBLE_EQ(info(body).ascender, 0.88);
  EXPECT_DOUBLE_EQ(info(body).descender, -0.12);
  for (char32_t cp : std::u32string(U"中文𠮷あア，。、：；？！（）《》「」・—…～℃　"))
    EXPECT_DOUBLE_EQ(advance_of(*lib, "serif-zh", cp), 1.0) << static_cast<uint32_t>(cp);
  for (char32_t cp : std::u32string(U"‘’“”"))
    EXPECT_DOUBLE_EQ(advance_of(*lib, "serif-zh", cp), 0.35);
  for (char32_t cp : std::u32string(U"AZaz09%/.·°¥–"))
    EXPECT_DOUBLE_EQ(advance_of(*lib, "serif-zh", cp), 0.5) << static_cast<uint32_t>(cp);
  EXPECT_DOUBLE_EQ(advance_of(*lib, "serif-zh", U' '), 0.25);
  // Code: ASCII from the monospaced face, Han from the fallback.
  EXPECT_DOUBLE_EQ(advance_of(*lib, "mono", U'x'), 0.6);
  EXPECT_DOUBLE_EQ(advance_of(*lib, "mono", U' '), 0.6);
  EXPECT_DOUBLE_EQ(advance_of(*lib, "mono", U'汉'), 1.0);
  // Symbols come from the last-resort face, in a different face than Han.
  FaceChoice knight = lib->select(*lib->find_set("serif-zh"), U'♞');
  EXPECT_TRUE(knight.covered);
  EXPECT_EQ(info(*knight.face).family, "Moyin Test Symbols");
  EXPECT_DOUBLE_EQ(advance_of(*lib, "serif-zh", U'→'), 0.6);
}

TEST(TestFonts, CffVariantIsAnOpenTypeCffFile) {
  std::ifstream in(test_fonts::dir() / "moyin-test-cff.otf", std::ios::binary);
  std::string tag(4, '\0');
  in.read(tag.data(), 4);
  EXPECT_EQ(tag, "OTTO");
}

}  // namespace
}  // namespace moyin::font
