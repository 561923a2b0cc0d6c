// The data folder lookup (cli/data_dir.h): installed layout first, then
// $MOYIN_HOME, then the source tree.
#include "cli/data_dir.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <fstream>

namespace moyin::cli {
namespace {

namespace fs = std::filesystem;

struct Tree {
  fs::path root = fs::temp_directory_path() / ("moyin-data-dir-" + std::to_string(::getpid()));
  Tree() { fs::remove_all(root); }
  ~Tree() { fs::remove_all(root); }
  fs::path styles_in(const fs::path& dir) {
    fs::create_directories(root / dir / "styles");
    return root / dir;
  }
  fs::path fonts_in(const fs::path& dir) {
    fs::create_directories(root / dir / "fonts");
    std::ofstream(root / dir / "fonts" / "fonts.yaml") << "sets: {}\n";
    return root / dir;
  }
};

TEST(DataDir, InstalledLayoutComesFirst) {
  Tree t;
  const fs::path share = t.styles_in("prefix/share/moyin");
  const fs::path home = t.styles_in("home");
  DataDirSources s{.executable = t.root / "prefix/bin/moyin",
                   .moyin_home = home.string(),
                   .source_tree = t.root / "src",
                   .relative = "../share/moyin"};
  EXPECT_EQ(find_data_dir(s), share);
}

TEST(DataDir, MoyinHomeWhenNothingIsInstalled) {
  Tree t;
  const fs::path home = t.fonts_in("home");  // fonts.yaml alone is enough
  DataDirSources s{.executable = t.root / "build/moyin",
                   .moyin_home = home.string(),
                   .source_tree = t.root / "src",
                   .relative = "../share/moyin"};
  EXPECT_EQ(find_data_dir(s), home);
}

TEST(DataDir, SourceTreeLast) {
  Tree t;
  t.styles_in("elsewhere");
  DataDirSources s{.executable = t.root / "build/moyin",
                   .moyin_home = (t.root / "no-such-home").string(),
                   .source_tree = t.root / "src",
                   .relative = "../share/moyin"};
  EXPECT_EQ(find_data_dir(s), t.root / "src");
  s.moyin_home.clear();
  s.executable.clear();
  EXPECT_EQ(find_data_dir(s), t.root / "src");
}

TEST(DataDir, ExecutablePathIsThisProgram) {
  const fs::path self = executable_path(nullptr);
  ASSERT_FALSE(self.empty());
  EXPECT_TRUE(self.is_absolute());
  EXPECT_EQ(self.filename(), "test_cli");
}

}  // namespace
}  // namespace moyin::cli
