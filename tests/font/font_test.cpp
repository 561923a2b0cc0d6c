#include "font/font.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "base/utf8.h"

namespace moyin::font {
namespace {

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const FontLibrary& library() {
  // Loaded once for the whole test binary (as the program does per process).
  static const FontLibrary lib = [] {
    doc::Diagnostics diags;
    auto l =
        FontLibrary::load(std::filesystem::path(MOYIN_SOURCE_DIR) / "fonts" / "fonts.yaml", diags);
    for (const auto& d : diags.items) ADD_FAILURE() << doc::format(d);
    if (!l) std::abort();
    return std::move(*l);
  }();
  return lib;
}

const FontSet& set(std::string_view name) {
  const FontSet* s = library().find_set(name);
  if (!s) {
    ADD_FAILURE() << "no set " << name;
    std::abort();
  }
  return *s;
}

std::filesystem::path scratch_dir() {
  auto d = std::filesystem::temp_directory_path() /
           ("moyin-font-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::create_directories(d);
  return d;
}

std::string family_of(const FaceChoice& c) { return info(*c.face).family; }

TEST(FontLibrary, DefaultSetsLoad) {
  for (const char* name : {"serif-zh", "sans-zh", "kai", "mono", "sans", "serif"})
    EXPECT_NE(library().find_set(name), nullptr) << name;
  EXPECT_EQ(library().find_set("nope"), nullptr);
  // Song body, Hei headings: Noto Serif / Sans CJK SC (CFF outlines), found
  // by family in the .ttc collections (never by a fixed face index).
  EXPECT_EQ(set("serif-zh").faces.front().name, "Noto Serif CJK SC");
  EXPECT_EQ(set("sans-zh").faces.front().name, "Noto Sans CJK SC");
  EXPECT_EQ(set("kai").faces.front().name, "LXGW WenKai");
  const FaceInfo& song = info(library().face(set("serif-zh").faces.front().regular));
  EXPECT_EQ(song.family, "Noto Serif CJK SC");
  EXPECT_TRUE(song.cff);
  EXPECT_NE(song.path.find("NotoSerifCJK-Regular.ttc"), std::string::npos);
  EXPECT_FALSE(info(library().face(set("kai").faces.front().regular)).cff);
  EXPECT_TRUE(set("serif-zh").faces.front().han);
  EXPECT_FALSE(set("mono").faces.front().han);
  // Faces are shared: Noto Serif CJK SC regular appears in two sets, opened once.
  EXPECT_EQ(set("serif-zh").faces.front().regular, set("serif").faces[1].regular);
  for (int i = 0; i < library().face_count(); ++i) {
    EXPECT_EQ(library().face_id(library().face(i)), i);
    EXPECT_FALSE(info(library().face(i)).postscript_name.empty());
  }
}

TEST(FontLibrary, EveryCharacterOfTheSeedDocumentIsDrawable) {
  const std::string text =
      read_text(std::filesystem::path(MOYIN_TEST_DATA_DIR) / "corpus" / "llm-survey-2025.md");
  ASSERT_FALSE(text.empty());
  std::set<char32_t> cps;
  for (size_t i = 0; i < text.size();) {
    char32_t cp = base::next_code_point(text, i);
    if (cp >= 0x20) cps.insert(cp);
  }
  EXPECT_GT(cps.size(), 700u);
  for (const char* name : {"serif-zh", "sans-zh", "mono"}) {
    for (char32_t cp : cps) {
      for (bool bold : {false, true}) {
        FaceChoice c = library().select(set(name), cp, bold, false);
        if (!c.covered) c = library().fallback(cp, "zh-Hans", bold);
        EXPECT_TRUE(c.covered) << name << " U+" << std::hex << static_cast<unsigned>(cp);
        EXPECT_NE(glyph_of(*c.face, cp), 0u);
      }
    }
  }
}

TEST(FontLibrary, FallbackPerCharacter) {
  const FontSet& body = set("serif-zh");
  EXPECT_EQ(family_of(library().select(body, U'中')), "Noto Serif CJK SC");
  EXPECT_EQ(family_of(library().select(body, U'A')), "Noto Serif CJK SC");  // its own Latin
  // Symbols the set lacks come from an installed face fontconfig offers
  // (fonts-symbola, installed by scripts/setup): never lost.
  for (char32_t cp : {U'✅', U'❌'}) {
    ASSERT_FALSE(library().select(body, cp).covered) << static_cast<unsigned>(cp);
    FaceChoice c = library().fallback(cp, "zh-Hans");
    ASSERT_TRUE(c.covered) << static_cast<unsigned>(cp);
    EXPECT_TRUE(has_glyph(*c.face, cp));
    EXPECT_NE(glyph_of(*c.face, cp), 0u);
    EXPECT_EQ(&library().face(c.face_id), c.face);
    EXPECT_EQ(library().face_id(*c.face), c.face_id);
  }
  // CJK Extension B (fonts-hanazono).
  FaceChoice ext_b = library().fallback(0x2A6A5, "zh-Hans");  // 𪚥
  ASSERT_TRUE(ext_b.covered);
  EXPECT_NE(glyph_of(*ext_b.face, 0x2A6A5), 0u);
  // Nothing installed has a private-use code point.
  EXPECT_FALSE(library().fallback(0xF0000, "zh-Hans").covered);
  // Code: Latin from DejaVu Sans Mono, Han from Noto Sans Mono CJK SC.
  EXPECT_EQ(family_of(library().select(set("mono"), U'x')), "DejaVu Sans Mono");
  EXPECT_EQ(family_of(library().select(set("mono"), U'汉')), "Noto Sans Mono CJK SC");
}

// The fallback follows fontconfig's sorted list for the document's own
// language, whatever it is: Hong Kong Chinese gets the HK face of Noto CJK,
// Arabic and German documents get faces that have their letters.
TEST(FontLibrary, FallbackOrderForAnyLanguage) {
  EXPECT_EQ(family_of(library().fallback(U'中', "zh-HK")), "Noto Sans CJK HK");
  EXPECT_EQ(family_of(library().fallback(U'中', "zh-Hant")), "Noto Sans CJK TC");
  EXPECT_EQ(family_of(library().fallback(U'中', "zh-Hans")), "Noto Sans CJK SC");
  EXPECT_EQ(family_of(library().fallback(U'中', "")), "Noto Sans CJK SC");
  for (auto [cp, lang] : {std::pair{U'\u0627', "ar"}, {U'\u05D0', "he-IL"}, {U'\u00E4', "de_DE"}}) {
    FaceChoice c = library().fallback(cp, lang);
    ASSERT_TRUE(c.covered) << lang;
    EXPECT_NE(glyph_of(*c.face, cp), 0u) << lang;
  }
}

// A font file a document names gets the bold face of its family (installed,
// or beside it); without one, a warning says bold is synthesised.
TEST(FontLibrary, NamedFontFileGetsItsBold) {
  doc::Diagnostics d;
  const FontSet& named = library().named_set("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
                                             "/", set("serif-zh"), d, "doc.md");
  EXPECT_TRUE(d.items.empty()) << doc::format(d.items[0]);
  ASSERT_GE(named.faces.front().bold, 0);
  EXPECT_EQ(info(library().face(named.faces.front().bold)).family, "DejaVu Serif");
  EXPECT_TRUE(info(library().face(named.faces.front().bold)).bold);
  EXPECT_FALSE(library().select(named, U'A', true).synthetic_bold);

  // Symbola (fonts-symbola) has no bold anywhere.
  const FontSet& symbola =
      library().named_set("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf", "/",
                          set("serif-zh"), d, "doc.md");
  EXPECT_LT(symbola.faces.front().bold, 0);
  ASSERT_EQ(d.items.size(), 1u);
  EXPECT_NE(
      d.items[0].message.find("(family `Symbola`) has no bold face installed or in its folder"),
      std::string::npos)
      << d.items[0].message;
}

TEST(FontLibrary, QuotesNextToHanUseTheHanFace) {
  const FontSet& mono = set("mono");
  EXPECT_EQ(family_of(library().select(mono, U'“')), "DejaVu Sans Mono");
  EXPECT_EQ(family_of(library().select(mono, U'“', false, false, true)), "Noto Sans Mono CJK SC");
  EXPECT_EQ(family_of(library().select(mono, U'’', false, false, true)), "Noto Sans Mono CJK SC");
}

TEST(FontLibrary, BoldFromTheFamilyOrSynthetic) {
  FaceChoice b = library().select(set("serif-zh"), U'中', true, false);
  EXPECT_TRUE(info(*b.face).bold);
  EXPECT_FALSE(b.synthetic_bold);
  EXPECT_NE(info(*b.face).path.find("NotoSerifCJK-Bold"), std::string::npos);
  FaceChoice r = library().select(set("serif-zh"), U'中', false, false);
  EXPECT_FALSE(info(*r.face).bold);
  EXPECT_NE(r.face_id, b.face_id);
  // Hei headings have a real bold face too.
  FaceChoice h = library().select(set("sans-zh"), U'中', true, false);
  EXPECT_EQ(family_of(h), "Noto Sans CJK SC");
  EXPECT_FALSE(h.synthetic_bold);
  EXPECT_TRUE(info(*h.face).bold);
  // A fallback face without a bold face (Symbola) is made bold synthetically.
  FaceChoice s = library().fallback(U'✅', "zh-Hans", true);
  ASSERT_TRUE(s.covered);
  EXPECT_TRUE(s.synthetic_bold);
  // DejaVu Sans Mono has a real bold.
  FaceChoice m = library().select(set("mono"), U'x', true, false);
  EXPECT_FALSE(m.synthetic_bold);
  EXPECT_TRUE(info(*m.face).bold);
}

TEST(FontLibrary, ItalicLatinOnlyHanStaysUpright) {
  FaceChoice mi = library().select(set("mono"), U'x', false, true);
  EXPECT_TRUE(info(*mi.face).italic);
  EXPECT_FALSE(mi.synthetic_italic);
  FaceChoice mbi = library().select(set("mono"), U'x', true, true);
  EXPECT_TRUE(info(*mbi.face).italic);
  EXPECT_TRUE(info(*mbi.face).bold);
  // LXGW WenKai has no italic: Latin is slanted synthetically, Han is not.
  FaceChoice li = library().select(set("serif-zh"), U'x', false, true);
  EXPECT_TRUE(li.synthetic_italic);
  FaceChoice hi = library().select(set("serif-zh"), U'中', false, true);
  EXPECT_FALSE(hi.synthetic_italic);
  EXPECT_FALSE(info(*hi.face).italic);
}

TEST(FontLibrary, UncoveredCharacter) {
  // A private-use code point no default face maps.
  FaceChoice c = library().select(set("serif-zh"), 0x10FFFD);
  EXPECT_FALSE(c.covered);
  ASSERT_NE(c.face, nullptr);
  EXPECT_EQ(glyph_of(*c.face, 0x10FFFD), 0u);
  EXPECT_FALSE(has_glyph(*c.face, 0x110000));
}

TEST(Shape, AdvancesEqualHmtxForHanAndLatin) {
  const Face& wenkai = library().face(set("serif-zh").faces[0].regular);
  const std::string han = "中文排版，标点。";
  auto g = shape(wenkai, han, "Hani", "zh-Hans");
  ASSERT_EQ(g.size(), 8u);
  size_t i = 0;
  for (const ShapedGlyph& s : g) {
    EXPECT_DOUBLE_EQ(s.x_advance, advance_em(wenkai, s.gid));
    EXPECT_EQ(s.cluster, i);
    EXPECT_EQ(s.gid, glyph_of(wenkai, U"中文排版，标点。"[i / 3]));
    i += 3;
  }
  EXPECT_DOUBLE_EQ(g[0].x_advance, 1.0);  // Han is 1 em in a 1000-upem face

  const Face& mono = library().face(set("mono").faces[0].regular);
  auto l = shape(mono, "moyin 0.1", "Latn", "en");
  ASSERT_EQ(l.size(), 9u);
  for (size_t k = 0; k < l.size(); ++k) {
    EXPECT_DOUBLE_EQ(l[k].x_advance, advance_em(mono, l[k].gid));
    EXPECT_EQ(l[k].cluster, k);
    EXPECT_EQ(l[k].gid, glyph_of(mono, U"moyin 0.1"[k]));
  }
  EXPECT_EQ(info(mono).units_per_em, 2048);
  EXPECT_TRUE(info(mono).monospace);
}

TEST(Shape, ClustersAreByteOffsetsIntoTheWholeText) {
  const Face& wenkai = library().face(set("serif-zh").faces[0].regular);
  const std::string text = "汉字Latin";
  auto part = shape(wenkai, text, 6, 5, "Latn", "zh-Hans");
  ASSERT_EQ(part.size(), 5u);
  EXPECT_EQ(part.front().cluster, 6u);
  EXPECT_EQ(part.back().cluster, 10u);
  EXPECT_TRUE(shape(wenkai, "", "Latn", "").empty());
  EXPECT_TRUE(shape(wenkai, text, 100, 5, "Latn", "").empty());
  // Script guessed when not given; non-BMP text does not break shaping.
  EXPECT_EQ(shape(wenkai, "𠮷a", "", "").size(), 2u);
}

TEST(Shape, ThreadSafe) {
  const Face& wenkai = library().face(set("serif-zh").faces[0].regular);
  const Face& mono = library().face(set("mono").faces[0].regular);
  const std::string zh = "大语言模型（LLM）在 2025 年的进展：推理、工具调用与多模态。";
  const auto expect_zh = shape(wenkai, zh, "Hani", "zh-Hans");
  const auto expect_en = shape(mono, "office fluffy -> x", "Latn", "en");
  auto work = [&](int seed, int& failures) {
    for (int i = 0; i < 300; ++i) {
      auto a = shape(wenkai, zh, "Hani", "zh-Hans");
      auto b = shape(mono, "office fluffy -> x", "Latn", "en");
      FaceChoice c = library().select(set("serif-zh"), U'中' + (i + seed) % 50, i % 2, false);
      if (a.size() != expect_zh.size() || b.size() != expect_en.size() || !c.covered) ++failures;
      for (size_t k = 0; k < a.size() && k < expect_zh.size(); ++k)
        if (a[k].gid != expect_zh[k].gid || a[k].x_advance != expect_zh[k].x_advance) ++failures;
    }
  };
  int f1 = 0, f2 = 0;
  std::thread t1(work, 1, std::ref(f1));
  std::thread t2(work, 2, std::ref(f2));
  t1.join();
  t2.join();
  EXPECT_EQ(f1, 0);
  EXPECT_EQ(f2, 0);
}

void expect_same_glyphs(const std::vector<ShapedGlyph>& got, const std::vector<ShapedGlyph>& want,
                        std::string_view what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t k = 0; k < want.size(); ++k) {
    EXPECT_EQ(got[k].gid, want[k].gid) << what << " glyph " << k;
    EXPECT_EQ(got[k].x_advance, want[k].x_advance) << what << " glyph " << k;
    EXPECT_EQ(got[k].x_offset, want[k].x_offset) << what << " glyph " << k;
    EXPECT_EQ(got[k].y_offset, want[k].y_offset) << what << " glyph " << k;
    EXPECT_EQ(got[k].cluster, want[k].cluster) << what << " glyph " << k;
  }
}

// A Shaper keeps its plans and buffer between calls: what it shapes is what
// hb_shape (font::shape) shapes, whatever came before it in the same Shaper.
TEST(Shaper, ShapesWhatHbShapeShapes) {
  const Face& wenkai = library().face(set("serif-zh").faces[0].regular);
  const Face& mono = library().face(set("mono").faces[0].regular);
  struct Case {
    const Face* face;
    std::string text, script, lang;
  };
  const std::vector<Case> cases = {
      {&wenkai, "大语言模型（LLM）在 2025 年的进展：「推理」。", "Hani", "zh-Hans"},
      {&wenkai, "office fluffy AVATAR Type", "", "zh-Hans"},
      {&mono, "office fluffy -> x != y", "", "en"},
      {&mono, "fi ffl", "Latn", "en"},
      {&wenkai, "𠮷a", "", ""},
      {&wenkai, "“引号”‘单’", "Hani", "zh-Hant"},
      {&mono, "1.5 - 2", "", ""},
      {&wenkai, "x", "Latn", "en"},
  };
  Shaper shaper;
  for (int round = 0; round < 3; ++round)  // plans made in round 0, reused after
    for (const Case& c : cases)
      expect_same_glyphs(shaper.shape(*c.face, c.text, c.script, c.lang),
                         shape(*c.face, c.text, c.script, c.lang), c.text);
  // One plan per face and segment properties, not per call.
  const size_t plans = shaper.plans();
  EXPECT_GE(plans, 4u);
  EXPECT_LE(plans, cases.size());
  shaper.shape(wenkai, "再一次", "Hani", "zh-Hans");
  EXPECT_EQ(shaper.plans(), plans);
  EXPECT_TRUE(shaper.shape(wenkai, "", "Hani", "zh-Hans").empty());
  // Moved, it keeps working.
  Shaper moved = std::move(shaper);
  expect_same_glyphs(moved.shape(mono, "office", "", "en"), shape(mono, "office", "", "en"),
                     "moved");
}

// One Shaper per thread, the faces shared.
TEST(Shaper, OnePerThread) {
  const Face& wenkai = library().face(set("serif-zh").faces[0].regular);
  const std::string zh = "推理、工具调用与多模态 office。";
  const auto expect = shape(wenkai, zh, "Hani", "zh-Hans");
  auto work = [&](int& failures) {
    Shaper shaper;
    for (int i = 0; i < 200; ++i) {
      auto got = shaper.shape(wenkai, zh, "Hani", "zh-Hans");
      if (got.size() != expect.size()) ++failures;
      for (size_t k = 0; k < got.size() && k < expect.size(); ++k)
        if (got[k].gid != expect[k].gid || got[k].x_advance != expect[k].x_advance) ++failures;
    }
  };
  int f1 = 0, f2 = 0;
  std::thread t1(work, std::ref(f1));
  std::thread t2(work, std::ref(f2));
  t1.join();
  t2.join();
  EXPECT_EQ(f1, 0);
  EXPECT_EQ(f2, 0);
}

// prepare_shaping only makes earlier what the first shape() makes: the same
// glyphs, whether it runs before, during (another thread) or not at all.
TEST(Shape, PreparingAFaceChangesNothing) {
  const FaceInfo& body = info(library().face(set("serif-zh").faces[0].regular));
  doc::Diagnostics diags;
  FacePtr plain = open_face(body.path, body.index, diags);
  FacePtr prepared = open_face(body.path, body.index, diags);
  ASSERT_TRUE(plain && prepared);
  const std::string text = "大语言模型（LLM）在 2025 年的进展：「推理」与 office fluffy。";
  const std::string_view scripts[] = {"Hani", "Latn"};
  std::thread warm([&] { prepare_shaping(*prepared, scripts, "zh-Hans"); });
  const auto during = shape(*prepared, text, "Hani", "zh-Hans");
  warm.join();
  prepare_shaping(*prepared, scripts, "zh-Hans");  // again: nothing more to make
  const auto after = shape(*prepared, text, "Hani", "zh-Hans");
  const auto expect = shape(*plain, text, "Hani", "zh-Hans");
  ASSERT_FALSE(expect.empty());
  for (const auto* got : {&during, &after}) {
    ASSERT_EQ(got->size(), expect.size());
    for (size_t k = 0; k < expect.size(); ++k) {
      EXPECT_EQ((*got)[k].gid, expect[k].gid) << k;
      EXPECT_EQ((*got)[k].x_advance, expect[k].x_advance) << k;
      EXPECT_EQ((*got)[k].cluster, expect[k].cluster) << k;
    }
  }
}

// A tiny "OTTO" sfnt with a CFF table: the shape of every .otf CJK font.
void write_cff_font(const std::filesystem::path& p) {
  std::string f;
  auto u16 = [&](unsigned v) {
    f += static_cast<char>(v >> 8);
    f += static_cast<char>(v & 0xFF);
  };
  auto u32 = [&](uint32_t v) {
    u16(v >> 16);
    u16(v & 0xFFFF);
  };
  f += "OTTO";
  u16(1), u16(16), u16(0), u16(0);  // numTables, searchRange, entrySelector, rangeShift
  f += "CFF ";
  u32(0), u32(12 + 16), u32(8);  // checksum, offset, length
  f += std::string("\x01\x00\x04\x01\x00\x00\x00\x00", 8);
  std::ofstream(p, std::ios::binary) << f;
}

// has_glyph asks the cmap for a face's first lookups and a bitmap made from
// the cmap after that (face_impl.h): both must give the same answers.
TEST(FontLibrary, CmapLookupsAndCoverageBitmapAgree) {
  const FaceInfo& song = info(library().face(set("serif-zh").faces.front().regular));
  doc::Diagnostics d;
  FacePtr f = open_face(song.path, song.index, d);
  ASSERT_NE(f, nullptr);
  // 0x8000 lookups (the direct ones, Basic Latin to the Han block), then
  // the same code points again from the bitmap.
  std::vector<bool> direct;
  for (char32_t cp = 0x3000; cp < 0x3000 + 0x8000; ++cp) direct.push_back(has_glyph(*f, cp));
  EXPECT_GT(std::count(direct.begin(), direct.end(), true), 20000);
  for (char32_t cp = 0x3000; cp < 0x3000 + 0x8000; ++cp)
    ASSERT_EQ(has_glyph(*f, cp), direct[cp - 0x3000]) << std::hex << static_cast<uint32_t>(cp);
  EXPECT_FALSE(has_glyph(*f, 0x110000));
}

TEST(FontLibrary, CffFacesOpenCff2IsRejected) {
  // A real CFF face: Noto Serif CJK SC inside its .ttc, as the library found it.
  const FaceInfo& song = info(library().face(set("serif-zh").faces.front().regular));
  doc::Diagnostics d0;
  FacePtr f = open_face(song.path, song.index, d0);
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(info(*f).cff);
  EXPECT_EQ(info(*f).units_per_em, 1000);
  EXPECT_TRUE(has_glyph(*f, U'宋'));
  EXPECT_TRUE(d0.items.empty());

  // A CFF table without cmap/hmtx is not a usable font.
  auto dir = scratch_dir();
  write_cff_font(dir / "cff.otf");
  doc::Diagnostics d1;
  EXPECT_EQ(open_face(dir / "cff.otf", 0, d1), nullptr);
  ASSERT_EQ(d1.items.size(), 1u);
  EXPECT_NE(d1.items[0].message.find("outlines"), std::string::npos);

  std::ofstream(dir / "fonts.yaml") << "sets:\n  body:\n    - LXGW WenKai\n    - path: cff.otf\n";
  doc::Diagnostics d2;
  EXPECT_FALSE(FontLibrary::load(dir / "fonts.yaml", d2));
  ASSERT_TRUE(d2.has_errors());
  EXPECT_EQ(d2.items[0].pos.line, 4);
  std::filesystem::remove_all(dir);
}

// A face is opened once however its file is named: through a linked folder,
// a linked file, `..`, or its own path (the canonical path is its key).
TEST(FontLibrary, OneFacePerFileHoweverNamed) {
  const std::filesystem::path real = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  auto dir = scratch_dir();
  std::filesystem::create_directory_symlink(real.parent_path(), dir / "folder");
  std::filesystem::create_symlink(real, dir / "link.ttf");
  std::filesystem::create_directory(dir / "sub");
  std::ofstream(dir / "f.yaml") << "sets:\n  a:\n    - path: " << real.string()
                                << "\n    - path: folder/DejaVuSans.ttf\n    - path: link.ttf"
                                << "\n    - path: sub/../folder/DejaVuSans.ttf\n";
  doc::Diagnostics d;
  auto lib = FontLibrary::load(dir / "f.yaml", d);
  ASSERT_TRUE(lib);
  EXPECT_TRUE(d.items.empty());
  const FontSet* set = lib->find_set("a");
  ASSERT_NE(set, nullptr);
  ASSERT_EQ(set->faces.size(), 4u);
  for (const FontFamilyEntry& e : set->faces) EXPECT_EQ(e.regular, set->faces.front().regular);
  EXPECT_EQ(lib->face_count(), 1);
  std::filesystem::remove_all(dir);
}

TEST(FontLibrary, ConfigErrors) {
  auto dir = scratch_dir();
  auto load = [&](const std::string& yaml, doc::Diagnostics& d) {
    std::ofstream(dir / "f.yaml") << yaml;
    return FontLibrary::load(dir / "f.yaml", d);
  };
  {
    doc::Diagnostics d;
    EXPECT_FALSE(FontLibrary::load(dir / "absent.yaml", d));
    EXPECT_TRUE(d.has_errors());
  }
  {
    doc::Diagnostics d;
    EXPECT_FALSE(load("sets: [unclosed\n", d));
    EXPECT_TRUE(d.has_errors());
  }
  {
    doc::Diagnostics d;
    EXPECT_FALSE(load("fonts: {}\n", d));
    EXPECT_TRUE(d.has_errors());
  }
  {
    // A missing family is a warning; a set left empty is an error.
    doc::Diagnostics d;
    EXPECT_FALSE(load("sets:\n  a:\n    - No Such Family Anywhere\n", d));
    ASSERT_EQ(d.items.size(), 2u);
    EXPECT_EQ(d.items[0].severity, doc::Severity::Warning);
    EXPECT_EQ(d.items[0].pos.line, 3);
    EXPECT_EQ(d.items[1].severity, doc::Severity::Error);
  }
  {
    // Missing family skipped, the rest of the set works; unknown keys warn.
    doc::Diagnostics d;
    auto lib = load(
        "sets:\n  a:\n    - No Such Family Anywhere\n    - family: DejaVu Sans\n      colour: red\n",
        d);
    ASSERT_TRUE(lib);
    EXPECT_EQ(d.items.size(), 2u);
    EXPECT_EQ(d.items[1].pos.line, 5);
    EXPECT_EQ(lib->find_set("a")->faces.size(), 1u);
  }
  {
    doc::Diagnostics d;
    EXPECT_FALSE(load("sets:\n  a:\n    - path: does-not-exist.ttf\n", d));
    EXPECT_TRUE(d.has_errors());
    EXPECT_EQ(d.items[0].pos.line, 3);
  }
  {
    doc::Diagnostics d;
    std::ofstream(dir / "junk.ttf") << "not a font at all";
    EXPECT_FALSE(load("sets:\n  a:\n    - junk.ttf\n", d));
    EXPECT_TRUE(d.has_errors());
  }
  {
    // A .ttc face index out of range.
    doc::Diagnostics d;
    EXPECT_FALSE(
        load("sets:\n  a:\n    - path: /usr/share/fonts/truetype/wqy/wqy-microhei.ttc\n"
             "      index: 7\n",
             d));
    EXPECT_TRUE(d.has_errors());
  }
  std::filesystem::remove_all(dir);
}

TEST(FontLibrary, ExplicitPathsAndTtcIndex) {
  auto dir = scratch_dir();
  std::ofstream(dir / "f.yaml")
      << "sets:\n  a:\n    - path: /usr/share/fonts/truetype/wqy/wqy-microhei.ttc\n      index: 1\n"
         "      bold: /usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKaiMono-Bold.ttf\n";
  doc::Diagnostics d;
  auto lib = FontLibrary::load(dir / "f.yaml", d);
  ASSERT_TRUE(lib) << (d.items.empty() ? "" : doc::format(d.items[0]));
  const FontSet& a = *lib->find_set("a");
  EXPECT_EQ(info(lib->face(a.faces[0].regular)).index, 1);
  EXPECT_EQ(info(lib->face(a.faces[0].regular)).family, "WenQuanYi Micro Hei Mono");
  FaceChoice b = lib->select(a, U'中', true);
  EXPECT_FALSE(b.synthetic_bold);
  EXPECT_EQ(info(*b.face).family, "LXGW WenKai Mono");
  std::filesystem::remove_all(dir);
}

TEST(MissingGlyphs, OneWarningPerCharacterAtItsFirstPosition) {
  MissingGlyphs m;
  EXPECT_TRUE(m.empty());
  m.note(0x20BB7, {3, 5});
  m.note(0xE000, {4, 1});
  m.note(0x20BB7, {9, 9});
  m.note(0x20BB7, {3, 5});  // the same place set twice (TOC, table measured twice)
  m.note(0x2705, {6, 2});
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(m.uses(0x20BB7), 2u);
  doc::Diagnostics d;
  m.report("doc.md", d);
  ASSERT_EQ(d.items.size(), 3u);
  EXPECT_EQ(d.items[0].pos, (doc::Position{3, 5}));
  EXPECT_EQ(d.items[0].message,
            "no font draws U+20BB7 𠮷 (first of 2 uses); install fonts-hanazono (CJK Extension B "
            "and beyond) or add a face to the style");
  EXPECT_EQ(d.items[1].pos, (doc::Position{4, 1}));
  EXPECT_NE(d.items[1].message.find("U+E000"), std::string::npos);
  EXPECT_NE(d.items[1].message.find("private-use"), std::string::npos);
  EXPECT_EQ(d.items[1].message.find("uses"), std::string::npos);  // used once
  EXPECT_NE(d.items[2].message.find("fonts-symbola"), std::string::npos);
  doc::Diagnostics none;
  MissingGlyphs().report("x", none);
  EXPECT_TRUE(none.items.empty());
}

}  // namespace
}  // namespace moyin::font

