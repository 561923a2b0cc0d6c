// SVG figures through the whole pipeline (`moyin build --to pdf`): a vector
// diagram prints without any raster and its Chinese labels are text in the
// PDF; an SVG with a filter gives one warning and a raster of at least 300
// dpi; a broken SVG gives a located warning and the alt text.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "test_util.h"

namespace fs = std::filesystem;

namespace {

using moyin::testing::count;
using moyin::testing::shell;
using Outcome = moyin::testing::Run;

// The rows of `pdfimages -list` (after its two header lines), split in fields.
std::vector<std::vector<std::string>> image_rows(const fs::path& pdf) {
  std::istringstream in(shell("pdfimages -list '" + pdf.string() + "'").output);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  for (int k = 0; std::getline(in, line); ++k) {
    if (k < 2) continue;
    std::istringstream f(line);
    std::vector<std::string> row;
    for (std::string w; f >> w;) row.push_back(w);
    if (!row.empty()) rows.push_back(row);
  }
  return rows;
}

// qpdf finds the file clean.
void expect_clean(const fs::path& pdf) {
  Outcome check = shell("qpdf --check '" + pdf.string() + "'");
  EXPECT_EQ(check.code, 0) << check.output;
  EXPECT_EQ(check.output.find("WARNING"), std::string::npos) << check.output;
}

class SvgFigure : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = moyin::testing::test_folder("svg");
    for (const char* f : {"diagram.svg", "shadow.svg"})
      fs::copy_file(fs::path(MOYIN_SOURCE_DIR) / "tests/fixtures/svg" / f, dir / f);
  }
  void TearDown() override { fs::remove_all(dir); }

  Outcome build(const std::string& markdown) {
    std::ofstream(dir / "book.md", std::ios::binary) << markdown;
    return shell("'" + std::string(MOYIN_BINARY) + "' build '" + (dir / "book.md").string() +
                 "' --to pdf -o '" + dir.string() + "'");
  }
  // The PDF of a manuscript holding only the figure `svg`, built without a
  // warning and found clean by qpdf.
  fs::path build_figure(const std::string& svg) {
    Outcome r = build("# 图\n\n![](" + svg + ")\n");
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_EQ(r.output.find("warning"), std::string::npos) << r.output;
    expect_clean(dir / "book.pdf");
    return dir / "book.pdf";
  }
  fs::path dir;
};

TEST_F(SvgFigure, VectorDiagramHasNoRasterAndItsChineseLabelsAreText) {
  Outcome r = build("---\ntitle: 图\nlang: zh-CN\n---\n\n# 流程\n\n![排版流程](diagram.svg)\n");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.find("warning"), std::string::npos) << r.output;
  const fs::path pdf = dir / "book.pdf";
  EXPECT_TRUE(image_rows(pdf).empty()) << shell("pdfimages -list '" + pdf.string() + "'").output;
  std::string text = shell("pdftotext -enc UTF-8 '" + pdf.string() + "' -").output;
  EXPECT_NE(text.find("输入文稿"), std::string::npos) << text;
  EXPECT_NE(text.find("修改后重新排版"), std::string::npos) << text;
  EXPECT_NE(text.find("引擎"), std::string::npos) << text;
  Outcome check = shell("qpdf --check '" + pdf.string() + "'");
  EXPECT_EQ(check.code, 0) << check.output;
  EXPECT_EQ(check.output.find("WARNING"), std::string::npos) << check.output;
}

TEST_F(SvgFigure, FilterFallsBackToA300DpiRasterWithOneWarning) {
  Outcome r = build("---\ntitle: 图\n---\n\n![阴影](shadow.svg)\n");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(count(r.output, "warning"), 1) << r.output;
  EXPECT_NE(r.output.find("book.md:5:1: warning: SVG image shadow.svg uses filter (shadow.svg:11)"),
            std::string::npos)
      << r.output;
  auto rows = image_rows(dir / "book.pdf");
  ASSERT_EQ(rows.size(), 2u);  // the picture and its alpha mask
  // page num type width height color comp bpc enc interp object ID x-ppi y-ppi …
  EXPECT_EQ(rows[0][2], "image");
  EXPECT_EQ(rows[1][2], "smask");
  ASSERT_GE(rows[0].size(), 14u);
  EXPECT_GE(std::stoi(rows[0][12]), 299);
  EXPECT_GE(std::stoi(rows[0][13]), 299);
  Outcome check = shell("qpdf --check '" + (dir / "book.pdf").string() + "'");
  EXPECT_EQ(check.code, 0) << check.output;
}

