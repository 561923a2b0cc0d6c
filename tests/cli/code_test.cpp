// Highlighted code through the moyin binary: the test manuscript with code in
// several languages -> golden page dump, colour operators in the PDF's
// content stream, hl-* spans in the EPUB with epubcheck 0/0, the dark theme
// and line numbers, and the fence title in the doc dump.
// Re-bless the golden with MOYIN_UPDATE_GOLDEN=1.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
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
const std::string kManuscript = "tests/fixtures/code/code.md";

class CodeTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = moyin::testing::test_folder("code"); }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  pdf::testing::CommandResult moyin(const std::string& args) {
    return run_command("cd '" + kRoot.string() + "' && '" + MOYIN_BINARY + "' " + args, dir_);
  }
  fs::path dir_;
};

struct Rgb {
  double r, g, b;
};

Rgb hex(unsigned v) {
  return {((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0, (v & 0xff) / 255.0};
}

bool near(const Rgb& a, const Rgb& b) {
  return std::abs(a.r - b.r) < 0.004 && std::abs(a.g - b.g) < 0.004 && std::abs(a.b - b.b) < 0.004;
}

TEST_F(CodeTest, GoldenPageDump) {
  auto r = moyin("dump --stage pages " + kManuscript);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");  // the unknown language is not a warning
  const fs::path golden = kRoot / "tests/golden/pages/code.txt";
  if (const char* u = std::getenv("MOYIN_UPDATE_GOLDEN"); u && std::string(u) == "1") {
    std::ofstream(golden, std::ios::binary) << r.out;
    GTEST_SKIP() << "wrote " << golden;
  }
  ASSERT_TRUE(fs::exists(golden)) << "run with MOYIN_UPDATE_GOLDEN=1";
  EXPECT_TRUE(read_bytes(golden) == r.out)
      << "differs from " << golden << " (regenerate with MOYIN_UPDATE_GOLDEN=1 if intended)";
  // Keywords, functions and plain text in their palette colours (light theme).
  EXPECT_NE(r.out.find("#0b3d91 \"def\""), std::string::npos);
  EXPECT_NE(r.out.find("#1f4e8c \"greet\""), std::string::npos);
  EXPECT_NE(r.out.find("#a3410b \"\\\"go\\\"\""), std::string::npos);
  EXPECT_NE(r.out.find("#1a1a1a \"Qapla' batlh\""), std::string::npos);  // unknown language: plain
  EXPECT_NE(r.out.find("#e3e3e3"), std::string::npos);                   // the title bar
  EXPECT_NE(r.out.find("\"main.py\""), std::string::npos);
}

TEST_F(CodeTest, PdfDrawsKeywordsInAnotherColourThanIdentifiers) {
  auto r = moyin("build " + kManuscript + " --to pdf -o '" + dir_.string() + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  const fs::path pdf = dir_ / "code.pdf";
  const fs::path qdf = dir_ / "code.qdf.pdf";
  auto q = run_command(
      "qpdf --qdf --object-streams=disable '" + pdf.string() + "' '" + qdf.string() + "'", dir_);
  ASSERT_EQ(q.status, 0) << q.err;
  // Every fill colour set right before a text array is drawn.
  const std::string content = read_bytes(qdf);
  const std::regex rg(R"(([0-9.]+) ([0-9.]+) ([0-9.]+) rg)");
  std::vector<Rgb> text_colours;
  Rgb current{0, 0, 0};
  size_t pos = 0;
  for (std::sregex_iterator it(content.begin(), content.end(), rg), end; it != end; ++it) {
    const size_t at = static_cast<size_t>(it->position());
    if (content.find("TJ", pos) < at) text_colours.push_back(current);
    current = Rgb{std::stod((*it)[1]), std::stod((*it)[2]), std::stod((*it)[3])};
    pos = at;
  }
  if (content.find("TJ", pos) != std::string::npos) text_colours.push_back(current);
  auto drawn = [&](unsigned v) {
    for (const Rgb& c : text_colours)
      if (near(c, hex(v))) return true;
    return false;
  };
  EXPECT_TRUE(drawn(0x0b3d91)) << "keyword colour";
  EXPECT_TRUE(drawn(0x1a1a1a)) << "identifier (text) colour";
  EXPECT_TRUE(drawn(0xa3410b)) << "string colour";
  EXPECT_TRUE(drawn(0x6e6e6e)) << "comment colour";
  EXPECT_TRUE(drawn(0xa31515)) << "diff deletion colour";
  // The keyword faces are the mono font's real bold, the comments its oblique.
  auto f = run_command("pdffonts '" + pdf.string() + "'", dir_);
  EXPECT_NE(f.out.find("DejaVuSansMono-Bold"), std::string::npos) << f.out;
  EXPECT_NE(f.out.find("DejaVuSansMono-Oblique"), std::string::npos) << f.out;
  // The code text is still the text: pdftotext finds it whole.
  auto t = run_command("pdftotext '" + pdf.string() + "' -", dir_);
  EXPECT_NE(t.out.find("def greet(name: str) -> str:"), std::string::npos) << t.out;
}

TEST_F(CodeTest, EpubSpansAndStylesheetPassEpubcheck) {
  auto r = moyin("build " + kManuscript + " --to epub -o '" + dir_.string() +
                 "' --set code.line-numbers=true");
  ASSERT_EQ(r.status, 0) << r.err;
  const fs::path epub = dir_ / "code.epub";
  auto x = run_command("unzip -p '" + epub.string() + "' EPUB/chapter-001.xhtml", dir_);
  EXPECT_NE(x.out.find("<div class=\"code-title\">main.py</div>"), std::string::npos) << x.out;
  EXPECT_NE(
      x.out.find(
          "<code class=\"language-python\"><span class=\"hl-ln\">1</span><span class=\"hl-pp\">import</span> sys"),
      std::string::npos)
      << x.out;
  EXPECT_NE(x.out.find("<span class=\"hl-kw\">def</span> <span class=\"hl-fn\">greet</span>"),
            std::string::npos);
  EXPECT_NE(x.out.find("<span class=\"hl-del\">-old line</span>"), std::string::npos);
  EXPECT_EQ(x.out.find("style=\"color"), std::string::npos);  // classes, not inline styles
  auto css = run_command("unzip -p '" + epub.string() + "' EPUB/style.css", dir_);
  EXPECT_NE(css.out.find("pre code .hl-kw {\n  color: #0b3d91;\n  font-weight: bold;\n}"),
            std::string::npos)
      << css.out;
  // A grey of the light theme follows the reader's dark mode (a share of the text colour).
  EXPECT_NE(
      css.out.find(
          "pre code .hl-com {\n  color: color-mix(in srgb, currentColor 57%, transparent);\n  font-style: italic;\n}"),
      std::string::npos)
      << css.out;
  auto check = run_command("java -jar /usr/bin/epubcheck '" + epub.string() + "'", dir_);
  EXPECT_EQ(check.status, 0) << check.out << check.err;
  EXPECT_NE((check.out + check.err).find("0 fatals / 0 errors / 0 warnings"), std::string::npos)
      << check.out << check.err;
}

TEST_F(CodeTest, DarkThemeAndLineNumbersInThePages) {
  auto r = moyin("dump --stage pages " + kManuscript +
                 " --set code.theme=dark --set code.line-numbers=true"
                 " --set code.palette.keyword=#ff0000");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("#282c34"), std::string::npos);  // the dark block
  const size_t def = r.out.find("#ff0000 \"def\"");
  ASSERT_NE(def, std::string::npos) << "palette override";
  const size_t line = r.out.rfind('\n', def) + 1;
  EXPECT_EQ(r.out.substr(line, 10), "  text f4 ")
      << "still the bold face (f4 = DejaVuSansMono-Bold)";
  EXPECT_NE(r.out.find("#abb2bf \" sys\""), std::string::npos);  // the dark theme's text
  EXPECT_NE(r.out.find("#636d83 \"7\""), std::string::npos);     // C block's 7th line number
  EXPECT_EQ(r.out.find("#0b3d91"), std::string::npos);           // no light-theme keyword left
}

TEST_F(CodeTest, DocDumpKeepsLanguageTitleAndAttributes) {
  std::ofstream(dir_ / "t.md") << "```{.python #ex title=\"a b.py\" linenos}\nx = 1\n```\n";
  auto r = run_command(
      "'" + std::string(MOYIN_BINARY) + "' dump '" + (dir_ / "t.md").string() + "'", dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"info\": \"python\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"title\": \"a b.py\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"linenos\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"ex\""), std::string::npos) << r.out;
}

TEST_F(CodeTest, MissingDefinitionsWarnOnceAndStillBuild) {
  auto r = run_command("cd '" + kRoot.string() + "' && SOURCE_HIGHLIGHT_DATADIR=/nonexistent '" +
                           MOYIN_BINARY + "' build " + kManuscript + " -o '" + dir_.string() + "'",
                       dir_);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir_ / "code.pdf"));
  EXPECT_TRUE(fs::exists(dir_ / "code.epub"));
  size_t n = 0;
  for (size_t p = r.err.find("not installed"); p != std::string::npos;
       p = r.err.find("not installed", p + 1))
    ++n;
  EXPECT_EQ(n, 1u) << r.err;
  EXPECT_NE(r.err.find("code.md:11:1: warning:"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace moyin
