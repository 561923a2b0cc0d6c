// Code highlighting: a manuscript with 50 code blocks (5 languages, 20 lines
// each). Cases: loading the language definitions once, highlighting the 50
// blocks warm, and the whole PDF and EPUB paths (parse + highlight +
// typeset/write) against the same manuscript without highlighting.
// Prints "case<TAB>seconds" (median of 3); scripts/bench adds peak memory.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "code_samples.h"
#include "epub/epub.h"
#include "font/font.h"
#include "highlight/highlight.h"
#include "pdf/pdf.h"
#include "source/source.h"
#include "style/style.h"
#include "typeset/book.h"

using namespace moyin;
namespace fs = std::filesystem;

namespace {

std::string manuscript() {
  const auto& blocks = bench::kCodeSamples;
  std::string md = "---\ntitle: 代码\n---\n\n";
  for (int k = 0; k < 50; ++k) {
    md += "## 第 " + std::to_string(k + 1) + " 段\n\n说明文字，代码如下。\n\n";
    std::string b = blocks[k % 5];
    // ~20 lines a block: the sample twice, then the fence.
    const size_t nl = b.find('\n');
    md += b + b.substr(nl + 1) + "```\n\n";
  }
  return md;
}

double median3(const std::function<void()>& f) {
  std::vector<double> t;
  for (int rep = 0; rep < 3; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[1];
}

void fail(const doc::Diagnostics& diags, const char* what) {
  for (const auto& d : diags.items) std::fprintf(stderr, "%s\n", doc::format(d).c_str());
  std::fprintf(stderr, "bench_code: %s\n", what);
  std::exit(1);
}

}  // namespace

int main() {
  const std::string md = manuscript();
  doc::Diagnostics diags;
  const auto parsed = source::parse(md, "code.md", diags);
  if (!parsed) fail(diags, "manuscript does not parse");
  const highlight::DataDirs dirs{fs::path(MOYIN_SOURCE_DIR) / "styles/highlight",
                                 highlight::library_data_dir()};

  // First use: each definition parsed once (a fresh Highlighter per repetition).
  std::printf("load 5 language definitions (cold)\t%.4f\n", median3([&] {
                highlight::Highlighter h(dirs);
                doc::Document d = *parsed;
                h.annotate(d, diags);
              }));
  const highlight::Highlighter hl(dirs);
  doc::Document warm = *parsed;
  hl.annotate(warm, diags);
  std::printf("highlight 50 code blocks (warm)\t%.4f\n", median3([&] {
                doc::Document d = *parsed;
                hl.annotate(d, diags);
              }));

  auto fonts =
      font::FontLibrary::load(std::filesystem::path(MOYIN_SOURCE_DIR) / "fonts/fonts.yaml", diags);
  if (!fonts) fail(diags, "fonts.yaml unusable");
  const style::Sheet sheet = style::resolve(
      style::Layers{.styles_dir = std::filesystem::path(MOYIN_SOURCE_DIR "/styles")}, diags);
  fs::path dir = fs::temp_directory_path() / ("moyin-bench-code-" + std::to_string(getpid()));
  fs::create_directories(dir);
  for (bool highlighted : {false, true}) {
    const char* tag = highlighted ? "highlighted" : "plain";
    std::printf("50 code blocks -> PDF, %s\t%.4f\n", tag, median3([&] {
                  doc::Diagnostics d;
                  auto doc = source::parse(md, "code.md", d);
                  if (highlighted) hl.annotate(*doc, d);
                  layout::Book book = typeset::typeset(*doc, sheet, *fonts, d);
                  if (!pdf::write(book, dir / "code.pdf", {}, d)) fail(d, "PDF not written");
                }));
    std::printf("50 code blocks -> EPUB, %s\t%.4f\n", tag, median3([&] {
                  doc::Diagnostics d;
                  auto doc = source::parse(md, "code.md", d);
                  if (highlighted) hl.annotate(*doc, d);
                  epub::Options o;
                  o.sheet = sheet;
                  if (!epub::make_epub(*doc, o, d)) fail(d, "EPUB not made");
                }));
  }
  fs::remove_all(dir);
  return 0;
}
