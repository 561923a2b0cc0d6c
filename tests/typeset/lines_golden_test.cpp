// Golden line dumps of the seed manuscript at two measures, from the page
// builder that makes the PDF. Regenerate after
// an intended change with MOYIN_UPDATE_GOLDEN=1 and review the diff.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "source/source.h"
#include "typeset/lines_dump.h"

namespace moyin::typeset {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void check_golden(double measure, const std::string& name) {
  doc::Diagnostics diags;
  auto fonts =
      font::FontLibrary::load(std::filesystem::path(MOYIN_SOURCE_DIR) / "fonts/fonts.yaml", diags);
  if (!fonts || !fonts->find_set("serif-zh"))
    GTEST_FAIL() << "default fonts missing: run scripts/setup";
  auto d =
      source::read_file(std::string(MOYIN_TEST_DATA_DIR) + "/corpus/llm-survey-2025.md", diags);
  ASSERT_TRUE(d);
  d->path = "llm-survey-2025.md";  // stable across checkouts
  style::Layers layers;
  layers.styles_dir = std::filesystem::path(MOYIN_SOURCE_DIR) / "styles";
  layers.front_matter = d->meta.style;
  const style::Sheet sheet = style::resolve(layers, diags);
  std::string got = dump_lines(*d, sheet, *fonts, diags, measure);
  const std::string path = std::string(MOYIN_SOURCE_DIR) + "/tests/typeset/golden/" + name;
  if (std::getenv("MOYIN_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << got;
    GTEST_SKIP() << "updated " << path;
  }
  std::string want = slurp(path);
  ASSERT_FALSE(want.empty()) << "missing " << path;
  // Compare line by line so a failure names the first differing line.
  std::istringstream g(got), w(want);
  std::string gl, wl;
  int n = 0;
  while (true) {
    bool gok = static_cast<bool>(std::getline(g, gl));
    bool wok = static_cast<bool>(std::getline(w, wl));
    ++n;
    if (!gok && !wok) break;
    ASSERT_EQ(gok, wok) << name << ": lengths differ at line " << n;
    ASSERT_EQ(gl, wl) << name << ":" << n;
  }
}

TEST(LinesGolden, SeedAt420pt) { check_golden(420, "seed-420.txt"); }
TEST(LinesGolden, SeedAt300pt) { check_golden(300, "seed-300.txt"); }

}  // namespace
}  // namespace moyin::typeset
