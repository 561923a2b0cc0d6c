// Numbering and cross-references through the moyin binary on the sample
// book content/book.yaml (docs/numbering.md): heading numbers in the body,
// TOC, running heads and EPUB nav; figure and table captions with numbers;
// `[](#fig:x)` printing "图 1-1" in the PDF text (pdftotext) and the EPUB;
// footnotes with the same label in two chapters linking to their own
// chapter's note; epubcheck 0/0; and a golden page dump of one chapter.
// Re-bless the golden with MOYIN_UPDATE_GOLDEN=1.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "pdf/pdf_test_util.h"
#include "test_util.h"

namespace moyin {
namespace {

namespace fs = std::filesystem;
using pdf::testing::read_bytes;
using pdf::testing::run_command;

const fs::path kRoot = MOYIN_SOURCE_DIR;

class NumberingCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = moyin::testing::test_folder("numbering"); }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  pdf::testing::CommandResult moyin(const std::string& args) {
    return run_command("cd '" + kRoot.string() + "' && '" + MOYIN_BINARY + "' " + args, dir_);
  }
  fs::path dir_;
};

// pdftotext puts spaces (or none) where the typesetter set glue: compare
// without any.
std::string squeeze(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\n' && c != '\f') out += c;
  return out;
}

TEST_F(NumberingCli, SampleBookPrintsNumbersInBothOutputs) {
  auto b = moyin("build content/book.yaml -o '" + dir_.string() + "'");
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_EQ(b.err.find("cross-reference"), std::string::npos) << b.err;

  const std::string pdf = (dir_ / "book.pdf").string();
  const std::string text = squeeze(run_command("pdftotext '" + pdf + "' -", dir_).out);
  // Headings (and the TOC, and the running heads) carry the numbers.
  EXPECT_NE(text.find("第一章从稿件到版面"), std::string::npos) << text;
  EXPECT_NE(text.find("1.1处理流程"), std::string::npos);
  EXPECT_NE(text.find("1.1.1解析"), std::string::npos);
  EXPECT_NE(text.find("第二章页面上的细节"), std::string::npos);
  EXPECT_EQ(text.find("1.1写在前面"), std::string::npos);  // {-}
  // Captions: figures below, tables above, counted per chapter.
  EXPECT_NE(text.find("图1-1墨印的处理流程"), std::string::npos);
  EXPECT_NE(text.find("表1-1各阶段的输入、输出与耗时"), std::string::npos);
  EXPECT_NE(text.find("表2-1常用开本"), std::string::npos);
  EXPECT_NE(text.find("表2-2常用字号"), std::string::npos);
  EXPECT_NE(text.find("(1.1)"), std::string::npos);
  // Empty links print their target's number, across chapters too.
  EXPECT_NE(text.find("如图1-1所示"), std::string::npos);
  EXPECT_NE(text.find("见表1-1"), std::string::npos);
  EXPECT_NE(text.find("计算见(1.1)"), std::string::npos);
  // A target on another page gets its page (xref.page in the book sheet).
  EXPECT_NE(text.find("第二章（见第3页）讲页面上的细节"), std::string::npos);
  EXPECT_NE(text.find("其中2.2节（见第4页）专门讲注释"), std::string::npos);
  EXPECT_NE(text.find("上一章的图1-1（见第1页）给出了"), std::string::npos);
  // Equations by numbering.equation; automatic ids for a figure and a table.
  EXPECT_NE(text.find("本章的(2.1)则按"), std::string::npos);
  EXPECT_NE(text.find("印出来是图2-2。"), std::string::npos);
  // A target that near gets words, not a number (the book sheet's auto
  // xref wordings): the recto of the spread facing table 1-1's verso, the
  // page after a recto; `{.nopage}` prints none.
  EXPECT_NE(text.find("表1-1（见对页）列出了"), std::string::npos);
  EXPECT_NE(text.find("表2-1（见上页）没有写标识符"), std::string::npos);
  EXPECT_NE(text.find("第一章的这个链接就没有页码"), std::string::npos);
  EXPECT_EQ(text.find("第一章{.nopage}"), std::string::npos);
  EXPECT_NE(text.find("图2-1和表2-2都属于本章"), std::string::npos);
  EXPECT_NE(text.find("回到第一章（见第1页）的链接"), std::string::npos);  // its own text kept
  // The bookmarks carry the numbers too.
  auto outline = run_command("qpdf --json --json-key=outlines '" + pdf + "'", dir_);
  EXPECT_NE(outline.out.find("第一章 从稿件到版面"), std::string::npos) << outline.out;
  EXPECT_NE(outline.out.find("1.1 处理流程"), std::string::npos);

  const fs::path epub = dir_ / "book.epub";
  auto x = run_command("unzip -p '" + epub.string() + "' 'EPUB/*.xhtml'", dir_);
  EXPECT_NE(x.out.find("<span class=\"number\">第一章 </span>从稿件到版面"), std::string::npos)
      << x.out;
  EXPECT_NE(x.out.find("<figcaption>图 1-1 墨印的处理流程</figcaption>"), std::string::npos);
  EXPECT_NE(x.out.find("<caption>表 1-1 各阶段的输入、输出与耗时</caption>"), std::string::npos);
  EXPECT_NE(x.out.find("id=\"fig:pipeline\""), std::string::npos);
  EXPECT_NE(x.out.find(">图 1-1</a>"), std::string::npos);
  EXPECT_EQ(x.out.find("见第"), std::string::npos);  // no pages in the EPUB
  EXPECT_NE(x.out.find("id=\"fig-版心示意\""), std::string::npos);
  EXPECT_NE(x.out.find("href=\"#fig-版心示意\">图 2-2</a>"), std::string::npos);
  // Circled marks numbered through the book (book/style.yaml), as in the PDF.
  EXPECT_NE(x.out.find("href=\"#fn-1-2\">③</a>"), std::string::npos);
  // Chapter 2's note [^1] is fn-1-2, and its reference links there.
  EXPECT_NE(x.out.find("id=\"fn-1-2\""), std::string::npos);
  EXPECT_NE(x.out.find("href=\"#fn-1-2\""), std::string::npos);
  auto nav = run_command("unzip -p '" + epub.string() + "' EPUB/nav.xhtml", dir_);
  EXPECT_NE(nav.out.find("第一章 从稿件到版面"), std::string::npos) << nav.out;
  EXPECT_NE(nav.out.find("2.2 注释"), std::string::npos);
  auto check = run_command("java -jar /usr/bin/epubcheck '" + epub.string() + "'", dir_);
  EXPECT_EQ(check.status, 0) << check.out << check.err;
  EXPECT_NE((check.out + check.err).find("0 fatals / 0 errors / 0 warnings"), std::string::npos)
      << check.out << check.err;
}

