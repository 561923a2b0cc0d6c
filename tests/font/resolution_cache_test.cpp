// The resolution cache (font/resolver.h): fontconfig's answers kept between
// runs, used only while nothing they depend on changed.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "font/font.h"
#include "test_util.h"

namespace moyin::font {
namespace {

namespace fs = std::filesystem;

const fs::path kFontsYaml = fs::path(MOYIN_SOURCE_DIR) / "fonts" / "fonts.yaml";

// Every face of every set, by file and index: what a document can be set in.
std::vector<std::string> faces_of(const FontLibrary& lib) {
  std::vector<std::string> out;
  for (const FontSet& set : lib.sets())
    for (const FontFamilyEntry& e : set.faces)
      for (int id : {e.regular, e.bold, e.italic, e.bold_italic})
        out.push_back(
            set.name + " " +
            (id < 0 ? std::string("-")
                    : info(lib.face(id)).path + "#" + std::to_string(info(lib.face(id)).index)));
  return out;
}

class ResolutionCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = moyin::testing::test_folder("fontcache");
    cache_.file = dir_ / "cache" / "font-resolution.txt";
    cache_.environment_key = "FONTCONFIG_FILE=;";
    cache_.watched = {dir_ / "user-fontconfig"};
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::optional<FontLibrary> load(const ResolutionCache& cache) {
    doc::Diagnostics diags;
    auto lib = FontLibrary::load(kFontsYaml, diags, cache);
    EXPECT_FALSE(diags.has_errors());
    return lib;
  }

  fs::path dir_;
  ResolutionCache cache_;
};

TEST_F(ResolutionCacheTest, SecondLoadNeverStartsFontconfigAndFindsTheSameFaces) {
  auto first = load(cache_);
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->fontconfig_started());
  EXPECT_FALSE(first->resolved_from_cache());
  first->save_resolution_cache();
  ASSERT_TRUE(fs::exists(cache_.file));

  auto second = load(cache_);
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->resolved_from_cache());
  EXPECT_FALSE(second->fontconfig_started());
  EXPECT_EQ(faces_of(*first), faces_of(*second));
}

TEST_F(ResolutionCacheTest, ACreatedWatchedPathOrAnotherEnvironmentMakesItStale) {
  load(cache_)->save_resolution_cache();
  fs::create_directories(dir_ / "user-fontconfig");  // the user configures fontconfig
  auto after = load(cache_);
  EXPECT_FALSE(after->resolved_from_cache());
  EXPECT_TRUE(after->fontconfig_started());
  after->save_resolution_cache();  // rewritten with the folder's time
  EXPECT_TRUE(load(cache_)->resolved_from_cache());

  ResolutionCache other = cache_;
  other.environment_key = "FONTCONFIG_FILE=/elsewhere/fonts.conf;";
  EXPECT_FALSE(load(other)->resolved_from_cache());
}

TEST_F(ResolutionCacheTest, ADamagedFileIsIgnored) {
  fs::create_directories(cache_.file.parent_path());
  for (const std::string& text :
       {std::string("moyin font resolution 1\nenv FONTCONFIG_FILE=;\nstamp x /\nfamily A\n"),
        std::string("moyin font resolution 1\nenv FONTCONFIG_FILE=;\n"),  // no stamps
        std::string("moyin font resolution 1\nenv FONTCONFIG_FILE=;\nstamp 1 /\nface 0 80\n"),
        std::string("garbage\0\xff", 10)}) {
    moyin::testing::write_file(cache_.file, text);
    auto lib = load(cache_);
    ASSERT_TRUE(lib);
    EXPECT_FALSE(lib->resolved_from_cache()) << text;
    EXPECT_TRUE(lib->fontconfig_started());
  }
}

TEST_F(ResolutionCacheTest, AFamilyAStyleNamesLaterIsAddedToTheCache) {
  load(cache_)->save_resolution_cache();
  auto lib = load(cache_);
  ASSERT_TRUE(lib->resolved_from_cache());
  doc::Diagnostics diags;
  const FontSet& named =
      lib->named_set("DejaVu Sans Mono", dir_, *lib->find_set("serif-zh"), diags, "doc.md");
  EXPECT_EQ(info(lib->face(named.faces.front().regular)).family, "DejaVu Sans Mono");
  // "DejaVu Sans Mono" is in fonts.yaml's mono set: still no fontconfig.
  EXPECT_FALSE(lib->fontconfig_started());
  const FontSet& wenkai =
      lib->named_set("LXGW WenKai Mono", dir_, *lib->find_set("serif-zh"), diags, "doc.md");
  EXPECT_EQ(info(lib->face(wenkai.faces.front().regular)).family, "LXGW WenKai Mono");
  EXPECT_TRUE(lib->fontconfig_started());  // not in fonts.yaml: fontconfig answers
  lib->save_resolution_cache();
  auto again = load(cache_);
  doc::Diagnostics d2;
  again->named_set("LXGW WenKai Mono", dir_, *again->find_set("serif-zh"), d2, "doc.md");
  EXPECT_FALSE(again->fontconfig_started());
  EXPECT_EQ(diags.items.size(), d2.items.size());
}

}  // namespace
}  // namespace moyin::font
