// Subsetting: the output loads back (as a face the font stage can open) and
// holds exactly the requested characters / glyphs.
#include "font/subset.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <utility>

#include "base/utf8.h"
#include "font/font.h"
#include "test_fonts.h"

namespace moyin::font {
namespace {

namespace fs = std::filesystem;

const char* kDejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const char* kWenKai = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf";
const char* kMicroHei = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

class SubsetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("moyin-subset-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::vector<std::byte> read(const char* path) {
    std::string err;
    auto bytes = read_font_file(path, err);
    EXPECT_TRUE(bytes) << err;
    return bytes ? *bytes : std::vector<std::byte>{};
  }
  // Writes `bytes` and opens them as a face: the subset must load back.
  FacePtr reopen(const std::vector<std::byte>& bytes, const std::string& name) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    doc::Diagnostics d;
    FacePtr f = open_face(p, 0, d);
    for (const auto& i : d.items) ADD_FAILURE() << doc::format(i);
    return f;
  }
  fs::path dir_;
};

std::vector<char32_t> code_points(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) out.push_back(base::next_code_point(s, i));
  return out;
}

TEST_F(SubsetTest, CodePointSubsetHasExactlyTheRequestedCharacters) {
  auto file = read(kWenKai);
  auto cps = code_points("中文排版，Latin 123");
  std::string err;
  auto sub = subset_codepoints(file, 0, cps, err);
  ASSERT_TRUE(sub) << err;
  EXPECT_LT(sub->size(), file.size() / 20);
  FacePtr face = reopen(*sub, "wenkai-sub.ttf");
  ASSERT_TRUE(face);
  for (char32_t cp : cps)
    EXPECT_TRUE(has_glyph(*face, cp)) << std::hex << static_cast<uint32_t>(cp);
  for (char32_t cp : code_points("字体ZxY9"))
    EXPECT_FALSE(has_glyph(*face, cp)) << std::hex << static_cast<uint32_t>(cp);
}

TEST_F(SubsetTest, CodePointSubsetOfCollectionFace) {
  auto file = read(kMicroHei);
  auto cps = code_points("微米黑");
  for (int index : {0, 1}) {
    std::string err;
    auto sub = subset_codepoints(file, index, cps, err);
    ASSERT_TRUE(sub) << err;
    FacePtr face = reopen(*sub, "mh" + std::to_string(index) + ".ttf");
    ASSERT_TRUE(face);
    for (char32_t cp : cps) EXPECT_TRUE(has_glyph(*face, cp));
    EXPECT_FALSE(has_glyph(*face, U'中'));
  }
  std::string err;
  EXPECT_FALSE(subset_codepoints(file, 7, cps, err));
  EXPECT_NE(err.find("no face 7"), std::string::npos) << err;
}

TEST_F(SubsetTest, GlyphSubsetMapsPrivateUseCodesToTheSameGlyphs) {
  doc::Diagnostics d;
  FacePtr orig = open_face(kDejaVu, 0, d);
  ASSERT_TRUE(orig);
  // Shaped text: ligatures (if the face forms them) are glyphs no cmap reaches.
  auto shaped = shape(*orig, "office affine flow → ≥", "", "");
  std::vector<uint32_t> gids;
  for (const auto& g : shaped) gids.push_back(g.gid);
  auto file = read(kDejaVu);
  std::string err;
  auto sub = subset_glyphs_pua(file, 0, gids, err);
  ASSERT_TRUE(sub) << err;
  FacePtr face = reopen(sub->font, "dejavu-pua.ttf");
  ASSERT_TRUE(face);
  std::set<uint32_t> distinct(gids.begin(), gids.end());
  EXPECT_EQ(sub->code_of.size(), distinct.size());
  std::set<uint16_t> codes;
  for (uint32_t g : distinct) {
    ASSERT_TRUE(sub->code_of.count(g));
    uint16_t code = sub->code_of.at(g);
    codes.insert(code);
    EXPECT_GE(code, kPuaFirst);
    EXPECT_LT(code, kPuaFirst + sub->glyph_count);
    uint32_t new_gid = glyph_of(*face, code);
    EXPECT_NE(new_gid, 0u) << "code " << std::hex << code;
    EXPECT_DOUBLE_EQ(advance_em(*face, new_gid), advance_em(*orig, g)) << "glyph " << g;
  }
  EXPECT_EQ(codes.size(), distinct.size()) << "two glyphs share a code";
  // The new cmap holds only private-use codes.
  EXPECT_FALSE(has_glyph(*face, U'o'));
  EXPECT_FALSE(has_glyph(*face, U'→'));
  // .notdef plus the requested glyphs (DejaVu's are simple, no components).
  EXPECT_EQ(sub->glyph_count, static_cast<int>(distinct.size()) + 1);
}

