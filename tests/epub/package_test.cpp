// The EPUB package: container layout, metadata, chapters, links, footnotes,
// images, raw HTML and determinism, checked on the unpacked archive.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "epub/epub.h"
#include "epub/internal.h"
#include "source/source.h"

namespace {

using moyin::doc::Diagnostics;
namespace epub = moyin::epub;

const std::string kFixtures = std::string(MOYIN_SOURCE_DIR) + "/tests/fixtures/epub";

struct Unpacked {
  std::vector<epub::ArchiveEntry> entries;
  std::map<std::string, std::string> files;
  Diagnostics diags;
  std::string bytes;
};

moyin::doc::Document parse(const std::string& md, const std::string& path) {
  Diagnostics d;
  auto doc = moyin::source::parse(md, path, d);
  EXPECT_TRUE(doc.has_value());
  return doc ? *doc : moyin::doc::Document{};
}

Unpacked unpack(std::optional<std::string> bytes, Diagnostics diags) {
  Unpacked u;
  u.diags = std::move(diags);
  EXPECT_TRUE(bytes.has_value());
  if (!bytes) return u;
  u.bytes = *bytes;
  auto entries = epub::read_archive(*bytes);
  EXPECT_TRUE(entries.has_value());
  if (!entries) return u;
  u.entries = *entries;
  for (auto& e : u.entries) u.files[e.name] = e.data;
  return u;
}

Unpacked build(const std::string& md, epub::Options options = {},
               const std::string& path = kFixtures + "/virtual.md") {
  Diagnostics diags;
  auto doc = parse(md, path);
  auto bytes = epub::make_epub(doc, options, diags);
  return unpack(bytes, diags);
}

int count(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + what.size())) ++n;
  return n;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool has_warning(const Diagnostics& d, const std::string& part) {
  for (auto& item : d.items)
    if (item.message.find(part) != std::string::npos) return true;
  return false;
}

TEST(EpubPackage, MimetypeFirstStoredThenSortedEntries) {
  Unpacked u = build("# One\n\nText.\n");
  ASSERT_FALSE(u.entries.empty());
  EXPECT_EQ(u.entries[0].name, "mimetype");
  EXPECT_TRUE(u.entries[0].stored);
  EXPECT_EQ(u.entries[0].data, "application/epub+zip");
  // The raw bytes start with the stored mimetype entry (readers sniff this).
  EXPECT_EQ(u.bytes.substr(30, 28), "mimetypeapplication/epub+zip");
  for (size_t i = 2; i < u.entries.size(); ++i) EXPECT_LT(u.entries[i - 1].name, u.entries[i].name);
  EXPECT_NE(u.files["META-INF/container.xml"].find("full-path=\"EPUB/package.opf\""),
            std::string::npos);
  EXPECT_TRUE(u.files.count("EPUB/nav.xhtml"));
  EXPECT_TRUE(u.files.count("EPUB/toc.ncx"));
  EXPECT_TRUE(u.files.count("EPUB/style.css"));
  EXPECT_TRUE(u.files.count("EPUB/title.xhtml"));
}

TEST(EpubPackage, MetadataFromFrontMatter) {
  Unpacked u = build(
      "---\ntitle: 书名\ndate: 2025-10-28T13:54:14+08:00\nauthor: [甲, 乙]\ntags: [LLM, 综述]\n"
      "categories: [LLM, 技术]\ndescription: 简介\nlang: zh-TW\n---\n# 一\n\n文字。\n");
  const std::string& opf = u.files["EPUB/package.opf"];
  EXPECT_NE(opf.find("<dc:title>书名</dc:title>"), std::string::npos);
  EXPECT_NE(opf.find("<dc:language>zh-TW</dc:language>"), std::string::npos);
  EXPECT_NE(opf.find(">甲</dc:creator>"), std::string::npos);
  EXPECT_NE(opf.find(">乙</dc:creator>"), std::string::npos);
  EXPECT_NE(opf.find("<dc:date>2025-10-28T05:54:14Z</dc:date>"), std::string::npos);
  EXPECT_NE(opf.find("<dc:description>简介</dc:description>"), std::string::npos);
  EXPECT_EQ(count(opf, "<dc:subject>"), 3);  // LLM once, 综述, 技术
  EXPECT_NE(opf.find("<meta property=\"dcterms:modified\">2025-10-28T05:54:14Z</meta>"),
            std::string::npos);
  EXPECT_NE(opf.find("urn:uuid:"), std::string::npos);
  EXPECT_NE(u.files["EPUB/chapter-001.xhtml"].find("xml:lang=\"zh-TW\""), std::string::npos);
  EXPECT_NE(u.files["EPUB/title.xhtml"].find("书名"), std::string::npos);
  EXPECT_NE(u.files["EPUB/title.xhtml"].find("简介"), std::string::npos);
}

