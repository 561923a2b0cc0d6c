// MathJax through math/engine.js: one process for the whole binary (the
// coverage formulas, a broken one and a CJK \text{} in one batch).
#include <gtest/gtest.h>
#include <signal.h>
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

// The engine as moyin runs it: from this build's snapshot when it made one.
Engine engine() {
  return {.node = node(),
          .script = (fs::path(MOYIN_SOURCE_DIR) / "math" / "engine.js").string(),
          .snapshot = fs::exists(built_snapshot()) && fs::file_size(built_snapshot()) > 0
                          ? built_snapshot()
                          : ""};
}

// The coverage formulas as one document's, in the file's order.
Collected coverage() {
  std::ifstream in(fs::path(MOYIN_SOURCE_DIR) / "tests/math/data/coverage.tex");
  Collected c;
  std::vector<Key>& keys = c.keys;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '%') continue;
    if (line.starts_with("D ")) keys.push_back({line.substr(2), true});
    else keys.push_back({line, false});
  }
  c.preamble = preamble_of(keys);
  return c;
}

// Converts `docs` in one engine run; the results of each document.
std::vector<Formulas> convert_documents(const std::vector<Collected>& docs) {
  Converted out;
  std::string error;
  EXPECT_TRUE(convert(engine(), docs, out, error)) << error;
  std::vector<Formulas> each;
  for (const Collected& c : docs)
    each.push_back(out.find(c.preamble) ? *out.find(c.preamble) : Formulas{});
  return each;
}

struct Batch {
  Collected coverage;
  Formulas formulas;
  std::string error;
  bool ok = false;
};

// One engine run for every test of this binary.
const Batch& batch() {
  static const Batch b = [] {
    Batch r;
    r.coverage = coverage();
    Collected all = r.coverage;
    all.keys.push_back({"\\frac{a}", false});
    all.keys.push_back({"\\undefinedmacro x", true});
    Converted out;
    r.ok = convert(engine(), std::span(&all, 1), out, r.error);
    if (const Formulas* f = out.find(all.preamble)) r.formulas = *f;
    return r;
  }();
  return b;
}

