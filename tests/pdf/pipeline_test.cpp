// The whole PDF path through the moyin binary, checked with the installed
// tools: the seed manuscript and every document in content/.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/utf8.h"
#include "font/font.h"
#include "pdf_test_util.h"
#include "test_util.h"

namespace moyin::pdf {
namespace {

namespace fs = std::filesystem;
using namespace moyin::pdf::testing;

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = moyin::testing::test_folder("pdf-pipeline"); }
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
  // No space between two Han characters anywhere in the text (issues 10
  // and 15), in pdftotext's plain mode: it reads a gap wider than about 0.1 em
  // as a word space, so this also checks that no line of Han is spread
  // (lines next to long URLs and words break inside them instead).
  std::u32string all;
  for (size_t i = 0; i < text.out.size();) all.push_back(base::next_code_point(text.out, i));
  std::string spaced;
  for (size_t i = 1; i + 1 < all.size(); ++i)
    if (all[i] == U' ' && is_han(all[i - 1]) && is_han(all[i + 1])) {
      std::string where;
      for (size_t k = i >= 8 ? i - 8 : 0; k < std::min(all.size(), i + 8); ++k)
        base::append_utf8(where, all[k]);
      spaced += "\n  " + where;
    }
  EXPECT_EQ(spaced, "") << "spaces between Han characters in the extracted text";

  // Song and Hei, embedded as CFF subsets with ToUnicode, within 450 KiB.
  auto fonts = run_command("pdffonts '" + pdf.string() + "'", dir_);
  EXPECT_NE(fonts.out.find("+NotoSerifCJKsc-Regular"), std::string::npos) << fonts.out;
  EXPECT_NE(fonts.out.find("+NotoSerifCJKsc-Bold"), std::string::npos) << fonts.out;
  EXPECT_NE(fonts.out.find("+NotoSansCJKsc-Bold"), std::string::npos) << fonts.out;
  EXPECT_NE(fonts.out.find("CID Type 0C"), std::string::npos) << fonts.out;
  EXPECT_LE(fs::file_size(pdf), 450u * 1024) << "the seed's PDF grew past 450 KiB";

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

// True when the page area (points, from the top left) holds dark pixels:
// pdftoppm renders it at 144 dpi as a PGM (thin strokes stay dark).
bool has_ink(const fs::path& pdf, int page, double x0, double y0, double x1, double y1,
             const fs::path& dir) {
  const std::string p = std::to_string(page);
  auto crop = [](double v) { return std::to_string(static_cast<int>(v * 2)); };
  const fs::path out = dir / "crop";
  run_command("pdftoppm -gray -r 144 -f " + p + " -l " + p + " -x " + crop(x0) + " -y " + crop(y0) +
                  " -W " + crop(x1 - x0 + 1) + " -H " + crop(y1 - y0 + 1) + " -singlefile '" +
                  pdf.string() + "' '" + out.string() + "'",
              dir);
  std::string pgm = read_all(dir / "crop.pgm");
  // P5 header: magic, width, height, maxval, one whitespace byte, pixels.
  std::istringstream in(pgm);
  std::string magic;
  int w = 0, h = 0, max = 0;
  in >> magic >> w >> h >> max;
  if (magic != "P5" || w <= 0 || h <= 0) return false;
  const size_t start = static_cast<size_t>(in.tellg()) + 1;
  for (size_t i = start; i < pgm.size(); ++i)
    if (static_cast<unsigned char>(pgm[i]) < 128) return true;
  return false;
}

TEST_F(PipelineTest, SymbolsAndRareHanAreDrawnAndOnlyTheUncoveredOneWarns) {
  // Each on its own paragraph, so pdftotext -bbox reports each as a word.
  const std::vector<std::string> chars = {"✅", "❌", "★", "→", "≥", "≠", "𠀀", "𪚥"};
  std::string md = "---\ntitle: 符号\n---\n\n";
  for (const std::string& c : chars) md += c + "\n\n";
  md += "私用 \xf3\xb0\x80\x80 字\n\n";  // U+F0000: no installed face has it
  const int uncovered_line = 5 + 2 * static_cast<int>(chars.size());
  fs::path src = dir_ / "symbols.md";
  std::ofstream(src) << md;
  auto r = run_command(std::string("'") + MOYIN_BINARY + "' build '" + src.string() +
                           "' --to pdf -o '" + dir_.string() + "'",
                       dir_);
  EXPECT_EQ(r.status, 0) << r.err;
  // Exactly one warning, at the uncovered character's position.
  size_t warnings = 0;
  for (size_t at = r.err.find("warning:"); at != std::string::npos;
       at = r.err.find("warning:", at + 1))
    ++warnings;
  EXPECT_EQ(warnings, 1u) << r.err;
  EXPECT_NE(r.err.find("symbols.md:" + std::to_string(uncovered_line) +
                       ":8: warning: no font draws U+F0000"),
            std::string::npos)
      << r.err;
  fs::path pdf = dir_ / "symbols.pdf";
  ASSERT_TRUE(fs::exists(pdf));
  check_structure(pdf);
  // Every character comes back as text and has ink where it stands; the
  // uncovered one is a visible box, not a blank.
  auto bbox = run_command("pdftotext -enc UTF-8 -bbox '" + pdf.string() + "' -", dir_);
  std::vector<std::string> want = chars;
  want.push_back("\xf3\xb0\x80\x80");
  std::istringstream lines(bbox.out);
  int page = 0;
  std::set<std::string> drawn;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("<page ") != std::string::npos) ++page;
    const size_t open = line.find("\">");
    if (line.find("<word ") == std::string::npos || open == std::string::npos) continue;
    const std::string word = line.substr(open + 2, line.find("</word>") - open - 2);
    auto attr = [&](const char* name) {
      size_t at = line.find(std::string(name) + "=\"") + std::strlen(name) + 2;
      return std::stod(line.substr(at));
    };
    for (const std::string& c : want) {
      if (word.find(c) == std::string::npos) continue;
      // The character's share of the word's box (the uncovered one sits
      // between two Han characters: take the middle third).
      double x0 = attr("xMin"), x1 = attr("xMax");
      if (word != c) {
        const double third = (x1 - x0) / 3;
        x0 += third;
        x1 -= third;
      }
      EXPECT_TRUE(has_ink(pdf, page, x0 + 1, attr("yMin") + 1, x1 - 1, attr("yMax") - 1, dir_))
          << c << " is blank on page " << page;
      drawn.insert(c);
    }
  }
  for (const std::string& c : want) EXPECT_TRUE(drawn.count(c)) << c << " not in the text";
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
