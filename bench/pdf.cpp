// PDF speed: (1) the writer alone, on the seed text shaped and set in simple
// fixed-width lines, and the same book 20 times over; (2) the whole PDF path
// (parse + typeset + write) for the seed and a 20x concatenation of it.
// Prints "case<TAB>seconds" (median of 3).
#include "pdf/pdf.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/utf8.h"
#include "font/font.h"
#include "layout/book.h"
#include "source/source.h"
#include "style/style.h"
#include "typeset/book.h"

using namespace moyin;
namespace fs = std::filesystem;

namespace {

const char* kWenKai = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf";

layout::Book seed_book(const font::Face& face, const std::string& text) {
  layout::Book book;
  book.meta.title = "bench";
  book.faces = {{kWenKai, 0, font::info(face).postscript_name}};
  const double size = 11, leading = 16, top = 72, left = 72;
  const int lines_per_page = 42, chars_per_line = 38;
  layout::Page page;
  int line_no = 0;
  auto flush = [&] {
    if (page.items.empty()) return;
    book.pages.push_back(std::move(page));
    page = layout::Page{};
    line_no = 0;
  };
  std::istringstream in(text);
  std::string src;
  while (std::getline(in, src)) {
    size_t i = 0;
    while (i < src.size()) {
      size_t start = i;
      for (int n = 0; n < chars_per_line && i < src.size(); ++n) base::next_code_point(src, i);
      std::string chunk = src.substr(start, i - start);
      layout::GlyphRun run;
      run.face = 0;
      run.size = size;
      run.origin = {left, top + leading * line_no};
      run.text = chunk;
      for (const auto& g : font::shape(face, chunk, "", "zh-Hans"))
        run.glyphs.push_back(
            {g.gid, g.x_advance * size, g.x_offset * size, g.y_offset * size, g.cluster});
      page.items.push_back(std::move(run));
      if (++line_no == lines_per_page) flush();
    }
  }
  flush();
  for (size_t p = 0; p < book.pages.size(); ++p)
    book.pages[p].items.push_back(layout::Anchor{"p" + std::to_string(p), {left, top}});
  for (size_t p = 0; p < book.pages.size(); p += 5)
    book.outline.push_back({"第 " + std::to_string(p + 1) + " 页", 1, "p" + std::to_string(p)});
  return book;
}

double time_write(const layout::Book& book, const fs::path& out) {
  std::vector<double> times;
  for (int rep = 0; rep < 3; ++rep) {
    doc::Diagnostics diags;
    auto t0 = std::chrono::steady_clock::now();
    bool ok = pdf::write(book, out, {}, diags);
    auto t1 = std::chrono::steady_clock::now();
    if (!ok) {
      for (const auto& d : diags.items) std::fprintf(stderr, "%s\n", doc::format(d).c_str());
      std::exit(1);
    }
    times.push_back(std::chrono::duration<double>(t1 - t0).count());
  }
  std::sort(times.begin(), times.end());
  return times[1];
}

// The whole PDF path for one manuscript text: parse, typeset, write.
double time_pipeline(const std::string& text, const font::FontLibrary& fonts, const fs::path& out) {
  std::vector<double> times;
  for (int rep = 0; rep < 3; ++rep) {
    doc::Diagnostics diags;
    auto t0 = std::chrono::steady_clock::now();
    auto document = source::parse(text, "seed.md", diags);
    bool ok = false;
    if (document) {
      style::Layers layers;
      layers.styles_dir = std::filesystem::path(MOYIN_SOURCE_DIR "/styles");
      layers.front_matter = document->meta.style;
      style::Sheet sheet = style::resolve(layers, diags);
      layout::Book book = typeset::typeset(*document, sheet, fonts, diags);
      ok = pdf::write(book, out, {}, diags);
    }
    auto t1 = std::chrono::steady_clock::now();
    if (!ok) {
      for (const auto& d : diags.items) std::fprintf(stderr, "%s\n", doc::format(d).c_str());
      std::exit(1);
    }
    times.push_back(std::chrono::duration<double>(t1 - t0).count());
  }
  std::sort(times.begin(), times.end());
  return times[1];
}

}  // namespace

int main() {
  std::ifstream in(std::string(MOYIN_TEST_DATA_DIR) + "/corpus/llm-survey-2025.md",
                   std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  doc::Diagnostics diags;
  font::FacePtr face = font::open_face(kWenKai, 0, diags);
  if (!face || ss.str().empty()) {
    std::fprintf(stderr, "bench_pdf: seed manuscript or LXGW WenKai missing\n");
    return 1;
  }
  layout::Book one = seed_book(*face, ss.str());
  layout::Book twenty = one;
  for (int k = 1; k < 20; ++k)
    for (const auto& p : one.pages) twenty.pages.push_back(p);

  fs::path dir = fs::temp_directory_path() / ("moyin-bench-pdf-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::printf("seed text -> PDF write (%zu pages)\t%.4f\n", one.pages.size(),
              time_write(one, dir / "one.pdf"));
  std::printf("20x seed text -> PDF write (%zu pages)\t%.4f\n", twenty.pages.size(),
              time_write(twenty, dir / "twenty.pdf"));

  // The real pipeline (fonts loaded once per process, as the CLI does).
  auto fonts =
      font::FontLibrary::load(std::filesystem::path(MOYIN_SOURCE_DIR) / "fonts/fonts.yaml", diags);
  if (!fonts) {
    std::fprintf(stderr, "bench_pdf: fonts.yaml unusable\n");
    return 1;
  }
  const std::string seed = ss.str();
  std::string body = seed;
  if (seed.rfind("---", 0) == 0) {
    size_t end = seed.find("\n---", 3);
    if (end != std::string::npos) body = seed.substr(seed.find('\n', end + 1) + 1);
  }
  std::string twenty_text = seed;
  for (int k = 1; k < 20; ++k) twenty_text += "\n" + body;
  std::printf("seed.md -> PDF (parse+typeset+write)\t%.4f\n",
              time_pipeline(seed, *fonts, dir / "seed.pdf"));
  std::printf("20x seed.md -> PDF (parse+typeset+write)\t%.4f\n",
              time_pipeline(twenty_text, *fonts, dir / "seed20.pdf"));
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
