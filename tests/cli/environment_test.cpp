#include "cli/environment.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace moyin::cli {
namespace {

namespace fs = std::filesystem;

// Sets an environment variable for one test and restores it afterwards.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> old;
  ScopedEnv(const char* n, const char* value) : name(n) {
    if (const char* v = std::getenv(n)) old = v;
    if (value) ::setenv(n, value, 1);
    else ::unsetenv(n);
  }
  ~ScopedEnv() {
    if (old) ::setenv(name.c_str(), old->c_str(), 1);
    else ::unsetenv(name.c_str());
  }
};

fs::path scratch() {
  fs::path d = fs::temp_directory_path() / ("moyin-env-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

TEST(Environment, DataDirsInOrder) {
  ScopedEnv home("MOYIN_HOME", "/somewhere/moyin");
  const auto dirs = data_dirs();
  ASSERT_EQ(dirs.size(), 3u);
  EXPECT_EQ(dirs[0], fs::path("/somewhere/moyin"));
  EXPECT_EQ(dirs[1].filename(), "moyin");
  EXPECT_EQ(dirs[1].parent_path().filename(), "share");
  EXPECT_EQ(dirs[2], fs::path(MOYIN_SOURCE_DIR));
}

TEST(Environment, EachFileFromTheFirstFolderHoldingIt) {
  const fs::path dir = scratch();
  ScopedEnv home("MOYIN_HOME", dir.c_str());
  // Only fonts/fonts.yaml here: the styles still come from the source tree.
  fs::create_directories(dir / "fonts");
  std::ofstream(dir / "fonts" / "fonts.yaml") << "sets:\n  only:\n    - DejaVu Sans\n";
  doc::Diagnostics d;
  const Environment env = read_environment(d);
  EXPECT_EQ(env.fonts_yaml, dir / "fonts/fonts.yaml");
  EXPECT_EQ(env.styles_dir, fs::path(MOYIN_SOURCE_DIR) / "styles");
  fs::remove_all(dir);
}

TEST(Environment, SourceDateEpoch) {
  {
    ScopedEnv sde("SOURCE_DATE_EPOCH", "1700000000");
    doc::Diagnostics d;
    EXPECT_EQ(read_environment(d).source_date_epoch, 1700000000);
    EXPECT_TRUE(d.items.empty());
  }
  {
    ScopedEnv sde("SOURCE_DATE_EPOCH", "yesterday");
    doc::Diagnostics d;
    EXPECT_FALSE(read_environment(d).source_date_epoch);
    ASSERT_EQ(d.items.size(), 1u);
    EXPECT_EQ(d.items[0].severity, doc::Severity::Warning);
    EXPECT_NE(doc::format(d.items[0]).find("SOURCE_DATE_EPOCH"), std::string::npos);
  }
  {
    ScopedEnv sde("SOURCE_DATE_EPOCH", nullptr);
    doc::Diagnostics d;
    EXPECT_FALSE(read_environment(d).source_date_epoch);
  }
}

}  // namespace
}  // namespace moyin::cli
