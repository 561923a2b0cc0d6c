#include "style/style.h"
#include "style/style_impl.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace moyin::style {
namespace {

constexpr double kMm = 72.0 / 25.4;

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::filesystem::path scratch_dir() {
  auto d = std::filesystem::temp_directory_path() /
           ("moyin-style-test-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::create_directories(d);
  return d;
}

std::string all(const doc::Diagnostics& d) {
  std::string s;
  for (const auto& i : d.items) s += doc::format(i) + "\n";
  return s;
}

Sheet with(std::vector<std::string> sets, doc::Diagnostics& d, std::string base = "article") {
  return resolve(base, sets, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
}

TEST(Units, Lengths) {
  double v = 0;
  ASSERT_TRUE(parse_length("12pt", 10, v));
  EXPECT_DOUBLE_EQ(v, 12);
  ASSERT_TRUE(parse_length("25.4mm", 10, v));
  EXPECT_DOUBLE_EQ(v, 72);
  ASSERT_TRUE(parse_length("2.54cm", 10, v));
  EXPECT_NEAR(v, 72, 1e-9);
  ASSERT_TRUE(parse_length("1in", 10, v));
  EXPECT_DOUBLE_EQ(v, 72);
  ASSERT_TRUE(parse_length("1pc", 10, v));
  EXPECT_DOUBLE_EQ(v, 12);
  ASSERT_TRUE(parse_length("2em", 10.5, v));
  EXPECT_DOUBLE_EQ(v, 21);
  ASSERT_TRUE(parse_length("150%", 10, v));
  EXPECT_DOUBLE_EQ(v, 15);
  ASSERT_TRUE(parse_length(" 1.5 ", 10, v));
  EXPECT_DOUBLE_EQ(v, 15);
  ASSERT_TRUE(parse_length("12 pt", 10, v));
  EXPECT_DOUBLE_EQ(v, 12);
  ASSERT_TRUE(parse_length("2EM", 10, v));
  EXPECT_DOUBLE_EQ(v, 20);
  for (const char* bad : {"", "pt", "12px", "twelve", "1e999", "nan", "12ptx", "--1pt"})
    EXPECT_FALSE(parse_length(bad, 10, v)) << bad;
}

TEST(Units, Colors) {
  Color c;
  ASSERT_TRUE(parse_color("#336699", c));
  EXPECT_EQ(c, (Color{0x33 / 255.0, 0x66 / 255.0, 0x99 / 255.0}));
  ASSERT_TRUE(parse_color("#369", c));
  EXPECT_EQ(c, (Color{0x33 / 255.0, 0x66 / 255.0, 0x99 / 255.0}));
  ASSERT_TRUE(parse_color("rgb(51, 102, 153)", c));
  EXPECT_EQ(c, (Color{51 / 255.0, 102 / 255.0, 153 / 255.0}));
  ASSERT_TRUE(parse_color("Black", c));
  EXPECT_EQ(c, (Color{0, 0, 0}));
  for (const char* bad : {"", "#12", "#12345g", "rgb(1,2)", "rgb(1,2,300)", "blurple", "#1234567"})
    EXPECT_FALSE(parse_color(bad, c)) << bad;
}

TEST(Sheet, BuiltinDefaultsParseWithoutAWord) {
  // They are parsed once per process and their diagnostics dropped
  // (style::resolve): any warning here would be lost, so there must be none.
  Settings settings;
  doc::Diagnostics d;
  bool ok = true;
  EXPECT_EQ(collect_yaml(kBuiltinDefaults, "<built-in>", settings, d, ok), "");
  EXPECT_TRUE(ok);
  EXPECT_TRUE(d.items.empty()) << all(d);
  EXPECT_GT(settings.size(), 20u);
}

TEST(Sheet, BuiltinDefaultsAreAnA4Article) {
  Sheet s = defaults();
  EXPECT_EQ(s.page.size_name, "A4");
  EXPECT_NEAR(s.page.width, 210 * kMm, 1e-9);
  EXPECT_NEAR(s.page.height, 297 * kMm, 1e-9);
  EXPECT_NEAR(s.page.inner, 25 * kMm, 1e-9);
  EXPECT_EQ(s.role(Role::Body).font, "serif-zh");
  EXPECT_EQ(s.role(Role::Body).size, 10.5);
  EXPECT_DOUBLE_EQ(s.role(Role::Body).leading, 10.5 * 1.75);
  EXPECT_DOUBLE_EQ(s.role(Role::Body).indent, 21);  // 2em of 10.5pt
  EXPECT_EQ(s.role(Role::Body).align, Align::Justify);
  EXPECT_EQ(s.role(Role::H1).font, "sans-zh");
  EXPECT_TRUE(s.role(Role::H1).keep_with_next);
  EXPECT_EQ(s.role(Role::Code).font, "mono");
  EXPECT_TRUE(s.role(Role::Code).has_background);
  EXPECT_EQ(s.role(Role::Quote).font, "serif-zh");  // inherited from body
  EXPECT_DOUBLE_EQ(s.role(Role::Quote).margin_left, 21);
  EXPECT_EQ(s.cjk.line_break, LineBreak::Gb);
  EXPECT_EQ(s.cjk.punctuation, Punctuation::Quanjiao);
  EXPECT_DOUBLE_EQ(s.cjk.latin_spacing, 0.25);
  EXPECT_EQ(s.running.footer.center, "{page}");
  EXPECT_EQ(s.toc.title, "");  // by the document language at typesetting time
  EXPECT_EQ(s.epub.split_level, 1);
  EXPECT_EQ(s.emphasis.cjk, CjkEmphasis::Bold);
  EXPECT_EQ(role_name(Role::Footnote), "footnote");
  EXPECT_EQ(heading_role(3), Role::H3);
  EXPECT_EQ(heading_role(9), Role::H6);
}

TEST(Sheet, ShippedSheetsLoadWithoutWarnings) {
  for (const char* name : {"article", "book", "ebook"}) {
    doc::Diagnostics d;
    Sheet s = resolve(name, {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
    EXPECT_TRUE(d.items.empty()) << name << "\n" << all(d);
    EXPECT_EQ(s.name, name);
    ASSERT_EQ(s.sources.size(), 1u);
    EXPECT_FALSE(find_sheet(name, std::filesystem::path(MOYIN_SOURCE_DIR "/styles")).empty());
  }
  // article.yaml restates the built-in defaults exactly.
  doc::Diagnostics d;
  EXPECT_EQ(to_css(resolve("article", {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d)),
            to_css(defaults()));
}

TEST(Sheet, BookIsMirrored16KWithChaptersOnTheRight) {
  doc::Diagnostics d;
  Sheet s = resolve("book", {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
  EXPECT_EQ(s.page.size_name, "16K");
  EXPECT_NEAR(s.page.width, 185 * kMm, 1e-9);
  EXPECT_NEAR(s.page.height, 260 * kMm, 1e-9);
  EXPECT_TRUE(s.page.mirrored);
  EXPECT_NEAR(s.page.bleed, 3 * kMm, 1e-9);
  EXPECT_TRUE(s.page.crop_marks);
  EXPECT_NEAR(s.page.outer, 18 * kMm, 1e-9);
  EXPECT_TRUE(s.chapter.new_page);
  EXPECT_TRUE(s.chapter.open_right);
  EXPECT_EQ(s.running.header.right, "{chapter}");
  ASSERT_TRUE(s.running.verso_header.has_value());
  EXPECT_EQ(s.running.verso_header->right, "{title}");
  EXPECT_EQ(s.running.verso_header->left, "");
  EXPECT_FALSE(s.running.verso_footer.has_value());  // versos keep the footer
  // Not set by book.yaml: built-in default.
  EXPECT_EQ(s.role(Role::Code).font, "mono");
  EXPECT_DOUBLE_EQ(s.role(Role::Body).leading, 10.5 * 1.8);
}

TEST(Sheet, RelativeSizesFollowTheBody) {
  doc::Diagnostics d;
  Sheet s = resolve("ebook", {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
  EXPECT_DOUBLE_EQ(s.role(Role::Body).size, 10);
  EXPECT_DOUBLE_EQ(s.role(Role::H1).size, 16);  // 1.6 × body
  EXPECT_DOUBLE_EQ(s.role(Role::Code).size, 8.5);
  EXPECT_TRUE(s.epub.embed_fonts);
  EXPECT_EQ(s.emphasis.cjk, CjkEmphasis::Dots);
  // A later body size changes every relative size, whatever layer set it.
  Sheet t =
      resolve("ebook", {"body.size=12pt"}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
  EXPECT_DOUBLE_EQ(t.role(Role::H1).size, 12 * 1.6);
  EXPECT_DOUBLE_EQ(t.role(Role::Body).indent, 24);  // 2em of the new size
  EXPECT_TRUE(d.items.empty()) << all(d);
}

TEST(Layers, FrontMatterNameReplacesTheBase) {
  doc::Diagnostics d;
  Layers l;
  l.styles_dir = std::filesystem::path(MOYIN_SOURCE_DIR "/styles");
  l.front_matter = "book";
  Sheet s = resolve(l, d);
  EXPECT_EQ(s.name, "book");
  EXPECT_TRUE(s.page.mirrored);
  EXPECT_TRUE(d.items.empty()) << all(d);
}

TEST(Layers, ARunResolvesTheSameLayersOnceAndRepeatsEveryWarning) {
  ParsedSheets parsed;
  Layers l;
  l.styles_dir = std::filesystem::path(MOYIN_SOURCE_DIR "/styles");
  l.parsed = &parsed;
  l.settings = {"body.size=12pt"};
  doc::Diagnostics d1, d2;
  const Sheet first = resolve(l, d1);
  const Sheet again = resolve(l, d2);
  EXPECT_TRUE(d1.items.empty() && d2.items.empty()) << all(d1) << all(d2);
  EXPECT_EQ(to_css(again), to_css(first));
  EXPECT_EQ(again.role(Role::Body).size, 12);
  // Other settings: another resolution, not the remembered one.
  l.settings = {"body.size=9pt"};
  EXPECT_EQ(resolve(l, d1).role(Role::Body).size, 9);
  // A resolution with a warning is not remembered: each document gets it.
  l.settings = {"body.size=huge"};
  doc::Diagnostics w1, w2;
  resolve(l, w1);
  resolve(l, w2);
  EXPECT_EQ(w1.items.size(), 1u) << all(w1);
  EXPECT_EQ(all(w2), all(w1));
}

// The parsed sheets a run saves for the next (ParsedSheets::saved): the
// next run resolves the same sheet from them, an edited file is read again,
// damaged bytes are ignored, and a sheet with a warning is never saved.
TEST(Layers, SavedParsedSheetsResolveTheSameAndAnEditIsReadAgain) {
  auto dir = scratch_dir();
  const auto mine = dir / "mine.yaml";
  std::ofstream(mine) << "body:\n  size: 11pt\n  color: '#204060'\n";
  Layers l;
  l.styles_dir = std::filesystem::path(MOYIN_SOURCE_DIR "/styles");
  l.files = {mine};
  doc::Diagnostics d;
  ParsedSheets first;
  EXPECT_FALSE(first.has_builtin());
  l.parsed = &first;
  const Sheet made = resolve(l, d);
  const std::optional<std::string> saved = first.saved();
  ASSERT_TRUE(saved.has_value());
  ParsedSheets next(*saved);
  EXPECT_TRUE(next.has_builtin());
  l.parsed = &next;
  const Sheet again = resolve(l, d);
  EXPECT_TRUE(d.items.empty()) << all(d);
  EXPECT_EQ(to_css(again), to_css(made));
  EXPECT_EQ(again.role(Role::Body).size, 11);
  EXPECT_EQ(again.sources, made.sources);
  EXPECT_FALSE(next.saved().has_value());  // nothing new to keep
  // The file edited: its new bytes are parsed, and kept for the run after.
  std::ofstream(mine) << "body:\n  size: 13pt\n";
  ParsedSheets after_edit(*saved);
  l.parsed = &after_edit;
  EXPECT_EQ(resolve(l, d).role(Role::Body).size, 13);
  EXPECT_TRUE(after_edit.saved().has_value());
  // Damaged bytes: everything parsed again, same sheet.
  std::ofstream(mine) << "body:\n  size: 11pt\n  color: '#204060'\n";
  ParsedSheets damaged(std::string_view(*saved).substr(0, saved->size() / 2));
  EXPECT_FALSE(damaged.has_builtin());
  l.parsed = &damaged;
  EXPECT_EQ(to_css(resolve(l, d)), to_css(made));
  EXPECT_TRUE(d.items.empty()) << all(d);
  // A sheet with a warning is parsed (and warns) in every run.
  std::ofstream(mine) << "body:\n  size: huge\n";
  ParsedSheets warned;
  l.parsed = &warned;
  doc::Diagnostics w1, w2;
  resolve(l, w1);
  ParsedSheets later(warned.saved().value_or(""));
  l.parsed = &later;
  resolve(l, w2);
  EXPECT_EQ(w1.items.size(), 1u) << all(w1);
  EXPECT_EQ(all(w2), all(w1));
}

TEST(Layers, OrderDefaultsSheetFrontMatterFileSet) {
  auto dir = scratch_dir();
  std::ofstream(dir / "fm.yaml") << "body:\n  size: 11pt\n  color: '#ff0000'\npage:\n  size: A5\n"
                                 << "toc: { depth: 1 }\n";
  std::ofstream(dir / "cli.yaml") << "body:\n  size: 12pt\ntoc: { depth: 4 }\n";
  Layers l;
  l.styles_dir = std::filesystem::path(MOYIN_SOURCE_DIR "/styles");
  l.front_matter = "fm.yaml";
  l.document_dir = dir;
  l.files = {dir / "cli.yaml"};
  l.settings = {"toc.depth=5", "page.margins=10mm", "headings.font=serif-zh"};
  doc::Diagnostics d;
  Sheet s = resolve(l, d);
  EXPECT_TRUE(d.items.empty()) << all(d);
  EXPECT_EQ(s.page.size_name, "A5");                      // front matter over article
  EXPECT_EQ(s.role(Role::Body).color, (Color{1, 0, 0}));  // front matter
  EXPECT_DOUBLE_EQ(s.role(Role::Body).size, 12);          // --style over front matter
  EXPECT_EQ(s.toc.depth, 5);                              // --set over --style
  EXPECT_NEAR(s.page.top, 10 * kMm, 1e-9);                // group key: all four margins
  EXPECT_NEAR(s.page.outer, 10 * kMm, 1e-9);
  for (int n = 1; n <= 6; ++n) EXPECT_EQ(s.role(heading_role(n)).font, "serif-zh");
  ASSERT_EQ(s.sources.size(), 3u);
  EXPECT_NE(s.sources[0].find("article.yaml"), std::string::npos);
  EXPECT_NE(s.sources[1].find("fm.yaml"), std::string::npos);
  EXPECT_EQ(s.name, "cli");
  // A sheet named on the command line beats the front matter's.
  l.base = "book";
  l.files.clear();
  l.settings.clear();
  Sheet b = resolve(l, d);
  EXPECT_TRUE(d.items.empty()) << all(d);
  EXPECT_EQ(b.name, "book");
  EXPECT_EQ(b.page.size_name, "16K");                     // book over the front matter
  EXPECT_EQ(b.role(Role::Body).color, (Color{1, 0, 0}));  // front matter, book does not set it
  EXPECT_EQ(b.toc.depth, 3);                              // book
  // Front matter name underneath a command-line name.
  Layers both;
  both.styles_dir = std::filesystem::path(MOYIN_SOURCE_DIR "/styles");
  both.front_matter = "ebook";
  both.base = "book";
  Sheet e = resolve(both, d);
  EXPECT_TRUE(d.items.empty()) << all(d);
  EXPECT_EQ(e.name, "book");
  EXPECT_TRUE(e.epub.embed_fonts);  // ebook
  EXPECT_TRUE(e.page.mirrored);     // book
  ASSERT_EQ(e.sources.size(), 2u);
  std::filesystem::remove_all(dir);
}

TEST(Layers, ExtendsAnotherSheet) {
  auto dir = scratch_dir();
  std::ofstream(dir / "mine.yaml") << "extends: book\nbody: { size: 9pt }\n";
  std::ofstream(dir / "loop.yaml") << "extends: loop\n";
  doc::Diagnostics d;
  Sheet s = resolve((dir / "mine.yaml").string(), {},
                    std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
  EXPECT_TRUE(d.items.empty()) << all(d);
  EXPECT_TRUE(s.page.mirrored);
  EXPECT_EQ(s.role(Role::Body).size, 9);
  EXPECT_EQ(s.name, "mine");
  // `extends` names only shipped sheets; an unknown one is an error.
  doc::Diagnostics d2;
  resolve((dir / "loop.yaml").string(), {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d2);
  EXPECT_TRUE(d2.has_errors());
  std::filesystem::remove_all(dir);
}

TEST(Errors, UnknownKeysWarnWithFileLineAndKey) {
  auto dir = scratch_dir();
  std::ofstream(dir / "s.yaml") << "body:\n  size: 11pt\n  sise: 12pt\nfoo: 1\nh1:\n  size: 20pt\n";
  doc::Diagnostics d;
  Sheet s =
      resolve((dir / "s.yaml").string(), {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
  ASSERT_EQ(d.items.size(), 2u) << all(d);
  EXPECT_EQ(d.items[0].severity, doc::Severity::Warning);
  EXPECT_EQ(d.items[0].path, (dir / "s.yaml").string());
  EXPECT_EQ(d.items[0].pos.line, 3);
  EXPECT_NE(d.items[0].message.find("`body.sise`"), std::string::npos);
  EXPECT_EQ(d.items[1].pos.line, 4);
  EXPECT_NE(d.items[1].message.find("`foo`"), std::string::npos);
  EXPECT_EQ(s.role(Role::Body).size, 11);
  EXPECT_EQ(s.role(Role::H1).size, 20);
  std::filesystem::remove_all(dir);
}

TEST(Errors, BadValuesWarnAndKeepTheEarlierValue) {
  struct Case {
    std::string set;
    std::string expect_in_message;
  };
  const Case cases[] = {
      {"body.size=12px", "a size"},
      {"body.size=-3pt", "greater than 0"},
      {"body.size=0", "greater than 0"},
      {"body.leading=big", "a size"},
      {"body.indent=2", "a length with a unit"},
      {"page.margins.top=10%", "a length with a unit"},
      {"page.bleed=-1mm", "not negative"},
      {"page.size=A9", "a paper size"},
      {"body.color=blurple", "a colour"},
      {"body.align=middle", "one of justify"},
      {"page.mirrored=maybe", "true or false"},
      {"toc.depth=9", "from 0 to 6"},
      {"toc.depth=2.5", "whole number"},
      {"cjk.line-break=anywhere", "basic, gb, strict, loose"},
      {"cjk.punctuation=fancy", "quanjiao"},
      {"cjk.latin-spacing=3pt", "an amount in em"},
      {"cjk.latin-spacing=5", "between 0 and 2em"},
      {"emphasis.cjk=underline", "bold, dots"},
      {"chapter.open=left", "any, right"},
      {"epub.split-level=-1", "from 0 to 6"},
      {"paragraph.min-last-line=0", "from 1 to 20"},
  };
  const Sheet def = defaults();
  const std::string def_css = to_css(def);
  for (const Case& c : cases) {
    doc::Diagnostics d;
    Sheet s = with({c.set}, d);
    ASSERT_EQ(d.items.size(), 1u) << c.set << "\n" << all(d);
    EXPECT_EQ(d.items[0].severity, doc::Severity::Warning);
    EXPECT_EQ(d.items[0].path, "--set");
    const std::string key = c.set.substr(0, c.set.find('='));
    EXPECT_NE(d.items[0].message.find("`" + key + "`"), std::string::npos) << d.items[0].message;
    EXPECT_NE(d.items[0].message.find(c.expect_in_message), std::string::npos)
        << d.items[0].message;
    EXPECT_EQ(to_css(s), def_css) << c.set;
    EXPECT_EQ(s.page.width, def.page.width);
    EXPECT_EQ(s.toc.depth, def.toc.depth);
  }
}

TEST(Errors, BadValueInALaterLayerKeepsTheEarlierLayersValue) {
  auto dir = scratch_dir();
  std::ofstream(dir / "a.yaml") << "body: { size: 12pt }\n";
  std::ofstream(dir / "b.yaml") << "body:\n  size: huge\n";
  Layers l;
  l.styles_dir = std::filesystem::path(MOYIN_SOURCE_DIR "/styles");
  l.files = {dir / "a.yaml", dir / "b.yaml"};
  doc::Diagnostics d;
  Sheet s = resolve(l, d);
  ASSERT_EQ(d.items.size(), 1u);
  EXPECT_EQ(d.items[0].pos.line, 2);
  EXPECT_EQ(s.role(Role::Body).size, 12);
  std::filesystem::remove_all(dir);
}

TEST(Errors, FilesAndYaml) {
  auto dir = scratch_dir();
  {
    doc::Diagnostics d;
    Sheet s = resolve((dir / "absent.yaml").string(), {},
                      std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
    EXPECT_TRUE(d.has_errors());
    EXPECT_EQ(s.page.size_name, "A4");  // still a usable sheet
  }
  {
    doc::Diagnostics d;
    resolve("no-such-style", {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
    ASSERT_TRUE(d.has_errors());
    EXPECT_NE(d.items[0].message.find("available: article, book, ebook"), std::string::npos)
        << d.items[0].message;
  }
  {
    doc::Diagnostics d;
    Layers l;
    l.styles_dir = std::filesystem::path(MOYIN_SOURCE_DIR "/styles");
    l.front_matter = "nope";
    l.document_path = "doc.md";
    Sheet s = resolve(l, d);
    ASSERT_TRUE(d.has_errors());
    EXPECT_EQ(d.items[0].path, "doc.md");
    EXPECT_EQ(s.name, "article");  // falls back to the base
  }
  {
    std::ofstream(dir / "broken.yaml") << "body: { size: 12pt\n";
    doc::Diagnostics d;
    Sheet s = resolve((dir / "broken.yaml").string(), {},
                      std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
    ASSERT_TRUE(d.has_errors());
    EXPECT_GT(d.items[0].pos.line, 0);
    EXPECT_EQ(s.role(Role::Body).size, 10.5);
  }
  {
    std::ofstream(dir / "list.yaml") << "- a\n- b\n";
    doc::Diagnostics d;
    resolve((dir / "list.yaml").string(), {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
    EXPECT_TRUE(d.has_errors());
  }
  {
    std::ofstream(dir / "empty.yaml") << "";
    doc::Diagnostics d;
    Sheet s = resolve((dir / "empty.yaml").string(), {},
                      std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
    EXPECT_TRUE(d.items.empty()) << all(d);
    const std::string a = to_css(s), b = to_css(defaults());
    EXPECT_EQ(a.substr(a.find("html {")), b.substr(b.find("html {")));
  }
  {
    std::ofstream(dir / "seq.yaml") << "body:\n  size: [1, 2]\n";
    doc::Diagnostics d;
    resolve((dir / "seq.yaml").string(), {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
    ASSERT_EQ(d.items.size(), 1u);
    EXPECT_EQ(d.items[0].severity, doc::Severity::Warning);
    EXPECT_EQ(d.items[0].pos.line, 2);
  }
  {
    doc::Diagnostics d;
    resolve(dir.string(), {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);  // a directory
    EXPECT_TRUE(d.has_errors());
  }
  {
    doc::Diagnostics d;
    with({"novalue", "=3", "nosuch.key=1"}, d);
    ASSERT_EQ(d.items.size(), 3u);
    for (const auto& i : d.items) EXPECT_EQ(i.severity, doc::Severity::Warning);
  }
  std::filesystem::remove_all(dir);
}

TEST(Settings, AliasesQuotingAndGroups) {
  doc::Diagnostics d;
  Sheet s = with({"body.first-line-indent=0", "body.line-height=20pt", "quote.colour=#000",
                  "running.header.center=\"{chapter}\"", "page.width=150mm", "page.height=200mm",
                  "code.background=none", "cjk.latin-spacing=none", "toc.title=Inhalt"},
                 d);
  EXPECT_TRUE(d.items.empty()) << all(d);
  EXPECT_EQ(s.role(Role::Body).indent, 0);
  EXPECT_EQ(s.role(Role::Body).leading, 20);
  EXPECT_EQ(s.role(Role::Quote).color, (Color{0, 0, 0}));
  EXPECT_EQ(s.running.header.center, "{chapter}");
  EXPECT_NEAR(s.page.width, 150 * kMm, 1e-9);
  EXPECT_NEAR(s.page.height, 200 * kMm, 1e-9);
  EXPECT_FALSE(s.role(Role::Code).has_background);
  EXPECT_EQ(s.cjk.latin_spacing, 0);
  EXPECT_EQ(s.toc.title, "Inhalt");
  EXPECT_NEAR(s.text_width(), 150 * kMm - 50 * kMm, 1e-9);
}

TEST(Settings, PaperSizes) {
  struct P {
    const char* name;
    double w, h;
  } papers[] = {{"A5", 148, 210},
                {"B5", 176, 250},
                {"16K", 185, 260},
                {"大32开", 140, 203},
                {"letter", 215.9, 279.4}};
  for (const P& p : papers) {
    doc::Diagnostics d;
    Sheet s = with({std::string("page.size=") + p.name}, d);
    EXPECT_TRUE(d.items.empty()) << p.name;
    EXPECT_NEAR(s.page.width, p.w * kMm, 1e-9) << p.name;
    EXPECT_NEAR(s.page.height, p.h * kMm, 1e-9) << p.name;
  }
}

TEST(Settings, ShippedSheetsComeFromTheGivenFolder) {
  auto dir = scratch_dir();
  std::filesystem::create_directories(dir / "styles");
  std::ofstream(dir / "styles" / "house.yaml") << "body: { size: 13pt }\n";
  std::ofstream(dir / "styles" / "article.yaml") << "body: { size: 10pt }\n";
  doc::Diagnostics d;
  Sheet s = resolve("house", {}, dir / "styles", d);
  EXPECT_TRUE(d.items.empty()) << all(d);
  EXPECT_EQ(s.role(Role::Body).size, 13);
  EXPECT_EQ(find_sheet("house", dir / "styles"), dir / "styles" / "house.yaml");
  EXPECT_TRUE(find_sheet("house", std::filesystem::path(MOYIN_SOURCE_DIR "/styles")).empty());
  EXPECT_TRUE(find_sheet("house", {}).empty());
  std::filesystem::remove_all(dir);
}

// The CSS is compared against a checked-in snapshot; regenerate with
// MOYIN_UPDATE_SNAPSHOTS=1 after an intended change and review the diff.
void check_snapshot(const std::string& name, const std::string& css) {
  const auto path = std::filesystem::path(MOYIN_SOURCE_DIR) / "tests" / "style" / name;
  if (const char* u = std::getenv("MOYIN_UPDATE_SNAPSHOTS"); u && std::string(u) == "1") {
    std::ofstream(path, std::ios::binary) << css;
    return;
  }
  EXPECT_EQ(css, read_text(path)) << "snapshot " << path << " differs";
}

TEST(Css, SnapshotArticle) {
  doc::Diagnostics d;
  check_snapshot(
      "article.css",
      to_css(resolve("article", {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d)));
}

TEST(Css, SnapshotEbook) {
  doc::Diagnostics d;
  check_snapshot(
      "ebook.css",
      to_css(resolve("ebook", {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d)));
}

TEST(Css, ChineseConventions) {
  doc::Diagnostics d;
  const std::string css =
      to_css(resolve("article", {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d));
  EXPECT_NE(css.find("text-align: justify"), std::string::npos);
  EXPECT_NE(css.find("line-break: strict"), std::string::npos);
  EXPECT_NE(css.find("text-indent: 2em"), std::string::npos);
  // The families the PDF uses come first: Song body, Hei headings.
  EXPECT_NE(css.find("font-family: \"Noto Serif CJK SC\""), std::string::npos);
  EXPECT_NE(css.find("font-family: \"Noto Sans CJK SC\""), std::string::npos);
  EXPECT_NE(css.find(", serif"), std::string::npos);
  // A family the sheet's `fonts:` names goes first in its roles' stacks.
  const std::string named = to_css(with({"fonts.body=Source Han Serif SC"}, d));
  EXPECT_NE(named.find("font-family: \"Source Han Serif SC\", \"Noto Serif CJK SC\""),
            std::string::npos);
  EXPECT_NE(css.find(", monospace"), std::string::npos);
  EXPECT_EQ(css.find("hanging-punctuation"), std::string::npos);
  const std::string hanging = to_css(with({"cjk.hanging=true", "cjk.line-break=loose"}, d));
  EXPECT_NE(hanging.find("hanging-punctuation: allow-end"), std::string::npos);
  EXPECT_NE(hanging.find("line-break: loose"), std::string::npos);
  // Numbers are written without the locale and without noise.
  EXPECT_EQ(css.find(','), css.find(", ")) << "no decimal commas";
  EXPECT_EQ(css.find(".0000"), std::string::npos);
  EXPECT_EQ(css.find(" 0em"), std::string::npos) << "zero lengths are written 0";
}

}  // namespace
}  // namespace moyin::style

namespace moyin::style {
namespace {

TEST(NumberTemplates, FieldsFormatsAndLiterals) {
  std::vector<NumberField> f;
  std::string error;
  ASSERT_TRUE(parse_number_template("第{1:zh}章", f, error));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].literal, "第");
  EXPECT_EQ(f[0].counter, 1);
  EXPECT_EQ(f[0].format, NumberFormat::Chinese);
  EXPECT_EQ(f[1].literal, "章");
  EXPECT_EQ(f[1].counter, -1);
  ASSERT_TRUE(parse_number_template("{{{n:Roman}}}", f, error));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].literal, "{");
  EXPECT_EQ(f[0].counter, 0);
  EXPECT_EQ(f[0].format, NumberFormat::RomanUpper);
  EXPECT_EQ(f[1].literal, "}");
  ASSERT_TRUE(parse_number_template("", f, error));
  EXPECT_TRUE(f.empty());
}

TEST(NumberTemplates, BadOnesSayWhy) {
  std::vector<NumberField> f;
  std::string error;
  EXPECT_FALSE(parse_number_template("{7}", f, error));
  EXPECT_NE(error.find("{7}"), std::string::npos);
  EXPECT_FALSE(parse_number_template("{1:klingon}", f, error));
  EXPECT_NE(error.find("klingon"), std::string::npos);
  EXPECT_FALSE(parse_number_template("第{1章", f, error));
  EXPECT_FALSE(parse_number_template("1}", f, error));
}

TEST(NumberTemplates, SheetKeysValidateAndBookNumbersChapters) {
  doc::Diagnostics d;
  Sheet book = resolve("book", {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
  EXPECT_TRUE(d.items.empty());
  EXPECT_EQ(book.numbering.headings[0], "第{1:zh}章");
  EXPECT_EQ(book.numbering.figure, "图 {1}-{n}");
  EXPECT_TRUE(book.numbering.table_caption_above);
  Sheet article = resolve("article", {}, std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), d);
  for (const std::string& t : article.numbering.headings) EXPECT_EQ(t, "");
  doc::Diagnostics bad;
  Sheet s = resolve("article",
                    {"numbering.h2={2:zh}、", "numbering.h3={9}", "numbering.table-caption=below"},
                    std::filesystem::path(MOYIN_SOURCE_DIR "/styles"), bad);
  EXPECT_EQ(s.numbering.headings[1], "{2:zh}、");
  EXPECT_EQ(s.numbering.headings[2], "");  // the bad value is not taken
  EXPECT_FALSE(s.numbering.table_caption_above);
  ASSERT_EQ(bad.items.size(), 1u);
  EXPECT_NE(bad.items[0].message.find("numbering.h3"), std::string::npos);
}

}  // namespace
}  // namespace moyin::style
