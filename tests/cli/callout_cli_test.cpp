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