// Pages of `moyin dump --stage pages`: for each page, its lines.
std::vector<std::vector<std::string>> dump_pages(const std::string& dump) {
  std::vector<std::vector<std::string>> pages;
  std::istringstream in(dump);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("page ")) pages.emplace_back();
    else if (!pages.empty()) pages.back().push_back(line);
  }
  return pages;
}

// Where the figure landed: (page index, height of its tallest path).
std::pair<int, double> figure_place(const std::vector<std::vector<std::string>>& pages) {
  for (size_t p = 0; p < pages.size(); ++p) {
    double tallest = 0;
    for (const std::string& l : pages[p]) {
      double x, y, w, h;
      if (std::sscanf(l.c_str(), "  path %lf,%lf %lfx%lf", &x, &y, &w, &h) == 4)
        tallest = std::max(tallest, h);
    }
    if (tallest > 0) return {static_cast<int>(p), tallest};
  }
  return {-1, 0};
}

// A vector figure that does not fit on the rest of a page shrinks into it
// (down to figure.min-scale), as raster images do; with less room it moves
// to the next page at its full size.
TEST_F(SvgFigure, ShrinksIntoTheRestOfThePageOrMovesOn) {
  std::string para;
  for (int i = 0; i < 8; ++i) para += "排版引擎把文稿变成页面。";  // about two lines
  para += "\n\n";
  auto place = [&](int paragraphs) {
    std::string md = "---\ntitle: 图\n---\n\n";
    for (int i = 0; i < paragraphs; ++i) md += para;
    md += "![流程](diagram.svg){height=70%}\n";
    std::ofstream(dir / "book.md", std::ios::binary) << md;
    Outcome d = shell("'" + std::string(MOYIN_BINARY) +
                      "' dump --stage pages --set title-page.enabled=false "
                      "--set toc.enabled=false '" +
                      (dir / "book.md").string() + "'");
    EXPECT_EQ(d.code, 0) << d.output.substr(0, 400);
    return figure_place(dump_pages(d.output));
  };
  auto [alone_page, full] = place(0);
  ASSERT_EQ(alone_page, 0);
  ASSERT_GT(full, 50);
  // More and more text before the figure: it first shrinks to stay on page 1,
  // then moves to page 2 at its full size; never below figure.min-scale.
  bool shrunk = false, moved = false;
  for (int n = 1; n <= 60 && !moved; ++n) {
    auto [page, h] = place(n);
    EXPECT_GE(h, 0.5 * full - 0.5) << n;
    if (page == 0 && h < full - 1) shrunk = true;
    if (page == 1 && std::abs(h - full) < 0.2) moved = true;
  }
  EXPECT_TRUE(shrunk);
  EXPECT_TRUE(moved);
}

TEST_F(SvgFigure, BrokenSvgWarnsWithItsPlaceAndPrintsTheAltText) {
  std::ofstream(dir / "bad.svg")
      << "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<g>\n<rect width=\"1\"\n";
  Outcome r = build("# 图\n\n![坏图](bad.svg)\n");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(
      r.output.find("book.md:3:1: warning: image bad.svg is a damaged SVG file (malformed XML"),
      std::string::npos)
      << r.output;
  std::string text = shell("pdftotext -enc UTF-8 '" + (dir / "book.pdf").string() + "' -").output;
  EXPECT_NE(text.find("坏图"), std::string::npos) << text;
}

// Pixels of the last page rendered by pdftoppm: {r, g, b} triples.
std::vector<std::array<int, 3>> last_page_pixels(const fs::path& pdf, const fs::path& ppm_base) {
  const std::string pages =
      shell("pdfinfo '" + pdf.string() + "' | awk '/^Pages:/ {print $2}'", false).output;
  const int last = std::max(1, std::atoi(pages.c_str()));
  shell("pdftoppm -r 24 -f " + std::to_string(last) + " -l " + std::to_string(last) +
        " -singlefile '" + pdf.string() + "' '" + ppm_base.string() + "'");
  std::ifstream in(ppm_base.string() + ".ppm", std::ios::binary);
  std::string magic;
  int w = 0, h = 0, max = 0;
  in >> magic >> w >> h >> max;
  in.get();
  std::vector<std::array<int, 3>> px;
  if (magic != "P6" || max != 255) return px;
  for (int i = 0; i < w * h; ++i) {
    std::array<int, 3> c{};
    for (int& v : c) v = in.get();
    if (!in) break;
    px.push_back(c);
  }
  return px;
}

