// Runs the SVG figures' fuzz entry (tests/fuzz/fuzz_svg.h) over the test
// figures and ~2,000 deterministic mutations of them (seeded PRNG), so every
// `scripts/test` run, also under the sanitizers, reads malformed SVG.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "fuzz/fuzz_svg.h"
#include "fuzz/mutate.h"
#include "test_util.h"

namespace moyin {
namespace {

// What the mutator inserts: XML's edges, SVG's elements and references,
// path data, transforms, lengths and colours at their limits.
const std::vector<std::string> kTokens = {"<",
                                          ">",
                                          "/>",
                                          "</g>",
                                          "<g>",
                                          "<![CDATA[",
                                          "]]>",
                                          "<!--",
                                          "-->",
                                          "<?xml ?>",
                                          "<!DOCTYPE svg [<!ENTITY a \"b\">]>",
                                          "&a;",
                                          "&#x0;",
                                          "&#1114112;",
                                          "&lt;",
                                          "\"",
                                          "'",
                                          "=",
                                          " id=\"a\"",
                                          "<use href=\"#a\"/>",
                                          "<use xlink:href=\"#a\"/>",
                                          "<defs>",
                                          "</defs>",
                                          "<path d=\"",
                                          "M0 0",
                                          "A1e308 1 0 1 1 1 1",
                                          "Z",
                                          "L-1e308 0",
                                          "C",
                                          " transform=\"matrix(0 0 0 0 0 0)\"",
                                          " transform=\"scale(1e308)\"",
                                          "rotate(90)",
                                          " viewBox=\"0 0 0 0\"",
                                          " width=\"-1\"",
                                          " height=\"1e999\"",
                                          "%",
                                          "em",
                                          "nan",
                                          " stroke-width=\"1e308\"",
                                          " stroke-dasharray=\"0 0\"",
                                          " opacity=\"0.5\"",
                                          " fill=\"url(#x)\"",
                                          "<linearGradient>",
                                          "<text>",
                                          "</text>",
                                          "<tspan>",
                                          "</tspan>",
                                          "<image href=\"data:image/png;base64,iVBORw0KGgo=\"/>",
                                          "<svg>",
                                          "</svg>",
                                          std::string(1, '\0'),
                                          "\n"};

std::string mutate(const std::string& s, std::mt19937& rng) {
  return fuzz::mutate(s, rng, kTokens);
}

int run(const std::string& s) {
  return fuzz::fuzz_svg_one(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(SvgFuzz, MalformedFiguresAreDrawnOrRefusedWithAReason) {
  std::vector<std::string> seeds;
  for (const char* name : {"diagram.svg", "shadow.svg"})
    seeds.push_back(
        testing::read_file(std::string(MOYIN_SOURCE_DIR) + "/tests/fixtures/svg/" + name));
  for (const std::string& s : seeds) {
    ASSERT_FALSE(s.empty());
    ASSERT_TRUE(svg::parse(s, fuzz::fuzz_svg_limits()).drawing) << "the seeds draw";
  }
  std::mt19937 rng(20261201);
  int drawn = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::string odd = mutate(seeds[rng() % seeds.size()], rng);
    drawn += svg::parse(odd, fuzz::fuzz_svg_limits()).drawing.has_value();
    EXPECT_EQ(run(odd), 0);
  }
  EXPECT_GT(drawn, 100) << "the mutations reach the drawing, not only the XML parser";
}

}  // namespace
}  // namespace moyin
