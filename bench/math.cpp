// Formulas: a 30-page document with 300 formulas (from the coverage list)
// to PDF and EPUB. The engine's start-up (Node.js + MathJax, one formula) is
// its own line, then the whole batch, typesetting + PDF, and the EPUB.
// Prints "case<TAB>seconds<TAB>peak RSS in KB": for the engine lines the
// peak of the Node.js process (the engine runs as a child), for the others
// this process's peak so far.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/environment.h"
#include "cli/sheet.h"
#include "epub/epub.h"
#include "font/font.h"
#include "math/math.h"
#include "pdf/pdf.h"
#include "source/source.h"
#include "style/style.h"
#include "typeset/book.h"

using namespace moyin;
namespace fs = std::filesystem;

namespace {

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// 300 formulas in 30 pages of Chinese prose: every 5th one displayed.
std::string manuscript() {
  std::ifstream in(fs::path(MOYIN_SOURCE_DIR) / "tests/math/data/coverage.tex");
  std::vector<std::string> tex;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '%')
      tex.push_back(line.starts_with("D ") ? line.substr(2) : line);
  std::string md = "---\ntitle: 公式基准\n---\n\n";
  const std::string prose =
      "在本节中我们讨论算法的复杂度与模型的训练目标，并给出相应的推导过程和直观解释。";
  for (int i = 0; i < 300; ++i) {
    if (i % 30 == 0) md += "\n# 第" + std::to_string(i / 30 + 1) + "节\n\n";
    const std::string& t = tex[static_cast<size_t>(i) % tex.size()];
    if (i % 5 == 4) md += "\n$$\n" + t + "\n$$\n\n";
    else md += prose + "公式 $" + t + "$ 给出了结论。" + prose + "\n\n";
  }
  return md;
}

long peak_kb(int who) {
  rusage ru{};
  getrusage(who, &ru);
  return ru.ru_maxrss;
}

}  // namespace

int main() {
  doc::Diagnostics diags;
  auto d = source::parse(manuscript(), "bench-math.md", diags);
  if (!d) return 1;
  doc::Diagnostics env_diags;
  const math::Engine engine = cli::read_environment(env_diags).math;

  auto t0 = std::chrono::steady_clock::now();
  math::Converted warmup;
  std::string error;
  const math::Collected one{.keys = {{"x", false}}};
  if (!math::convert(engine, std::span(&one, 1), warmup, error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  std::printf("engine start-up (1 formula)\t%.3f\t%ld\n", since(t0), peak_kb(RUSAGE_CHILDREN));

  t0 = std::chrono::steady_clock::now();
  math::Converted converted;
  const math::Collected mine = math::collect(std::span(&*d, 1));
  if (!math::convert(engine, std::span(&mine, 1), converted, error)) return 1;
  const math::Formulas& formulas = *converted.find(mine.preamble);
  std::printf("engine, %zu distinct formulas\t%.3f\t%ld\n", mine.keys.size(), since(t0),
              peak_kb(RUSAGE_CHILDREN));

  style::Sheet sheet = style::resolve(style::Layers{}, diags);
  math::number_equations(std::span(&*d, 1), math::Numbering::All, diags);
  auto fonts =
      font::FontLibrary::load(std::filesystem::path(MOYIN_SOURCE_DIR) / "fonts/fonts.yaml", diags);
  if (!fonts) return 1;
  const fs::path out = fs::temp_directory_path() / "moyin-bench-math.pdf";
  t0 = std::chrono::steady_clock::now();
  layout::Book book = typeset::typeset(*d, sheet, *fonts, diags, {.formulas = &formulas});
  pdf::WriteOptions wo;
  pdf::write(book, out, wo, diags);
  std::printf("typeset + PDF (%zu pages)\t%.3f\t%ld\n", book.pages.size(), since(t0),
              peak_kb(RUSAGE_SELF));
  fs::remove(out);

  t0 = std::chrono::steady_clock::now();
  epub::Options eo;
  eo.sheet = sheet;
  eo.formulas = &formulas;
  auto epub = epub::make_epub(*d, eo, diags);
  std::printf("EPUB (%zu bytes)\t%.3f\t%ld\n", epub ? epub->size() : 0, since(t0),
              peak_kb(RUSAGE_SELF));
  return 0;
}