// The glyph-addressed subset is cut from the face seen without its cmap
// (replaced anyway): composite glyphs still bring their components, and a
// glyph no character maps to (a ligature) is kept like any other.
TEST_F(SubsetTest, GlyphSubsetKeepsCompositeComponentsAndUnmappedGlyphs) {
  doc::Diagnostics d;
  FacePtr orig = open_face(kDejaVu, 0, d);
  ASSERT_TRUE(orig);
  const uint32_t e_acute = glyph_of(*orig, U'é');
  ASSERT_NE(e_acute, 0u);
  auto fi = shape(*orig, "fi", "", "");
  ASSERT_EQ(fi.size(), 1u) << "DejaVu Sans forms the fi ligature";
  std::vector<uint32_t> gids = {e_acute, fi[0].gid};
  std::string err;
  auto sub = subset_glyphs_pua(kDejaVu, 0, gids, err);
  ASSERT_TRUE(sub) << err;
  // .notdef, é, its base and accent glyphs, the ligature.
  EXPECT_GE(sub->glyph_count, 5);
  FacePtr face = reopen(sub->font, "dejavu-composite.ttf");
  ASSERT_TRUE(face);
  for (uint32_t g : gids) {
    const uint32_t new_gid = glyph_of(*face, sub->code_of.at(g));
    EXPECT_NE(new_gid, 0u) << "glyph " << g;
    EXPECT_DOUBLE_EQ(advance_em(*face, new_gid), advance_em(*orig, g)) << "glyph " << g;
  }
}

TEST_F(SubsetTest, GlyphSubsetReachesCharactersBeyondTheBmp) {
  doc::Diagnostics d;
  FacePtr orig = open_face(kWenKai, 0, d);
  ASSERT_TRUE(orig);
  if (!has_glyph(*orig, 0x20BB7)) GTEST_SKIP() << "LXGW WenKai lacks U+20BB7 here";
  uint32_t g = glyph_of(*orig, 0x20BB7);
  uint32_t h = glyph_of(*orig, U'中');
  std::vector<uint32_t> gids = {g, h, g};
  auto file = read(kWenKai);
  std::string err;
  auto sub = subset_glyphs_pua(file, 0, gids, err);
  ASSERT_TRUE(sub) << err;
  FacePtr face = reopen(sub->font, "wenkai-pua.ttf");
  ASSERT_TRUE(face);
  EXPECT_EQ(sub->glyph_count, 3);
  EXPECT_EQ(sub->code_of.size(), 2u);
  EXPECT_DOUBLE_EQ(advance_em(*face, glyph_of(*face, sub->code_of.at(g))), advance_em(*orig, g));
  EXPECT_FALSE(has_glyph(*face, 0x20BB7));
}

TEST_F(SubsetTest, MoreGlyphsThanThePrivateUseAreaContinueBelowIt) {
  doc::Diagnostics d;
  FacePtr orig = open_face(kWenKai, 0, d);
  ASSERT_TRUE(orig);
  // 9,000 glyphs: more than U+E000..U+FFFD can address.
  std::vector<uint32_t> gids;
  for (uint32_t g = 1; g <= 9000; ++g) gids.push_back(g);
  std::string err;
  auto sub = subset_glyphs_pua(std::filesystem::path(kWenKai), 0, gids, err);
  ASSERT_TRUE(sub) << err;
  FacePtr face = reopen(sub->font, "big.ttf");
  ASSERT_TRUE(face);
  std::set<uint16_t> codes;
  for (uint32_t g : {1u, 8189u, 8190u, 8191u, 9000u}) {
    uint16_t code = sub->code_of.at(g);
    codes.insert(code);
    EXPECT_TRUE(code >= kPuaFirst || (code >= 0x100 && code < 0xD800)) << code;
    uint32_t n = glyph_of(*face, code);
    ASSERT_NE(n, 0u) << "glyph " << g << " code " << code;
    EXPECT_DOUBLE_EQ(advance_em(*face, n), advance_em(*orig, g)) << "glyph " << g;
  }
  EXPECT_EQ(codes.size(), 5u);
  EXPECT_LT(sub->code_of.at(9000), kPuaFirst) << "the overflow continues below U+E000";
}

