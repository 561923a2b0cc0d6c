// Whole blogs: the build cache (unchanged inputs are not rebuilt, a changed
// post or image is), --force, deleted sources and --prune, mirrored output
// folders, --shard K/N run under GNU parallel, --resource-path, and --fetch
// against a local HTTP server (tests/cli/data/fetch_server.py).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "test_util.h"

namespace fs = std::filesystem;

namespace {

using moyin::testing::quote;
using moyin::testing::read_file;
using moyin::testing::shell;
using moyin::testing::write_file;
using Result = moyin::testing::Run;

Result moyin(const std::string& args) {
  return shell("SOURCE_DATE_EPOCH=1700000000 " + quote(MOYIN_BINARY) + " build " + args);
}

// Every regular file under `root` (relative path → bytes).
std::map<std::string, std::string> tree(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file())
      out[fs::relative(e.path(), root).generic_string()] = read_file(e.path());
  return out;
}

// A 1×1 PNG.
const std::string kPng(
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52"
    "\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    "\x89\x00\x00\x00\x0d\x49\x44\x41\x54\x78\x9c\x63\xf8\xcf\xc0\xf0"
    "\x1f\x00\x05\x00\x01\xff\x89\x99\x3d\x1d\x00\x00\x00\x00\x49\x45"
    "\x4e\x44\xae\x42\x60\x82",
    70);

class Blog : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = moyin::testing::test_folder("blog");
    write_file(dir / "posts/hello.md", "---\ntitle: Hello\n---\n# 你好\n\n![图](hello/pic.png)\n");
    write_file(dir / "posts/hello/pic.png", kPng);
    write_file(dir / "posts/second.md", "# Second\n\nText.\n");
    write_file(dir / "posts/2024/third.md", "# 第三篇\n\n正文。\n");
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string build(const std::string& extra = "") {
    return quote((dir / "posts").string()) + " --to epub -j 2 -o " + quote((dir / "out").string()) +
           extra;
  }
  fs::path dir;
};

TEST_F(Blog, UnchangedRerunBuildsNothingAndAChangedPostOnlyItself) {
  Result r = moyin(build());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("3 of 3 inputs converted, 0 failed"), std::string::npos) << r.output;
  const auto first = tree(dir / "out");
  EXPECT_TRUE(first.count("2024/third.epub"));
  EXPECT_TRUE(first.count(".moyin-cache/hello.deps"));
  const auto stamp = fs::last_write_time(dir / "out/second.epub");

  r = moyin(build());
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("0 of 3 inputs converted, 3 up to date, 0 failed"), std::string::npos)
      << r.output;
  EXPECT_EQ(tree(dir / "out"), first);

  write_file(dir / "posts/second.md", "# Second\n\nEdited.\n");
  r = moyin(build());
  EXPECT_NE(r.output.find("1 of 3 inputs converted, 2 up to date"), std::string::npos) << r.output;
  EXPECT_NE(read_file(dir / "out/second.epub"), first.at("second.epub"));
  EXPECT_EQ(read_file(dir / "out/hello.epub"), first.at("hello.epub"));

  // An image the post uses is a dependency too.
  write_file(dir / "posts/hello/pic.png", kPng + "trailing");
  r = moyin(build());
  EXPECT_NE(r.output.find("1 of 3 inputs converted, 2 up to date"), std::string::npos) << r.output;
  EXPECT_NE(read_file(dir / "out/.moyin-cache/hello.deps"), first.at(".moyin-cache/hello.deps"));

  // A changed setting changes every output's context.
  r = moyin(build(" --set page.margin-top=30mm"));
  EXPECT_NE(r.output.find("3 of 3 inputs converted, 0 failed"), std::string::npos) << r.output;

  r = moyin(build(" --set page.margin-top=30mm --force"));
  EXPECT_NE(r.output.find("3 of 3 inputs converted, 0 failed"), std::string::npos) << r.output;
  EXPECT_NE(fs::last_write_time(dir / "out/second.epub"), stamp);
}

TEST_F(Blog, AMissingImageThatAppearsLaterRebuildsThePost) {
  write_file(dir / "posts/second.md", "# Second\n\n![later](later.png)\n");
  Result r = moyin(build());
  EXPECT_NE(r.output.find("later.png"), std::string::npos) << r.output;
  r = moyin(build());
  EXPECT_NE(r.output.find("3 up to date"), std::string::npos) << r.output;
  write_file(dir / "posts/later.png", kPng);
  r = moyin(build());
  EXPECT_NE(r.output.find("1 of 3 inputs converted, 2 up to date"), std::string::npos) << r.output;
}

TEST_F(Blog, DeletedSourcesAreReportedAndPrunedOnRequest) {
  ASSERT_EQ(moyin(build()).code, 0);
  fs::remove(dir / "posts/second.md");
  Result r = moyin(build());
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("second.epub: warning: its source " + (dir / "posts/second.md").string() +
                          " was deleted (--prune removes it)"),
            std::string::npos)
      << r.output;
  EXPECT_TRUE(fs::exists(dir / "out/second.epub"));
  r = moyin(build(" --prune"));
  EXPECT_NE(r.output.find("second.epub: warning: removed"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "out/second.epub"));
  EXPECT_FALSE(fs::exists(dir / "out/.moyin-cache/second.deps"));
  EXPECT_TRUE(fs::exists(dir / "out/hello.epub"));
  r = moyin(build());
  EXPECT_EQ(r.output.find("deleted"), std::string::npos) << r.output;
}