// Pixels of the last page that are 50 % red on white (pink) and darker reds.
std::pair<int, int> shades_of_red(const fs::path& pdf) {
  int pink = 0, dark = 0;
  for (const auto& [red, green, blue] : last_page_pixels(pdf, pdf.parent_path() / "page")) {
    if (red < 230 || std::abs(green - blue) > 12) continue;  // not a shade of red
    if (green >= 110 && green <= 145) ++pink;
    else if (green < 100) ++dark;
  }
  return {pink, dark};
}

std::string uncompressed(const fs::path& pdf) {
  return shell("qpdf --qdf --object-streams=disable '" + pdf.string() + "' -").output;
}

// The dictionary of the first transparency group's form (up to its stream).
std::string group_form_dictionary(const fs::path& pdf) {
  const std::string qdf = uncompressed(pdf);
  const size_t group = qdf.find("/S /Transparency");
  if (group == std::string::npos) return "";
  const size_t start = qdf.rfind("<<", qdf.rfind("/Group", group));
  return qdf.substr(start, qdf.find("stream", group) - start);
}

// A group with opacity is composited first, then faded (a transparency
// group): where its two opaque red rectangles overlap, the page shows the
// same pink as where only one is, not a darker red (each faded alone).
// The same for <use opacity>. qpdf finds the file clean.
TEST_F(SvgFigure, GroupOpacityFadesTheGroupAsAWhole) {
  std::ofstream(dir / "group.svg")
      << R"(<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink")"
      << R"( width="400" height="300"><defs><g id="pair">)"
      << R"(<rect width="250" height="100" fill="#ff0000"/>)"
      << R"(<rect x="150" width="250" height="100" fill="#ff0000" stroke="#ff0000"/></g></defs>)"
      << R"(<g opacity="0.5"><rect width="250" height="100" fill="#ff0000"/>)"
      << R"(<g><rect x="150" width="250" height="100" fill="#ff0000"/></g></g>)"
      << R"(<use xlink:href="#pair" y="150" opacity="0.5"/></svg>)";
  Outcome r = build("# 图\n\n![](group.svg)\n");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.find("warning"), std::string::npos) << r.output;
  const fs::path pdf = dir / "book.pdf";
  expect_clean(pdf);
  EXPECT_TRUE(image_rows(pdf).empty());    // vectors, not a raster
  auto [pink, dark] = shades_of_red(pdf);  // dark: two faded layers
  EXPECT_GT(pink, 1000);
  EXPECT_EQ(dark, 0) << pink << " pink pixels";
  // One transparency group per group element, painted with the group's opacity.
  EXPECT_EQ(count(uncompressed(pdf), "/S /Transparency"), 2);
}

// A group with opacity that holds text is one transparency group too: its
// labels are set in the book's fonts inside the group's form (so they stay
// text), and where a red label lies on the group's red rectangle the page
// shows the same pink as the rectangle alone, not a darker red.
TEST_F(SvgFigure, GroupWithTextFadesTextAndShapesTogether) {
  std::ofstream(dir / "labelled.svg")
      << R"(<svg xmlns="http://www.w3.org/2000/svg" width="400" height="240">)"
      << R"(<g opacity="0.5"><rect width="400" height="120" fill="#ff0000"/>)"
      << R"(<text x="10" y="100" font-size="100" fill="#ff0000">重叠标签</text>)"
      << R"(<text x="10" y="220" font-size="100" fill="#ff0000">半透明</text></g></svg>)";
  const fs::path pdf = build_figure("labelled.svg");
  EXPECT_TRUE(image_rows(pdf).empty());  // vectors and text, not a raster
  const std::string text = shell("pdftotext -enc UTF-8 '" + pdf.string() + "' -").output;
  EXPECT_NE(text.find("重叠标签"), std::string::npos) << text;
  EXPECT_NE(text.find("半透明"), std::string::npos) << text;
  // Dark: opaque text, or text faded on a faded rectangle.
  auto [pink, dark] = shades_of_red(pdf);
  EXPECT_GT(pink, 1000);
  EXPECT_EQ(dark, 0) << pink << " pink pixels";
  // One group, its labels' font among the form's own resources.
  EXPECT_EQ(count(uncompressed(pdf), "/S /Transparency"), 1);
  EXPECT_NE(group_form_dictionary(pdf).find("/Font <<"), std::string::npos);
}