TEST_F(SubsetTest, BadInputIsAnErrorNotACrash) {
  std::vector<std::byte> junk(100, std::byte{0x42});
  std::vector<uint32_t> gids = {1, 2};
  std::string err;
  EXPECT_FALSE(subset_glyphs_pua(junk, 0, gids, err));
  EXPECT_FALSE(err.empty());
  auto file = read(kDejaVu);
  std::vector<uint32_t> too_big = {1, 999999};
  err.clear();
  EXPECT_FALSE(subset_glyphs_pua(file, 0, too_big, err));
  EXPECT_NE(err.find("999999"), std::string::npos) << err;
  err.clear();
  EXPECT_FALSE(read_font_file(dir_ / "none.ttf", err));
  EXPECT_NE(err.find("none.ttf"), std::string::npos);
}

// The Song face, found by family through the default configuration (the
// .ttc's face index is fontconfig's, never a fixed number).
std::pair<std::string, int> noto_serif_sc() {
  doc::Diagnostics d;
  auto lib = FontLibrary::load(std::filesystem::path(MOYIN_SOURCE_DIR) / "fonts/fonts.yaml", d);
  if (!lib || !lib->find_set("serif-zh")) return {};
  const FaceInfo& fi = info(lib->face(lib->find_set("serif-zh")->faces.front().regular));
  return {fi.path, fi.index};
}

// That face opened by itself (null, with the test failed, when missing).
FacePtr open_noto_serif_sc(std::string& path, int& index) {
  std::tie(path, index) = noto_serif_sc();
  EXPECT_FALSE(path.empty()) << "Noto Serif CJK SC missing: run scripts/setup";
  if (path.empty()) return nullptr;
  doc::Diagnostics d;
  FacePtr face = open_face(path, index, d);
  EXPECT_NE(face, nullptr);
  return face;
}

TEST_F(SubsetTest, CffFaceStaysCffAndIsAddressedByCid) {
  std::string path;
  int index = 0;
  FacePtr orig = open_noto_serif_sc(path, index);
  ASSERT_NE(orig, nullptr);
  ASSERT_TRUE(info(*orig).cff);
  std::vector<uint32_t> gids = {0};
  for (char32_t cp : std::u32string(U"宋体黑体，A1")) gids.push_back(glyph_of(*orig, cp));
  std::string err;
  auto sub = subset_for_pdf(path, index, gids, err);
  ASSERT_TRUE(sub) << err;
  EXPECT_EQ(sub->kind, PdfFont::Kind::Cff);
  // The bare CFF table: header major version 1, header size 4.
  ASSERT_GT(sub->program.size(), 100u);
  EXPECT_EQ(static_cast<int>(sub->program[0]), 1);
  EXPECT_EQ(static_cast<int>(sub->program[2]), 4);
  EXPECT_LT(sub->program.size(), 60000u);  // a handful of glyphs, not the whole face
  // Exactly the glyphs asked for: no variant glyphs of the face's Unicode
  // variation sequences (the subset is cut from the outlines alone).
  EXPECT_EQ(sub->glyph_count,
            static_cast<int>(std::set<uint32_t>(gids.begin(), gids.end()).size()));
  // CID-keyed: each glyph's code is its CID (distinct, .notdef is CID 0),
  // with its advance in 1/1000 em; free codes start after the last CID.
  std::set<uint16_t> codes;
  for (uint32_t g : gids) {
    const uint16_t code = sub->code_of.at(g);
    codes.insert(code);
    EXPECT_NEAR(sub->width_of.at(code), advance_em(*orig, g) * 1000, 1e-6);
    EXPECT_LT(code, sub->first_free_code);
  }
  EXPECT_EQ(codes.size(), std::set<uint32_t>(gids.begin(), gids.end()).size());
  EXPECT_EQ(sub->code_of.at(0), 0);
  EXPECT_NEAR(sub->width_of.at(sub->code_of.at(glyph_of(*orig, U'宋'))), 1000, 1e-6);
  EXPECT_GT(sub->ascent, 700);
  EXPECT_LT(sub->descent, 0);
  EXPECT_LT(sub->bbox[0], sub->bbox[2]);
}