TEST(EpubPackage, IdentifierStableAndFromFrontMatter) {
  auto id_of = [](const Unpacked& u) {
    std::string opf = u.files.at("EPUB/package.opf");
    const std::string open = "<dc:identifier id=\"pub-id\">";
    size_t a = opf.find(open);
    if (a == std::string::npos) return std::string();
    a += open.size();
    return opf.substr(a, opf.find('<', a) - a);
  };
  std::string a = id_of(build("---\ntitle: A\ndate: 2025-01-01\n---\ntext\n"));
  std::string a2 = id_of(build("---\ntitle: A\ndate: 2025-01-01\n---\nother text\n"));
  std::string b = id_of(build("---\ntitle: B\ndate: 2025-01-01\n---\ntext\n"));
  EXPECT_EQ(a, a2);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("urn:uuid:", 0), 0u);
  EXPECT_EQ(id_of(build("---\ntitle: A\nid: isbn:978-7-111\n---\ntext\n")), "isbn:978-7-111");
}

TEST(EpubPackage, ModifiedFromSourceDateEpochNeverTheClock) {
  epub::Options o;
  o.source_date_epoch = 1700000000;
  Unpacked u = build("---\ntitle: No date\n---\ntext\n", o);
  EXPECT_NE(u.files["EPUB/package.opf"].find("dcterms:modified\">2023-11-14T22:13:20Z<"),
            std::string::npos);
  Unpacked v = build("---\ntitle: No date\n---\ntext\n");
  EXPECT_NE(v.files["EPUB/package.opf"].find("dcterms:modified\">1970-01-01T00:00:00Z<"),
            std::string::npos);
}

TEST(EpubPackage, EveryChapterIsASectionNamedByItsHeading) {
  std::string md = "前言段落。\n\n# 第一章\n\n正文[^a]。\n\n# 第二章\n\n正文。\n\n[^a]: 脚注。\n";
  Unpacked u = build(md);
  ASSERT_TRUE(u.files.count("EPUB/chapter-003.xhtml"));
  // Text before the first heading is a chapter of its own, without a name.
  const std::string& c1 = u.files["EPUB/chapter-001.xhtml"];
  EXPECT_NE(c1.find("<section epub:type=\"chapter\" role=\"doc-chapter\">"), std::string::npos)
      << c1;
  const std::string& c2 = u.files["EPUB/chapter-002.xhtml"];
  EXPECT_NE(c2.find("<section epub:type=\"chapter\" role=\"doc-chapter\" "
                    "aria-labelledby=\"第一章\">"),
            std::string::npos)
      << c2;
  EXPECT_NE(c2.find("<h1 id=\"第一章\""), std::string::npos);
  // The notes follow the chapter, outside it.
  const size_t end = c2.find("</section>");
  const size_t notes = c2.find("<section epub:type=\"footnotes\"");
  ASSERT_NE(notes, std::string::npos);
  EXPECT_LT(end, notes);
  EXPECT_EQ(count(c2, "role=\"doc-chapter\""), 1);
}

