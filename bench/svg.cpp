// SVG figures: (1) svg::parse alone on a large generated drawing (2,000
// shapes with labels); (2) the whole PDF path (parse + typeset + write) for a
// document with 20 SVG figures drawn as vectors, and (3) the same 20 figures
// each with a filter, so every one goes through librsvg at 300 dpi.
// Prints "case<TAB>seconds" (median of 3).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "font/font.h"
#include "pdf/pdf.h"
#include "source/source.h"
#include "style/style.h"
#include "svg/svg.h"
#include "typeset/book.h"

using namespace moyin;
namespace fs = std::filesystem;

namespace {

// A diagram of `n` labelled boxes joined by dashed curves, a grid and a
// few circles; `filter` adds a drop shadow to the first box.
std::string diagram(int n, int seed, bool filter) {
  std::string s =
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="480" height="320" viewBox="0 0 480 320">)";
  if (filter) s += R"(<defs><filter id="f"><feGaussianBlur stdDeviation="3"/></filter></defs>)";
  for (int x = 0; x <= 480; x += 40)
    s += "<line x1=\"" + std::to_string(x) + "\" y1=\"0\" x2=\"" + std::to_string(x) +
         "\" y2=\"320\" stroke=\"#eee\"/>";
  for (int i = 0; i < n; ++i) {
    int x = 10 + (i * 97 + seed * 31) % 400, y = 10 + (i * 53 + seed * 17) % 270;
    s += "<g transform=\"translate(" + std::to_string(x) + " " + std::to_string(y) + ")\">";
    s += std::string(
             "<rect width=\"60\" height=\"30\" rx=\"5\" fill=\"#dbe9f6\" stroke=\"#2a6ebb\"") +
         (filter && i == 0 ? " filter=\"url(#f)\"" : "") + "/>";
    s +=
        "<text x=\"30\" y=\"20\" font-size=\"12\" text-anchor=\"middle\" font-family=\"sans-serif\">节点 " +
        std::to_string(i) + "</text>";
    s +=
        "<path d=\"M60 15 C90 15 90 60 120 60\" fill=\"none\" stroke=\"#444\" stroke-dasharray=\"4 2\"/>";
    s += "<circle cx=\"0\" cy=\"0\" r=\"3\" fill=\"#c07a12\"/></g>";
  }
  return s + "</svg>";
}

template <class F>
double median_of_3(F f) {
  std::vector<double> times;
  for (int rep = 0; rep < 3; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return times[1];
}

bool pipeline(const fs::path& md, const font::FontLibrary& fonts, const fs::path& out) {
  doc::Diagnostics diags;
  auto document = source::read_file(md, diags);
  if (!document) return false;
  style::Layers layers;
  layers.front_matter = document->meta.style;
  layers.document_dir = md.parent_path();
  style::Sheet sheet = style::resolve(layers, diags);
  layout::Book book = typeset::typeset(*document, sheet, fonts, diags);
  return pdf::write(book, out, {}, diags);
}

}  // namespace

int main() {
  doc::Diagnostics diags;
  auto fonts =
      font::FontLibrary::load(std::filesystem::path(MOYIN_SOURCE_DIR) / "fonts/fonts.yaml", diags);
  if (!fonts) {
    std::fprintf(stderr, "bench_svg: fonts.yaml unusable\n");
    return 1;
  }
  const std::string big = diagram(2000, 1, false);
  size_t items = 0;
  double t_parse = median_of_3([&] {
    svg::Result r = svg::parse(big);
    items = r.drawing ? r.drawing->items.size() : 0;
  });
  std::printf("svg::parse, 2000 labelled shapes (%zu KB, %zu items)\t%.4f\n", big.size() / 1024,
              items, t_parse);

  fs::path dir = fs::temp_directory_path() / ("moyin-bench-svg-" + std::to_string(getpid()));
  fs::create_directories(dir);
  for (bool filter : {false, true}) {
    std::string md = "---\ntitle: SVG 图\n---\n\n";
    for (int i = 0; i < 20; ++i) {
      std::string name = std::string(filter ? "shadow-" : "figure-") + std::to_string(i) + ".svg";
      std::ofstream(dir / name, std::ios::binary) << diagram(12, i, filter);
      md += "## 图 " + std::to_string(i + 1) + "\n\n一段说明文字，介绍下面的示意图。\n\n![示意图 " +
            std::to_string(i + 1) + "](" + name + ")\n\n";
    }
    fs::path file = dir / (filter ? "rasters.md" : "vectors.md");
    std::ofstream(file, std::ios::binary) << md;
    bool ok = true;
    double t = median_of_3([&] { ok = ok && pipeline(file, *fonts, dir / "out.pdf"); });
    if (!ok) {
      std::fprintf(stderr, "bench_svg: %s failed\n", file.filename().c_str());
      return 1;
    }
    std::printf("%s\t%.4f\n",
                filter ? "20 SVG figures with filters -> PDF (300 dpi rasters)"
                       : "20 SVG figures -> PDF (vectors)",
                t);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
