// Formulas end to end: one `moyin build` of a page of formulas and of the
// dollar edge cases (one engine process for both), checked with pdftotext,
// qpdf, the EPUB's XHTML and epubcheck; the page's golden `--stage pages` dump.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "math/math.h"
#include "source/source.h"
#include "test_util.h"

namespace moyin {
namespace {

namespace fs = std::filesystem;

using moyin::testing::count;
using moyin::testing::read_file;
using moyin::testing::shell;
using Output = moyin::testing::Run;

const fs::path kData = fs::path(MOYIN_SOURCE_DIR) / "tests/math/data";

// The two documents built once into a temporary folder.
struct Built {
  fs::path dir;
  Output build;
};

const Built& built() {
  static const Built b = [] {
    Built r;
    r.dir = fs::temp_directory_path() / ("moyin-math-" + std::to_string(getpid()));
    fs::remove_all(r.dir);
    fs::create_directories(r.dir / "in");
    fs::copy_file(kData / "page.md", r.dir / "in/page.md");
    fs::copy_file(kData / "cases.md", r.dir / "in/cases.md");
    r.build = shell(std::string("'") + MOYIN_BINARY + "' build -j 2 '" + (r.dir / "in").string() +
                    "' -o '" + (r.dir / "out").string() + "'");
    return r;
  }();
  return b;
}

// Formulas of a document, as the source stage finds them (inline + display).
int formulas_in(const fs::path& md) {
  doc::Diagnostics diags;
  auto d = source::read_file(md, diags);
  int n = 0;
  std::function<void(const std::vector<doc::Inline>&)> inl =
      [&](const std::vector<doc::Inline>& v) {
        for (const doc::Inline& in : v) {
          if (in.kind == doc::InlineKind::Math) ++n;
          inl(in.children);
        }
      };
  std::function<void(const std::vector<doc::Block>&)> blk = [&](const std::vector<doc::Block>& v) {
    for (const doc::Block& b : v) {
      if (b.kind == doc::BlockKind::Math) ++n;
      inl(b.inlines);
      blk(b.children);
    }
  };
  blk(d->blocks);
  return n;
}

TEST(MathCli, BuildsWithOneWarningForTheBrokenFormula) {
  const Built& b = built();
  EXPECT_EQ(b.build.code, 0) << b.build.output;
  EXPECT_EQ(count(b.build.output, "warning"), 1) << b.build.output;
  EXPECT_NE(b.build.output.find("cases.md:5:18: warning: math: Missing argument for \\frac"),
            std::string::npos)
      << b.build.output;
}

TEST(MathCli, PdfTextHasNoTeX) {
  const Built& b = built();
  Output t = shell("pdftotext '" + (b.dir / "out/page.pdf").string() + "' -");
  ASSERT_EQ(t.code, 0) << t.output;
  EXPECT_EQ(t.output.find('$'), std::string::npos) << t.output;
  EXPECT_EQ(t.output.find("\\frac"), std::string::npos) << t.output;
  // CJK in \text{} is drawn as text with Moyin's fonts, and extracts as itself.
  EXPECT_NE(t.output.find("正确数"), std::string::npos) << t.output;
  // Body text around the formulas is intact; equation numbers print.
  EXPECT_NE(t.output.find("可用数学归纳法证明"), std::string::npos);
  EXPECT_NE(t.output.find("(1)"), std::string::npos);
}

TEST(MathCli, PdfFormulasCarryTheirTeXAsActualText) {
  const Built& b = built();
  Output q =
      shell("qpdf --qdf --object-streams=disable '" + (b.dir / "out/page.pdf").string() + "' -");
  ASSERT_EQ(q.code, 0);
  const size_t spans = count(q.output, "/ActualText");
  EXPECT_EQ(spans, formulas_in(kData / "page.md"));
  // Marked content (tags, /ActualText spans) and artifacts (BMC) are balanced.
  EXPECT_EQ(count(q.output, "BDC") + count(q.output, "BMC"), count(q.output, "EMC"));
}

TEST(MathCli, DollarCasesStayText) {
  const Built& b = built();
  Output t = shell("pdftotext '" + (b.dir / "out/cases.pdf").string() + "' -");
  ASSERT_EQ(t.code, 0);
  std::string flat = std::regex_replace(t.output, std::regex("\\s+"), " ");
  EXPECT_NE(flat.find("It costs $5 and $6 today"), std::string::npos) << flat;
  EXPECT_NE(flat.find("$x$"), std::string::npos) << flat;
  EXPECT_NE(flat.find("and $ prints a dollar sign"), std::string::npos) << flat;
  EXPECT_NE(flat.find("\\frac{a}"), std::string::npos) << flat;  // the broken one, as code
}

TEST(MathCli, EpubHasOneMathElementPerFormulaAndPassesEpubcheck) {
  const Built& b = built();
  const fs::path x = b.dir / "x";
  ASSERT_EQ(
      shell("unzip -q -o '" + (b.dir / "out/page.epub").string() + "' -d '" + x.string() + "'")
          .code,
      0);
  std::string xhtml;
  for (const auto& e : fs::directory_iterator(x / "EPUB"))
    if (e.path().extension() == ".xhtml" && e.path().filename() != "nav.xhtml")
      xhtml += read_file(e.path());
  EXPECT_EQ(count(xhtml, "<math "), formulas_in(kData / "page.md"));
  EXPECT_EQ(count(xhtml, "display=\"block\""), 4);
  EXPECT_EQ(xhtml.find("<script"), std::string::npos);
  EXPECT_NE(read_file(x / "EPUB/package.opf").find("properties=\"mathml\""), std::string::npos);
  Output check = shell("java -jar /usr/bin/epubcheck '" + (b.dir / "out/page.epub").string() + "'");
  EXPECT_EQ(check.code, 0) << check.output;
  EXPECT_NE(check.output.find("0 errors / 0 warnings"), std::string::npos) << check.output;
}

// MathJax 3 cannot break a formula: one wider than the text is drawn smaller
// to fit the measure, with a warning, and nothing crosses the right margin.
TEST(MathCli, WideInlineFormulaIsScaledToTheMeasure) {
  const fs::path dir = fs::temp_directory_path() / ("moyin-math-wide-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string tex;
  for (int i = 1; i <= 40; ++i)
    tex += (i > 1 ? " + " : "") + std::string("a_{") + std::to_string(i) + "}";
  std::ofstream(dir / "wide.md", std::ios::binary) << "# 宽公式\n\n$" + tex + "$ 之后的文字。\n";
  Output b = shell(std::string("'") + MOYIN_BINARY + "' build '" + (dir / "wide.md").string() +
                   "' --to pdf -o '" + dir.string() + "'");
  ASSERT_EQ(b.code, 0) << b.output;
  EXPECT_EQ(count(b.output, "warning"), 1) << b.output;
  EXPECT_NE(b.output.find("wide.md:3:"), std::string::npos) << b.output;
  EXPECT_NE(b.output.find(": warning: math: formula wider than the text"), std::string::npos)
      << b.output;
  Output d = shell(std::string("'") + MOYIN_BINARY + "' dump --stage pages '" +
                   (dir / "wide.md").string() + "'");
  ASSERT_EQ(d.code, 0);
  // "  path X,Y WxH …": every outline ends inside the type area (A4, 25 mm margins).
  std::istringstream lines(d.output);
  std::string line;
  size_t paths = 0;
  double right = 0;
  while (std::getline(lines, line)) {
    if (!line.starts_with("  path ")) continue;
    ++paths;
    double x = 0, y = 0, w = 0, h = 0;
    ASSERT_EQ(std::sscanf(line.c_str(), "  path %lf,%lf %lfx%lf", &x, &y, &w, &h), 4) << line;
    right = std::max(right, x + w);
  }
  EXPECT_GT(paths, 40u);
  EXPECT_LE(right, 70.9 + 453.5 + 0.2);
  EXPECT_GT(right, 70.9 + 453.5 - 20);  // it fills the measure
  fs::remove_all(dir);
}

// A rebuild whose formulas were all converted before keeps them beside its
// outputs (.moyin-cache/NAME.math) and starts no engine: with no Node.js at
// all it gives the bytes a fresh conversion gives. A new formula, or
// --force, needs the engine again.
TEST(MathCli, KeptFormulasRebuildWithoutTheEngine) {
  const fs::path dir = fs::temp_directory_path() / ("moyin-math-kept-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(kData / "page.md", dir / "page.md");
  const std::string moyin = std::string("'") + MOYIN_BINARY + "' build '" +
                            (dir / "page.md").string() + "' -o '" + dir.string();
  const std::string no_node = "MOYIN_NODE=/nonexistent/node ";
  Output first = shell(moyin + "/kept'");
  ASSERT_EQ(first.code, 0) << first.output;
  ASSERT_TRUE(fs::exists(dir / "kept/.moyin-cache/page.math"));

  std::ofstream(dir / "page.md", std::ios::app) << "\n一段新的文字，没有新的公式。\n";
  Output kept = shell(no_node + moyin + "/kept'");
  EXPECT_EQ(kept.code, 0) << kept.output;
  EXPECT_EQ(kept.output.find("math:"), std::string::npos) << kept.output;
  Output fresh = shell(moyin + "/fresh'");
  ASSERT_EQ(fresh.code, 0) << fresh.output;
  EXPECT_EQ(read_file(dir / "kept/page.pdf"), read_file(dir / "fresh/page.pdf"));
  EXPECT_EQ(read_file(dir / "kept/page.epub"), read_file(dir / "fresh/page.epub"));
  EXPECT_EQ(read_file(dir / "kept/.moyin-cache/page.math"),
            read_file(dir / "fresh/.moyin-cache/page.math"));

  // A new formula is converted after the document's preamble: a macro one
  // kept formula defines still reaches it.
  const fs::path macros = dir / "macros.md";
  std::ofstream(macros) << "# 宏\n\n定义 $\\newcommand{\\RR}{\\mathbb{R}} x \\in \\RR$。\n";
  const std::string build_macros = std::string("'") + MOYIN_BINARY + "' build '" + macros.string() +
                                   "' -o '" + dir.string() + "/m'";
  ASSERT_EQ(shell(build_macros).code, 0);
  std::ofstream(macros, std::ios::app) << "\n又如 $y \\in \\RR^2$。\n";
  Output with_macro = shell(build_macros);
  EXPECT_EQ(with_macro.code, 0) << with_macro.output;
  EXPECT_EQ(with_macro.output.find("math:"), std::string::npos) << with_macro.output;

  Output forced = shell(no_node + moyin + "/kept' --force");
  EXPECT_NE(forced.output.find("math: "), std::string::npos) << forced.output;
  std::ofstream(dir / "page.md", std::ios::app) << "\n新的公式 $z^{9}$。\n";
  Output added = shell(no_node + moyin + "/fresh'");
  EXPECT_NE(added.output.find("math: "), std::string::npos) << added.output;
  fs::remove_all(dir);
}

// A macro is its document's: defined in a formula after its first use, it
// still applies there, and it reaches no other document of the batch.
TEST(MathCli, MacrosStayInTheirDocument) {
  const fs::path dir = fs::temp_directory_path() / ("moyin-macros-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "in");
  std::ofstream(dir / "in/a.md")
      << "# 甲\n\n先用 $\\RR^n$，再定义 $\\newcommand{\\RR}{\\mathbb{R}}$。\n";
  std::ofstream(dir / "in/b.md") << "# 乙\n\n这里 $\\RR$ 没有定义。\n";
  const std::string build = std::string("'") + MOYIN_BINARY + "' build -j 2 '" +
                            (dir / "in").string() + "' -o '" + (dir / "out").string() + "'";
  const Output first = shell(build);
  EXPECT_EQ(first.code, 0) << first.output;
  EXPECT_EQ(count(first.output, "math: Undefined control sequence \\RR"), 1) << first.output;
  EXPECT_NE(first.output.find("b.md:3:8: warning: math: Undefined control sequence \\RR"),
            std::string::npos)
      << first.output;
  // a.md rebuilt from its kept formulas (no engine), b.md up to date: the same.
  std::ofstream(dir / "in/a.md", std::ios::app) << "\n更多文字。\n";
  const Output again = shell("MOYIN_NODE=/nonexistent " + build);
  EXPECT_EQ(again.code, 0) << again.output;
  EXPECT_EQ(count(again.output, "math:"), 1) << again.output;
  EXPECT_EQ(again.output.find("a.md:"), std::string::npos) << again.output;
  // A formula taken out: the kept file drops it (the rest still needs no engine).
  const fs::path kept = dir / "out/.moyin-cache/a.math";
  ASSERT_NE(read_file(kept).find("RR^n"), std::string::npos);
  std::ofstream(dir / "in/a.md") << "# 甲\n\n只定义 $\\newcommand{\\RR}{\\mathbb{R}}$。\n";
  const Output fewer = shell("MOYIN_NODE=/nonexistent " + build);
  EXPECT_EQ(fewer.code, 0) << fewer.output;
  EXPECT_EQ(read_file(kept).find("RR^n"), std::string::npos) << "the file was not rewritten";
  EXPECT_NE(read_file(kept).find("newcommand"), std::string::npos);
  fs::remove_all(dir);
}

// A display formula that only defines macros prints nothing: no empty
// line, and no number of its own when equations are numbered.
TEST(MathCli, DefinitionsOnlyFormulaPrintsNothing) {
  const fs::path dir = fs::temp_directory_path() / ("moyin-defs-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "d.md") << "# 定义\n\n$$\\newcommand{\\RR}{\\mathbb{R}}$$\n\n"
                                 "$$x \\in \\RR$$\n\n$$y \\in \\RR^2$$\n";
  const Output r = shell(std::string("'") + MOYIN_BINARY + "' build '" + (dir / "d.md").string() +
                         "' -o '" + dir.string() + "/out' --set 'numbering.equation={n}'");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.find("math:"), std::string::npos) << r.output;
  const Output xhtml =
      shell("unzip -p '" + (dir / "out/d.epub").string() + "' EPUB/chapter-001.xhtml");
  EXPECT_EQ(count(xhtml.output, "<math "), 2) << xhtml.output;
  EXPECT_EQ(count(xhtml.output, "newcommand"), 0) << xhtml.output;
  const Output text = shell("pdftotext '" + (dir / "out/d.pdf").string() + "' -");
  EXPECT_EQ(count(text.output, "(1)"), 1) << text.output;
  EXPECT_EQ(count(text.output, "(2)"), 1) << text.output;
  EXPECT_EQ(count(text.output, "(3)"), 0) << text.output;
  fs::remove_all(dir);
}

// A document whose formulas are all gone loses its kept formulas file.
TEST(MathCli, KeptFormulasGoWithTheLastFormula) {
  const fs::path dir = fs::temp_directory_path() / ("moyin-gone-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "in");
  std::ofstream(dir / "in/a.md") << "# 甲\n\n$x^2$\n";
  std::ofstream(dir / "in/b.md") << "# 乙\n\n$y^2$\n";
  const std::string build = std::string("'") + MOYIN_BINARY + "' build '" + (dir / "in").string() +
                            "' -o '" + (dir / "out").string() + "'";
  ASSERT_EQ(shell(build).code, 0);
  ASSERT_TRUE(fs::exists(dir / "out/.moyin-cache/a.math"));
  std::ofstream(dir / "in/a.md") << "# 甲\n\n没有公式了。\n";
  std::ofstream(dir / "in/b.md", std::ios::app) << "\n$z^2$\n";
  const Output again = shell(build);
  EXPECT_EQ(again.code, 0) << again.output;
  EXPECT_FALSE(fs::exists(dir / "out/.moyin-cache/a.math"));
  EXPECT_NE(read_file(dir / "out/.moyin-cache/b.math").find("z^2"), std::string::npos);
  // Also when no document of the run has a formula left.
  std::ofstream(dir / "in/b.md") << "# 乙\n\n也没有了。\n";
  EXPECT_EQ(shell(build).code, 0);
  EXPECT_FALSE(fs::exists(dir / "out/.moyin-cache/b.math"));
  fs::remove_all(dir);
}

TEST(MathCli, GoldenPageDump) {
  Output d = shell(std::string("cd '") + MOYIN_SOURCE_DIR + "' && '" + MOYIN_BINARY +
                   "' dump --stage pages tests/math/data/page.md");
  ASSERT_EQ(d.code, 0) << d.output.substr(0, 500);
  const fs::path golden = fs::path(MOYIN_SOURCE_DIR) / "tests/golden/pages/math-page.txt";
  if (std::getenv("MOYIN_UPDATE_GOLDEN")) {
    std::ofstream(golden, std::ios::binary) << d.output;
    GTEST_SKIP() << "wrote " << golden;
  }
  ASSERT_TRUE(fs::exists(golden)) << "run with MOYIN_UPDATE_GOLDEN=1";
  const std::string want = read_file(golden);
  if (want == d.output) return;
  std::istringstream a(want), g(d.output);
  std::string la, lg;
  for (int line = 1;; ++line) {
    const bool ha = static_cast<bool>(std::getline(a, la)),
               hg = static_cast<bool>(std::getline(g, lg));
    if (!ha && !hg) break;
    if (la != lg || ha != hg) {
      FAIL() << golden << ":" << line << "\n  want: " << la << "\n  got:  " << lg;
    }
  }
}

}  // namespace
}  // namespace moyin