TEST(EpubPackage, SplitsAtLevelOneHeadingsAndResolvesLinksAcrossFiles) {
  std::string md =
      "# 第一章\n\n见[第二节](#第二章)与脚注[^a]。\n\n## 小节\n\n# 第二章\n\n引用脚注[^b]，回到[开头](#第一章)。\n\n"
      "[^a]: 脚注甲。\n[^b]: 脚注乙。\n";
  Unpacked u = build(md);
  ASSERT_TRUE(u.files.count("EPUB/chapter-001.xhtml"));
  ASSERT_TRUE(u.files.count("EPUB/chapter-002.xhtml"));
  EXPECT_FALSE(u.files.count("EPUB/chapter-003.xhtml"));
  const std::string& c1 = u.files["EPUB/chapter-001.xhtml"];
  const std::string& c2 = u.files["EPUB/chapter-002.xhtml"];
  EXPECT_NE(c1.find("href=\"chapter-002.xhtml#第二章\""), std::string::npos);
  EXPECT_NE(c2.find("href=\"chapter-001.xhtml#第一章\""), std::string::npos);
  // Each footnote sits with the chapter citing it, as an EPUB footnote with a back link.
  EXPECT_NE(c1.find("epub:type=\"noteref\""), std::string::npos);
  EXPECT_NE(c1.find("<aside epub:type=\"footnote\""), std::string::npos);
  EXPECT_NE(c1.find("脚注甲"), std::string::npos);
  EXPECT_EQ(c1.find("脚注乙"), std::string::npos);
  EXPECT_NE(c2.find("脚注乙"), std::string::npos);
  EXPECT_NE(c2.find("href=\"#fnref-b\""), std::string::npos);
  // The nav nests the level-2 heading under its chapter.
  const std::string& nav = u.files["EPUB/nav.xhtml"];
  EXPECT_NE(nav.find("第一章</a><ol><li><a href=\"chapter-001.xhtml#小节\">小节</a>"),
            std::string::npos);
  EXPECT_NE(nav.find("epub:type=\"landmarks\""), std::string::npos);
  EXPECT_NE(u.files["EPUB/toc.ncx"].find("chapter-002.xhtml#第二章"), std::string::npos);

  epub::Options one;
  one.split_level = 0;
  Unpacked w = build(md, one);
  EXPECT_TRUE(w.files.count("EPUB/chapter-001.xhtml"));
  EXPECT_FALSE(w.files.count("EPUB/chapter-002.xhtml"));
  EXPECT_NE(w.files["EPUB/chapter-001.xhtml"].find("href=\"#第二章\""), std::string::npos);
}

TEST(EpubPackage, BrokenInternalLinkWarnsAndKeepsText) {
  Unpacked u = build("# A\n\n[nowhere](#missing) and [file](other.md).\n");
  const std::string& c = u.files["EPUB/chapter-001.xhtml"];
  EXPECT_EQ(c.find("#missing"), std::string::npos);
  EXPECT_NE(c.find("nowhere"), std::string::npos);
  EXPECT_TRUE(has_warning(u.diags, "#missing does not exist"));
  EXPECT_TRUE(has_warning(u.diags, "not part of this EPUB"));
}

TEST(EpubPackage, EveryNodeTypeRenders) {
  Unpacked u = build(
      "# H\n\n*em* **strong** ~~del~~ `code` a  \nb\n\n3. three\n4. four\n\n- [ ] open\n- [x] done\n\n"
      "> quote\n\n```rust\nfn main() {}\n```\n\n| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n\n---\n");
  const std::string& c = u.files["EPUB/chapter-001.xhtml"];
  for (const char* part :
       {"<em>em</em>", "<strong>strong</strong>", "<del>del</del>", "<code>code</code>", "<br/>",
        "<ol start=\"3\">", "<input type=\"checkbox\" disabled=\"disabled\"/>",
        "<input type=\"checkbox\" disabled=\"disabled\" checked=\"checked\"/>", "<blockquote>",
        "<pre><code class=\"language-rust\">fn main() {}",
        "<th scope=\"col\" style=\"text-align: left\">a</th>",
        "<th scope=\"col\" style=\"text-align: center\">b</th>",
        "<td style=\"text-align: right\">3</td>", "<hr/>"})
    EXPECT_NE(c.find(part), std::string::npos) << part;
}