// The PDF draws a CID-keyed face's pages with codes read before its
// subset is made (cid_font_for_pdf): they must be the subset's own, and so
// must the widths and the descriptor's metrics.
TEST_F(SubsetTest, CidFontCodesAreTheSubsetsWithoutSubsetting) {
  std::string path;
  int index = 0;
  FacePtr face = open_noto_serif_sc(path, index);
  ASSERT_NE(face, nullptr);
  // Sparse glyphs across the face (the subset renumbers them densely),
  // without .notdef: the subset adds it, and counts it.
  std::vector<uint32_t> gids;
  for (char32_t cp : std::u32string(U"墨印排版，「测试」。Aa1—…"))
    gids.push_back(glyph_of(*face, cp));
  for (uint32_t g = 1000; g < 60000; g += 997) gids.push_back(g);
  std::sort(gids.begin(), gids.end());
  gids.erase(std::unique(gids.begin(), gids.end()), gids.end());
  ASSERT_NE(gids.front(), 0u);
  std::string err;
  auto early = cid_font_for_pdf(*face, gids, err);
  ASSERT_TRUE(early) << err;
  auto sub = subset_for_pdf(*face, gids, err);
  ASSERT_TRUE(sub) << err;
  EXPECT_TRUE(early->program.empty());
  EXPECT_FALSE(sub->program.empty());
  EXPECT_EQ(early->kind, PdfFont::Kind::Cff);
  EXPECT_EQ(early->code_of, sub->code_of);
  EXPECT_EQ(early->width_of, sub->width_of);
  EXPECT_EQ(early->first_free_code, sub->first_free_code);
  EXPECT_EQ(early->glyph_count, sub->glyph_count);
  EXPECT_EQ(early->glyph_count, static_cast<int>(gids.size()) + 1);
  for (int k = 0; k < 4; ++k) EXPECT_EQ(early->bbox[k], sub->bbox[k]);
  EXPECT_EQ(early->ascent, sub->ascent);
  EXPECT_EQ(early->descent, sub->descent);
  EXPECT_EQ(early->cap_height, sub->cap_height);
  EXPECT_EQ(early->italic_angle, sub->italic_angle);
  EXPECT_EQ(early->fixed_pitch, sub->fixed_pitch);
  // The same subset as from the file's path.
  auto from_path = subset_for_pdf(path, index, gids, err);
  ASSERT_TRUE(from_path) << err;
  EXPECT_EQ(from_path->program, sub->program);
  // A glyph the face does not have is an error, not a code.
  std::vector<uint32_t> beyond = {1, 70000};
  EXPECT_FALSE(cid_font_for_pdf(*face, beyond, err));
  EXPECT_NE(err.find("70000"), std::string::npos) << err;
}