TEST_F(NumberingCli, UnknownTargetWarnsWithPosition) {
  std::ofstream(dir_ / "a.md") << "# 甲\n\n见[](#fig:none)。\n";
  auto b = moyin("build '" + (dir_ / "a.md").string() + "' --to epub -o '" + dir_.string() + "'");
  EXPECT_EQ(b.status, 0);
  EXPECT_NE(b.err.find("a.md:3:4: warning: cross-reference: nothing has the id `fig:none`"),
            std::string::npos)
      << b.err;
}

// The text of each page of a PDF (pdftotext per page).
std::vector<std::string> page_texts(const fs::path& pdf, const fs::path& dir) {
  std::vector<std::string> out;
  const std::string info = run_command("pdfinfo '" + pdf.string() + "'", dir).out;
  const size_t at = info.find("Pages:");
  const int n = at == std::string::npos ? 0 : std::stoi(info.substr(at + 6));
  for (int k = 1; k <= n; ++k)
    out.push_back(squeeze(run_command("pdftotext -f " + std::to_string(k) + " -l " +
                                          std::to_string(k) + " '" + pdf.string() + "' -",
                                      dir)
                              .out));
  return out;
}

int page_of(const std::vector<std::string>& pages, const std::string& token) {
  for (size_t k = 0; k < pages.size(); ++k)
    if (pages[k].find(token) != std::string::npos) return static_cast<int>(k);
  return -1;
}

