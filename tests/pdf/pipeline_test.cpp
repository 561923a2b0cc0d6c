// The whole PDF path through the moyin binary, checked with the installed
// tools: the seed manuscript and every document in content/.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "base/utf8.h"
#include "font/font.h"
#include "pdf_test_util.h"

namespace moyin::pdf {
namespace {

namespace fs = std::filesystem;
using namespace moyin::pdf::testing;

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("moyin-pdf-pipeline-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (std::getenv("MOYIN_KEEP_TEST_OUTPUT")) return;
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // Builds `md` to PDF in dir_; returns the PDF path ("" on failure).
  fs::path build(const fs::path& md) {
    auto r = run_command(std::string("'") + MOYIN_BINARY + "' build '" + md.string() +
                             "' --to pdf -o '" + dir_.string() + "'",
                         dir_);
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    fs::path pdf = dir_ / (md.stem().string() + ".pdf");
    EXPECT_TRUE(fs::exists(pdf)) << pdf;
    return fs::exists(pdf) ? pdf : fs::path();
  }
  void check_structure(const fs::path& pdf) {
    auto q = run_command("qpdf --check '" + pdf.string() + "'", dir_);
    EXPECT_EQ(q.status, 0) << pdf << "\n" << q.out << q.err;
    auto f = run_command("pdffonts '" + pdf.string() + "'", dir_);
    EXPECT_EQ(f.err, "") << pdf;
    std::istringstream in(f.out);
    std::string line;
    int fonts = 0;
    for (int i = 0; std::getline(in, line); ++i) {
      if (i < 2 || line.empty()) continue;
      ++fonts;
      std::istringstream cols(line);
      std::vector<std::string> c;
      for (std::string w; cols >> w;) c.push_back(w);
      ASSERT_GE(c.size(), 7u) << line;
      EXPECT_EQ(c[c.size() - 5] + c[c.size() - 4] + c[c.size() - 3], "yesyesyes")
          << pdf << ": font not embedded+subset+ToUnicode: " << line;
    }
    EXPECT_GT(fonts, 0) << pdf;
  }
  fs::path dir_;
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool is_han(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x3FFFF);
}

std::u32string han_of(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    char32_t c = base::next_code_point(s, i);
    if (is_han(c)) out.push_back(c);
  }
  return out;
}

std::string strip_spaces(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\n' && c != '\f' && c != '\t') out.push_back(c);
  return out;
}

TEST_F(PipelineTest, SeedManuscriptPdfIsValidAndGivesItsTextBack) {
  fs::path seed = fs::path(MOYIN_TEST_DATA_DIR) / "corpus" / "llm-survey-2025.md";
  fs::path pdf = build(seed);
  ASSERT_FALSE(pdf.empty());
  check_structure(pdf);

  auto text = run_command("pdftotext -enc UTF-8 '" + pdf.string() + "' -", dir_);
  EXPECT_EQ(text.err, "") << "poppler warnings";
  // Every Han character of the source body, in order (the PDF adds a title
  // page, the TOC and running heads around them).
  std::string src = read_all(seed);
  if (src.rfind("---", 0) == 0) src = src.substr(src.find("\n---", 3) + 4);
  std::u32string want = han_of(src), got = han_of(text.out);
  size_t matched = 0;
  for (char32_t c : got)
    if (matched < want.size() && want[matched] == c) ++matched;
  EXPECT_EQ(matched, want.size()) << "Han characters missing or out of order after #" << matched;

  // Outline entries equal the heading list, and each lands on a page that
  // shows its heading.
  std::vector<std::string> headings;
  {
    std::istringstream in(src);
    std::string line;
    bool fence = false;
    while (std::getline(in, line)) {
      if (line.rfind("```", 0) == 0) fence = !fence;
      if (fence) continue;
      // ATX heading: 1-6 '#', a space, the title (closing #s and spaces cut).
      size_t level = line.find_first_not_of('#');
      if (level == 0 || level > 6 || level == std::string::npos || line[level] != ' ') continue;
      std::string title = line.substr(level + 1);
      while (!title.empty() && (title.back() == '#' || title.back() == ' ')) title.pop_back();
      size_t first = title.find_first_not_of(' ');
      if (first != std::string::npos) headings.push_back(title.substr(first));
    }
  }
  auto json = run_command("qpdf --json=2 --json-key=outlines '" + pdf.string() + "'", dir_);
  ASSERT_EQ(json.status, 0) << json.err;
  std::vector<std::pair<int, std::string>> entries;  // page, title, depth-first
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& list) {
    for (const auto& o : list) {
      entries.emplace_back(o.value("destpageposfrom1", 0), o.value("title", ""));
      walk(o["kids"]);
    }
  };
  walk(nlohmann::json::parse(json.out)["outlines"]);
  std::vector<std::string> titles;
  for (const auto& [page, title] : entries) {
    titles.push_back(title);
    std::string p = std::to_string(page);
    auto page_text = run_command(
        "pdftotext -enc UTF-8 -f " + p + " -l " + p + " '" + pdf.string() + "' -", dir_);
    EXPECT_NE(strip_spaces(page_text.out).find(strip_spaces(title)), std::string::npos)
        << "outline entry " << title << " points to page " << page << " without it";
  }
  EXPECT_FALSE(headings.empty());
  EXPECT_EQ(titles, headings);
}

TEST_F(PipelineTest, ContentDocumentsGiveValidPdfs) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(fs::path(MOYIN_SOURCE_DIR) / "content")) {
    if (e.path().extension() != ".md") continue;
    ++n;
    fs::path pdf = build(e.path());
    if (pdf.empty()) continue;
    check_structure(pdf);
    auto text = run_command("pdftotext -enc UTF-8 '" + pdf.string() + "' /dev/null", dir_);
    EXPECT_EQ(text.err, "") << e.path() << ": poppler warnings";
  }
  EXPECT_GT(n, 0);
}

TEST_F(PipelineTest, SameInputGivesByteIdenticalPdf) {
  fs::path seed = fs::path(MOYIN_TEST_DATA_DIR) / "corpus" / "llm-survey-2025.md";
  fs::path pdf = build(seed);
  ASSERT_FALSE(pdf.empty());
  std::string first = read_bytes(pdf);
  fs::remove(pdf);
  pdf = build(seed);
  ASSERT_FALSE(pdf.empty());
  EXPECT_TRUE(read_bytes(pdf) == first) << "two builds of the seed differ";
}

}  // namespace
}  // namespace moyin::pdf
