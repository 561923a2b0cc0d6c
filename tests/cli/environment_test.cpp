#include "cli/environment.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

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

TEST(Environment, DataFromMoyinHome) {
  const fs::path dir = scratch();
  ScopedEnv home("MOYIN_HOME", dir.c_str());
  fs::create_directories(dir / "fonts");
  std::ofstream(dir / "fonts" / "fonts.yaml") << "sets:\n  only:\n    - DejaVu Sans\n";
  doc::Diagnostics d;
  const Environment env = read_environment(d);
  EXPECT_EQ(env.data_dir, dir);
  EXPECT_EQ(env.fonts_yaml, dir / "fonts/fonts.yaml");
  EXPECT_EQ(env.styles_dir, dir / "styles");
  // No math/engine.js there: the source tree's.
  EXPECT_EQ(fs::path(env.math.script), fs::path(MOYIN_SOURCE_DIR) / "math/engine.js");
  fs::remove_all(dir);
}

TEST(Environment, NodeFromMoyinNodeOrPath) {
  {
    ScopedEnv node("MOYIN_NODE", "/opt/node/bin/node");
    doc::Diagnostics d;
    EXPECT_EQ(read_environment(d).math.node, "/opt/node/bin/node");
  }
  const fs::path dir = scratch();
  const fs::path fake = dir / "nodejs";
  std::ofstream(fake) << "#!/bin/sh\n";
  fs::permissions(fake, fs::perms::owner_all);
  ScopedEnv node("MOYIN_NODE", nullptr);
  ScopedEnv path("PATH", ("/nonexistent::" + dir.string()).c_str());
  doc::Diagnostics d;
  EXPECT_EQ(read_environment(d).math.node, fake.string());
  fs::remove_all(dir);
}

// The parsed sheets are kept in the user's cache for the next run of the
// same build; another build's file is not used; MOYIN_NO_SHEET_CACHE=1 turns
// it off.
TEST(Environment, ParsedSheetsKeptForTheNextRunOfTheSameBuild) {
  const fs::path dir = scratch();
  ScopedEnv cache("XDG_CACHE_HOME", dir.c_str());
  ScopedEnv off("MOYIN_NO_SHEET_CACHE", nullptr);
  doc::Diagnostics d;
  const Environment first = read_environment(d);
  EXPECT_EQ(first.sheet_cache, dir / "moyin" / "parsed-sheets");
  EXPECT_FALSE(first.parsed_sheets->has_builtin());
  style::Layers layers;
  layers.styles_dir = first.styles_dir;
  layers.parsed = first.parsed_sheets.get();
  const style::Sheet sheet = style::resolve(layers, d);
  save_parsed_sheets(first);
  ASSERT_TRUE(fs::exists(first.sheet_cache));
  const Environment next = read_environment(d);
  EXPECT_TRUE(next.parsed_sheets->has_builtin());
  layers.parsed = next.parsed_sheets.get();
  EXPECT_EQ(style::to_css(style::resolve(layers, d)), style::to_css(sheet));
  EXPECT_TRUE(d.items.empty());
  // Written by another build (its first line differs): not used.
  std::ifstream in(first.sheet_cache);
  const std::string rest((std::istreambuf_iterator<char>(in)), {});
  in.close();
  std::ofstream(first.sheet_cache) << "moyin 0.0.0 1@1\n" << rest.substr(rest.find('\n') + 1);
  EXPECT_FALSE(read_environment(d).parsed_sheets->has_builtin());
  ScopedEnv no("MOYIN_NO_SHEET_CACHE", "1");
  EXPECT_TRUE(read_environment(d).sheet_cache.empty());
  fs::remove_all(dir);
}

// The hyphenation tables read from the dictionary are kept in the user's
// cache; the next run takes them (and gives the same points); a damaged file
// or another build's is not used; MOYIN_NO_SHEET_CACHE=1 turns it off.
TEST(Environment, HyphenationTablesKeptForTheNextRunOfTheSameBuild) {
  const fs::path dir = scratch();
  ScopedEnv cache("XDG_CACHE_HOME", dir.c_str());
  ScopedEnv off("MOYIN_NO_SHEET_CACHE", nullptr);
  doc::Diagnostics d;
  const Environment env = read_environment(d);
  ASSERT_EQ(env.hyphenation_cache, dir / "moyin" / "hyphenation");
  const std::vector<std::string> words = {"hyphenation", "typesetting",   "transformer",
                                          "multimodal",  "reinforcement", "representation"};
  auto points = [&words](const typeset::Hyphenator& h) {
    std::vector<std::vector<size_t>> all;
    for (const std::string& w : words) all.push_back(h.points(w));
    return all;
  };
  std::optional<typeset::Hyphenator> first = load_hyphenator(env);
  ASSERT_TRUE(first);
  save_hyphenation(env, *first);  // nothing read yet: nothing to keep
  EXPECT_FALSE(fs::exists(env.hyphenation_cache));
  const auto expected = points(*first);
  save_hyphenation(env, *first);
  ASSERT_TRUE(fs::exists(env.hyphenation_cache));
  std::optional<typeset::Hyphenator> next = load_hyphenator(env);
  EXPECT_EQ(points(*next), expected);
  EXPECT_FALSE(next->tables_to_keep());  // taken from the file, not the dictionary
  // A damaged file (one byte of its tables changed): read from the dictionary.
  std::ifstream in(env.hyphenation_cache, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  in.close();
  bytes[bytes.size() - 2] ^= 0x10;
  std::ofstream(env.hyphenation_cache, std::ios::binary) << bytes;
  std::optional<typeset::Hyphenator> damaged = load_hyphenator(env);
  EXPECT_EQ(points(*damaged), expected);
  EXPECT_TRUE(damaged->tables_to_keep());
  // Another build's file: not used either.
  save_hyphenation(env, *damaged);
  Environment other = env;
  other.program = "1@1";
  std::optional<typeset::Hyphenator> foreign = load_hyphenator(other);
  EXPECT_EQ(points(*foreign), expected);
  EXPECT_TRUE(foreign->tables_to_keep());
  ScopedEnv no("MOYIN_NO_SHEET_CACHE", "1");
  EXPECT_TRUE(read_environment(d).hyphenation_cache.empty());
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
