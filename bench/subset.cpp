// CFF subsetting for the PDF (font::subset_for_pdf): the default body face,
// Noto Serif CJK SC (CID-keyed CFF), subset to the first N distinct glyphs
// of the seed manuscript shaped in it, N from 1 to all of them. hb-subset 6.0
// spends a fixed ~0.3 M instructions per call and about 33,000 per glyph
// (planned without the outlines: docs/performance.md, "What hb-subset
// spends"): the lines show whether a HarfBuzz upgrade changes that, and so
// whether the writer's split of a large face (src/pdf/writer.cpp,
// kSplitGlyphs) still pays.
// Prints "case<TAB>seconds": the calling thread's CPU time, median of 7 (on
// the shared 2-core machine a subset of 5 ms is often preempted: its wall
// time there measured up to twice its CPU time).
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <span>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/file.h"
#include "doc/diagnostics.h"
#include "font/font.h"
#include "font/subset.h"

using namespace moyin;

namespace {

// The distinct glyphs of `text` shaped line by line, in order of first use.
std::vector<uint32_t> glyphs_of(const font::Face& face, const std::string& text) {
  std::vector<uint32_t> out;
  std::unordered_set<uint32_t> seen;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    for (const auto& g : font::shape(face, line, "", "zh-Hans"))
      if (seen.insert(g.gid).second) out.push_back(g.gid);
  return out;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double median_subset(const font::Face& face, std::span<const uint32_t> glyphs) {
  std::vector<double> times;
  for (int k = 0; k < 7; ++k) {
    std::string err;
    const double t0 = thread_cpu_seconds();
    auto sub = font::subset_for_pdf(face, glyphs, err);
    const double t1 = thread_cpu_seconds();
    if (!sub) {
      std::fprintf(stderr, "bench_subset: %s\n", err.c_str());
      std::exit(1);
    }
    times.push_back(t1 - t0);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main() {
  // The body face of the default configuration (its index in the .ttc is
  // fontconfig's), as the CLI finds it.
  doc::Diagnostics diags;
  auto fonts =
      font::FontLibrary::load(std::filesystem::path(MOYIN_SOURCE_DIR) / "fonts/fonts.yaml", diags);
  std::string error;
  auto seed = base::read_bounded(
      std::filesystem::path(MOYIN_TEST_DATA_DIR) / "corpus/llm-survey-2025.md", error);
  if (!fonts || !seed || !fonts->find_set("serif-zh")) {
    std::fprintf(stderr, "bench_subset: fonts or seed manuscript unavailable\n");
    return 1;
  }
  const font::Face& face = fonts->face(fonts->find_set("serif-zh")->faces.front().regular);
  if (!font::info(face).cff) {
    std::fprintf(stderr, "bench_subset: the body face is not Noto Serif CJK SC (CFF)\n");
    return 1;
  }
  std::vector<uint32_t> glyphs = glyphs_of(face, *seed);
  // The first subset of a process also faults in the pages of the font file
  // it reads: warm them, so each line is the subset alone.
  median_subset(face, glyphs);
  std::vector<size_t> counts = {1, 50, 200, glyphs.size() / 2, glyphs.size()};
  std::sort(counts.begin(), counts.end());
  counts.erase(std::unique(counts.begin(), counts.end()), counts.end());
  for (size_t n : counts) {
    n = std::min(n, glyphs.size());
    std::printf("CFF subset of %zu glyphs (Noto Serif CJK SC, CPU)\t%.5f\n", n,
                median_subset(face, std::span(glyphs).first(n)));
  }
}
