// Whole blogs: the build cache (unchanged inputs are not rebuilt, a changed
// post or image is), --force, deleted sources and --prune, mirrored output
// folders, and --shard K/N run under GNU parallel.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

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
    dir = fs::temp_directory_path() /
          ("moyin-blog-" + std::to_string(getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
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

TEST_F(Blog, WatchRebuildsAfterAFileIsRewritten) {
  const fs::path log = dir / "watch.log";
  // Stops by itself after one rebuild; `timeout` guards the test if it never comes.
  const std::string cmd = "timeout 60 " + quote(MOYIN_BINARY) + " watch " +
                          quote((dir / "posts").string()) + " --to epub -j 1 --max-rebuilds 1 -o " +
                          quote((dir / "out").string()) + " > " + quote(log.string()) + " 2>&1 &";
  ASSERT_EQ(shell(cmd).code, 0);
  auto wait_for = [&](const std::string& text) {
    for (int i = 0; i < 1200; ++i) {
      if (read_file(log).find(text) != std::string::npos) return true;
      usleep(50'000);
    }
    return false;
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

}  // namespace
