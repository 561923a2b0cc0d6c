// `moyin dump` as a user runs it: exit codes, stdout/stderr separation.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "test_util.h"

namespace moyin {
namespace {

using testing::read_file;
using CliRun = testing::Run;

// Runs `moyin ARGS` from the repository root; `streams` picks what is captured
// ("2>/dev/null" for stdout only, "2>&1 >/dev/null" for stderr only).
CliRun moyin(const std::string& args, const std::string& streams = "2>/dev/null") {
  return testing::shell("cd '" MOYIN_SOURCE_DIR "' && '" MOYIN_BINARY "' " + args + " " + streams,
                        false);
}

TEST(DumpCli, CorpusMatchesGoldenAndSeedFacts) {
  const CliRun r = moyin("dump tests/data/corpus/llm-survey-2025.md");
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(r.output, read_file(MOYIN_SOURCE_DIR "/tests/golden/llm-survey-2025.doc.json"));
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["meta"]["title"], "2025年大模型技术综述：从发展历程、生命周期到多模态应用");
  EXPECT_EQ(j["meta"]["date"], "2025-10-28T05:54:14.065Z");
  EXPECT_EQ(j["meta"]["tags"], nlohmann::json({"LLM", "综述"}));
  EXPECT_EQ(j["meta"]["categories"], nlohmann::json({"LLM"}));
  int h1 = 0;
  for (const auto& b : j["blocks"]) h1 += b["type"] == "heading" && b["level"] == 1;
  EXPECT_EQ(h1, 6);
  EXPECT_NE(r.output.find("精度损失<0.3 %"), std::string::npos);
  EXPECT_TRUE(moyin("dump tests/data/corpus/llm-survey-2025.md", "2>&1 >/dev/null").output.empty());
}

TEST(DumpCli, StageDocIsTheDefault) {
  EXPECT_EQ(moyin("dump --stage doc content/en-article.md").output,
            moyin("dump content/en-article.md").output);
}

TEST(DumpCli, MissingFileExitsOne) {
  const CliRun r = moyin("dump no/such/file.md", "2>&1");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("no/such/file.md: error: cannot read file"), std::string::npos)
      << r.output;
}

TEST(DumpCli, BinaryFileExitsOne) {
  const CliRun r = moyin("dump content/images/training-cost.png", "2>&1");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.output, "content/images/training-cost.png: error: binary file, not a manuscript\n");
}

TEST(DumpCli, WarningsGoToStderrDocumentToStdout) {
  const CliRun out = moyin("dump tests/cli/data/bad-yaml.md");
  EXPECT_EQ(out.code, 0);
  const auto j = nlohmann::json::parse(out.output);
  EXPECT_EQ(j["meta"]["title"], "正文仍然可以转换");
  const CliRun err = moyin("dump tests/cli/data/bad-yaml.md", "2>&1 >/dev/null");
  EXPECT_EQ(err.output.rfind(
                "tests/cli/data/bad-yaml.md:4:1: warning: front matter is not valid YAML", 0),
            0u)
      << err.output;
}

TEST(DumpCli, UsageErrorsExitTwo) {
  EXPECT_EQ(moyin("dump").code, 2);
  EXPECT_EQ(moyin("dump --stage nonsense content/en-article.md").code, 2);
  EXPECT_EQ(moyin("dump a.md b.md").code, 2);
  EXPECT_EQ(moyin("dump --bogus content/en-article.md").code, 2);
}

TEST(DumpCli, TypesettingStagesTakeTheStyleOptions) {
  const CliRun article = moyin("dump --stage pages content/zh-article.md");
  const CliRun book = moyin("dump --stage pages --style book content/zh-article.md");
  ASSERT_EQ(article.code, 0);
  ASSERT_EQ(book.code, 0);
  // The first page line names the paper: A4 for the article, 16K plus crop
  // marks for the book sheet.
  const auto first_page = [](const std::string& dump) {
    const size_t at = dump.find("\npage ");
    return at == std::string::npos ? std::string() : dump.substr(at, dump.find('\n', at + 1) - at);
  };
  EXPECT_NE(first_page(article.output).find("595.3x841.9"), std::string::npos)
      << first_page(article.output);
  EXPECT_NE(first_page(book.output), first_page(article.output));

  const CliRun quanjiao = moyin("dump --stage lines --measure 300 content/zh-article.md");
  const CliRun kaiming =
      moyin("dump --stage lines --measure 300 --set cjk.punctuation=kaiming content/zh-article.md");
  ASSERT_EQ(quanjiao.code, 0);
  ASSERT_EQ(kaiming.code, 0);
  EXPECT_NE(quanjiao.output, kaiming.output);

  EXPECT_EQ(moyin("dump --stage pages --style no-such-sheet content/zh-article.md").code, 1);
}

TEST(DumpCli, HelpAndVersion) {
  const CliRun h = moyin("dump --help");
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.output.find("--stage"), std::string::npos);
  EXPECT_EQ(moyin("--version").code, 0);
}

}  // namespace
}  // namespace moyin