TEST_F(Blog, InputsThatWouldShareAnOutputMirrorTheirFolders) {
  write_file(dir / "site/a/index.md", "# A\n");
  write_file(dir / "site/b/index.md", "# B\n");
  Result r = moyin(quote((dir / "site/a/index.md").string()) + " " +
                   quote((dir / "site/b/index.md").string()) + " --to epub -o " +
                   quote((dir / "o1").string()));
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "o1/a/index.epub"));
  EXPECT_TRUE(fs::exists(dir / "o1/b/index.epub"));
  r = moyin(quote((dir / "site/a").string()) + " " + quote((dir / "site/b").string()) +
            " --to epub -o " + quote((dir / "o2").string()));
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "o2/a/index.epub"));
  EXPECT_TRUE(fs::exists(dir / "o2/b/index.epub"));
  // Without a collision a file goes straight into -o, as before.
  r = moyin(quote((dir / "site/a/index.md").string()) + " --to epub -o " +
            quote((dir / "o3").string()));
  EXPECT_TRUE(fs::exists(dir / "o3/index.epub")) << r.output;
}

TEST_F(Blog, ShardOptionIsChecked) {
  EXPECT_EQ(moyin(build(" --shard 0/4")).code, 2);
  EXPECT_EQ(moyin(build(" --shard 5/4")).code, 2);
  EXPECT_EQ(moyin(build(" --shard 2")).code, 2);
}

// Four shards run concurrently by GNU parallel, each into its own folder (as
// on four machines): every output is made by exactly one shard, and their
// union is byte-identical to the unsharded run.
TEST_F(Blog, FourShardsUnderGnuParallelEqualTheWholeRun) {
  if (shell("parallel --version").code != 0)
    GTEST_SKIP() << "GNU parallel is not installed (scripts/setup)";
  for (int i = 0; i < 12; ++i)
    write_file(dir / "posts" / ("p" + std::to_string(i)) / "index.md",
               "# 第 " + std::to_string(i) + " 篇\n\n正文，第 " + std::to_string(i) + " 段。\n");
  const std::string posts = quote((dir / "posts").string());
  Result whole = moyin(posts + " --to all -j 2 -o " + quote((dir / "whole").string()));
  ASSERT_EQ(whole.code, 0) << whole.output;
  Result r = shell("cd " + quote(dir.string()) + " && SOURCE_DATE_EPOCH=1700000000 parallel -j 4 " +
                   quote(MOYIN_BINARY) + " build " + posts +
                   " --to all -j 1 -q --shard {}/4 -o shard{} ::: 1 2 3 4");
  ASSERT_EQ(r.code, 0) << r.output;
  std::map<std::string, std::string> merged;
  size_t sizes[4];
  for (int k = 1; k <= 4; ++k) {
    auto part = tree(dir / ("shard" + std::to_string(k)));
    sizes[k - 1] = part.size();
    for (auto& [name, bytes] : part)
      EXPECT_TRUE(merged.emplace(name, bytes).second) << name << " made twice";
  }
  EXPECT_EQ(merged, tree(dir / "whole"));
  for (size_t n : sizes) EXPECT_GT(n, 0u);  // 15 posts: every slice holds some (hash of the path)
}

Result moyin_cmd(const std::string& args) { return shell(quote(MOYIN_BINARY) + " " + args); }

