// The table of contents is titled in the document's language unless the
// sheet names a title (toc.title).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <variant>

#include "font/font.h"
#include "source/source.h"
#include "style/style.h"
#include "typeset/book.h"

namespace moyin::typeset {
namespace {

// Text of every glyph run on the book's first page labelled "ii" or later
// front page that holds the TOC (the page after the title page).
std::string toc_page_text(const std::string& manuscript, std::vector<std::string> sets) {
  doc::Diagnostics d;
  std::optional<font::FontLibrary> fonts =
      font::FontLibrary::load(std::filesystem::path(MOYIN_SOURCE_DIR) / "fonts/fonts.yaml", d);
  EXPECT_TRUE(fonts) << "default fonts missing: run scripts/setup";
  if (!fonts) return {};
  std::optional<doc::Document> document = source::parse(manuscript, "toc.md", d);
  EXPECT_TRUE(document);
  style::Sheet sheet =
      style::resolve("article", sets, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
  layout::Book book = typeset(*document, sheet, *fonts, d);
  for (const layout::Page& p : book.pages) {
    if (p.label != "ii") continue;
    std::string text;
    for (const layout::Item& it : p.items)
      if (auto* run = std::get_if<layout::GlyphRun>(&it)) text += run->text + "\n";
    return text;
  }
  ADD_FAILURE() << "no TOC page labelled ii";
  return {};
}

const char* kChinese = "---\ntitle: 标题\n---\n# 第一章\n\n正文。\n\n# 第二章\n\n正文。\n";
const char* kEnglish = "---\ntitle: Title\nlang: en\n---\n# One\n\nText.\n\n# Two\n\nText.\n";

TEST(TocTitle, FollowsTheDocumentLanguage) {
  std::string zh = toc_page_text(kChinese, {});
  EXPECT_NE(zh.find("目录"), std::string::npos) << zh;
  std::string en = toc_page_text(kEnglish, {});
  EXPECT_NE(en.find("Contents"), std::string::npos) << en;
  EXPECT_EQ(en.find("目录"), std::string::npos) << en;
}

TEST(TocTitle, TheSheetCanNameIt) {
  std::string en = toc_page_text(kEnglish, {"toc.title=Inhalt"});
  EXPECT_NE(en.find("Inhalt"), std::string::npos) << en;
  EXPECT_EQ(en.find("Contents"), std::string::npos) << en;
}

// Chinese, or no language, is shaped as zh-Hans or zh-Hant (the Noto CJK
// faces' locl forms); another language as it is written.
TEST(ShapingLanguage, ChineseOrNoneIsSimplifiedOrTraditional) {
  EXPECT_EQ(shaping_language(""), "zh-Hans");
  EXPECT_EQ(shaping_language("zh-CN"), "zh-Hans");
  EXPECT_EQ(shaping_language("zh"), "zh-Hans");
  EXPECT_EQ(shaping_language("zh-TW"), "zh-Hant");
  EXPECT_EQ(shaping_language("zh-HK"), "zh-Hant");
  EXPECT_EQ(shaping_language("zh-Hant-CN"), "zh-Hant");
  EXPECT_EQ(shaping_language("en-GB"), "en-GB");
  EXPECT_EQ(shaping_language("ja"), "ja");
}

}  // namespace
}  // namespace moyin::typeset
