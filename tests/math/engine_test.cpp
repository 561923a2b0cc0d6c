// MathJax through math/engine.js: one process for the whole binary (the
// coverage formulas, a broken one and a CJK \text{} in one batch).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "math/math.h"

namespace moyin::math {
namespace {

namespace fs = std::filesystem;

std::string node() {
  if (const char* n = std::getenv("MOYIN_NODE")) return n;
  for (const char* p : {"/usr/bin/node", "/usr/bin/nodejs", "/usr/local/bin/node"})
    if (::access(p, X_OK) == 0) return p;
  return "";
}

Engine engine() {
  return {node(), (fs::path(MOYIN_SOURCE_DIR) / "math" / "engine.js").string(), 0};
}

std::vector<Key> coverage() {
  std::ifstream in(fs::path(MOYIN_SOURCE_DIR) / "tests/math/data/coverage.tex");
  std::vector<Key> keys;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '%') continue;
    if (line.starts_with("D ")) keys.push_back({line.substr(2), true});
    else keys.push_back({line, false});
  }
  return keys;
}

struct Batch {
  std::vector<Key> keys;
  Formulas formulas;
  std::string error;
  bool ok = false;
};

// One engine run for every test of this binary.
const Batch& batch() {
  static const Batch b = [] {
    Batch r;
    r.keys = coverage();
    std::vector<Key> all = r.keys;
    all.push_back({"\\frac{a}", false});
    all.push_back({"\\undefinedmacro x", true});
    r.ok = convert(engine(), all, r.formulas, r.error);
    return r;
  }();
  return b;
}

TEST(Engine, CoverageConvertsWithoutErrors) {
  const Batch& b = batch();
  ASSERT_TRUE(b.ok) << b.error;
  ASSERT_GE(b.keys.size(), 150u);
  for (const Key& k : b.keys) {
    const Formula* f = b.formulas.find(k.tex, k.display);
    ASSERT_TRUE(f) << k.tex;
    EXPECT_EQ(f->error, "") << k.tex;
    std::optional<Drawing> d = drawing(f->svg);
    ASSERT_TRUE(d) << k.tex << "\n" << f->svg.substr(0, 300);
    EXPECT_GT(d->width, 0) << k.tex;
    EXPECT_GT(d->ascent + d->descent, 0) << k.tex;
    EXPECT_NE(f->mathml.find("<math"), std::string::npos) << k.tex;
    EXPECT_NE(f->mathml.find("alttext="), std::string::npos) << k.tex;
    EXPECT_EQ(f->mathml.find("display=\"block\"") != std::string::npos, k.display) << k.tex;
  }
}

TEST(Engine, MathJaxMessagesForBrokenTeX) {
  const Batch& b = batch();
  ASSERT_TRUE(b.ok) << b.error;
  const Formula* f = b.formulas.find("\\frac{a}", false);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->error, "Missing argument for \\frac");
  f = b.formulas.find("\\undefinedmacro x", true);
  ASSERT_TRUE(f);
  EXPECT_NE(f->error.find("Undefined control sequence"), std::string::npos) << f->error;
}

TEST(Engine, CjkTextIsLeftToMoyinsFonts) {
  const Batch& b = batch();
  const Formula* f = b.formulas.find("\\text{中文}", false);
  ASSERT_TRUE(f);
  std::optional<Drawing> d = drawing(f->svg);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->texts.size(), 2u);  // MathJax places each character
  EXPECT_EQ(d->texts[0].text, "中");
  EXPECT_TRUE(d->paths.empty());
}

TEST(Engine, MissingNodeOrScriptIsOneClearError) {
  Formulas out;
  std::string error;
  EXPECT_FALSE(convert({"", "x.js", 0}, {{"x", false}}, out, error));
  EXPECT_NE(error.find("nodejs"), std::string::npos) << error;
  EXPECT_FALSE(convert({node(), "/nonexistent/engine.js", 0}, {{"x", false}}, out, error));
  EXPECT_NE(error.find("missing"), std::string::npos) << error;
  // Nothing to convert: no process at all.
  EXPECT_TRUE(convert({"", "", 0}, {}, out, error));
}

TEST(Engine, MissingMathJaxNamesThePackage) {
  // A script beside no node_modules: node cannot resolve mathjax-full.
  fs::path dir = fs::temp_directory_path() / ("moyin-engine-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(fs::path(MOYIN_SOURCE_DIR) / "math" / "engine.js", dir / "engine.js",
                fs::copy_options::overwrite_existing);
  Formulas out;
  std::string error;
  EXPECT_FALSE(convert({node(), (dir / "engine.js").string(), 0}, {{"x", false}}, out, error));
  EXPECT_NE(error.find("npm ci"), std::string::npos) << error;
  EXPECT_NE(error.find("mathjax-full"), std::string::npos) << error;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace moyin::math
