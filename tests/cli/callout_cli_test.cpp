// Callouts, inline HTML, ruby, covers and publication data through the moyin
// binary: content/callouts.md -> golden page dump (the three callout syntaxes
// as tinted boxes with titles, <sup>/<sub> raised/lowered, ruby above its
// base), pdfinfo's metadata, the EPUB's asides, ruby and OPF with epubcheck
// 0/0, and a cover image as the PDF's first page.
// Re-bless the golden with MOYIN_UPDATE_GOLDEN=1.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
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
const std::string kManuscript = "content/callouts.md";

class CalloutCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = moyin::testing::test_folder("callout"); }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  pdf::testing::CommandResult moyin(const std::string& args) {
    return run_command("cd '" + kRoot.string() + "' && '" + MOYIN_BINARY + "' " + args, dir_);
  }
  fs::path dir_;
};

// Where the first text item of the page dump drawing `needle` is: the
// centre of its advance width and its baseline y; {-1, -1} when absent.
std::pair<double, double> text_at(const std::string& dump, const std::string& needle) {
  const size_t at = dump.find("\"" + needle + "\"");
  if (at == std::string::npos) return {-1, -1};
  const size_t line = dump.rfind('\n', at) + 1;
  std::smatch m;
  const std::string l = dump.substr(line, at - line);
  if (!std::regex_search(l, m, std::regex(R"(text f\d+ [\d.]+ ([\d.]+),([\d.]+) w=([\d.]+))")))
    return {-1, -1};
  return {std::stod(m[1]) + std::stod(m[3]) / 2, std::stod(m[2])};
}

TEST_F(CalloutCli, GoldenPageDump) {
  auto r = moyin("dump --stage pages " + kManuscript);
  ASSERT_EQ(r.status, 0) << r.err;
  const fs::path golden = kRoot / "tests/golden/pages/callouts.txt";
  if (const char* u = std::getenv("MOYIN_UPDATE_GOLDEN"); u && std::string(u) == "1") {
    std::ofstream(golden, std::ios::binary) << r.out;
    GTEST_SKIP() << "wrote " << golden;
  }
  ASSERT_TRUE(fs::exists(golden)) << "run with MOYIN_UPDATE_GOLDEN=1";
  EXPECT_TRUE(read_bytes(golden) == r.out)
      << "differs from " << golden << " (regenerate with MOYIN_UPDATE_GOLDEN=1 if intended)";
  // Titles of all three syntaxes, in their family colours.
  for (const char* title :
       {"#0969da \"注意\"", "#1a7f37 \"提示\"", "#9a6700 \"自定义标题\"", "#1a7f37 \"安装之前\"",
        "#d1242f \"危险\"", "#0969da \"关于排版\"", "#9a6700 \"警告\""})
    EXPECT_NE(r.out.find(title), std::string::npos) << title;
  EXPECT_EQ(r.out.find("\"空标题\""), std::string::npos);
  EXPECT_NE(r.out.find("\"Python\""), std::string::npos);  // a tab's label
  EXPECT_NE(r.out.find("rect"), std::string::npos);        // tints
  // Scripts and comments never print.
  EXPECT_EQ(r.out.find("alert"), std::string::npos);
  EXPECT_EQ(r.out.find("注释 --"), std::string::npos);
  // Ruby: the annotation centred above its base.
  const double base_y = text_at(r.out, "汉字").second, ann_y = text_at(r.out, "hàn zì").second;
  ASSERT_GT(base_y, 0);
  ASSERT_GT(ann_y, 0);
  EXPECT_LT(ann_y, base_y - 5);
  EXPECT_NEAR(text_at(r.out, "hàn zì").first, text_at(r.out, "汉字").first, 0.5);
  EXPECT_NEAR(text_at(r.out, "pīn yīn").first, text_at(r.out, "拼音").first, 0.5);
}