// A CID-keyed face's subset is planned without showing hb-subset its
// outlines (hb-subset 6.0 reads them while planning only to add the parts of
// `seac` accented glyphs, which a CID-keyed font cannot have): the same
// program, codes and metrics as with hb-subset's own planning, for glyphs
// spread over the whole face and for a text's. Name-keyed CFF (which may
// use seac) and TrueType faces are planned as hb-subset plans them.
TEST_F(SubsetTest, CidKeyedFacePlannedWithoutItsOutlinesGivesTheSameSubset) {
  std::string path;
  int index = 0;
  FacePtr face = open_noto_serif_sc(path, index);
  ASSERT_NE(face, nullptr);
  EXPECT_TRUE(plans_cff_without_outlines(*face)) << "hb-subset 6.0 (Debian 12) expected";
  std::vector<uint32_t> spread = {0};
  for (uint32_t g = 1; g < 65535; g += 97) spread.push_back(g);
  std::vector<uint32_t> text;
  for (char32_t cp : std::u32string(U"墨印排版：宋体、黑体与「仿宋」——Aa1fi…《测试》"))
    text.push_back(glyph_of(*face, cp));
  std::sort(text.begin(), text.end());
  text.erase(std::unique(text.begin(), text.end()), text.end());
  for (const auto& gids : {spread, text}) {
    std::string err;
    auto planned = subset_for_pdf(*face, gids, err);
    ASSERT_TRUE(planned) << err;
    auto hb_own = subset_for_pdf(*face, gids, err, CffPlanning::WithOutlines);
    ASSERT_TRUE(hb_own) << err;
    EXPECT_TRUE(planned->program == hb_own->program) << gids.size() << " glyphs";
    EXPECT_EQ(planned->code_of, hb_own->code_of);
    EXPECT_EQ(planned->width_of, hb_own->width_of);
    EXPECT_EQ(planned->glyph_count, hb_own->glyph_count);
    EXPECT_EQ(planned->first_free_code, hb_own->first_free_code);
    EXPECT_GT(planned->program.size(), 1000u);
  }
  for (const fs::path& file : {fs::path(kWenKai), test_fonts::dir() / "moyin-test-cff.otf"}) {
    doc::Diagnostics d;
    FacePtr other = open_face(file, 0, d);
    ASSERT_NE(other, nullptr) << file;
    EXPECT_FALSE(plans_cff_without_outlines(*other)) << file;
  }
}

// Codes that are the subset's glyph ids cannot be known before it is made:
// TrueType outlines and name-keyed CFF give no early answer, and no error.
TEST_F(SubsetTest, CidFontCodesOnlyForCidKeyedFaces) {
  std::vector<uint32_t> gids = {1, 2, 3};
  for (const fs::path& file : {fs::path(kWenKai), test_fonts::dir() / "moyin-test-cff.otf"}) {
    doc::Diagnostics d;
    FacePtr face = open_face(file, 0, d);
    ASSERT_NE(face, nullptr) << file;
    std::string err;
    EXPECT_FALSE(cid_font_for_pdf(*face, gids, err)) << file;
    EXPECT_EQ(err, "") << file;
    EXPECT_TRUE(subset_for_pdf(*face, gids, err)) << file << ": " << err;
  }
}

TEST_F(SubsetTest, TrueTypeFaceForPdfKeepsThePrivateUseCodes) {
  std::vector<uint32_t> gids = {0, 1, 2};
  std::string err;
  auto sub = subset_for_pdf(kWenKai, 0, gids, err);
  ASSERT_TRUE(sub) << err;
  EXPECT_EQ(sub->kind, PdfFont::Kind::TrueType);
  EXPECT_EQ(sub->code_of.at(0), kPuaFirst);
  EXPECT_EQ(sub->first_free_code, kPuaFirst + static_cast<uint32_t>(sub->glyph_count));
  EXPECT_FALSE(subset_for_pdf(dir_ / "none.otf", 0, gids, err));
}