// xref.page: a reference to a table two pages on prints that page's number
// (the page pdftotext finds the table on); one on its target's own page
// prints none; the EPUB keeps the bare link.
TEST_F(NumberingCli, PageReferencesNameTheTargetsPage) {
  std::string md =
      "# 甲\n\n远处见[](#tbl:far)，近处见[](#tbl:near)，再见[远表](#tbl:far)。\n\n"
      "| a | b |\n|---|---|\n| 1 | 2 |\n\nTable: 近处的表 {#tbl:near}\n\n";
  for (int k = 0; k < 60; ++k)
    md +=
        "这是正文中用来填满页面的一段话，它足够长，可以占去好几行的位置，让后面的表落到后面的"
        "页上。\n\n";
  md +=
      "| c | d |\n|---|---|\n| 3 | 4 |\n\nTable: 远处的表 {#tbl:far}\n\n"
      "回看[](#tbl:near)。\n";
  std::ofstream(dir_ / "refs.md") << md;
  auto b = moyin("build '" + (dir_ / "refs.md").string() + "' -o '" + dir_.string() +
                 "' --set title-page.enabled=false --set toc.enabled=false"
                 " --set 'numbering.table=表 {n}' --set 'xref.page=（见第 {page} 页）'");
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_EQ(b.err.find("warning"), std::string::npos) << b.err;
  const std::vector<std::string> pages = page_texts(dir_ / "refs.pdf", dir_);
  const int far = page_of(pages, "表2远处的表");
  ASSERT_GE(far, 2) << "the far table should be at least two pages on";
  const std::string far_page = "（见第" + std::to_string(far + 1) + "页）";
  EXPECT_NE(pages[0].find("远处见表2" + far_page), std::string::npos) << pages[0];
  EXPECT_NE(pages[0].find("再见远表" + far_page), std::string::npos) << pages[0];
  EXPECT_NE(pages[0].find("近处见表1，"), std::string::npos) << pages[0];  // same page: none
  EXPECT_NE(pages[static_cast<size_t>(far)].find("回看表1（见第1页）"), std::string::npos)
      << pages[static_cast<size_t>(far)];
  // Never overflows: every page's text ends up on some page, none past the last.
  EXPECT_EQ(page_of(pages, "（见第88页）"), -1);

  auto x = run_command("unzip -p '" + (dir_ / "refs.epub").string() + "' 'EPUB/*.xhtml'", dir_);
  EXPECT_NE(x.out.find(">表 2</a>，"), std::string::npos) << x.out;
  EXPECT_EQ(x.out.find("见第"), std::string::npos);

  // xref.page-when: always gives the same-page reference its page too.
  auto a = moyin("build '" + (dir_ / "refs.md").string() + "' --to pdf -o '" + dir_.string() +
                 "' --set title-page.enabled=false --set toc.enabled=false"
                 " --set 'numbering.table=表 {n}' --set 'xref.page=（见第 {page} 页）'"
                 " --set xref.page-when=always");
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_NE(page_texts(dir_ / "refs.pdf", dir_)[0].find("近处见表1（见第1页）"), std::string::npos);

  // xref.this-page: the same-page reference gets those words instead.
  auto t = moyin("build '" + (dir_ / "refs.md").string() + "' --to pdf -o '" + dir_.string() +
                 "' --set title-page.enabled=false --set toc.enabled=false"
                 " --set 'numbering.table=表 {n}' --set 'xref.page=（见第 {page} 页）'"
                 " --set 'xref.this-page=（见本页）'");
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_NE(page_texts(dir_ / "refs.pdf", dir_)[0].find("近处见表1（见本页）"), std::string::npos);
}

