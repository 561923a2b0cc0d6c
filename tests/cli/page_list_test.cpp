// The EPUB's page list from the PDF built in the same run (docs/standards.md,
// "The page list"): every chapter's heading sits after the pagebreak marker
// of the PDF page the outline sends it to, the page-list nav links every
// marker, the accessibility metadata says so, and epubcheck finds nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "pdf/pdf_test_util.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using moyin::pdf::testing::run_command;
using nlohmann::json;

// Three chapters of several pages each, with a table, a list and a note.
std::string manuscript() {
  std::string md = "---\ntitle: Pages\nlang: en\n---\n\n";
  const char* names[] = {"Alpha", "Beta", "Gamma"};
  for (int ch = 0; ch < 3; ++ch) {
    md += std::string("# Chapter ") + names[ch] + "\n\n";
    for (int p = 0; p < 20 + ch * 5; ++p) {
      for (int s = 0; s < 6; ++s)
        md += "This sentence fills the page so that chapters span several pages. ";
      md += p == 3 ? "A note.[^n" + std::to_string(ch) + "]\n\n" : "\n\n";
      if (p == 5) md += "| Name | Value |\n|---|---|\n| one | 1 |\n| two | 2 |\n\n";
      if (p == 8) md += "- first item\n- second item\n\n";
    }
  }
  for (int ch = 0; ch < 3; ++ch) md += "[^n" + std::to_string(ch) + "]: The note's text.\n\n";
  return md;
}

class PageList : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = moyin::testing::test_folder("page-list");
    std::ofstream(dir_ / "book.md") << manuscript();
  }
  void TearDown() override {
    if (std::getenv("MOYIN_KEEP_TEST_OUTPUT")) return;
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  moyin::pdf::testing::CommandResult build(const std::string& args) {
    return run_command(std::string("'") + MOYIN_BINARY + "' build '" + (dir_ / "book.md").string() +
                           "' -o '" + dir_.string() + "' " + args,
                       dir_);
  }
  fs::path dir_;
};