TEST(EpubPackage, RawHtmlIsSanitizedIntoWellFormedXhtml) {
  Unpacked u = build(
      "# R\n\n<div onclick=\"x()\"><script>alert(1)</script><p>kept <b>bold</b></p>"
      "<custom>inner text</custom><iframe src=\"a\"></iframe></div>\n\n"
      "Inline <a href=\"javascript:alert(1)\">bad</a> and <span>unclosed.\n");
  const std::string& c = u.files["EPUB/chapter-001.xhtml"];
  EXPECT_EQ(c.find("script"), std::string::npos);
  EXPECT_EQ(c.find("onclick"), std::string::npos);
  EXPECT_EQ(c.find("iframe"), std::string::npos);
  EXPECT_EQ(c.find("javascript"), std::string::npos);
  EXPECT_EQ(c.find("custom"), std::string::npos);
  EXPECT_NE(c.find("inner text"), std::string::npos);
  EXPECT_NE(c.find("<p>kept <b>bold</b></p>"), std::string::npos);
  EXPECT_NE(c.find("<span>unclosed.</span>"), std::string::npos);
  EXPECT_TRUE(has_warning(u.diags, "<script> removed"));
  EXPECT_TRUE(has_warning(u.diags, "javascript: link removed"));
}

TEST(EpubPackage, ImagesCopiedOnceWithMediaTypesOthersBecomeAltText) {
  Unpacked u = build(
      "# I\n\n![a](images/dot.png) ![b](./images/dot.png) ![c](images/photo.jpg) ![d](images/anim.gif) "
      "![e](images/shape.svg) ![f](images/pic.webp)\n\n![gone](images/missing.png) "
      "![far](https://example.com/x.png) ![out](../../CMakeLists.txt) ![fileurl](file:///etc/passwd)\n");
  const std::string& opf = u.files["EPUB/package.opf"];
  EXPECT_EQ(count(opf, "href=\"images/dot.png\""), 1);
  EXPECT_NE(opf.find("media-type=\"image/png\""), std::string::npos);
  EXPECT_NE(opf.find("media-type=\"image/jpeg\""), std::string::npos);
  EXPECT_NE(opf.find("media-type=\"image/gif\""), std::string::npos);
  EXPECT_NE(opf.find("media-type=\"image/svg+xml\""), std::string::npos);
  EXPECT_NE(opf.find("media-type=\"image/webp\""), std::string::npos);
  EXPECT_EQ(u.files["EPUB/images/dot.png"], read(kFixtures + "/images/dot.png"));
  const std::string& c = u.files["EPUB/chapter-001.xhtml"];
  EXPECT_EQ(count(c, "src=\"images/dot.png\""), 2);
  for (const char* alt : {"gone", "far", "out", "fileurl"})
    EXPECT_NE(c.find(alt), std::string::npos);
  EXPECT_EQ(c.find("missing.png"), std::string::npos);
  EXPECT_TRUE(has_warning(u.diags, "not found"));
  EXPECT_TRUE(has_warning(u.diags, "remote image"));
  EXPECT_TRUE(has_warning(u.diags, "outside the document's folder"));
  EXPECT_TRUE(has_warning(u.diags, "file: URLs"));
}

TEST(EpubPackage, CoverFromFrontMatter) {
  Unpacked u = build("---\ntitle: C\ncover: images/photo.jpg\n---\ntext\n");
  EXPECT_TRUE(u.files.count("EPUB/cover.xhtml"));
  EXPECT_NE(u.files["EPUB/package.opf"].find("properties=\"cover-image\""), std::string::npos);
  EXPECT_NE(u.files["EPUB/nav.xhtml"].find("epub:type=\"cover\""), std::string::npos);
}

