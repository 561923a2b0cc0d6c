// The build cache's entries (format, parse, freshness) and the subcommand
// suggestion, without running the binary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli/cache.h"
#include "cli/suggest.h"
#include "test_util.h"

namespace fs = std::filesystem;
using namespace moyin::cli;

namespace {

using moyin::testing::read_file;
using moyin::testing::write_file;

class CacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("moyin-cache-" + std::to_string(getpid()));
    fs::remove_all(dir);
    write_file(dir / "posts/a.md", "# A\n");
    write_file(dir / "posts/a/pic.png", "png");
    write_file(dir / "out/a.pdf", "%PDF");
  }
  void TearDown() override { fs::remove_all(dir); }
  cache::Entry entry() {
    const fs::path edir = cache::entry_path(dir / "out/a").parent_path();
    cache::Entry e;
    e.context = "ctx";
    e.source = cache::stored_path(dir / "posts/a.md", edir);
    e.outputs = {"a.pdf"};
    e.deps = {{e.source, *cache::hash_file(dir / "posts/a.md")},
              {cache::stored_path(dir / "posts/a/pic.png", edir),
               *cache::hash_file(dir / "posts/a/pic.png")},
              {cache::stored_path(dir / "posts/later.png", edir), std::string(cache::kMissing)}};
    e.warnings.push_back(
        {moyin::doc::Severity::Warning, "posts/a.md", {3, 7}, "tab\there\nand \\ newline", "k"});
    return e;
  }
  fs::path dir;
};

TEST_F(CacheTest, EntryRoundTripsAndNamesPathsRelativeToItsFolder) {
  EXPECT_EQ(cache::entry_path(dir / "out/sub/a"), dir / "out/sub/.moyin-cache/a.deps");
  const cache::Entry e = entry();
  EXPECT_EQ(e.source, "../../posts/a.md");
  const std::string text = cache::format(e);
  // One line per warning: tabs, newlines and backslashes escaped.
  EXPECT_NE(text.find("warning\t3\t7\tk\tposts/a.md\ttab\\there\\nand \\\\ newline\n"),
            std::string::npos)
      << text;
  std::optional<cache::Entry> back = cache::parse(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->source, e.source);
  EXPECT_EQ(back->deps, e.deps);
  ASSERT_EQ(back->warnings.size(), 1u);
  EXPECT_EQ(back->warnings[0].message, "tab\there\nand \\ newline");
  EXPECT_EQ(back->warnings[0].pos.column, 7);
  EXPECT_EQ(cache::format(*back), text);  // deterministic: no time stamps
  EXPECT_FALSE(cache::parse("not an entry\n"));
  EXPECT_FALSE(cache::parse("moyin-cache 1\ncontext x\n"));  // no source, no output
}

TEST_F(CacheTest, FreshUntilAnInputChangesOrAMissingFileAppears) {
  const fs::path edir = cache::entry_path(dir / "out/a").parent_path();
  const cache::Entry e = entry();
  EXPECT_TRUE(cache::fresh(e, "ctx", edir));
  EXPECT_FALSE(cache::fresh(e, "other context", edir));
  write_file(dir / "posts/a/pic.png", "png2");
  EXPECT_FALSE(cache::fresh(e, "ctx", edir));
  write_file(dir / "posts/a/pic.png", "png");
  EXPECT_TRUE(cache::fresh(e, "ctx", edir));
  write_file(dir / "posts/later.png", "new");
  EXPECT_FALSE(cache::fresh(e, "ctx", edir));
  fs::remove(dir / "posts/later.png");
  EXPECT_TRUE(cache::fresh(e, "ctx", edir));
  // An empty output (a new one a crash left before its bytes reached the
  // disk: new outputs are renamed unsynced) is made again.
  const std::string pdf = read_file(dir / "out/a.pdf");
  write_file(dir / "out/a.pdf", "");
  EXPECT_FALSE(cache::fresh(e, "ctx", edir));
  write_file(dir / "out/a.pdf", pdf);
  EXPECT_TRUE(cache::fresh(e, "ctx", edir));
  fs::remove(dir / "out/a.pdf");  // an output removed by hand is made again
  EXPECT_FALSE(cache::fresh(e, "ctx", edir));
}

TEST(Hash, ContentHashesAreStableAndDistinct) {
  EXPECT_EQ(cache::hash_bytes("abc"), cache::hash_bytes("abc"));
  EXPECT_NE(cache::hash_bytes("abc"), cache::hash_bytes("abd"));
  EXPECT_EQ(cache::hash_bytes("abc").size(), 32u);
  EXPECT_FALSE(cache::hash_file("/nonexistent/file"));
}

TEST(Suggest, ClosestCommandForATypo) {
  const std::vector<std::string> cmds = {"build", "dump", "fonts", "check", "watch", "new"};
  EXPECT_EQ(edit_distance("bild", "build"), 1u);
  EXPECT_EQ(closest("bild", cmds), "build");
  EXPECT_EQ(closest("chekc", cmds), "check");
  EXPECT_EQ(closest("wacth", cmds), "watch");
  EXPECT_EQ(closest("frobnicate", cmds), "");
  EXPECT_EQ(closest("x", cmds), "");
}

}  // namespace