TEST_F(CalloutCli, SuperscriptIsRaisedAndSmaller) {
  const fs::path md = dir_ / "sup.md";
  std::ofstream(md) << "E = mc<sup>2</sup> and x<sub>i</sub>\n";
  auto r = moyin("dump --stage pages '" + md.string() + "' --set toc.enabled=false");
  ASSERT_EQ(r.status, 0) << r.err;
  std::smatch base, sup, sub;
  ASSERT_TRUE(std::regex_search(
      r.out, base,
      std::regex(R"(text f\d+ ([\d.]+) [\d.]+,([\d.]+) w=[\d.]+ n=\d+ #\w+ "E = mc")")))
      << r.out;
  ASSERT_TRUE(std::regex_search(
      r.out, sup, std::regex(R"(text f\d+ ([\d.]+) [\d.]+,([\d.]+) w=[\d.]+ n=1 #\w+ "2")")));
  ASSERT_TRUE(std::regex_search(
      r.out, sub, std::regex(R"(text f\d+ ([\d.]+) [\d.]+,([\d.]+) w=[\d.]+ n=1 #\w+ "i")")));
  EXPECT_LT(std::stod(sup[1]), std::stod(base[1]));  // smaller
  EXPECT_LT(std::stod(sub[1]), std::stod(base[1]));
  // Raised and lowered as printed: the glyphs' boxes from pdftotext -bbox
  // (the rise is a glyph offset, not in the dump's run origin).
  auto b = moyin("build '" + md.string() + "' --to pdf -q -o '" + dir_.string() + "'");
  ASSERT_EQ(b.status, 0) << b.err;
  const std::string boxes =
      run_command("pdftotext -bbox '" + (dir_ / "sup.pdf").string() + "' -", dir_).out;
  auto bottom = [&](const std::string& word) {
    std::smatch m;
    const std::regex re("yMax=\"([\\d.]+)\">" + word + "</word>");
    return std::regex_search(boxes, m, re) ? std::stod(m[1]) : -1.0;
  };
  ASSERT_GT(bottom("mc"), 0) << boxes;
  EXPECT_LT(bottom("2"), bottom("mc") - 2) << boxes;  // raised: its bottom well above the line's
  EXPECT_GT(bottom("i"), bottom("x"))
      << boxes;  // lowered: a smaller glyph reaching below the line's
}