TEST(EpubPackage, SeedManuscriptHasSixChaptersTitlePageAndThirtyNavEntries) {
  Diagnostics diags;
  auto doc = moyin::source::read_file(
      std::string(MOYIN_TEST_DATA_DIR) + "/corpus/llm-survey-2025.md", diags);
  ASSERT_TRUE(doc.has_value());
  Unpacked u = unpack(epub::make_epub(*doc, {}, diags), diags);
  EXPECT_TRUE(u.files.count("EPUB/title.xhtml"));
  EXPECT_TRUE(u.files.count("EPUB/chapter-006.xhtml"));
  EXPECT_FALSE(u.files.count("EPUB/chapter-007.xhtml"));
  const std::string& nav = u.files["EPUB/nav.xhtml"];
  size_t toc_end = nav.find("</nav>");
  EXPECT_EQ(count(nav.substr(0, toc_end), "<a href="), 30);
  EXPECT_EQ(count(u.files["EPUB/toc.ncx"], "<navPoint"), 30);
  EXPECT_NE(u.files["EPUB/style.css"].find("text-align: justify"), std::string::npos);
}

TEST(EpubPackage, SameInputSameBytes) {
  std::string md =
      "---\ntitle: D\ndate: 2025-03-04\n---\n# A\n\n![a](images/dot.png)\n\n# B\n\ntext[^1]\n\n[^1]: n\n";
  Unpacked a = build(md), b = build(md);
  EXPECT_EQ(a.bytes, b.bytes);
}

// Embedded faces: one open already (the font library's), one read from its
// file; subset on one thread or two, the package is the same bytes.
TEST(EpubPackage, EmbeddedFacesSameFromAnOpenFaceOrAFileOnAnyThreads) {
  const std::string dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  const std::string bold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
  Diagnostics opened;
  moyin::font::FacePtr face = moyin::font::open_face(bold, 0, opened);
  ASSERT_TRUE(face);
  epub::Options options;
  options.embed_fonts = true;
  options.fonts = {{dejavu, 0, "DejaVu Sans", false, false, nullptr},
                   {bold, 0, "DejaVu Sans", true, false, face.get()}};
  const std::string md = "---\ntitle: F\ndate: 2025-03-04\n---\n# A\n\nPlain and **bold**.\n";
  Unpacked one = build(md, options);
  options.threads = 2;
  Unpacked two = build(md, options);
  EXPECT_EQ(one.bytes, two.bytes);
  ASSERT_EQ(one.files.count("EPUB/fonts/font-001.ttf"), 1u);
  ASSERT_EQ(one.files.count("EPUB/fonts/font-002.ttf"), 1u);
  EXPECT_LT(one.files["EPUB/fonts/font-002.ttf"].size(), 20000u) << "the bold face, subset";
  EXPECT_NE(one.files["EPUB/style.css"].find("font-weight: bold"), std::string::npos);
  EXPECT_TRUE(one.diags.items.empty());
  // A face that cannot be read is left out with a warning; the others stay.
  options.fonts.push_back({"/nonexistent/x.ttf", 0, "X", false, false, nullptr});
  Unpacked missing = build(md, options);
  EXPECT_TRUE(has_warning(missing.diags, "not embedded"));
  EXPECT_EQ(missing.files.count("EPUB/fonts/font-002.ttf"), 1u);
}

// A book "书" of the fixtures' a.md and b.md with these texts.
epub::Book two_chapters(const std::string& a, const std::string& b) {
  epub::Book book;
  book.meta.title = "书";
  book.meta.date = "2025-01-02";
  book.meta_path = kFixtures + "/book.yaml";
  book.root = kFixtures;
  book.chapters.push_back(parse(a, kFixtures + "/a.md"));
  book.chapters.push_back(parse(b, kFixtures + "/b.md"));
  return book;
}

TEST(EpubPackage, BookHasOneFilePerChapterAndLinksBetweenFiles) {
  const epub::Book book =
      two_chapters("# 甲\n\n见[乙章](b.md#乙)。\n\n# 甲二\n\n文字。\n", "# 乙\n\n回[甲](a.md)。\n");
  Diagnostics diags;
  Unpacked u = unpack(epub::make_book(book, {}, diags), diags);
  EXPECT_TRUE(u.files.count("EPUB/chapter-002.xhtml"));
  EXPECT_FALSE(u.files.count("EPUB/chapter-003.xhtml"));
  EXPECT_NE(u.files["EPUB/chapter-001.xhtml"].find("href=\"chapter-002.xhtml#乙\""),
            std::string::npos);
  EXPECT_NE(u.files["EPUB/chapter-002.xhtml"].find("href=\"chapter-001.xhtml\""),
            std::string::npos);
  EXPECT_NE(u.files["EPUB/package.opf"].find("<dc:title>书</dc:title>"), std::string::npos);
}