// fill-opacity and opacity on <text> fade its glyphs (an ExtGState's /ca),
// stroke and stroke-opacity outline them (/CA): a half-transparent blue
// label prints light blue, an outlined label's stroke is green.
TEST_F(SvgFigure, TextFillAndStrokeOpacityArePrinted) {
  std::ofstream(dir / "faded.svg")
      << R"(<svg xmlns="http://www.w3.org/2000/svg" width="400" height="240">)"
      << R"(<text x="10" y="100" font-size="100" fill="#0000ff" fill-opacity="0.5">)"
      << R"(淡<tspan opacity="0.5">蓝</tspan></text>)"
      << R"(<text x="10" y="220" font-size="100" fill="none" stroke="#00ff00" stroke-width="6")"
      << R"( stroke-opacity="0.5">空心</text></svg>)";
  const fs::path pdf = build_figure("faded.svg");
  const std::string text = shell("pdftotext -enc UTF-8 '" + pdf.string() + "' -").output;
  EXPECT_NE(text.find("淡蓝"), std::string::npos) << text;
  EXPECT_NE(text.find("空心"), std::string::npos) << text;
  int half_blue = 0, quarter_blue = 0, full_blue = 0, half_green = 0, full_green = 0;
  for (const auto& [red, green, blue] : last_page_pixels(pdf, dir / "page")) {
    if (blue >= 230 && std::abs(red - green) <= 12) {
      if (red >= 110 && red <= 145) ++half_blue;          // 50 % blue on white
      else if (red >= 175 && red <= 205) ++quarter_blue;  // 25 %: 0.5 × 0.5
      else if (red < 60) ++full_blue;
    }
    if (green >= 230 && std::abs(red - blue) <= 12) {
      if (red >= 110 && red <= 145) ++half_green;
      else if (red < 60) ++full_green;
    }
  }
  EXPECT_GT(half_blue, 25);
  EXPECT_GT(quarter_blue, 25);
  EXPECT_EQ(full_blue, 0);
  EXPECT_GT(half_green, 25);
  EXPECT_EQ(full_green, 0);
}

// An embedded picture (a data: URI) prints as an image of the vector
// drawing, with no raster of the whole figure and no warning; inside a
// half-transparent group it is composited with the group's shapes and text:
// the red picture on the group's red rectangle is the same pink as the
// rectangle alone.
TEST_F(SvgFigure, EmbeddedPictureInAGroupIsPartOfTheGroup) {
  // A 40×20 red PNG.
  const std::string red =
      "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACgAAAAUCAIAAABwJOjsAAAAJElEQVR4nO3NMQEAAAgDIL"
      "V/5xljDxRgMx1XesVisVgsFosLHjCnASdq4S4eAAAAAElFTkSuQmCC";
  std::ofstream(dir / "picture.svg")
      << R"(<svg xmlns="http://www.w3.org/2000/svg" width="400" height="240">)"
      << R"(<g opacity="0.5"><rect width="400" height="120" fill="#ff0000"/>)"
      << R"(<image x="100" y="60" width="200" height="100" href=")" << red << R"("/>)"
      << R"(<text x="10" y="220" font-size="60" fill="#ff0000">图片</text></g></svg>)";
  const fs::path pdf = build_figure("picture.svg");
  auto rows = image_rows(pdf);
  ASSERT_EQ(rows.size(), 1u);  // the picture itself, not a raster of the figure
  EXPECT_EQ(rows[0][3], "40");
  EXPECT_NE(shell("pdftotext -enc UTF-8 '" + pdf.string() + "' -").output.find("图片"),
            std::string::npos);
  // Dark: the picture opaque, or faded twice over the rectangle.
  auto [pink, dark] = shades_of_red(pdf);
  EXPECT_GT(pink, 1000);
  EXPECT_EQ(dark, 0) << pink << " pink pixels";
  EXPECT_NE(group_form_dictionary(pdf).find("/XObject <<"), std::string::npos);
}

}  // namespace