TEST_F(CalloutCli, PdfMetadataAndEpub) {
  auto r = moyin("build " + kManuscript + " -o '" + dir_.string() + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  // Only the dropped-script warning.
  EXPECT_NE(r.err.find("<script> is never printed"), std::string::npos) << r.err;
  const fs::path pdf = dir_ / "callouts.pdf";
  auto info = run_command("pdfinfo -custom '" + pdf.string() + "'", dir_);
  if (info.status != 0) info = run_command("pdfinfo '" + pdf.string() + "'", dir_);
  EXPECT_NE(info.out.find("提示框、注音与行内 HTML"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("墨印排版示例"), std::string::npos)
      << info.out;  // Subject from the subtitle
  const std::string raw = read_bytes(pdf);
  EXPECT_NE(raw.find("/ISBN"), std::string::npos);
  EXPECT_NE(raw.find("/Publisher"), std::string::npos);
  auto text = run_command("pdftotext -layout '" + pdf.string() + "' -", dir_);
  EXPECT_NE(text.out.find("ISBN 978-7-111-12345-6"),
            std::string::npos);  // the title page's imprint
  EXPECT_NE(text.out.find("墨印出版社"), std::string::npos);

  const fs::path epub = dir_ / "callouts.epub";
  auto x = run_command("unzip -p '" + epub.string() + "' 'EPUB/*.xhtml'", dir_);
  EXPECT_NE(x.out.find("<aside class=\"callout callout-tip\" epub:type=\"tip\" role=\"doc-tip\">"),
            std::string::npos)
      << x.out;
  EXPECT_NE(x.out.find("<p class=\"callout-title\">提示</p>"), std::string::npos);
  EXPECT_NE(x.out.find("<rt>hàn zì</rt>"), std::string::npos);
  EXPECT_NE(x.out.find("<sub>2</sub>"), std::string::npos);
  EXPECT_NE(x.out.find("<kbd>Ctrl</kbd>"), std::string::npos);
  EXPECT_EQ(x.out.find("alert("), std::string::npos);
  auto opf = run_command("unzip -p '" + epub.string() + "' EPUB/package.opf", dir_);
  EXPECT_NE(opf.out.find("urn:isbn:9787111123456"), std::string::npos) << opf.out;
  EXPECT_NE(opf.out.find("<dc:publisher>墨印出版社</dc:publisher>"), std::string::npos);
  EXPECT_NE(opf.out.find("subtitle"), std::string::npos);
  auto check = run_command("java -jar /usr/bin/epubcheck '" + epub.string() + "'", dir_);
  EXPECT_EQ(check.status, 0) << check.out << check.err;
  EXPECT_NE((check.out + check.err).find("0 fatals / 0 errors / 0 warnings"), std::string::npos)
      << check.out << check.err;
}

TEST_F(CalloutCli, CoverFillsTheFirstPage) {
  fs::copy_file(kRoot / "content/images/training-cost.png", dir_ / "cover.png");
  std::ofstream(dir_ / "book.md")
      << "---\ntitle: 封面\ncover: cover.png\nback-cover: cover.png\n---\n正文\n";
  auto r = moyin("dump --stage pages '" + (dir_ / "book.md").string() + "' --set page.bleed=3mm");
  ASSERT_EQ(r.status, 0) << r.err;
  const size_t first = r.out.find("\npage ");
  ASSERT_NE(first, std::string::npos);
  const size_t second = r.out.find("\npage ", first + 1);
  const std::string cover = r.out.substr(first, second - first);
  EXPECT_NE(cover.find("image"), std::string::npos) << cover;
  EXPECT_EQ(cover.find("text"), std::string::npos) << cover;
  const size_t last = r.out.rfind("\npage ");
  EXPECT_NE(r.out.substr(last).find("image"), std::string::npos);
  // The PDF: as many images as covers, one page more in front.
  auto b = moyin("build '" + (dir_ / "book.md").string() + "' --to pdf -o '" + dir_.string() + "'");
  ASSERT_EQ(b.status, 0) << b.err;
  auto images = run_command("pdfimages -list '" + (dir_ / "book.pdf").string() + "'", dir_);
  EXPECT_NE(images.out.find("\n   1     0 image"), std::string::npos) << images.out;
}

// The leftmost x of each page's words (pdftotext -bbox), -1 for a page
// without text.
std::vector<double> left_edges(const std::string& bbox) {
  std::vector<double> out;
  for (size_t at = bbox.find("<page "); at != std::string::npos; at = bbox.find("<page ", at + 1)) {
    const size_t end = std::min(bbox.find("</page>", at), bbox.size());
    double left = -1;
    const std::regex word(R"re(xMin="([\d.]+)")re");
    const std::string page = bbox.substr(at, end - at);
    for (std::sregex_iterator m(page.begin(), page.end(), word), e; m != e; ++m) {
      const double x = std::stod((*m)[1]);
      left = left < 0 ? x : std::min(left, x);
    }
    out.push_back(left);
  }
  return out;
}

// A two-sided book (the book sheet) with covers: the front cover is followed
// by its blank inside, so the title page, body page 1 and every chapter
// opening stay on odd (recto) pages with the inner margin on the left; the
// back cover ends the book on an even (verso) page; the page labels skip the
// cover pages and start the body at 1.
TEST_F(CalloutCli, TwoSidedBookWithCoversKeepsRectosOnTheRight) {
  fs::copy_file(kRoot / "content/images/training-cost.png", dir_ / "cover.png");
  std::string filler;
  for (int k = 0; k < 14; ++k)
    filler +=
        "这是正文中用来填满页面的一段话，它足够长，可以占去好几行的位置，让这一章多占几页。\n\n";
  std::ofstream(dir_ / "a.md") << "# 甲章\n\n" << filler;
  std::ofstream(dir_ / "b.md") << "# 乙章\n\n" << filler << filler << filler;
  // Two pages: the book ends on a verso, so a blank recto precedes the back cover.
  std::ofstream(dir_ / "c.md") << "# 丙章\n\n" << filler << filler;
  std::ofstream(dir_ / "book.yaml") << "title: 双面\nstyle: book\ncover: cover.png\n"
                                       "back-cover: cover.png\nchapters: [a.md, b.md, c.md]\n";
  auto b =
      moyin("build '" + (dir_ / "book.yaml").string() + "' --to pdf -o '" + dir_.string() + "'");
  ASSERT_EQ(b.status, 0) << b.err;
  const std::string pdf = (dir_ / "book.pdf").string();
  std::vector<std::string> text;
  const std::string info = run_command("pdfinfo '" + pdf + "'", dir_).out;
  const int n = std::stoi(info.substr(info.find("Pages:") + 6));
  for (int k = 1; k <= n; ++k)
    text.push_back(run_command("pdftotext -f " + std::to_string(k) + " -l " + std::to_string(k) +
                                   " '" + pdf + "' -",
                               dir_)
                       .out);
  EXPECT_EQ(n % 2, 0) << "the back cover is a verso";
  EXPECT_EQ(text[0].find_first_not_of(" \n\f"), std::string::npos) << "page 1 is the cover";
  EXPECT_EQ(text[1].find_first_not_of(" \n\f"), std::string::npos) << "page 2 is its inside";
  EXPECT_NE(text[2].find("双面"), std::string::npos) << "the title page is page 3";
  EXPECT_EQ(text[static_cast<size_t>(n) - 1].find_first_not_of(" \n\f"), std::string::npos);
  EXPECT_EQ(text[static_cast<size_t>(n) - 2].find_first_not_of(" \n\f"), std::string::npos);
  // The last text page: a verso, whose running head names the book.
  EXPECT_NE(text[static_cast<size_t>(n) - 3].find("填满页面"), std::string::npos);
  EXPECT_NE(text[static_cast<size_t>(n) - 3].find("双面"), std::string::npos);
  // The cover image on the first and the last page.
  const std::string images = run_command("pdfimages -list '" + pdf + "'", dir_).out;
  EXPECT_NE(images.find("\n   1     0 image"), std::string::npos) << images;
  EXPECT_NE(images.find("\n  " + std::to_string(n) + "     1 image"), std::string::npos) << images;
  // Chapter openings (a chapter heading below the running heads, which end
  // about 84 pt from the top of the sheet: crop-mark room, bleed, margin) are rectos.
  int openings = 0;
  for (size_t k = 0; k < text.size(); ++k) {
    const std::string t =
        run_command("pdftotext -f " + std::to_string(k + 1) + " -l " + std::to_string(k + 1) +
                        " -x 0 -y 90 -W 2000 -H 2000 '" + pdf + "' -",
                    dir_)
            .out;
    // "第" begins a chapter heading; the filler has none.
    if (t.find("第") == std::string::npos || t.find(". .") != std::string::npos)  // the contents
      continue;
    ++openings;
    EXPECT_EQ(k % 2, 0u) << "a chapter opens on page " << k + 1 << ":\n" << t;
  }
  EXPECT_EQ(openings, 3);
  // Inner margins (22 mm) on the left of odd pages, outer (18 mm) on even ones.
  const std::vector<double> left =
      left_edges(run_command("pdftotext -bbox '" + pdf + "' -", dir_).out);
  ASSERT_EQ(left.size(), static_cast<size_t>(n));
  const double inner = 22 * 72 / 25.4, outer = 18 * 72 / 25.4;
  int body_pages = 0;
  for (size_t k = 3; k + 1 < left.size();
       ++k) {                   // from the contents to the last page before the back cover
    if (left[k] < 0) continue;  // a blank verso
    ++body_pages;
    EXPECT_NEAR(left[k], left[k % 2 == 0 ? 4 : 3], 0.5) << "page " << k + 1;
  }
  EXPECT_GT(body_pages, 4);
  EXPECT_NEAR(left[4] - left[3], inner - outer, 0.5) << "page 5 is a recto, page 4 a verso";
  // Labels: none on the covers, i ii on the title and contents, 1 on body page 1.
  const std::string labels =
      run_command("qpdf --json --json-key=pagelabels '" + pdf + "'", dir_).out;
  EXPECT_NE(labels.find(R"("index": 0,)"), std::string::npos) << labels;
  EXPECT_NE(std::regex_replace(labels, std::regex(R"(\s+)"), " ")
                .find(R"("index": 2, "label": { "/S": "/r", "/St": 1 })"),
            std::string::npos)
      << labels;
  EXPECT_NE(std::regex_replace(labels, std::regex(R"(\s+)"), " ")
                .find(R"("index": 4, "label": { "/S": "/D", "/St": 1 })"),
            std::string::npos)
      << labels;
  // The folio printed at the foot of body page 1 is 1.
  EXPECT_NE(text[4].find("\n1\n"), std::string::npos) << text[4];
}

TEST_F(CalloutCli, UnknownBookKeyWarns) {
  std::ofstream(dir_ / "a.md") << "# A\n";
  std::ofstream(dir_ / "book.yaml")
      << "title: B\nisbn: 978-7-111-12345-6\nchapter: [a.md]\nchapters: [a.md]\n";
  auto r =
      moyin("build '" + (dir_ / "book.yaml").string() + "' --to epub -o '" + dir_.string() + "'");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("book.yaml:3:1: warning: unknown key `chapter`"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("isbn"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace moyin
