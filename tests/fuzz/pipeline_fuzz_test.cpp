// Runs the whole-pipeline fuzz entry (tests/fuzz/fuzz_pipeline.h) over a
// fixed set of hostile inputs and ~100 deterministic mutations of the sample
// manuscripts (seeded PRNG), so every `scripts/test` run, also under the
// sanitizers, pushes odd documents through typeset, PDF and EPUB.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "fuzz/fuzz_pipeline.h"

namespace moyin {
namespace {

namespace fs = std::filesystem;

// Fragments the mutator inserts: CJK punctuation (禁则 and compression
// cases), Markdown delimiters, structure that nests, Latin/Han boundaries.
const std::vector<std::string> kTokens = {"，",
                                          "。",
                                          "、",
                                          "；",
                                          "：",
                                          "？",
                                          "！",
                                          "“",
                                          "”",
                                          "‘",
                                          "’",
                                          "（",
                                          "）",
                                          "《",
                                          "》",
                                          "「",
                                          "」",
                                          "【",
                                          "】",
                                          "——",
                                          "……",
                                          "—",
                                          "…",
                                          "～",
                                          "·",
                                          "%",
                                          "‰",
                                          "℃",
                                          "°",
                                          "¥",
                                          "$",
                                          "中文",
                                          "模型",
                                          "GPU",
                                          "Transformer",
                                          "12.5%",
                                          "v3.1.2",
                                          "𠀀",
                                          "\xE2\x80\x8B",
                                          "\xC2\xA0",
                                          "**",
                                          "*",
                                          "_",
                                          "__",
                                          "~~",
                                          "`",
                                          "``",
                                          "```\n",
                                          "~~~\n",
                                          "\n",
                                          "\n\n",
                                          "  \n",
                                          "\\\n",
                                          "\t",
                                          "# ",
                                          "## ",
                                          "###### ",
                                          "> ",
                                          "- ",
                                          "* ",
                                          "1. ",
                                          "99999. ",
                                          "- [ ] ",
                                          "- [x] ",
                                          "---\n",
                                          "***\n",
                                          "| a | 中 |\n|---|:-:|\n| 1 | 二 |\n",
                                          "[^1]",
                                          "[^1]: 注释\n",
                                          "[链接](#文章引言)",
                                          "[x](https://a.b/c)",
                                          "![图](images/none.png)",
                                          "<https://example.com/a/very/long/path>",
                                          "<b>",
                                          "</b>",
                                          "<br>",
                                          "&amp;",
                                          "&#x4E2D;",
                                          "\\*",
                                          "    code\n",
                                          "\r\n",
                                          std::string(1, '\0'),
                                          "\xFF",
                                          "\xE4\xB8"};

// A long unbreakable string: Latin, digits, a URL, or a pair chain.
std::string long_string(std::mt19937& rng) {
  const size_t n = 50 + rng() % 400;
  switch (rng() % 5) {
    case 0: return std::string(n, 'x');
    case 1: {
      std::string s;
      for (size_t k = 0; k < n; ++k) s += static_cast<char>('0' + k % 10);
      return s;
    }
    case 2: return "https://example.com/" + std::string(n, 'a') + "/path";
    case 3: {
      std::string s;
      for (size_t k = 0; k < n / 8; ++k) s += "——";
      return s;
    }
    default: {
      std::string s;
      for (size_t k = 0; k < n / 8; ++k) s += "（《“";
      return s;
    }
  }
}

// Deep nesting: block quotes, lists, emphasis.
std::string nesting(std::mt19937& rng) {
  const int depth = 5 + static_cast<int>(rng() % 40);
  std::string s;
  switch (rng() % 3) {
    case 0:
      for (int k = 0; k < depth; ++k) s += "> ";
      return s + "引用里的文字，很深。\n";
    case 1:
      for (int k = 0; k < depth; ++k)
        s += std::string(static_cast<size_t>(k) * 2, ' ') + "- 第" + std::to_string(k) + "层\n";
      return s;
    default:
      for (int k = 0; k < depth; ++k) s += k % 2 ? "*" : "**";
      s += "强调";
      for (int k = depth - 1; k >= 0; --k) s += k % 2 ? "*" : "**";
      return s;
  }
}

std::string mutate(std::string s, const std::string& donor, std::mt19937& rng) {
  const int rounds = 1 + static_cast<int>(rng() % 10);
  for (int r = 0; r < rounds; ++r) {
    const size_t at = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 8) {
      case 0: s.insert(at, kTokens[rng() % kTokens.size()]); break;
      case 1:
        for (int k = static_cast<int>(rng() % 60); k > 0; --k)
          s.insert(at, kTokens[rng() % kTokens.size()]);
        break;
      case 2:
        if (!s.empty()) s.erase(at % s.size(), rng() % 32);
        break;
      case 3:  // a fragment of another manuscript
        if (!donor.empty()) {
          const size_t from = rng() % donor.size();
          s.insert(at, donor.substr(from, rng() % 400));
        }
        break;
      case 4: s.insert(at, long_string(rng)); break;
      case 5: s.insert(at, "\n" + nesting(rng) + "\n"); break;
      case 6:
        if (!s.empty()) s[at % s.size()] ^= static_cast<char>(1u << (rng() % 8));
        break;
      default: s.insert(at, 1, static_cast<char>(rng() & 0xFF));
    }
  }
  return s;
}

class PipelineFuzz : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("moyin-pipeline-fuzz-" + std::to_string(::getpid()));
    ctx_ = fuzz::make_pipeline_context(dir_);
    ASSERT_TRUE(ctx_.has_value()) << "fonts did not load";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // Runs one input; a broken invariant fails the test with the input's size.
  void run(const std::string& input, const std::string& name) {
    const std::string why =
        fuzz::run_pipeline(*ctx_, reinterpret_cast<const uint8_t*>(input.data()), input.size());
    if (!why.empty() && std::getenv("MOYIN_FUZZ_SAVE")) {
      // Keep the input for `moyin dump` / a regression test.
      std::ofstream(fs::path(std::getenv("MOYIN_FUZZ_SAVE")) / (name + ".md"), std::ios::binary)
          << input;
    }
    EXPECT_EQ(why, "") << name << " (" << input.size()
                       << " bytes), starting: " << input.substr(0, 200);
  }
  fs::path dir_;
  std::optional<fuzz::PipelineContext> ctx_;
};

