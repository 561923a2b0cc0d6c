// Runs the formulas' fuzz entry (tests/fuzz/fuzz_math.h) over a real kept
// file (MathJax's answers for tests/math/data/page.md) and ~2,000
// deterministic mutations of it and of its SVGs (seeded PRNG), so every
// `scripts/test` run, also under the sanitizers, reads damaged kept files
// and odd SVG.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "fuzz/fuzz_math.h"
#include "fuzz/mutate.h"
#include "test_util.h"

namespace moyin {
namespace {

// What the mutator inserts: MessagePack heads (the kept file's format:
// strings, arrays and maps claiming 4 GB, a byte no value starts with),
// JSON, the glyph numbers, the SVG's elements, transforms and path data at
// their edges.
const std::vector<std::string> kTokens = {std::string("\xDB\xFF\xFF\xFF\xFF"),
                                          std::string("\xDD\xFF\xFF\xFF\xFF"),
                                          std::string("\xDF\xFF\xFF\xFF\xFF"),
                                          std::string("\xC1"),
                                          std::string("\xA0"),
                                          std::string("\x90", 1),
                                          "\"",
                                          "\\\"",
                                          "\\u0000",
                                          "{",
                                          "}",
                                          "[",
                                          "]",
                                          ",",
                                          ":",
                                          "null",
                                          "true",
                                          "\"svg\":",
                                          "d=\"@",
                                          "@0",
                                          "@1",
                                          "@-1",
                                          "@99999",
                                          "@18446744073709551616",
                                          " d=\"",
                                          "<path d=\"",
                                          "<svg",
                                          "<g",
                                          "</g>",
                                          "<rect x=\"1e308\" ",
                                          "<line ",
                                          "<text>",
                                          "</text>",
                                          "/>",
                                          ">",
                                          "<",
                                          "transform=\"matrix(",
                                          "scale(1e308)",
                                          "translate(",
                                          ")",
                                          "viewBox=\"",
                                          "&#x",
                                          "&#x110000;",
                                          "&amp",
                                          "M",
                                          "L",
                                          "C",
                                          "S",
                                          "Q",
                                          "T",
                                          "Z",
                                          "z",
                                          "H",
                                          "V",
                                          "1e308",
                                          "-1e308",
                                          "1e-320",
                                          "-",
                                          ".",
                                          "..",
                                          "0",
                                          "9",
                                          " ",
                                          "e",
                                          "e+",
                                          "\n"};

std::string mutate(const std::string& s, std::mt19937& rng) {
  return fuzz::mutate(s, rng, kTokens);
}

int run(const std::string& s) {
  return fuzz::fuzz_math_one(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

const std::string kKept = testing::read_file(MOYIN_TEST_DATA_DIR "/math/page.math");

// A kept file from its JSON text (the values the store writes, in JSON).
std::string packed(std::string_view json) {
  std::string bytes;
  nlohmann::json::to_msgpack(nlohmann::json::parse(json), bytes);
  return bytes;
}

TEST(MathFuzz, TheRealKeptFileIsReadWhole) {
  ASSERT_FALSE(kKept.empty());
  math::Formulas f;
  ASSERT_TRUE(math::restore(kKept, fuzz::kept_engine(kKept), {}, f));
  EXPECT_EQ(f.results.size(), 21u);
  math::Glyphs glyphs;
  for (const auto& [key, formula] : f.results) {
    auto d = math::drawing(formula.svg, &glyphs);
    ASSERT_TRUE(d) << key.tex;
    EXPECT_FALSE(d->paths.empty()) << key.tex;
  }
  EXPECT_EQ(run(kKept), 0);
}

// Found by fuzz_math: a format that is not a number threw out of restore.
TEST(MathFuzz, KeptFilesOfTheWrongShapeAreRefused) {
  for (std::string_view wrong :
       {R"({"format":"4","engine":"e","preamble":[],"glyphs":[],"formulas":[]})",
        R"({"format":4.5,"engine":"e","preamble":[],"glyphs":[],"formulas":[]})",
        R"({"format":4,"engine":7,"preamble":[],"glyphs":[],"formulas":[]})",
        R"({"format":4,"engine":"e","preamble":{},"glyphs":[1],"formulas":[]})",
        R"({"format":4,"engine":"e","preamble":[],"glyphs":{},"formulas":[]})",
        R"({"format":4,"engine":"e","preamble":[],"glyphs":[],"formulas":[7]})",
        R"({"format":4,"engine":"e","preamble":[],"glyphs":[],"formulas":[{"tex":1}]})", R"([4])",
        "4", "null"}) {
    math::Formulas f;
    EXPECT_FALSE(math::restore(packed(wrong), "e", {}, f)) << wrong;
    EXPECT_FALSE(math::restore(wrong, "e", {}, f)) << wrong << " as JSON text";
    EXPECT_EQ(run(packed(wrong)), 0);
  }
  math::Formulas f;
  EXPECT_TRUE(math::restore(
      packed(R"({"format":4,"engine":"e","preamble":[],"glyphs":[],"formulas":[]})"), "e", {}, f))
      << "the same shape, right";
}

// Found by fuzz_math: nlohmann's MessagePack reader descends once per
// nested array or map, so a file of 100,000 nested array heads overflowed
// the stack. It is refused instead.
TEST(MathFuzz, DeeplyNestedKeptFilesAreRefused) {
  for (const char head : {'\x91', '\xDD', '\x81'}) {  // fixarray of 1, array32, fixmap of 1
    std::string deep;
    for (int i = 0; i < 100000; ++i) {
      deep += head;
      if (head == '\xDD') deep += std::string("\0\0\0\1", 4);
      if (head == '\x81') deep += "\xA1k";  // the key
    }
    deep += '\xC0';  // nil
    math::Formulas f;
    EXPECT_FALSE(math::restore(deep, "e", {}, f));
    EXPECT_EQ(run(deep), 0);
  }
}

TEST(MathFuzz, DamagedKeptFilesAreReadOrRefusedWhole) {
  std::mt19937 rng(20261201);
  for (int i = 0; i < 1000; ++i) {  // the bytes: the reader refuses, never crashes
    const std::string damaged = mutate(kKept, rng);
    math::Formulas f;
    (void)math::restore(damaged, fuzz::kept_engine(damaged), {}, f);
    EXPECT_EQ(run(damaged), 0);
  }
  // The values (a formula's SVG, MathML or TeX, a glyph's path data)
  // damaged and written again as the store would.
  const nlohmann::json kept = nlohmann::json::from_msgpack(kKept);
  int read = 0;  // damage the reader cannot see (in a formula's text) leaves it readable
  for (int i = 0; i < 1000; ++i) {
    nlohmann::json doc = kept;
    nlohmann::json& formula = doc["formulas"][rng() % doc["formulas"].size()];
    nlohmann::json& value = rng() % 4 == 0 ? doc["glyphs"][rng() % doc["glyphs"].size()]
                                           : formula[std::array{"svg", "mathml", "tex"}[rng() % 3]];
    value = mutate(value.get<std::string>(), rng);
    std::string damaged;
    nlohmann::json::to_msgpack(doc, damaged);
    math::Formulas f;
    read += math::restore(damaged, fuzz::kept_engine(damaged), {}, f);
    EXPECT_EQ(run(damaged), 0);
  }
  EXPECT_GT(read, 50) << "the mutations reach the formulas, not only the file's framing";
}

TEST(MathFuzz, OddSvgIsDrawnOrRefused) {
  math::Formulas f;
  ASSERT_TRUE(math::restore(kKept, fuzz::kept_engine(kKept), {}, f));
  std::vector<std::string> svgs;
  for (const auto& [key, formula] : f.results) svgs.push_back(formula.svg);
  std::mt19937 rng(1201);
  int drawn = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::string odd = mutate(svgs[rng() % svgs.size()], rng);
    drawn += math::drawing(odd).has_value();
    EXPECT_EQ(run(odd), 0);
  }
  EXPECT_GT(drawn, 50) << "the mutations reach the drawing, not only the first tag";
}

}  // namespace
}  // namespace moyin
