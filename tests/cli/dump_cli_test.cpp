// `moyin dump` as a user runs it: exit codes, stdout/stderr separation.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace moyin {
namespace {

struct CliRun {
  int status = -1;
  std::string out;
};

// Runs `moyin ARGS` from the repository root; `streams` picks what is captured
// ("2>/dev/null" for stdout only, "2>&1 >/dev/null" for stderr only).
CliRun moyin(const std::string& args, const std::string& streams = "2>/dev/null") {
  const std::string cmd = "cd '" MOYIN_SOURCE_DIR "' && '" MOYIN_BINARY "' " + args + " " + streams;
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(DumpCli, CorpusMatchesGoldenAndSeedFacts) {
  const CliRun r = moyin("dump tests/data/corpus/llm-survey-2025.md");
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(r.out, slurp(MOYIN_SOURCE_DIR "/tests/golden/llm-survey-2025.doc.json"));
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["meta"]["title"], "2025年大模型技术综述：从发展历程、生命周期到多模态应用");
  EXPECT_EQ(j["meta"]["date"], "2025-10-28T05:54:14.065Z");
  EXPECT_EQ(j["meta"]["tags"], nlohmann::json({"LLM", "综述"}));
  EXPECT_EQ(j["meta"]["categories"], nlohmann::json({"LLM"}));
  int h1 = 0;
  for (const auto& b : j["blocks"]) h1 += b["type"] == "heading" && b["level"] == 1;
  EXPECT_EQ(h1, 6);
  EXPECT_NE(r.out.find("精度损失<0.3 %"), std::string::npos);
  EXPECT_TRUE(moyin("dump tests/data/corpus/llm-survey-2025.md", "2>&1 >/dev/null").out.empty());
}

TEST(DumpCli, StageDocIsTheDefault) {
  EXPECT_EQ(moyin("dump --stage doc content/en-article.md").out,
            moyin("dump content/en-article.md").out);
}

TEST(DumpCli, MissingFileExitsOne) {
  const CliRun r = moyin("dump no/such/file.md", "2>&1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("no/such/file.md: error: cannot read file"), std::string::npos) << r.out;
}

TEST(DumpCli, BinaryFileExitsOne) {
  const CliRun r = moyin("dump content/images/training-cost.png", "2>&1");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "content/images/training-cost.png: error: binary file, not a manuscript\n");
}

TEST(DumpCli, WarningsGoToStderrDocumentToStdout) {
  const CliRun out = moyin("dump tests/cli/data/bad-yaml.md");
  EXPECT_EQ(out.status, 0);
  const auto j = nlohmann::json::parse(out.out);
  EXPECT_EQ(j["meta"]["title"], "正文仍然可以转换");
  const CliRun err = moyin("dump tests/cli/data/bad-yaml.md", "2>&1 >/dev/null");
  EXPECT_EQ(
      err.out.rfind("tests/cli/data/bad-yaml.md:4:1: warning: front matter is not valid YAML", 0),
      0u)
      << err.out;
}

TEST(DumpCli, UsageErrorsExitTwo) {
  EXPECT_EQ(moyin("dump").status, 2);
  EXPECT_EQ(moyin("dump --stage nonsense content/en-article.md").status, 2);
  EXPECT_EQ(moyin("dump a.md b.md").status, 2);
  EXPECT_EQ(moyin("dump --bogus content/en-article.md").status, 2);
}

TEST(DumpCli, TypesettingStagesTakeTheStyleOptions) {
  const CliRun article = moyin("dump --stage pages content/zh-article.md");
  const CliRun book = moyin("dump --stage pages --style book content/zh-article.md");
  ASSERT_EQ(article.status, 0);
  ASSERT_EQ(book.status, 0);
  // The first page line names the paper: A4 for the article, 16K plus crop
  // marks for the book sheet.
  const auto first_page = [](const std::string& dump) {
    const size_t at = dump.find("\npage ");
    return at == std::string::npos ? std::string() : dump.substr(at, dump.find('\n', at + 1) - at);
  };
  EXPECT_NE(first_page(article.out).find("595.3x841.9"), std::string::npos)
      << first_page(article.out);
  EXPECT_NE(first_page(book.out), first_page(article.out));

  const CliRun quanjiao = moyin("dump --stage lines --measure 300 content/zh-article.md");
  const CliRun kaiming =
      moyin("dump --stage lines --measure 300 --set cjk.punctuation=kaiming content/zh-article.md");
  ASSERT_EQ(quanjiao.status, 0);
  ASSERT_EQ(kaiming.status, 0);
  EXPECT_NE(quanjiao.out, kaiming.out);

  EXPECT_EQ(moyin("dump --stage pages --style no-such-sheet content/zh-article.md").status, 1);
}

TEST(DumpCli, HelpAndVersion) {
  const CliRun h = moyin("dump --help");
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.out.find("--stage"), std::string::npos);
  EXPECT_EQ(moyin("--version").status, 0);
}

}  // namespace
}  // namespace moyin
