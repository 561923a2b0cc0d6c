// The typographic markup and package settings the style sheet asks of the
// EPUB: Han–Latin spacing spans, punctuation compression per
// cjk.punctuation, upright digits and page direction for vertical writing,
// rendition metadata. What a reader's engine makes of them is measured by
// tests/tools/epub_render_test.py (ctest EpubRender.*).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "epub/epub.h"
#include "source/source.h"
#include "style/style.h"

namespace {

using moyin::doc::Diagnostics;
namespace epub = moyin::epub;
namespace style = moyin::style;

style::Sheet sheet_with(std::vector<std::string> sets) {
  Diagnostics d;
  style::Sheet s =
      style::resolve("article", sets, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
  EXPECT_TRUE(d.items.empty());
  return s;
}

std::string fragment(const std::string& md, const style::Sheet* sheet) {
  Diagnostics d;
  auto doc = moyin::source::parse(md, "t.md", d);
  EXPECT_TRUE(doc.has_value());
  return doc ? epub::render_fragment(*doc, d, sheet) : "";
}

std::string without_spans(std::string s) {
  for (size_t p; (p = s.find("<span")) != std::string::npos;) s.erase(p, s.find('>', p) - p + 1);
  for (size_t p; (p = s.find("</span>")) != std::string::npos;) s.erase(p, 7);
  return s;
}

int count(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + what.size())) ++n;
  return n;
}

const std::string kSpacer = "<span class=\"hl-sp\"></span>";

TEST(EpubTypography, HanLatinBoundariesGetOneEmptySpacerAndTheTextStaysTheSame) {
  const style::Sheet s = sheet_with({});
  const std::string md = "2025年，Hinton等人用GPU训练。\n";
  const std::string html = fragment(md, &s);
  EXPECT_EQ(html, "<p>2025" + kSpacer + "年，Hinton" + kSpacer + "等人用" + kSpacer + "GPU" +
                      kSpacer + "训练。</p>\n");
  // What search and read-aloud see is the author's text.
  EXPECT_EQ(without_spans(html), fragment(md, nullptr));
}