TEST_F(PageList, ChapterStartsMatchThePdfOutline) {
  auto r = build("--set chapter.new-page=false");
  ASSERT_EQ(r.status, 0) << r.err;
  // The PDF: each outline entry's page (1-based) by title.
  auto q =
      run_command("qpdf --json=2 --json-key=outlines '" + (dir_ / "book.pdf").string() + "'", dir_);
  ASSERT_EQ(q.status, 0) << q.err;
  std::map<std::string, int> page_of;
  const json outline = json::parse(q.out);
  for (const json& o : outline["outlines"])
    page_of[o["title"].get<std::string>()] = o["destpageposfrom1"].get<int>();
  ASSERT_EQ(page_of.size(), 3u) << q.out;

  // The EPUB, in reading order: the last marker before each chapter heading.
  const fs::path epub = dir_ / "book.epub";
  auto x = run_command("unzip -p '" + epub.string() + "' 'EPUB/chapter-*.xhtml'", dir_);
  ASSERT_EQ(x.status, 0) << x.err;
  const std::regex token(
      R"re(<span epub:type="pagebreak" role="doc-pagebreak" id="page-(\d+)" aria-label="([^"]+)"></span>|<h1[^>]*>([^<]*)</h1>)re");
  int last = 0, markers = 0, previous = 0;
  std::map<std::string, int> marker_before;
  for (auto it = std::sregex_iterator(x.out.begin(), x.out.end(), token);
       it != std::sregex_iterator(); ++it) {
    if ((*it)[1].matched) {
      last = std::stoi((*it)[1]);
      EXPECT_GT(last, previous) << "markers out of page order";
      previous = last;
      ++markers;
    } else {
      marker_before[(*it)[3]] = last;
    }
  }
  for (const auto& [title, page] : page_of) {
    ASSERT_TRUE(marker_before.count(title)) << title;
    EXPECT_EQ(marker_before[title], page) << title;
  }
  // Several pages per chapter, each marked once.
  EXPECT_GT(markers, 8);

  // The page-list nav links every marker; labels are the printed numbers.
  auto nav = run_command("unzip -p '" + epub.string() + "' EPUB/nav.xhtml", dir_);
  EXPECT_NE(nav.out.find("epub:type=\"page-list\""), std::string::npos) << nav.out;
  const std::regex entry(R"re(<a href="chapter-\d+\.xhtml#page-(\d+)">(\d+)</a>)re");
  int entries = 0;
  for (auto it = std::sregex_iterator(nav.out.begin(), nav.out.end(), entry);
       it != std::sregex_iterator(); ++it)
    ++entries;
  EXPECT_EQ(entries, markers);

  auto opf = run_command("unzip -p '" + epub.string() + "' EPUB/package.opf", dir_);
  EXPECT_NE(opf.out.find(">printPageNumbers<"), std::string::npos) << opf.out;
  EXPECT_NE(opf.out.find("<dc:source id=\"page-source\">Pages (PDF)</dc:source>"),
            std::string::npos)
      << opf.out;
  EXPECT_NE(opf.out.find("property=\"source-of\">pagination<"), std::string::npos);
  EXPECT_NE(x.out.find("<th scope=\"col\""), std::string::npos);
  EXPECT_NE(x.out.find("role=\"doc-noteref\""), std::string::npos);
  EXPECT_NE(x.out.find("role=\"doc-footnote\""), std::string::npos);

  auto check = run_command("java -jar /usr/bin/epubcheck '" + epub.string() + "'", dir_);
  EXPECT_NE((check.out + check.err).find("0 fatals / 0 errors / 0 warnings"), std::string::npos)
      << check.out << check.err;
}

TEST_F(PageList, ChaptersOnNewPagesToo) {
  auto r = build("--set chapter.new-page=true");
  ASSERT_EQ(r.status, 0) << r.err;
  auto q =
      run_command("qpdf --json=2 --json-key=outlines '" + (dir_ / "book.pdf").string() + "'", dir_);
  auto x =
      run_command("unzip -p '" + (dir_ / "book.epub").string() + "' 'EPUB/chapter-*.xhtml'", dir_);
  const json outline = json::parse(q.out);
  ASSERT_EQ(outline["outlines"].size(), 3u) << q.out;
  for (const json& o : outline["outlines"]) {
    const std::string marker =
        "id=\"page-" + std::to_string(o["destpageposfrom1"].get<int>()) + "\"";
    const size_t at = x.out.find(marker);
    const size_t heading = x.out.find(">" + o["title"].get<std::string>() + "</h1>");
    ASSERT_NE(at, std::string::npos) << marker;
    ASSERT_NE(heading, std::string::npos);
    EXPECT_LT(at, heading);
    // A chapter that opens a page: its marker is right before its heading.
    EXPECT_EQ(x.out.find("<span epub:type=\"pagebreak\"", at + 1) > heading, true);
  }
}

TEST_F(PageList, NoPdfNoPageList) {
  auto r = build("--to epub");
  ASSERT_EQ(r.status, 0) << r.err;
  auto x = run_command("unzip -p '" + (dir_ / "book.epub").string() + "'", dir_);
  EXPECT_EQ(x.out.find("pagebreak"), std::string::npos);
  EXPECT_EQ(x.out.find("printPageNumbers"), std::string::npos);
}

}  // namespace

namespace {

// Ace by DAISY (scripts/setup installs it under tests/tools/ace; its
// puppeteer runner drives Debian's chromium) on the EPUB with its page list:
// no violation of any impact.
TEST_F(PageList, AceByDaisyFindsNothing) {
  const fs::path ace =
      fs::path(MOYIN_SOURCE_DIR) / "tests/tools/ace/node_modules/.bin/ace-puppeteer";
  if (!fs::exists(ace))
    GTEST_SKIP() << "Ace by DAISY not installed (scripts/setup: npm ci in tests/tools/ace)";
  if (!fs::exists("/usr/bin/chromium"))
    GTEST_SKIP() << "Ace needs a browser: Debian's chromium is not installed";
  ASSERT_EQ(build("").status, 0);
  const fs::path report = dir_ / "ace";
  auto r = run_command("PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium timeout 240 '" + ace.string() +
                           "' -s -o '" + report.string() + "' -f '" +
                           (dir_ / "book.epub").string() + "'",
                       dir_);
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  std::ifstream in(report / "report.json");
  const json j = json::parse(in);
  std::string found;
  for (const json& doc : j["assertions"])
    for (const json& a : doc.value("assertions", json::array()))
      found += doc["earl:testSubject"].value("url", "") + ": " +
               a["earl:test"].value("dct:title", "") + "\n";
  EXPECT_EQ(j["earl:result"]["earl:outcome"], "pass") << found;
  // The metadata Ace reads, as the EPUB declares it.
  const json& a11y = j["a11y-metadata"]["present"];
  EXPECT_NE(std::find(a11y.begin(), a11y.end(), "schema:accessibilityFeature"), a11y.end())
      << j["a11y-metadata"].dump();
}

}  // namespace