TEST_F(PipelineFuzz, HostileInputs) {
  std::mt19937 rng(7);
  std::string deep_quote, deep_list;
  for (int k = 0; k < 120; ++k) deep_quote += "> ";
  deep_quote += "很深的引用，" + std::string(300, 'q') + "。\n";
  for (int k = 0; k < 60; ++k)
    deep_list +=
        std::string(static_cast<size_t>(k) * 2, ' ') + "1. 项目" + std::to_string(k) + "\n";
  std::string han_wall;
  for (int k = 0; k < 600; ++k) han_wall += "汉";
  std::string punct_wall;
  for (int k = 0; k < 200; ++k) punct_wall += "，”）》";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"empty", ""},
      {"front matter only", "---\ntitle: 只有标题\n---\n"},
      {"headings only", "# 一\n## 二\n### 三\n#### 四\n##### 五\n###### 六\n"},
      {"deep quote", deep_quote},
      {"deep list", deep_list},
      {"long word", "开头" + std::string(5000, 'w') + "结尾。\n"},
      {"long url", "见 https://example.com/" + std::string(3000, 'u') + " 。\n"},
      {"long code line", "```\n" + std::string(4000, 'c') + "\n```\n"},
      {"dash chain", std::string("前") +
                         [] {
                           std::string s;
                           for (int k = 0; k < 500; ++k) s += "——";
                           return s;
                         }() +
                         "后\n"},
      {"han wall", han_wall + "\n"},
      {"closing punctuation wall", "字" + punct_wall + "\n"},
      {"opening punctuation wall",
       [] {
         std::string s;
         for (int k = 0; k < 300; ++k) s += "“（《";
         return s;
       }() +
           "\n"},
      // Opening brackets may not end a line (禁则): a chain of them wider
      // than the measure, followed by more text, needs an emergency break.
      {"opening bracket chain before text", "正文" +
                                                [] {
                                                  std::string s;
                                                  for (int k = 0; k < 60; ++k) s += "（《“";
                                                  return s;
                                                }() +
                                                " 后面的文字。\n"},
      {"many headings",
       [] {
         std::string s;
         for (int k = 0; k < 300; ++k) s += "## 标题" + std::to_string(k) + "\n\n";
         return s;
       }()},
      {"wide table", "| " +
                         [] {
                           std::string s;
                           for (int k = 0; k < 60; ++k) s += "列" + std::to_string(k) + " | ";
                           return s;
                         }() +
                         "\n|" +
                         [] {
                           std::string s;
                           for (int k = 0; k < 60; ++k) s += "---|";
                           return s;
                         }() +
                         "\n"},
      {"footnotes",
       "正文[^a][^b][^c]。\n\n[^a]: 一\n[^b]: " + std::string(2000, 'b') + "\n[^c]: > 引用\n"},
      {"nesting", nesting(rng) + nesting(rng) + nesting(rng)},
      // Found by fuzz_pipeline: a ruby base, a superscript or an annotation
      // wider than the measure ran off the page.
      {"long ruby base", "注音：<ruby>" + han_wall.substr(0, 400) + "<rt>hàn</rt></ruby>。\n"},
      {"long superscript", "上标：x<sup>" + std::string(600, '7') + "</sup>。\n"},
      {"long annotation",
       "{漢字|" + std::string(900, 'k') + "} 在行首，{字|" + std::string(40, 'z') + "} 在行中。\n"},
      // Found by fuzz_pipeline: a header row taller than the page, its next
      // row drawn below the page's bottom edge.
      {"tall header row", "| " + han_wall + han_wall + han_wall + han_wall +
                              " | 输出 |\n|---|---|\n| 解析 | 文档树 |\n"},
  };
  for (const auto& [name, input] : cases) run(input, name);
}

TEST_F(PipelineFuzz, DeterministicMutations) {
  const std::vector<std::string> seeds = {
      fuzz::slurp_file(fs::path(MOYIN_TEST_DATA_DIR) / "corpus/llm-survey-2025.md"),
      fuzz::slurp_file(fs::path(MOYIN_SOURCE_DIR) / "content/zh-article.md"),
      fuzz::slurp_file(fs::path(MOYIN_SOURCE_DIR) / "content/en-article.md"),
  };
  for (const auto& s : seeds) ASSERT_FALSE(s.empty()) << "a seed manuscript is missing";
  std::mt19937 rng(20251128);
  constexpr int kRuns = 100;
  for (int i = 0; i < kRuns; ++i) {
    const std::string& seed = seeds[static_cast<size_t>(i) % seeds.size()];
    const std::string& donor = seeds[(static_cast<size_t>(i) + 1) % seeds.size()];
    // A window of the seed (the front matter now and then), then mutations.
    const size_t len = 400 + rng() % 1600;
    const size_t from = i % 4 == 0 || seed.size() <= len ? 0 : rng() % (seed.size() - len);
    std::string input = mutate(seed.substr(from, len), donor, rng);
    run(input, "mutation " + std::to_string(i));
  }
}

}  // namespace
}  // namespace moyin