TEST(EpubTypography, SpacingAcrossInlineElementsButNotBesidePunctuationOrSpaces) {
  const style::Sheet s = sheet_with({});
  // Before <code>/<em>, not inside them; none next to （）， or a typed space.
  const std::string html = fragment("用`pip`安装*BERT*模型（API）与 Python 3。\n", &s);
  EXPECT_NE(html.find("用" + kSpacer + "<code>pip</code>" + kSpacer + "安装" + kSpacer +
                      "<em>BERT</em>" + kSpacer + "模型"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("（API）与 Python 3。"), std::string::npos) << html;
  // A source line break between Han and Latin is the spacing, not a space.
  EXPECT_EQ(fragment("模型\nGPT\n", &s), "<p>模型" + kSpacer + "GPT</p>\n");
  // Code blocks are left alone; cjk.latin-spacing: none turns it off.
  EXPECT_EQ(count(fragment("```\n中文abc\n```\n", &s), "hl-sp"), 0);
  const style::Sheet none = sheet_with({"cjk.latin-spacing=none"});
  EXPECT_EQ(count(fragment("中文abc中文\n", &none), "hl-sp"), 0);
}

TEST(EpubTypography, PunctuationMarkupFollowsEachStyleValue) {
  const std::string md = "他说（「引号」），好。\n";
  auto marks = [&](const char* value) {
    const style::Sheet s = sheet_with({std::string("cjk.punctuation=") + value});
    return without_spans(fragment(md, &s)) == fragment(md, nullptr) ? fragment(md, &s)
                                                                    : "text changed";
  };
  // quanjiao: the first of two adjacent marks gives up half an em.
  EXPECT_EQ(
      marks("quanjiao"),
      "<p>他说<span class=\"pc\">（</span><span class=\"pk\">「</span>引号<span class=\"pc\">」</span>"
      "<span class=\"pc\">）</span><span class=\"pk\">，</span>好。</p>\n");
  // kaiming: every mark half width but the stops; banjiao: every mark.
  EXPECT_EQ(
      marks("kaiming"),
      "<p>他说<span class=\"po\">（</span><span class=\"po\">「</span>引号<span class=\"pc\">」</span>"
      "<span class=\"pc\">）</span><span class=\"pc\">，</span>好<span class=\"pk\">。</span></p>\n");
  EXPECT_EQ(count(marks("banjiao"), "class=\"pc\">。"), 1);
  EXPECT_EQ(marks("plain"), fragment(md, nullptr));
  // Each value reaches the CSS differently (issue #9: three values gave one).
  std::set<std::string> css;
  for (const char* v : {"quanjiao", "kaiming", "banjiao", "plain"})
    css.insert(style::to_css(sheet_with({std::string("cjk.punctuation=") + v})));
  EXPECT_EQ(css.size(), 4u);
}

TEST(EpubTypography, VerticalWritingSetsShortDigitRunsUprightAndTurnsPagesRightToLeft) {
  const style::Sheet v = sheet_with({"epub.writing-mode=vertical-rl"});
  const std::string html = fragment("第3章写于2025年12月，共15.5页。\n", &v);
  EXPECT_NE(html.find("第<span class=\"tcy\">3</span>章"), std::string::npos) << html;
  EXPECT_NE(html.find("年<span class=\"tcy\">12</span>月"), std::string::npos) << html;
  EXPECT_EQ(html.find("tcy\">20"), std::string::npos) << "four digits stay a rotated run";
  EXPECT_EQ(html.find("tcy\">15"), std::string::npos) << "a decimal is not split";
  const std::string css = style::to_css(v);
  EXPECT_NE(css.find("writing-mode: vertical-rl"), std::string::npos);
  EXPECT_NE(css.find("text-combine-upright: all"), std::string::npos);
  EXPECT_NE(css.find("margin-top: 0.25em"), std::string::npos) << "spacing along the vertical line";

  Diagnostics d;
  auto doc = moyin::source::parse("# 标题\n\n竖排正文。\n", "v.md", d);
  ASSERT_TRUE(doc.has_value());
  epub::Options o;
  o.sheet = v;
  auto bytes = epub::make_epub(*doc, o, d);
  ASSERT_TRUE(bytes.has_value());
  auto entries = epub::read_archive(*bytes);
  ASSERT_TRUE(entries.has_value());
  for (const auto& e : *entries)
    if (e.name == "EPUB/package.opf") {
      EXPECT_NE(e.data.find("page-progression-direction=\"rtl\""), std::string::npos);
      EXPECT_NE(e.data.find("<meta property=\"rendition:layout\">reflowable</meta>"),
                std::string::npos);
    }
}

TEST(EpubTypography, ReaderFriendlyCss) {
  Diagnostics d;
  for (const char* name : {"article", "book", "ebook"}) {
    const std::string css = style::to_css(
        style::resolve(name, {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d));
    // Relative units only (no pt/px/cm/mm/in lengths).
    for (const char* unit : {"pt;", "pt ", "px;", "px ", "cm;", "mm;", "mm ", "in;"})
      EXPECT_EQ(css.find(unit), std::string::npos) << name << " " << unit;
    // Dark mode: no forced near-black text, no opaque light slabs. Highlighted
    // code blocks (the rules from the last `pre {` on) force their palette's
    // background and text colour together, docs/code.md: legible either way.
    std::string text = css.substr(0, css.find("pre code .hl-"));
    text = text.substr(0, text.rfind("\npre {"));
    EXPECT_EQ(text.find("color: #1a1a1a"), std::string::npos) << name;
    EXPECT_EQ(text.find("color: #000000"), std::string::npos) << name;
    EXPECT_EQ(text.find("background-color: #f"), std::string::npos) << name;
    const size_t code = css.find("\ncode {");
    ASSERT_NE(code, std::string::npos);
    EXPECT_NE(css.find("background-color: rgba(", code), std::string::npos) << name;
    EXPECT_NE(css.find("max-width: 100%"), std::string::npos) << name;
    EXPECT_NE(css.find("white-space: pre-wrap"), std::string::npos) << name;
    // The body's first-line indent is not inherited by list items.
    const size_t body = css.find("\nbody {");
    ASSERT_NE(body, std::string::npos);
    EXPECT_NE(css.find("text-indent: 0;", body), std::string::npos);
    EXPECT_LT(css.find("text-indent: 0;", body), css.find("}", body)) << name;
  }
  EXPECT_TRUE(d.items.empty());
}

}  // namespace
