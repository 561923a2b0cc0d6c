// Runs the fuzz entry (tests/fuzz/fuzz_source.h) over a few hundred
// deterministic mutations of the sample manuscripts, so the invariants are
// checked by every `scripts/test` run, also under the sanitizers.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_source.h"

namespace moyin {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Fragments that stress the parser's special cases.
const std::vector<std::string> kTokens = {"**",
                                          "*",
                                          "__",
                                          "_",
                                          "~~",
                                          "`",
                                          "```\n",
                                          "\n",
                                          "\n\n",
                                          "\r\n",
                                          "\r",
                                          std::string(1, '\0'),
                                          "，",
                                          "。",
                                          "《",
                                          "》",
                                          "“",
                                          "”",
                                          "真",
                                          "中文",
                                          "\xEF\xBB\xBF",
                                          "\xFF",
                                          "\xE4\xB8",
                                          "---\n",
                                          "...\n",
                                          "&lt;",
                                          "&#0;",
                                          "<0.3 %",
                                          "<kbd>",
                                          "</kbd>",
                                          "[",
                                          "]",
                                          "(",
                                          ")",
                                          "![",
                                          "[^1]",
                                          "[^1]: ",
                                          "https://x.com",
                                          "www.a.org",
                                          "<https://y.z>",
                                          "- ",
                                          "1. ",
                                          "- [x] ",
                                          "> ",
                                          "| a | b |\n|:-|-:|\n",
                                          "# ",
                                          "    ",
                                          "\t",
                                          "\\",
                                          "⸮",
                                          "&a [*a, *a]",
                                          "\"",
                                          "'",
                                          ": ",
                                          "title: ",
                                          "  - "};

std::string mutate(std::string s, std::mt19937& rng) {
  std::uniform_int_distribution<int> op(0, 5);
  const int rounds = 1 + static_cast<int>(rng() % 8);
  for (int r = 0; r < rounds; ++r) {
    const size_t at = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (op(rng)) {
      case 0:  // insert a token
        s.insert(at, kTokens[rng() % kTokens.size()]);
        break;
      case 1:  // flip a byte
        if (!s.empty()) s[at % s.size()] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 2:  // delete a span
        if (!s.empty()) s.erase(at % s.size(), rng() % 16);
        break;
      case 3: {  // duplicate a span
        if (s.empty()) break;
        const size_t from = rng() % s.size();
        s.insert(at, s.substr(from, rng() % 64));
        break;
      }
      case 4:  // repeat a token many times
        for (int k = static_cast<int>(rng() % 200); k > 0; --k)
          s.insert(at, kTokens[rng() % kTokens.size()]);
        break;
      default:  // random byte
        s.insert(at, 1, static_cast<char>(rng() & 0xFF));
    }
  }
  return s;
}

TEST(Fuzz, DeterministicMutationsKeepInvariants) {
  std::vector<std::string> seeds = {
      slurp(MOYIN_SOURCE_DIR "/content/zh-article.md"),
      slurp(MOYIN_SOURCE_DIR "/content/en-article.md"),
      slurp(MOYIN_TEST_DATA_DIR "/corpus/llm-survey-2025.md"),
      "---\ntitle: t\ntags: [a]\n---\n**真，**她\n见https://x.com。\n",
      "",
  };
  std::mt19937 rng(20251028);
  int runs = 0;
  for (int i = 0; i < 400; ++i) {
    std::string base = seeds[static_cast<size_t>(i) % seeds.size()];
    // Keep inputs small: a window of the seed, then mutations.
    if (base.size() > 3000) {
      const size_t from = rng() % (base.size() - 3000);
      base = base.substr(i % 3 == 0 ? 0 : from, 3000);
    }
    const std::string input = mutate(std::move(base), rng);
    fuzz::fuzz_source_one(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    ++runs;
  }
  // Pure random bytes too.
  for (int i = 0; i < 100; ++i) {
    std::string input(rng() % 2000, '\0');
    for (char& c : input) c = static_cast<char>(rng() & 0xFF);
    fuzz::fuzz_source_one(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    ++runs;
  }
  EXPECT_EQ(runs, 500);
}

}  // namespace
}  // namespace moyin