// Note marks follow footnote.marks and footnote.numbering as in the PDF:
// ①② through the book with `document`; `page` (no pages here) numbers per chapter.
TEST(EpubPackage, FootnoteMarksAndNumberingFollowTheSheet) {
  const epub::Book book = two_chapters("# 甲\n\n一[^a]二[^b]。\n\n[^a]: 甲注一。\n[^b]: 甲注二。\n",
                                       "# 乙\n\n三[^c]。\n\n[^c]: 乙注。\n");
  auto chapter2 = [&](moyin::style::NoteNumbering numbering) {
    epub::Options o;
    o.sheet.notes.marks = moyin::style::NoteMarks::Circled;
    o.sheet.notes.numbering = numbering;
    Diagnostics diags;
    Unpacked u = unpack(epub::make_book(book, o, diags), diags);
    EXPECT_NE(u.files["EPUB/chapter-001.xhtml"].find("class=\"footnote-ref\" id=\"fnref-b\" "
                                                     "href=\"#fn-b\">②</a>"),
              std::string::npos)
        << u.files["EPUB/chapter-001.xhtml"];
    return u.files["EPUB/chapter-002.xhtml"];
  };
  const std::string document = chapter2(moyin::style::NoteNumbering::Document);
  EXPECT_NE(document.find("href=\"#fn-c\">③</a></sup>"), std::string::npos) << document;
  EXPECT_NE(document.find("role=\"doc-backlink\" href=\"#fnref-c\">③</a>"), std::string::npos);
  const std::string page = chapter2(moyin::style::NoteNumbering::Page);
  EXPECT_NE(page.find("href=\"#fn-c\">①</a></sup>"), std::string::npos) << page;
}

// MkDocs' `???` admonitions fold in the EPUB as they do on the web:
// <details> (open for `???+`) with the title as its <summary>.
TEST(EpubPackage, CollapsedAdmonitionsAreDetails) {
  Unpacked u = build(
      "??? note\n    收起的正文\n\n???+ tip \"展开\"\n    展开的正文\n\n!!! warning\n    常规\n");
  const std::string& c = u.files["EPUB/chapter-001.xhtml"];
  EXPECT_NE(c.find("<details class=\"callout callout-note\">\n<summary>注意</summary>"),
            std::string::npos)
      << c;
  EXPECT_NE(
      c.find("<details class=\"callout callout-tip\" open=\"open\">\n<summary>展开</summary>"),
      std::string::npos);
  EXPECT_NE(c.find("<aside class=\"callout callout-warning\""), std::string::npos);
}

TEST(EpubPackage, BookChapterWithoutTitleHeadingIsInTheNav) {
  epub::Book book;
  book.meta.title = "书";
  book.meta.date = "2025-01-02";
  book.meta_path = kFixtures + "/book.yaml";
  book.root = kFixtures;
  book.chapters.push_back(parse("# 甲\n\n文字。\n", kFixtures + "/a.md"));
  book.chapters.push_back(parse("只有正文，没有标题。\n\n## 小节\n", kFixtures + "/前言.md"));
  book.chapters.back().meta.title.clear();  // named by its file then
  Diagnostics diags;
  Unpacked u = unpack(epub::make_book(book, {}, diags), diags);
  const std::string& nav = u.files["EPUB/nav.xhtml"];
  EXPECT_NE(nav.find("<a href=\"chapter-002.xhtml\">前言</a>"), std::string::npos) << nav;
}

TEST(EpubPackage, DeeplyNestedRawHtmlIsBoundedNotACrash) {
  std::string md = "# Deep\n\n";
  for (int i = 0; i < 50000; ++i) md += "<div>";
  md += "core";
  for (int i = 0; i < 50000; ++i) md += "</div>";
  md += "\n\ntail <span>";
  for (int i = 0; i < 50000; ++i) md += "<i>";
  md += "inline\n";
  Unpacked u = build(md);
  const std::string& c = u.files["EPUB/chapter-001.xhtml"];
  EXPECT_NE(c.find("core"), std::string::npos);
  EXPECT_NE(c.find("inline"), std::string::npos);
  EXPECT_LT(count(c, "<div>"), 300);
}

}  // namespace

