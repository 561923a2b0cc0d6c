// Line breaking speed on the seed manuscript: every paragraph, heading, list
// item and footnote, measured once, then broken (Knuth–Plass) many times.
// Prints "case<TAB>seconds" (median of the repetitions), see bench/README.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "font/font.h"
#include "source/source.h"
#include "typeset/paragraph.h"

using namespace moyin;

namespace {

void collect(const std::vector<doc::Block>& blocks,
             std::vector<const std::vector<doc::Inline>*>& out) {
  for (const doc::Block& b : blocks) {
    if (!b.inlines.empty()) out.push_back(&b.inlines);
    collect(b.children, out);
    for (const doc::TableRow& r : b.rows)
      for (const doc::TableCell& c : r.cells)
        if (!c.inlines.empty()) out.push_back(&c.inlines);
  }
}

template <class F>
double median_seconds(int reps, F&& f) {
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    auto a = std::chrono::steady_clock::now();
    f();
    auto b = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double>(b - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main() {
  doc::Diagnostics diags;
  auto lib =
      font::FontLibrary::load(std::filesystem::path(MOYIN_SOURCE_DIR) / "fonts/fonts.yaml", diags);
  auto d =
      source::read_file(std::string(MOYIN_TEST_DATA_DIR) + "/corpus/llm-survey-2025.md", diags);
  if (!lib || !d || !lib->find_set("serif-zh")) {
    std::fprintf(stderr, "bench_linebreak: fonts or seed manuscript unavailable\n");
    return 1;
  }
  std::vector<const std::vector<doc::Inline>*> paras;
  collect(d->blocks, paras);
  collect(d->footnotes, paras);

  typeset::ParagraphStyle ps;
  ps.measure = 420;
  ps.size = 10.5;
  ps.indent = 21;
  ps.fonts = {&*lib, lib->find_set("serif-zh"), lib->find_set("mono")};
  typeset::ParagraphSetter setter;

  // Measure once: the item lists the breaker sees.
  std::vector<std::vector<typeset::Item>> items;
  typeset::MeasureOptions mo;
  mo.size = ps.size;
  for (const auto* in : paras)
    items.push_back(setter.build_items(typeset::measure(*in, ps.fonts, mo), ps));

  typeset::BreakParams bp;
  bp.measure = ps.measure;
  size_t lines = 0;
  for (const auto& it : items) lines += typeset::break_lines(it, bp).size();
  double t_break = median_seconds(50, [&] {
    size_t n = 0;
    for (const auto& it : items) n += typeset::break_lines(it, bp).size();
    if (n != lines) std::abort();
  });
  double t_set = median_seconds(10, [&] {
    doc::Diagnostics dd;
    for (const auto* in : paras) setter.set(*in, ps, dd);
  });
  std::printf("seed: break %zu paragraphs into %zu lines\t%.6f\n", paras.size(), lines, t_break);
  std::printf("seed: set paragraphs (shape+break+justify)\t%.6f\n", t_set);
  return 0;
}