// A target on the next or the previous page gets words instead of its
// number (xref.next-page / previous-page, "auto": by the document's
// language), a farther one its number, and `{.nopage}` turns the page off
// for one link; the attribute list never prints.
TEST_F(NumberingCli, NearTargetsGetNextAndPreviousPageWords) {
  auto manuscript = [](const std::string& lang) {
    std::string md = "---\ntitle: t\nlang: " + lang + "\n---\n\n# 甲\n\n下表见[](#tbl:next)，" +
                     "不要页码[](#tbl:next){.nopage}，末表见[](#tbl:far)。\n\n";
    std::string filler;
    for (int k = 0; k < 40; ++k)  // more than a page and less than two
      filler += "这是正文中用来填满页面的一段话，它足够长，可以占去好几行的位置。\n\n";
    md += filler + "| a | b |\n|---|---|\n| 1 | 2 |\n\nTable: 近处的表 {#tbl:next}\n\n";
    md += filler + "上表见[](#tbl:next)。\n\n" + filler + "前面的表[](#tbl:next)。\n\n" + filler;
    return md + "| c | d |\n|---|---|\n| 3 | 4 |\n\nTable: 远处的表 {#tbl:far}\n";
  };
  const std::string sets =
      " --set title-page.enabled=false --set toc.enabled=false --set 'numbering.table=表 {n}'"
      " --set xref.page=auto --set xref.next-page=auto --set xref.previous-page=auto";
  std::ofstream(dir_ / "near.md") << manuscript("zh-CN");
  auto b = moyin("build '" + (dir_ / "near.md").string() + "' --to pdf -o '" + dir_.string() + "'" +
                 sets);
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_EQ(b.err.find("warning"), std::string::npos) << b.err;
  std::vector<std::string> pages = page_texts(dir_ / "near.pdf", dir_);
  const int table = page_of(pages, "表1近处的表");
  const int far = page_of(pages, "表2远处的表");
  ASSERT_EQ(table, 1) << "the filler should push the table to page 2";
  ASSERT_GT(far, 2);
  EXPECT_NE(pages[0].find("下表见表1（见下页）"), std::string::npos) << pages[0];
  EXPECT_NE(pages[0].find("不要页码表1，"), std::string::npos) << pages[0];
  EXPECT_NE(pages[0].find("末表见表2（见第" + std::to_string(far + 1) + "页）"), std::string::npos)
      << pages[0];
  EXPECT_EQ(page_of(pages, "{.nopage}"), -1);
  const int previous = page_of(pages, "上表见");
  ASSERT_EQ(previous, table + 1);
  EXPECT_NE(pages[static_cast<size_t>(previous)].find("上表见表1（见上页）"), std::string::npos);
  const int back = page_of(pages, "前面的表");
  ASSERT_GT(back, previous);
  EXPECT_NE(pages[static_cast<size_t>(back)].find("前面的表表1（见第2页）"), std::string::npos);
  // An English document gets the English words from the same sheet.
  std::ofstream(dir_ / "near.md") << manuscript("en");
  b = moyin("build '" + (dir_ / "near.md").string() + "' -o '" + dir_.string() + "'" + sets);
  ASSERT_EQ(b.status, 0) << b.err;
  pages = page_texts(dir_ / "near.pdf", dir_);
  EXPECT_NE(pages[0].find("表1(nextpage)"), std::string::npos) << pages[0];
  // The EPUB has neither the words nor the attribute list.
  auto x = run_command("unzip -p '" + (dir_ / "near.epub").string() + "' 'EPUB/*.xhtml'", dir_);
  EXPECT_NE(x.out.find("近处的表"), std::string::npos);
  EXPECT_EQ(x.out.find("nopage"), std::string::npos);
  EXPECT_EQ(x.out.find("next page"), std::string::npos);
}

TEST_F(NumberingCli, PageTemplateWithoutPageWarns) {
  std::ofstream(dir_ / "a.md") << "# 甲\n\n见[](#甲)。\n";
  auto b = moyin("build '" + (dir_ / "a.md").string() + "' --to pdf -o '" + dir_.string() +
                 "' --set 'xref.page=见某页'");
  EXPECT_EQ(b.status, 0);
  EXPECT_NE(b.err.find("bad value `见某页` for style key `xref.page`"), std::string::npos) << b.err;
}

TEST_F(NumberingCli, GoldenPageDumpOfAChapter) {
  auto r = moyin("dump --stage pages content/book/01-pipeline.md --style book");
  ASSERT_EQ(r.status, 0) << r.err;
  const fs::path golden = kRoot / "tests/golden/pages/numbering.txt";
  if (const char* u = std::getenv("MOYIN_UPDATE_GOLDEN"); u && std::string(u) == "1") {
    std::ofstream(golden, std::ios::binary) << r.out;
    GTEST_SKIP() << "wrote " << golden;
  }
  ASSERT_TRUE(fs::exists(golden)) << "run with MOYIN_UPDATE_GOLDEN=1";
  EXPECT_TRUE(read_bytes(golden) == r.out)
      << "differs from " << golden << " (regenerate with MOYIN_UPDATE_GOLDEN=1 if intended)";
  EXPECT_NE(r.out.find("outline 1 \"第一章 从稿件到版面\" -> \"ch:pipeline\""), std::string::npos);
  EXPECT_NE(r.out.find("anchor \"fig:pipeline\""), std::string::npos);  // an unreadable image too
  EXPECT_NE(r.out.find("anchor \"tbl:stages\""), std::string::npos);
  EXPECT_NE(r.out.find("\"1.1.1\""), std::string::npos);
}

}  // namespace
}  // namespace moyin