TEST_F(Blog, CheckFindsEachPlantedMistakeOnceWithItsPosition) {
  write_file(dir / "c/post.md",
             "---\ntitle: 检查\n---\n"                           // lines 1-3
             "# 标题\n\n"                                        // 4
             "见[下文](#不存在)和[另一篇](other.md)。\n\n"       // 6
             "![缺图](nope.png)\n\n"                             // 8
             "### 跳级\n\n"                                      // 10
             "中文,中文(注释)中文。Hello，world.\n\n"            // 12
             "`代码,不查` 与 [链接](http://a.b/c,d) 正确，\n\n"  // 14
             "## 空节\n\n"                                       // 16
             "## 末节\n\n内容\n");                               // 18
  Result r = moyin_cmd("check " + quote((dir / "c").string()) + " --disable no-font");
  EXPECT_EQ(r.code, 0) << r.output;
  const std::string p = (dir / "c/post.md").string();
  for (
      const std::string& want : {
          p + ":6:4: warning: link to #不存在: no heading or anchor has this id [broken-link]",
          p + ":8:1: warning: image nope.png not found",
          p + ":10:1: warning: heading level 3 after level 1",
          p + ":12:7: warning: half-width ',' between Chinese characters; write '，' [halfwidth-punct-in-chinese]",
          p + ":12:14: warning: half-width '('",
          p + ":12:21: warning: half-width ')'",
          p + ":12:36: warning: full-width '，' inside English text [fullwidth-punct-in-english]",
          p + ":16:1: warning: section \"空节\" is empty [empty-section]",
      }) {
    EXPECT_NE(r.output.find(want), std::string::npos) << want << "\n" << r.output;
  }
  EXPECT_NE(r.output.find("link to other.md: no such file [broken-link]"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("9 findings"), std::string::npos) << r.output;
  // --strict fails; --disable leaves a rule out; an unknown rule is a usage error.
  EXPECT_EQ(moyin_cmd("check " + quote(p) + " --disable no-font --strict").code, 1);
  r = moyin_cmd("check " + quote(p) + " --disable no-font --disable halfwidth-punct-in-chinese");
  EXPECT_EQ(r.output.find("[halfwidth-punct-in-chinese]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("6 findings"), std::string::npos) << r.output;
  EXPECT_EQ(moyin_cmd("check " + quote(p) + " --disable no-such-rule").code, 2);
  EXPECT_FALSE(fs::exists(dir / "c/post.pdf"));
  EXPECT_FALSE(fs::exists(dir / "c/post.epub"));
}

TEST_F(Blog, CheckReadsABookWithLinksBetweenItsChapters) {
  write_file(dir / "bk/book.yaml", "title: 书\nchapters:\n  - a.md\n  - part/b.md\n");
  write_file(dir / "bk/a.md",
             "# 甲 {#ch-a}\n\n"                                                     // 1
             "见[乙节](part/b.md#s2)、[坏链](part/b.md#nope)与[本章](#ch-a)。\n\n"  // 3
             "另见[](#s2)和[](#fig:pic)。\n\n"                                      // 5
             "重名的节 {#same}\n---\n\n正文。\n");                                  // 7
  write_file(dir / "bk/part/b.md",
             "# 乙\n\n## 二节 {#s2}\n\n内容,有误。\n\n"         // 1-5
             "![图](pic.png){#fig:pic}\n\n"                     // 7
             "## 重名 {#same}\n\n回到[甲](../a.md#ch-a)。\n");  // 9-11
  write_file(dir / "bk/part/pic.png", kPng);
  const std::string book = quote((dir / "bk/book.yaml").string());
  Result r = moyin_cmd("check " + book + " --disable no-font");
  EXPECT_EQ(r.code, 0) << r.output;
  const std::string a = (dir / "bk/a.md").string(), b = (dir / "bk/part/b.md").string();
  EXPECT_NE(r.output.find(a + ":3:29: warning: link to part/b.md#nope: no heading or anchor of "
                              "that chapter has this id [broken-link]"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(b + ":5:7: warning: half-width ','"), std::string::npos) << r.output;
  // Resolved as build resolves them: the other chapter's ids and figures, and the
  // repeated id (renamed in the later chapter) is still one finding-free link.
  EXPECT_NE(r.output.find("2 files checked, 2 findings"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("book.yaml:"), std::string::npos) << r.output;
  // The same chapter alone does not know the other chapter's ids.
  r = moyin_cmd("check " + quote(a) + " --disable no-font");
  EXPECT_NE(r.output.find(a + ":5:"), std::string::npos) << r.output;
  // A book whose chapter is missing is an input error.
  write_file(dir / "bk2/book.yaml", "title: 书\nchapters:\n  - gone.md\n");
  r = moyin_cmd("check " + quote((dir / "bk2/book.yaml").string()) + " --disable no-font");
  EXPECT_NE(r.output.find("gone.md"), std::string::npos) << r.output;
  EXPECT_NE(r.code, 0) << r.output;
}

TEST_F(Blog, CheckFindsCharactersNoFontDraws) {
  write_file(dir / "g.md", "# T\n\nA private-use character: \xee\x80\x80.\n");  // U+E000
  Result r = moyin_cmd("check " + quote((dir / "g.md").string()));
  EXPECT_NE(r.output.find("g.md:3:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[no-font]"), std::string::npos) << r.output;
}

TEST_F(Blog, NewMakesABookThatBuilds) {
  Result r = moyin_cmd("new " + quote((dir / "mybook").string()));
  ASSERT_EQ(r.code, 0) << r.output;
  r = moyin(quote((dir / "mybook/book.yaml").string()) + " --to all");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.find("warning"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(dir / "mybook/book.pdf"));
  EXPECT_TRUE(fs::exists(dir / "mybook/book.epub"));
  EXPECT_EQ(moyin_cmd("new " + quote((dir / "mybook").string())).code,
            1);  // not empty: nothing overwritten
}

TEST_F(Blog, TypoNamesTheWordAndSuggestsTheCommand) {
  Result r = moyin_cmd("bild x.md");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("'bild' is not a moyin command; did you mean 'moyin build'?"),
            std::string::npos)
      << r.output;
  r = moyin_cmd("chek x.md");
  EXPECT_NE(r.output.find("did you mean 'moyin check'?"), std::string::npos) << r.output;
  r = moyin_cmd("frobnicate");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("see moyin --help"), std::string::npos) << r.output;
  for (const char* cmd : {"build", "check", "watch", "new"}) {
    r = moyin_cmd(std::string(cmd) + " --help");
    EXPECT_NE(r.output.find("Examples:"), std::string::npos) << cmd;
    EXPECT_NE(r.output.find("Exit status:"), std::string::npos) << cmd;
  }
}

// Waits (up to 60 s) until `text` appears `times` times in the log a
// background `moyin watch` writes.
bool wait_in_log(const fs::path& log, const std::string& text, size_t times) {
  for (int i = 0; i < 1200; ++i) {
    const std::string now = read_file(log);
    size_t n = 0;
    for (size_t at = 0; (at = now.find(text, at)) != std::string::npos; ++at) ++n;
    if (n >= times) return true;
    usleep(50'000);
  }
  return false;
}

TEST_F(Blog, WatchRebuildsAfterAFileIsRewritten) {
  const fs::path log = dir / "watch.log";
  // Stops by itself after one rebuild; `timeout` guards the test if it never comes.
  const std::string cmd = "timeout 60 " + quote(MOYIN_BINARY) + " watch " +
                          quote((dir / "posts").string()) + " --to epub -j 1 --max-rebuilds 1 -o " +
                          quote((dir / "out").string()) + " > " + quote(log.string()) + " 2>&1 &";
  ASSERT_EQ(shell(cmd).code, 0);
  auto wait_for = [&](const std::string& text, size_t times = 1) {
    return wait_in_log(log, text, times);
  };
  ASSERT_TRUE(wait_for("watching")) << read_file(log);
  const std::string before = read_file(dir / "out/second.epub");
  write_file(dir / "posts/second.md", "# Second\n\nRewritten.\n");
  ASSERT_TRUE(wait_for("rebuilt in")) << read_file(log);
  EXPECT_NE(read_file(log).find("1 of 3 inputs converted, 2 up to date"), std::string::npos)
      << read_file(log);
  EXPECT_NE(read_file(dir / "out/second.epub"), before);
  EXPECT_TRUE(wait_for("stopped")) << read_file(log);  // --max-rebuilds reached: the process ends
}

// `watch` keeps MathJax running: a formula added after the first build is
// converted by the engine that build started (Node.js is started once).
TEST_F(Blog, WatchKeepsTheMathEngineRunning) {
  const char* node = ::access("/usr/bin/node", X_OK) == 0 ? "/usr/bin/node" : "/usr/bin/nodejs";
  const fs::path starts = dir / "node-starts";
  write_file(dir / "node", "#!/bin/sh\necho started >> " + quote(starts.string()) + "\nexec " +
                               node + " \"$@\"\n");
  fs::permissions(dir / "node", fs::perms::owner_all);
  write_file(dir / "posts/second.md", "# Second\n\nA formula $x^2$.\n");
  const fs::path log = dir / "watch.log";
  const std::string cmd = "MOYIN_NODE=" + quote((dir / "node").string()) + " timeout 60 " +
                          quote(MOYIN_BINARY) + " watch " + quote((dir / "posts").string()) +
                          " --to epub -j 1 --max-rebuilds 2 -o " + quote((dir / "out").string()) +
                          " > " + quote(log.string()) + " 2>&1 &";
  ASSERT_EQ(shell(cmd).code, 0);
  ASSERT_TRUE(wait_in_log(log, "watching", 1)) << read_file(log);
  write_file(dir / "posts/second.md", "# Second\n\nA formula $x^2$ and $y^3$.\n");
  ASSERT_TRUE(wait_in_log(log, "rebuilt in", 1)) << read_file(log);
  write_file(dir / "posts/second.md", "# Second\n\n$x^2$, $y^3$ and $\\frac{1}{z}$.\n");
  ASSERT_TRUE(wait_in_log(log, "stopped", 1)) << read_file(log);
  EXPECT_EQ(read_file(log).find("math:"), std::string::npos) << read_file(log);
  EXPECT_EQ(read_file(starts), "started\n") << "one engine for the build and both rebuilds";
  using moyin::testing::Run;
  const Run xhtml = shell("unzip -p " + quote((dir / "out/second.epub").string()) +
                          " 'EPUB/*.xhtml' | grep -o '<math ' | wc -l");
  EXPECT_EQ(xhtml.output, "3\n") << "the three formulas";
  const Run alttexts = shell("unzip -p " + quote((dir / "out/second.epub").string()) +
                             " 'EPUB/*.xhtml' | grep -o 'alttext=\"[^\"]*\"'");
  EXPECT_NE(alttexts.output.find("\\frac{1}{z}"), std::string::npos) << alttexts.output;
  const std::string kept = read_file(dir / "out/.moyin-cache/second.math");
  EXPECT_NE(kept.find("\\frac{1}{z}"), std::string::npos) << "the kept file has the last formula";
}

TEST_F(Blog, WatchRebuildsWhenAnIncludedSnippetOrAResourcePathImageChanges) {
  // The snippet's root (mkdocs.yml) and the resource folder lie outside the watched folder.
  write_file(dir / "site/mkdocs.yml", "site_name: s\n");
  write_file(dir / "site/includes/part.md", "共用的段落。\n");
  write_file(dir / "site/docs/page.md",
             "# Page\n\n--8<-- \"includes/part.md\"\n\n![logo](/images/logo.png)\n");
  write_file(dir / "static/images/logo.png", kPng);
  const fs::path log = dir / "watch.log";
  const std::string cmd =
      "timeout 60 " + quote(MOYIN_BINARY) + " watch " + quote((dir / "site/docs").string()) +
      " --to epub -j 1 --max-rebuilds 2 --resource-path " + quote((dir / "static").string()) +
      " -o " + quote((dir / "out").string()) + " > " + quote(log.string()) + " 2>&1 &";
  ASSERT_EQ(shell(cmd).code, 0);
  auto wait_for = [&](const std::string& text, size_t times = 1) {
    return wait_in_log(log, text, times);
  };
  ASSERT_TRUE(wait_for("watching")) << read_file(log);
  const std::string first = read_file(dir / "out/page.epub");
  write_file(dir / "site/includes/part.md", "改过的段落。\n");
  ASSERT_TRUE(wait_for("rebuilt in")) << read_file(log);
  const std::string second = read_file(dir / "out/page.epub");
  EXPECT_NE(second, first);
  write_file(dir / "static/images/logo.png", kPng + "changed");
  ASSERT_TRUE(wait_for("rebuilt in", 2)) << read_file(log);
  EXPECT_TRUE(wait_for("stopped")) << read_file(log);
  EXPECT_NE(read_file(dir / "out/page.epub"), second);
  EXPECT_EQ(read_file(log).find("warning"), std::string::npos) << read_file(log);
}

// watch keeps the PDF's font subsets and compressed streams between rebuilds
// (pdf/reuse.h): what it writes is the same file `build` writes.
TEST_F(Blog, WatchRebuildsThePdfBuildWouldWrite) {
  const std::string first =
      "---\ntitle: 同\ndate: 2024-05-01\n---\n# 标题\n\n中文正文与 English 混排。\n";
  const std::string second =
      "---\ntitle: 同\ndate: 2024-05-01\n---\n# 标题\n\n正文中文与 English 混排。\n";
  const std::string third = "---\ntitle: 同\ndate: 2024-05-01\n---\n# 新标题\n\n正文。\n";
  write_file(dir / "w/p.md", first);
  const fs::path log = dir / "watch.log";
  const std::string cmd = "SOURCE_DATE_EPOCH=1700000000 timeout 60 " + quote(MOYIN_BINARY) +
                          " watch " + quote((dir / "w/p.md").string()) +
                          " --to pdf -j 1 --max-rebuilds 3 -o " + quote((dir / "out").string()) +
                          " > " + quote(log.string()) + " 2>&1 &";
  ASSERT_EQ(shell(cmd).code, 0);
  auto wait_for = [&](const std::string& text, size_t times = 1) {
    return wait_in_log(log, text, times);
  };
  // What `build` writes for `text`, in a folder of its own.
  auto built = [&](const std::string& text, const std::string& name) {
    write_file(dir / name / "p.md", text);
    Result r = moyin(quote((dir / name / "p.md").string()) + " --to pdf -q");
    EXPECT_EQ(r.code, 0) << r.output;
    return read_file(dir / name / "p.pdf");
  };
  ASSERT_TRUE(wait_for("watching")) << read_file(log);
  EXPECT_EQ(read_file(dir / "out/p.pdf"), built(first, "b1"));
  int n = 0;
  for (const std::string& text : {second, third, first}) {  // same glyphs, new ones, back
    write_file(dir / "w/p.md", text);
    ASSERT_TRUE(wait_for("rebuilt in", static_cast<size_t>(++n))) << read_file(log);
    EXPECT_EQ(read_file(dir / "out/p.pdf"), built(text, "b" + std::to_string(n + 1))) << n;
  }
  EXPECT_TRUE(wait_for("stopped")) << read_file(log);
  EXPECT_NE(read_file(log).find("(CPU "), std::string::npos) << read_file(log);
}

// ---- Site-root images: --resource-path.

// The names of the files in an EPUB's images/ folder.
std::string epub_images(const fs::path& epub) {
  return shell("unzip -Z1 " + quote(epub.string()) + " | grep '^EPUB/images/' | sort").output;
}

TEST_F(Blog, ResourcePathFindsSiteRootAndRelativeImages) {
  write_file(
      dir / "site/posts/a.md",
      "# A\n\n![logo](/images/logo.png)\n\n![shared](shared.png)\n\n![up](../../secret.png)\n");
  write_file(dir / "site/static/images/logo.png", kPng);
  write_file(dir / "site/static/shared.png", kPng);
  write_file(dir / "secret.png", kPng);
  const std::string post = quote((dir / "site/posts/a.md").string());
  const std::string out = " --to epub -o " + quote((dir / "out").string());
  Result r = moyin(post + out);
  EXPECT_NE(r.output.find("a.md:3:1: warning: image /images/logo.png is a site-root path, outside "
                          "the document's folder (--resource-path DIR names the site's folder)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("a.md:5:1: warning: image shared.png not found"), std::string::npos)
      << r.output;
  EXPECT_EQ(epub_images(dir / "out/a.epub"), "");

  r = moyin(post + out + " --resource-path " + quote((dir / "site/static").string()));
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.find("logo.png"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("shared.png"), std::string::npos) << r.output;
  // `..` may not leave a resource folder either.
  EXPECT_NE(r.output.find("image ../../secret.png is outside the document's folder"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(epub_images(dir / "out/a.epub"), "EPUB/images/logo.png\nEPUB/images/shared.png\n");

  // Folders are searched in order (DIR:DIR as Pandoc's); the first that has the file wins.
  write_file(dir / "site/theme/images/logo.png", kPng + "theme");
  r = moyin(post + out + " --resource-path " + quote((dir / "site/theme").string()) + ":" +
            quote((dir / "site/static").string()));
  EXPECT_EQ(r.output.find("up to date"), std::string::npos) << r.output;  // the context changed
  EXPECT_NE(shell("unzip -p " + quote((dir / "out/a.epub").string()) + " EPUB/images/logo.png")
                .output.find("theme"),
            std::string::npos);

  // A file appearing beside the post, where the URL is looked for first, makes the output stale.
  const std::string again =
      post + out + " --resource-path " + quote((dir / "site/static").string());
  r = moyin(again);
  r = moyin(again);
  EXPECT_NE(r.output.find("1 up to date"), std::string::npos) << r.output;
  write_file(dir / "site/posts/shared.png", kPng);
  r = moyin(again);
  EXPECT_EQ(r.output.find("up to date"), std::string::npos) << r.output;

  // check and dump find the same files.
  r = shell(quote(MOYIN_BINARY) + " check " + post + " --disable no-font --resource-path " +
            quote((dir / "site/static").string()));
  EXPECT_EQ(r.output.find("logo.png"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("secret.png"), std::string::npos) << r.output;
  r = shell(quote(MOYIN_BINARY) + " dump --stage pages " + post + " --resource-path " +
            quote((dir / "site/static").string()));
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("\"logo.png\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"shared.png\""), std::string::npos) << r.output;
  // A folder that does not exist is wrong usage.
  r = moyin(post + out + " --resource-path " + quote((dir / "nope").string()));
  EXPECT_EQ(r.code, 2) << r.output;
}

// ---- Remote images: --fetch, against a server on 127.0.0.1.

class Fetch : public Blog {
 protected:
  void SetUp() override {
    Blog::SetUp();
    const fs::path port_file = dir / "port";
    const std::string script = std::string(MOYIN_SOURCE_DIR) + "/tests/cli/data/fetch_server.py";
    const char* python = fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    server = fork();
    ASSERT_GE(server, 0);
    if (server == 0) {
      execlp(python, python, script.c_str(), port_file.c_str(), "120", static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 200 && !fs::exists(port_file); ++i) usleep(50'000);
    port = read_file(port_file);
    ASSERT_FALSE(port.empty()) << "the test server did not start";
  }
  void TearDown() override {
    if (server > 0) {
      kill(server, SIGTERM);
      waitpid(server, nullptr, 0);
    }
    Blog::TearDown();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + port + path; }
  pid_t server = -1;
  std::string port;
};

TEST_F(Fetch, RemoteImagesAreDownloadedCachedAndCheckedUnderLimits) {
  write_file(dir / "posts/remote.md", "# Remote\n\n![a](" + url("/pic.png") + ")\n\n![b](" +
                                          url("/redirect-ok") + ")\n\n![c](" + url("/png-as-text") +
                                          ")\n");
  write_file(dir / "posts/refused.md",
             "# Refused\n\n![1](" + url("/redirect-loopback") + ")\n\n![2](" +
                 url("/redirect-private") + ")\n\n![3](" + url("/redirect-file") + ")\n\n![4](" +
                 url("/big-declared.png") + ")\n\n![5](" + url("/big-stream.png") + ")\n\n![6](" +
                 url("/page.png") + ")\n\n![7](" + url("/missing.png") + ")\n");
  const std::string posts = quote((dir / "posts").string());
  const std::string out = " --to epub -j 2 -o " + quote((dir / "out").string());

  // Without --fetch: one warning per document, not one per image.
  Result r = moyin(posts + out);
  EXPECT_EQ(r.code, 0) << r.output;
  size_t warnings = 0;
  for (size_t at = 0; (at = r.output.find("is not downloaded (--fetch", at)) != std::string::npos;
       ++at)
    ++warnings;
  EXPECT_EQ(warnings, 2u) << r.output;

  // The URL as written names a loopback address: refused unless --fetch-private.
  r = moyin(posts + out + " --fetch");
  EXPECT_NE(r.output.find("remote.md:3:1: warning: remote image " + url("/pic.png") +
                          " could not be downloaded: the private or loopback address 127.0.0.1 "
                          "(refused); alt text used"),
            std::string::npos)
      << r.output;

  r = moyin(posts + out + " --fetch --fetch-private");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.find("remote.md:"), std::string::npos) << r.output;
  // /pic.png and /redirect-ok are the same bytes in two cache files; one image each.
  const std::string images = epub_images(dir / "out/remote.epub");
  EXPECT_EQ(std::count(images.begin(), images.end(), '\n'), 3) << images;
  // One file per URL downloaded (the HTML page too: the catalog refuses it after sniffing).
  size_t cached = 0, png = 0;
  for (const auto& e : fs::directory_iterator(dir / "out/.moyin-cache/fetch")) {
    if (e.path().extension() == ".http") continue;  // the download's record (remote.h)
    png += read_file(e.path()).substr(0, 4) == "\x89PNG";
    ++cached;
  }
  EXPECT_EQ(cached, 4u);
  EXPECT_EQ(png, 3u);
  auto refused = [&](const std::string& path, const std::string& why) {
    EXPECT_NE(r.output.find("remote image " + url(path) + " could not be downloaded: " + why),
              std::string::npos)
        << path << "\n"
        << r.output;
  };
  refused("/redirect-loopback", "a redirect leads to the private or loopback address ");
  refused("/redirect-private", "a redirect leads to the private or loopback address 10.11.12.13");
  refused("/redirect-file", "a redirect to file:///etc/passwd (only http and https are followed)");
  refused("/big-declared.png", "larger than 32 MB");
  refused("/big-stream.png", "larger than 32 MB");
  refused("/missing.png", "HTTP status 404");
  EXPECT_NE(r.output.find("image " + url("/page.png") + " is not a PNG, JPEG, GIF, WebP or SVG"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(epub_images(dir / "out/refused.epub"), "");

  // The cached files are used again; the outputs are up to date.
  r = moyin(posts + out + " --fetch --fetch-private");
  EXPECT_NE(r.output.find("0 of 5 inputs converted, 5 up to date"), std::string::npos) << r.output;
  // A deleted download makes its post stale: downloaded again.
  fs::remove_all(dir / "out/.moyin-cache/fetch");
  r = moyin(posts + out + " --fetch --fetch-private");
  EXPECT_NE(r.output.find("2 of 5 inputs converted, 3 up to date"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("remote.md:"), std::string::npos) << r.output;
}

// How many requests for `path` the test server answered with `status`.
size_t requests(const fs::path& port_file, const std::string& path, int status) {
  std::istringstream log(read_file(port_file.string() + ".log"));
  size_t n = 0;
  for (std::string line; std::getline(log, line);) n += line == path + " " + std::to_string(status);
  return n;
}

TEST_F(Fetch, DownloadsExpireAndAreRevalidatedByTheirCachingHeaders) {
  write_file(dir / "r/r.md", "# R\n\n![a](" + url("/cached.png") + ")\n\n![b](" +
                                 url("/plain.png") + ")\n\n![c](" + url("/etag.png") +
                                 ")\n\n![d](" + url("/lastmod.png") + ")\n");
  const fs::path port_file = dir / "port";
  const std::string args = quote((dir / "r/r.md").string()) + " --to pdf -o " +
                           quote((dir / "out").string()) + " --fetch --fetch-private";
  auto count = [&](const std::string& path, int status) {
    return requests(port_file, path, status);
  };
  Result r = moyin(args);
  ASSERT_EQ(r.code, 0) << r.output;
  for (const char* p : {"/cached.png", "/plain.png", "/etag.png", "/lastmod.png"})
    EXPECT_EQ(count(p, 200), 1u) << p;
  const std::string pdf = read_file(dir / "out/r.pdf");
  // Beside each download, its record: the URL, until when it is fresh, its validators.
  std::string records;
  for (const auto& e : fs::directory_iterator(dir / "out/.moyin-cache/fetch"))
    if (e.path().extension() == ".http") records += read_file(e.path());
  EXPECT_NE(records.find("url " + url("/etag.png") + "\n"), std::string::npos) << records;
  EXPECT_NE(records.find("etag \"v1\"\n"), std::string::npos) << records;
  EXPECT_NE(records.find("last-modified Wed, 21 Oct 2015 07:28:00 GMT\n"), std::string::npos)
      << records;

  // Rerun: the fresh copies are not asked for; the others are revalidated
  // (304), unchanged, so the output is up to date and stays byte-identical.
  r = moyin(args);
  EXPECT_NE(r.output.find("1 up to date"), std::string::npos) << r.output;
  EXPECT_EQ(count("/cached.png", 200) + count("/cached.png", 304), 1u);
  EXPECT_EQ(count("/plain.png", 200) + count("/plain.png", 304), 1u);  // the default age: a day
  EXPECT_EQ(count("/etag.png", 304), 1u);
  EXPECT_EQ(count("/lastmod.png", 304), 1u);
  // Rebuilt from the revalidated copies: the same bytes.
  r = moyin(args + " --force");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(read_file(dir / "out/r.pdf"), pdf);
  EXPECT_EQ(count("/etag.png", 304), 2u);
  // The 304 for /lastmod.png renewed its freshness for an hour: not asked again.
  EXPECT_EQ(count("/lastmod.png", 304), 1u);

  // The image changes on the server: its new ETag answers 200, the post is rebuilt.
  write_file(port_file.string() + ".version", "2");
  r = moyin(args);
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.find("up to date"), std::string::npos) << r.output;
  EXPECT_EQ(count("/etag.png", 200), 2u);
  EXPECT_NE(read_file(dir / "out/r.pdf"), pdf);

  // --refetch downloads everything again, the fresh copies too.
  r = moyin(args + " --refetch");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("1 up to date"), std::string::npos) << r.output;  // same bytes
  EXPECT_EQ(count("/cached.png", 200), 2u);
  EXPECT_EQ(count("/plain.png", 200), 2u);
  EXPECT_EQ(count("/etag.png", 200), 3u);
  EXPECT_EQ(count("/lastmod.png", 200), 2u);
  EXPECT_EQ(moyin(quote((dir / "r/r.md").string()) + " --refetch").code, 2);  // needs --fetch
}

// ---- MkDocs snippets, Hexo notes and badge rows through `moyin build`.

std::string dump_doc(const fs::path& file, const std::string& extra = "") {
  return shell(quote(MOYIN_BINARY) + " dump " + quote(file.string()) + extra).output;
}

TEST_F(Blog, SnippetsAreIncludedInsideTheRootAndTrackedByTheCache) {
  write_file(dir / "site/mkdocs.yml", "site_name: s\n");
  write_file(dir / "site/includes/links.md", "共用的段落。\n");
  write_file(dir / "site/docs/page.md",
             "# Page\n\n--8<-- \"includes/links.md\"\n\n--8<-- \"../../outside.md\"\n\nEnd.\n");
  write_file(dir / "outside.md", "SECRET\n");
  const std::string page = quote((dir / "site/docs/page.md").string());
  const std::string out = " --to epub -o " + quote((dir / "out").string());
  Result r = moyin(page + out);
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(
      r.output.find("page.md:5:1: warning: snippet ../../outside.md is outside the project root"),
      std::string::npos)
      << r.output;
  const std::string text = dump_doc(dir / "site/docs/page.md");
  EXPECT_NE(text.find("共用的段落。"), std::string::npos) << text;
  EXPECT_EQ(text.find("SECRET"), std::string::npos) << text;
  EXPECT_NE(text.find("\"pos\": [7, 1]"), std::string::npos) << text;  // "End." keeps its line
  r = moyin(page + out);
  EXPECT_NE(r.output.find("1 up to date"), std::string::npos) << r.output;
  write_file(dir / "site/includes/links.md", "改过的段落。\n");  // the snippet is a dependency
  r = moyin(page + out);
  EXPECT_EQ(r.output.find("up to date"), std::string::npos) << r.output;
  EXPECT_NE(shell("unzip -p " + quote((dir / "out/page.epub").string()) + " 'EPUB/*.xhtml'")
                .output.find("改过的段落"),
            std::string::npos);
}

// dump takes build's options that change what is typeset, at every stage that uses them.
TEST_F(Blog, DumpHonoursResourcePathAndBadgeOptionsAsBuildDoes) {
  write_file(dir / "site/posts/d.md",
             "# D\n\n![logo](/images/logo.png)\n\n"
             "[![CI](https://github.com/o/r/actions/workflows/ci.yml/badge.svg)](https://g.h/o)\n\n"
             "正文。\n");
  write_file(dir / "site/static/images/logo.png", kPng);
  const std::string post = quote((dir / "site/posts/d.md").string());
  const std::string static_dir = " --resource-path " + quote((dir / "site/static").string());
  for (const char* stage : {"lines", "pages"}) {
    const std::string dump = quote(MOYIN_BINARY) + " dump --stage " + stage + " " + post;
    Result r = shell(dump);
    EXPECT_NE(r.output.find("d.md:3:1: warning: image /images/logo.png is a site-root path"),
              std::string::npos)
        << stage << "\n"
        << r.output;
    EXPECT_NE(r.output.find("badge.svg is not downloaded"), std::string::npos) << r.output;
    r = shell(dump + static_dir + " --drop-badges");
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_EQ(r.output.find("warning"), std::string::npos) << stage << "\n" << r.output;
    r = shell(dump + static_dir + " --set image.drop-badges=true");
    EXPECT_EQ(r.output.find("warning"), std::string::npos) << stage << "\n" << r.output;
  }
  EXPECT_NE(dump_doc(dir / "site/posts/d.md").find("badge.svg"), std::string::npos);
  EXPECT_EQ(dump_doc(dir / "site/posts/d.md", " --drop-badges").find("badge.svg"),
            std::string::npos);
  // A book.yaml is not a manuscript: dump says so (usage), check and build take it.
  write_file(dir / "bk/book.yaml", "title: 书\nchapters:\n  - a.md\n");
  Result r = moyin_cmd("dump " + quote((dir / "bk/book.yaml").string()));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("dump reads one Markdown file"), std::string::npos) << r.output;
}

TEST_F(Blog, HexoNoteIsACalloutAndBadgesGoByStyleKey) {
  write_file(
      dir / "n.md",
      "# N\n\n"
      "[![CI](https://github.com/o/r/actions/workflows/ci.yml/badge.svg)](https://github.com/o/r)\n\n"
      "{% note warning %}\n小心。\n{% endnote %}\n");
  const std::string text = dump_doc(dir / "n.md");
  EXPECT_NE(text.find("\"type\": \"callout\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"info\": \"warning\""), std::string::npos) << text;
  const std::string file = quote((dir / "n.md").string());
  Result r = moyin(file + " --to epub -o " + quote((dir / "a").string()));
  EXPECT_NE(r.output.find("badge.svg is not downloaded"), std::string::npos) << r.output;
  // image.drop-badges in the sheet (here by --set) leaves the badge row out: no warning.
  r = moyin(file + " --to epub -o " + quote((dir / "b").string()) +
            " --set image.drop-badges=true");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.find("badge.svg"), std::string::npos) << r.output;
  const std::string xhtml =
      shell("unzip -p " + quote((dir / "b/n.epub").string()) + " 'EPUB/*.xhtml'").output;
  EXPECT_NE(xhtml.find("小心"), std::string::npos);
  EXPECT_EQ(xhtml.find("CI"), std::string::npos);
}

}  // namespace