namespace moyin::font {
namespace {

struct CommandResult {
  int status = -1;
  std::string out;
};

CommandResult run_moyin(const std::string& args) {
  CommandResult r;
  const std::string cmd = std::string("'") + MOYIN_BINARY + "' " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

TEST(FontsCommand, ListsSetsAndFiles) {
  CommandResult r = run_moyin("fonts");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("serif-zh  (body"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sans-zh  (h1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Noto Serif CJK SC Bold"), std::string::npos);
  EXPECT_NE(r.out.find("NotoSansCJK-Bold.ttc"), std::string::npos);
  EXPECT_NE(r.out.find("LXGWWenKai-Bold.ttf"), std::string::npos);  // the kai set
}

TEST(FontsCommand, SeedDocumentIsFullyDrawable) {
  const std::string doc =
      (std::filesystem::path(MOYIN_TEST_DATA_DIR) / "corpus" / "llm-survey-2025.md").string();
  CommandResult r = run_moyin("fonts --check '" + doc + "'");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("every character is drawable"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Noto Serif CJK SC Regular"), std::string::npos);
  EXPECT_NE(r.out.find("Noto Serif CJK SC Bold"), std::string::npos);  // **strong**
  EXPECT_NE(r.out.find("Noto Sans CJK SC Bold"), std::string::npos);   // headings
  EXPECT_EQ(r.out.find("(synthetic bold)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("warning"), std::string::npos) << r.out;
}

TEST(FontsCommand, UndrawableCharactersFailWithPositions) {
  auto dir = scratch_dir();
  // U+F8FF and U+10FFFD are private-use: no default face maps them.
  std::ofstream(dir / "d.md")
      << "# 标题\n\n正文 \xef\xa3\xbf 和 `code`\n\n第二段 \xf4\x8f\xbf\xbd 与 \xef\xa3\xbf\n";
  CommandResult r = run_moyin("fonts --check '" + (dir / "d.md").string() + "'");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("d.md:3:8: warning: no font draws U+F8FF \xef\xa3\xbf (first of 2 uses); a "
                       "private-use character"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("d.md:5:11: warning: no font draws U+10FFFD"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("U+F8FF"), std::string::npos);
  EXPECT_NE(r.out.find("U+10FFFD"), std::string::npos);
  EXPECT_NE(r.out.find("d.md:3:"), std::string::npos) << r.out;
  EXPECT_EQ(run_moyin("fonts --check '" + (dir / "absent.md").string() + "'").status, 1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace moyin::font