// The PDF reaches a TrueType subset's glyphs through its CIDToGIDMap, not
// its cmap: each code must lead to the glyph the private-use cmap gives it,
// in both ranges of codes, every other code to .notdef; and the widths the
// writer's /W lists are the original glyphs'.
TEST_F(SubsetTest, TrueTypeCidToGidMapReachesTheGlyphOfEachCode) {
  doc::Diagnostics d;
  FacePtr orig = open_face(kWenKai, 0, d);
  ASSERT_TRUE(orig);
  std::vector<uint32_t> gids;  // more than U+E000..U+FFFD can address
  for (uint32_t g = 0; g <= 9000; ++g) gids.push_back(g);
  std::string err;
  auto sub = subset_for_pdf(kWenKai, 0, gids, err);
  ASSERT_TRUE(sub) << err;
  ASSERT_EQ(sub->kind, PdfFont::Kind::TrueType);
  FacePtr face = reopen(sub->program, "pdf.ttf");
  ASSERT_TRUE(face);
  const std::string map = cid_to_gid_map(*sub, 0x10000);
  ASSERT_EQ(map.size(), 0x20000u);
  auto glyph_at = [&](uint32_t code) {
    return static_cast<uint32_t>(static_cast<uint8_t>(map[2 * code]) << 8 |
                                 static_cast<uint8_t>(map[2 * code + 1]));
  };
  bool below = false;
  for (const auto& [g, code] : sub->code_of) {
    below |= code < kPuaFirst;
    const uint32_t glyph = glyph_at(code);
    EXPECT_EQ(glyph, glyph_of(*face, code)) << "code " << code;
    EXPECT_DOUBLE_EQ(advance_em(*face, glyph), advance_em(*orig, g)) << "glyph " << g;
    EXPECT_NEAR(sub->width_of.at(code), 1000 * advance_em(*orig, g), 1e-6) << "glyph " << g;
  }
  EXPECT_TRUE(below) << "no code of the second range was checked";
  EXPECT_EQ(glyph_at(sub->first_free_code), 0u);  // a .notdef stand-in
  EXPECT_EQ(glyph_at(0x20), 0u);
  EXPECT_EQ(glyph_at(0xFFFF), 0u);
  // Cut where the writer's last code is.
  EXPECT_EQ(cid_to_gid_map(*sub, kPuaFirst + 2).size(), 2u * (kPuaFirst + 2));
  EXPECT_GT(sub->ascent, 0);
  EXPECT_LT(sub->descent, 0);
}

// A face already open (the FontLibrary's, which a batch subsets hundreds of
// times) gives the same subset as the font file mapped for the call, for
// CFF and TrueType outlines alike, from two threads at once.
TEST_F(SubsetTest, OpenFaceGivesTheSubsetOfTheFile) {
  auto [cff_path, cff_index] = noto_serif_sc();
  ASSERT_FALSE(cff_path.empty()) << "Noto Serif CJK SC missing: run scripts/setup";
  doc::Diagnostics d;
  for (const auto& [path, index] : {std::pair<std::string, int>{cff_path, cff_index},
                                    std::pair<std::string, int>{kWenKai, 0}}) {
    FacePtr face = open_face(path, index, d);
    ASSERT_NE(face, nullptr) << path;
    std::vector<uint32_t> gids = {0};
    for (char32_t cp : std::u32string(U"宋体黑体，排版A1")) gids.push_back(glyph_of(*face, cp));
    std::sort(gids.begin(), gids.end());
    std::string err;
    auto from_file = subset_for_pdf(path, index, gids, err);
    ASSERT_TRUE(from_file) << err;
    std::optional<PdfFont> from_face[2];
    std::string errs[2];
    {
      std::jthread other([&] { from_face[1] = subset_for_pdf(*face, gids, errs[1]); });
      from_face[0] = subset_for_pdf(*face, gids, errs[0]);
    }
    for (int t = 0; t < 2; ++t) {
      ASSERT_TRUE(from_face[t]) << errs[t];
      EXPECT_EQ(from_face[t]->kind, from_file->kind) << path;
      EXPECT_TRUE(from_face[t]->program == from_file->program) << path;
      EXPECT_EQ(from_face[t]->code_of, from_file->code_of) << path;
      EXPECT_EQ(from_face[t]->width_of, from_file->width_of) << path;
      EXPECT_EQ(from_face[t]->first_free_code, from_file->first_free_code) << path;
    }
  }
}

TEST(FontLibrary, FindFaceByFileAndIndex) {
  doc::Diagnostics d;
  auto lib = FontLibrary::load(std::filesystem::path(MOYIN_SOURCE_DIR) / "fonts/fonts.yaml", d);
  ASSERT_TRUE(lib && lib->find_set("serif-zh"));
  const Face& face = lib->face(lib->find_set("serif-zh")->faces.front().regular);
  EXPECT_EQ(lib->find_face(info(face).path, info(face).index), &face);
  EXPECT_EQ(lib->find_face(info(face).path, info(face).index + 1000), nullptr);
  EXPECT_EQ(lib->find_face("/no/such/font.otf", 0), nullptr);
}

}  // namespace
}  // namespace moyin::font