// EPUB Accessibility 1.1 metadata follows what the book holds.
TEST(EpubPackage, AccessibilityMetadataIsTrueToTheContent) {
  Unpacked plain = build("---\ntitle: A\nlang: zh-CN\n---\n# 一\n\n正文。\n");
  const std::string& opf = plain.files["EPUB/package.opf"];
  EXPECT_NE(opf.find("<meta property=\"schema:accessMode\">textual</meta>"), std::string::npos)
      << opf;
  EXPECT_EQ(opf.find(">visual<"), std::string::npos);
  EXPECT_NE(opf.find("<meta property=\"schema:accessModeSufficient\">textual</meta>"),
            std::string::npos);
  EXPECT_NE(opf.find("<meta property=\"schema:accessibilityFeature\">tableOfContents</meta>"),
            std::string::npos);
  EXPECT_EQ(opf.find(">alternativeText<"), std::string::npos) << "no images, no claim about them";
  EXPECT_EQ(opf.find(">MathML<"), std::string::npos);
  EXPECT_NE(opf.find("<meta property=\"schema:accessibilityHazard\">none</meta>"),
            std::string::npos);
  EXPECT_NE(opf.find("<meta property=\"schema:accessibilitySummary\">本书"), std::string::npos);
  EXPECT_NE(
      opf.find(
          "<meta property=\"dcterms:conformsTo\">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>"),
      std::string::npos);

  Unpacked with_alt =
      build("---\nlang: en\n---\n# I\n\n![a dot](images/dot.png)\n\n| h |\n|---|\n| c |\n");
  const std::string& o2 = with_alt.files["EPUB/package.opf"];
  EXPECT_NE(o2.find(">visual<"), std::string::npos);
  EXPECT_NE(o2.find(">alternativeText<"), std::string::npos);
  // Not a schema.org accessibilityFeature value (Ace by DAISY rejects it).
  EXPECT_EQ(o2.find(">tableHeaders<"), std::string::npos);
  EXPECT_NE(o2.find("schema:accessibilitySummary\">A reflowable"), std::string::npos);
  EXPECT_NE(o2.find("dcterms:conformsTo"), std::string::npos);

  Unpacked no_alt = build("# I\n\n![](images/dot.png)\n");
  const std::string& o3 = no_alt.files["EPUB/package.opf"];
  EXPECT_EQ(o3.find("dcterms:conformsTo"), std::string::npos);
  EXPECT_EQ(o3.find(">alternativeText<"), std::string::npos);
  EXPECT_EQ(o3.find("<meta property=\"schema:accessModeSufficient\">textual</meta>"),
            std::string::npos);
  EXPECT_TRUE(has_warning(no_alt.diags, "have no alt text"));
}