TEST(Engine, CoverageConvertsWithoutErrors) {
  const Batch& b = batch();
  ASSERT_TRUE(b.ok) << b.error;
  ASSERT_GE(b.coverage.keys.size(), 150u);
  ASSERT_FALSE(b.coverage.preamble.empty()) << "coverage.tex defines a macro";
  for (const Key& k : b.coverage.keys) {
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

// A macro a formula defines reaches every formula of its document, before
// or after it, and no other document's, whatever the order of the batch.
TEST(Engine, MacrosStayInTheirDocument) {
  const Key defines{"\\newcommand{\\RR}{\\mathbb{R}}", true}, uses{"\\RR^n", false};
  const Key redefines{"\\def\\RR{\\mathbb{Q}}", false};
  Collected a{.keys = {uses, defines}}, b{.keys = {uses}}, c{.keys = {redefines, uses}};
  a.preamble = preamble_of(std::vector<Key>{defines, uses});
  c.preamble = preamble_of(c.keys);
  ASSERT_EQ(a.preamble, Preamble{defines.tex});
  ASSERT_TRUE(b.preamble.empty());
  const std::vector<Formulas> got = convert_documents({a, b, c});
  const Formula* in_a = got[0].find(uses.tex, false);
  ASSERT_TRUE(in_a);
  EXPECT_EQ(in_a->error, "");
  EXPECT_NE(in_a->mathml.find(">R<"), std::string::npos) << in_a->mathml;
  const Formula* in_b = got[1].find(uses.tex, false);
  ASSERT_TRUE(in_b);
  EXPECT_NE(in_b->error.find("Undefined control sequence \\RR"), std::string::npos) << in_b->error;
  const Formula* in_c = got[2].find(uses.tex, false);
  ASSERT_TRUE(in_c);
  EXPECT_NE(in_c->mathml.find(">Q<"), std::string::npos) << in_c->mathml;
  // The same documents alone: the same answers (nothing depends on the batch).
  EXPECT_EQ(convert_documents({b})[0].find(uses.tex, false)->error, in_b->error);
  EXPECT_EQ(convert_documents({a})[0].find(uses.tex, false)->svg, in_a->svg);
}

TEST(Engine, DefinitionsAreFoundByTheirControlWords) {
  for (const char* tex :
       {"\\newcommand\\x{1}", "\\renewcommand{\\a}{b}", "\\def\\a{b} a", "\\let\\b=\\a",
        "\\DeclareMathOperator{\\tr}{tr}", "\\DeclarePairedDelimiter\\abs{\\lvert}{\\rvert}",
        "\\newenvironment{e}{(}{)}", "\\mathtoolsset{showonlyrefs}"})
    EXPECT_EQ(preamble_of(std::vector<Key>{{tex, false}}).size(), 1u) << tex;
  for (const char* tex :
       {"\\left( x \\right)", "\\default", "\\\\def", "\\deff", "\\text{def}", "\\letter"})
    EXPECT_TRUE(preamble_of(std::vector<Key>{{tex, false}}).empty()) << tex;
  const Key d{"\\def\\a{1}", false};
  EXPECT_EQ(preamble_of(std::vector<Key>{d, {"x", false}, d}), Preamble{d.tex}) << "each once";
}

// The snapshot answers as the script does, byte for byte (the formulas kept
// between runs do not say which of the two made them).
TEST(Engine, SnapshotAnswersAsTheScript) {
  const Batch& b = batch();
  ASSERT_TRUE(b.ok) << b.error;
  if (engine().snapshot.empty()) GTEST_SKIP() << "this build made no snapshot (esbuild missing)";
  Engine script = engine();
  script.snapshot.clear();
  Converted out;
  std::string error;
  ASSERT_TRUE(convert(script, std::span(&b.coverage, 1), out, error)) << error;
  const Formulas* plain = out.find(b.coverage.preamble);
  ASSERT_TRUE(plain);
  for (const Key& k : b.coverage.keys) {
    const Formula* want = plain->find(k.tex, k.display);
    const Formula* got = b.formulas.find(k.tex, k.display);
    ASSERT_TRUE(want && got) << k.tex;
    EXPECT_EQ(got->svg, want->svg) << k.tex;
    EXPECT_EQ(got->mathml, want->mathml) << k.tex;
    EXPECT_EQ(got->error, want->error) << k.tex;
  }
}

// A snapshot that is not of the script it is run with (the script edited
// since, or another MathJax), or that Node.js cannot load, leaves the batch
// to the script; a batch larger than a pipe holds is no problem when the
// snapshot stops before reading it.
TEST(Engine, StaleOrDamagedSnapshotLeavesTheBatchToTheScript) {
  const Engine built = engine();
  if (built.snapshot.empty()) GTEST_SKIP() << "this build made no snapshot (esbuild missing)";
  const fs::path dir = fs::temp_directory_path() / ("moyin-snapshot-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  // engine.js edited: its MathML says so.
  std::ifstream in(built.script);
  std::string script((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t from = script.find("mathml: mathml("), to = script.find(')', from);
  ASSERT_NE(from, std::string::npos);
  script.replace(from, to + 1 - from, "mathml: '<math>edited</math>'");
  std::ofstream(dir / "engine.js") << script;
  fs::create_directory_symlink(fs::path(built.script).parent_path() / "node_modules",
                               dir / "node_modules");
  Collected big{.preamble = {"\\def\\a{b}%" + std::string(200'000, 'x')}, .keys = {{"x", false}}};
  Engine edited = built;
  edited.script = (dir / "engine.js").string();
  Converted out;
  std::string error;
  ASSERT_TRUE(convert(edited, std::span(&big, 1), out, error)) << error;
  ASSERT_TRUE(out.find(big.preamble));
  EXPECT_EQ(out.find(big.preamble)->find("x", false)->mathml, "<math>edited</math>");
  // The same as `watch`'s server: it stops at once, and the script answers.
  Server server;
  Converted served;
  ASSERT_TRUE(convert(edited, std::span(&big, 1), served, error, &server)) << error;
  EXPECT_EQ(served.find(big.preamble)->find("x", false)->mathml, "<math>edited</math>");
  EXPECT_TRUE(server.failed);

  // A damaged snapshot (Node.js crashes loading it): the script answers.
  {
    std::ifstream whole(built.snapshot, std::ios::binary);
    std::string bytes(4096, '\0');
    whole.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::ofstream(dir / "damaged.blob", std::ios::binary) << bytes;
  }
  Engine damaged = built;
  damaged.snapshot = (dir / "damaged.blob").string();
  Converted again;
  const Collected one{.keys = {{"x", false}}};
  ASSERT_TRUE(convert(damaged, std::span(&one, 1), again, error)) << error;
  EXPECT_EQ(again.find({})->find("x", false)->error, "");
  EXPECT_NE(again.find({})->find("x", false)->mathml.find("<math"), std::string::npos);
  fs::remove_all(dir);
}

// `watch`'s engine, kept running: batch after batch from one process, the
// same answers as an engine of their own, macros still each document's.
TEST(Engine, ServerAnswersBatchAfterBatch) {
  Server server;
  EXPECT_EQ(server.pid(), -1) << "started by the first batch";
  const Key defines{"\\newcommand{\\RR}{\\mathbb{R}}", true}, uses{"\\RR^n", false};
  const Collected a{.preamble = {defines.tex}, .keys = {defines, uses}};
  const Collected b{.keys = {uses, {"\\frac{1}{2}", true}}};
  Converted kept, alone;
  std::string error;
  ASSERT_TRUE(convert(engine(), std::span(&a, 1), kept, error, &server)) << error;
  const int pid = server.pid();
  EXPECT_GT(pid, 0);
  ASSERT_TRUE(convert(engine(), std::span(&b, 1), kept, error, &server)) << error;
  EXPECT_EQ(server.pid(), pid) << "the same process";
  EXPECT_FALSE(server.failed);
  const std::vector<Collected> both = {a, b};
  ASSERT_TRUE(convert(engine(), both, alone, error)) << error;
  for (const Collected* c : {&a, &b})
    for (const Key& k : c->keys) {
      const Formula* got = kept.find(c->preamble)->find(k.tex, k.display);
      const Formula* want = alone.find(c->preamble)->find(k.tex, k.display);
      ASSERT_TRUE(got && want) << k.tex;
      EXPECT_EQ(got->svg, want->svg) << k.tex;
      EXPECT_EQ(got->mathml, want->mathml) << k.tex;
      EXPECT_EQ(got->error, want->error) << k.tex;
    }
  EXPECT_NE(kept.find({})->find(uses.tex, false)->error.find("Undefined control sequence"),
            std::string::npos)
      << "the first batch's macro does not reach the second's document";

  // The process gone (killed): the batch goes to an engine of its own, and
  // so do the later ones.
  ::kill(pid, SIGKILL);
  const Collected c{.keys = {{"y^3", false}}};
  ASSERT_TRUE(convert(engine(), std::span(&c, 1), kept, error, &server)) << error;
  EXPECT_EQ(kept.find({})->find("y^3", false)->error, "");
  EXPECT_TRUE(server.failed);
  EXPECT_EQ(server.pid(), -1);

  // No answer in time: the batch fails at once (no second engine is tried).
  Engine hurried = engine();
  hurried.timeout = 0.001;
  Server slow;
  const Collected d{.keys = {{"z^4", false}}};
  EXPECT_FALSE(convert(hurried, std::span(&d, 1), kept, error, &slow));
  EXPECT_NE(error.find("did not answer"), std::string::npos) << error;
  EXPECT_TRUE(slow.failed);
}

TEST(Engine, MissingNodeOrScriptIsOneClearError) {
  Converted out;
  std::string error;
  const Collected x{.keys = {{"x", false}}};
  EXPECT_FALSE(convert({"", "x.js", 0}, std::span(&x, 1), out, error));
  EXPECT_NE(error.find("nodejs"), std::string::npos) << error;
  EXPECT_FALSE(convert({node(), "/nonexistent/engine.js", 0}, std::span(&x, 1), out, error));
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
  Converted out;
  std::string error;
  const Collected x{.keys = {{"x", false}}};
  EXPECT_FALSE(convert({node(), (dir / "engine.js").string(), 0}, std::span(&x, 1), out, error));
  EXPECT_NE(error.find("npm ci"), std::string::npos) << error;
  EXPECT_NE(error.find("mathjax-full"), std::string::npos) << error;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace moyin::math