// finish() puts the print pages' markers, resolves links and counts images
// from what the sanitizer listed; after a formula is inserted it searches
// the chapters again. Both ways give the same markers, links and facts.
TEST(EpubPackage, PagesLinksAndImagesWithAndWithoutFormulas) {
  const std::string md =
      "# A {#a}\n\nText $x$ see [b](#b).\n\n![dot](images/dot.png)\n\n"
      "# B {#b}\n\nBack [a](#a) and ![](images/dot.png).\n";
  moyin::math::Formulas formulas;
  formulas.results[{"x", false}] = {
      "", "", "<math xmlns=\"http://www.w3.org/1998/Math/MathML\" alttext=\"x\"><mi>x</mi></math>"};
  for (const bool math : {false, true}) {
    Diagnostics diags;
    const moyin::doc::Document doc = parse(md, kFixtures + "/virtual.md");
    epub::Options options;
    options.pages_follow = true;
    if (math) options.formulas = &formulas;
    std::vector<epub::PrintPage> pages = {{"i", 0, 0, {1, 1}},   // before the first heading
                                          {"1", 1, 0, {5, 1}},   // at the image
                                          {"2", 2, 0, {5, 1}},   // a page that starts at it too
                                          {"3", 3, 0, {7, 1}}};  // at the second heading
    std::optional<std::string> bytes = epub::finish(epub::draft_epub(doc, options, diags), pages);
    Unpacked u = unpack(std::move(bytes), diags);
    const std::string& one = u.files["EPUB/chapter-001.xhtml"];
    const std::string& two = u.files["EPUB/chapter-002.xhtml"];
    EXPECT_EQ(one.find("<!--"), std::string::npos) << one;  // no mark left
    EXPECT_EQ(two.find("<!--"), std::string::npos) << two;
    EXPECT_NE(one.find("<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"page-1\" "
                       "aria-label=\"i\"></span><h1 id=\"a\">"),
              std::string::npos)
        << one;
    EXPECT_LT(one.find("id=\"page-2\""), one.find("id=\"page-3\""));
    EXPECT_LT(one.find("id=\"page-3\""), one.find("<img"));
    EXPECT_NE(two.find("id=\"page-4\" aria-label=\"3\"></span><h1 id=\"b\">"), std::string::npos)
        << two;
    EXPECT_NE(one.find("<a href=\"chapter-002.xhtml#b\">b</a>"), std::string::npos) << one;
    EXPECT_NE(two.find("<a href=\"chapter-001.xhtml#a\">a</a>"), std::string::npos) << two;
    EXPECT_EQ(one.find("<math") != std::string::npos, math) << one;
    const std::string& nav = u.files["EPUB/nav.xhtml"];
    for (const char* target : {"chapter-001.xhtml#page-1\">i<", "chapter-001.xhtml#page-2\">1<",
                               "chapter-001.xhtml#page-3\">2<", "chapter-002.xhtml#page-4\">3<"})
      EXPECT_NE(nav.find(target), std::string::npos) << target << "\n" << nav;
    const std::string& opf = u.files["EPUB/package.opf"];
    EXPECT_NE(opf.find(">visual<"), std::string::npos) << opf;  // two images, one without alt
    EXPECT_EQ(opf.find("dcterms:conformsTo"), std::string::npos) << opf;
    EXPECT_TRUE(has_warning(u.diags, "1 image(s) have no alt text"));
    EXPECT_EQ(opf.find(">MathML<") != std::string::npos, math) << opf;
  }
}

// The zip writer (archive.cpp): what libzip reads back is what was put in,
// the mimetype stored, text deflated, bytes that deflate cannot shrink
// stored, a UTF-8 name kept; the same entries give the same bytes.
TEST(EpubArchive, WrittenEntriesReadBackExactly) {
  std::string noise;
  uint32_t x = 12345;
  for (int i = 0; i < 4096; ++i) {
    x = x * 1103515245 + 12345;
    noise += static_cast<char>(x >> 24);
  }
  std::string text;
  for (int i = 0; i < 200; ++i) text += "墨印 Moyin line " + std::to_string(i % 7) + "\n";
  const std::vector<moyin::epub::detail::FileEntry> entries = {{"mimetype", "application/epub+zip"},
                                                               {"EPUB/images/图一.bin", noise},
                                                               {"EPUB/text.xhtml", text},
                                                               {"EPUB/empty.txt", ""}};
  std::string error;
  const std::optional<std::string> zip = moyin::epub::detail::zip_package(entries, 0, error);
  ASSERT_TRUE(zip) << error;
  EXPECT_EQ(zip->substr(30, 8), "mimetype");  // the first entry's name, right after its header
  EXPECT_EQ(zip, moyin::epub::detail::zip_package(entries, 0, error));
  const auto back = epub::read_archive(*zip);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ((*back)[i].name, entries[i].name);
    EXPECT_EQ((*back)[i].data, entries[i].data) << entries[i].name;
  }
  EXPECT_TRUE((*back)[0].stored);
  EXPECT_FALSE((*back)[2].stored);
  EXPECT_LT(zip->size(), noise.size() + text.size() / 2);
}
