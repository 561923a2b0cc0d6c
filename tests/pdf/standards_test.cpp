// PDF/A-2, PDF/X-4 and CMYK output (docs/standards.md), checked on files the
// moyin binary builds: the keys each standard requires read from qpdf's
// JSON, the XMP from pdfinfo, fonts from pdffonts, and the CMYK plates
// rendered by Ghostscript's tiffsep device. veraPDF is not packaged for
// Debian, so no full validator runs here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "pdf/color.h"
#include "pdf/content.h"
#include "pdf_test_util.h"
#include "test_util.h"

namespace moyin::pdf {
namespace {

namespace fs = std::filesystem;
using namespace moyin::pdf::testing;
using nlohmann::json;

const char* kManuscript = R"(---
title: 标准测试
authors: [张三, 李四]
lang: zh-CN
date: 2025-10-28
description: 归档与印刷
---

# 第一章

正文段落，带一个[链接](https://example.org/)。

![彩色图](pic.png)

# 第二章

最后一段。
)";

// Black text only: every plate but K must stay empty.
const char* kBlackText = R"(---
title: Black
---

Plain black text on the page, in several words, to put ink on the black plate.
)";

class StandardsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = moyin::testing::test_folder("pdf-standards");
    std::ofstream(dir_ / "doc.md") << kManuscript;
    std::ofstream(dir_ / "black.md") << kBlackText;
    std::ofstream(dir_ / "pic.png", std::ios::binary) << make_png(8, 8, 8, 2);
  }
  void TearDown() override {
    if (std::getenv("MOYIN_KEEP_TEST_OUTPUT")) return;
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // Builds `name`.md with `sets` into `out`.pdf and reads its objects.
  CommandResult build(const std::string& name, const std::string& sets,
                      const std::string& out = "") {
    const fs::path o = dir_ / (out.empty() ? "out" : out);
    auto r = run_command(std::string("'") + MOYIN_BINARY + "' build '" +
                             (dir_ / (name + ".md")).string() + "' --to pdf -o '" + o.string() +
                             "' " + sets,
                         dir_);
    pdf_ = o / (name + ".pdf");
    if (r.status != 0) return r;
    auto q = run_command("qpdf --json=2 --json-stream-data=none '" + pdf_.string() + "'", dir_);
    json_ = json::parse(q.out);
    objects_ = &json_["qpdf"][1];
    return r;
  }
  const json& resolve(const json& v) const { return qpdf_resolve(*objects_, v); }
  const json& trailer() const { return (*objects_)["trailer"]["value"]; }
  const json& catalog() const { return resolve(trailer()["/Root"]); }
  // Every object whose dictionary has /Type `type` (pages, annotations).
  std::vector<json> of_type(const std::string& type, const std::string& subtype = "") const {
    std::vector<json> out;
    for (const auto& [key, o] : objects_->items()) {
      if (!o.contains("value") || !o["value"].is_object()) continue;
      const json& v = o["value"];
      if (!type.empty() && v.value("/Type", "") != type) continue;
      if (!subtype.empty() && v.value("/Subtype", "") != subtype) continue;
      out.push_back(v);
    }
    return out;
  }
  std::string xmp() { return run_command("pdfinfo -meta '" + pdf_.string() + "'", dir_).out; }
  std::string pdfinfo() { return run_command("pdfinfo '" + pdf_.string() + "'", dir_).out; }
  // The page content streams, uncompressed (qpdf --qdf).
  std::string content() {
    const fs::path qdf = dir_ / "qdf.pdf";
    run_command(
        "qpdf --qdf --object-streams=disable '" + pdf_.string() + "' '" + qdf.string() + "'", dir_);
    return read_bytes(qdf);
  }

  fs::path dir_, pdf_;
  json json_;
  const json* objects_ = nullptr;
};

TEST_F(StandardsTest, PdfA2bHasTheRequiredKeys) {
  auto r = build("doc", "--set pdf.standard=a-2b");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  // An sRGB OutputIntent with the profile embedded.
  const json& intents = catalog()["/OutputIntents"];
  ASSERT_TRUE(intents.is_array() && intents.size() == 1) << catalog().dump();
  const json& intent = resolve(intents[0]);
  EXPECT_EQ(intent["/S"], "/GTS_PDFA1");
  EXPECT_EQ(intent["/Type"], "/OutputIntent");
  EXPECT_TRUE(intent.contains("/OutputConditionIdentifier"));
  EXPECT_EQ(resolve(intent["/DestOutputProfile"])["/N"], 3);
  // A document ID in the trailer (two equal entries), no encryption.
  const json& id = trailer()["/ID"];
  ASSERT_TRUE(id.is_array() && id.size() == 2) << trailer().dump();
  EXPECT_EQ(id[0], id[1]);
  EXPECT_FALSE(trailer().contains("/Encrypt"));
  // The claim and the fields PDF/A wants equal to the Info dictionary's.
  const std::string x = xmp();
  EXPECT_NE(x.find("<pdfaid:part>2</pdfaid:part>"), std::string::npos) << x;
  EXPECT_NE(x.find("<pdfaid:conformance>B</pdfaid:conformance>"), std::string::npos) << x;
  EXPECT_NE(x.find("<rdf:li>张三, 李四</rdf:li>"), std::string::npos) << x;
  EXPECT_NE(x.find("<xmpMM:DocumentID>uuid:"), std::string::npos) << x;
  const std::string info = pdfinfo();
  EXPECT_TRUE(std::regex_search(info, std::regex(R"(Author: +张三, 李四)"))) << info;
  EXPECT_TRUE(std::regex_search(info, std::regex(R"(PDF version: +1\.7)"))) << info;
  // Every font embedded.
  auto fonts = run_command("pdffonts '" + pdf_.string() + "'", dir_).out;
  std::istringstream lines(fonts);
  std::string line;
  int checked = 0;
  for (int n = 0; std::getline(lines, line); ++n) {
    if (n < 2 || line.empty()) continue;
    EXPECT_NE(line.find(" yes "), std::string::npos) << "not embedded: " << line;
    ++checked;
  }
  EXPECT_GT(checked, 0) << fonts;
  // Links print (PDF/A: annotations have the Print flag).
  auto links = of_type("/Annot", "/Link");
  ASSERT_FALSE(links.empty());
  for (const json& a : links) EXPECT_EQ(a["/F"], 4) << a.dump();
  // Transparency: only soft masks and constant alpha, no blend modes.
  for (const json& gs : of_type("/ExtGState")) EXPECT_FALSE(gs.contains("/BM")) << gs.dump();
}

TEST_F(StandardsTest, PdfAIsReproducibleAndTheIdFollowsTheText) {
  ASSERT_EQ(build("doc", "--set pdf.standard=a-2u", "one").status, 0);
  const std::string first = read_bytes(pdf_);
  const json id = trailer()["/ID"][0];
  ASSERT_EQ(build("doc", "--set pdf.standard=a-2u", "two").status, 0);
  EXPECT_EQ(read_bytes(pdf_), first);
  ASSERT_EQ(build("black", "--set pdf.standard=a-2u").status, 0);
  EXPECT_NE(trailer()["/ID"][0], id);
  EXPECT_NE(xmp().find("<pdfaid:conformance>U</pdfaid:conformance>"), std::string::npos);
}

TEST_F(StandardsTest, PdfA2aNeedsTagging) {
  auto r = build("doc", "--set pdf.standard=a-2a --set pdf.tagged=false");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("a-2a needs a tagged PDF"), std::string::npos) << r.err;
  EXPECT_NE(xmp().find("<pdfaid:conformance>U</pdfaid:conformance>"), std::string::npos);
  EXPECT_FALSE(catalog().contains("/StructTreeRoot"));
  ASSERT_EQ(build("doc", "--set pdf.standard=a-2a").status, 0);
  EXPECT_NE(xmp().find("<pdfaid:conformance>A</pdfaid:conformance>"), std::string::npos);
  EXPECT_TRUE(catalog().contains("/StructTreeRoot"));
}

TEST_F(StandardsTest, NoStandardNoClaim) {
  ASSERT_EQ(build("doc", "").status, 0);
  EXPECT_FALSE(catalog().contains("/OutputIntents"));
  EXPECT_FALSE(trailer().contains("/ID"));
  EXPECT_EQ(xmp().find("pdfaid"), std::string::npos);
}

TEST_F(StandardsTest, PdfX4IsCmykWithBoxesAndIntent) {
  auto r = build("doc", "--set pdf.standard=x-4");
  ASSERT_EQ(r.status, 0) << r.err;
  const json& intents = catalog()["/OutputIntents"];
  ASSERT_TRUE(intents.is_array() && intents.size() == 1) << catalog().dump();
  const json& intent = resolve(intents[0]);
  EXPECT_EQ(intent["/S"], "/GTS_PDFX");
  EXPECT_EQ(resolve(intent["/DestOutputProfile"])["/N"], 4);
  ASSERT_TRUE(trailer()["/ID"].is_array());
  const json& info = resolve(trailer()["/Info"]);
  EXPECT_EQ(info["/Trapped"], "/False");
  EXPECT_TRUE(info.contains("/GTS_PDFXVersion"));
  const auto pages = of_type("/Page");
  ASSERT_FALSE(pages.empty());
  for (const json& p : pages) {
    EXPECT_TRUE(p.contains("/TrimBox")) << p.dump();
    EXPECT_TRUE(p.contains("/BleedBox")) << p.dump();
  }
  EXPECT_TRUE(of_type("/Annot", "/Link").empty());  // a print file has no links
  const std::string x = xmp();
  EXPECT_NE(x.find("<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>"), std::string::npos);
  EXPECT_NE(x.find("<pdf:Trapped>False</pdf:Trapped>"), std::string::npos);
  EXPECT_TRUE(std::regex_search(pdfinfo(), std::regex(R"(PDF version: +1\.6)")));
  // No RGB left: no rg/RG operators, the image in DeviceCMYK.
  const std::string c = content();
  EXPECT_FALSE(std::regex_search(c, std::regex(R"(\d rg\n)"))) << "RGB fill left";
  EXPECT_FALSE(std::regex_search(c, std::regex(R"(\d RG\n)"))) << "RGB stroke left";
  // Text (grey and black in the sheet) on the black plate alone.
  const std::regex text_fill(R"(BT\n([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) k\n)");
  int fills = 0;
  for (auto it = std::sregex_iterator(c.begin(), c.end(), text_fill); it != std::sregex_iterator();
       ++it, ++fills)
    EXPECT_EQ((*it)[1].str() + (*it)[2].str() + (*it)[3].str(), "000") << (*it)[0];
  EXPECT_GT(fills, 0);
  EXPECT_EQ(c.find("/DeviceRGB"), std::string::npos);
  int images = 0;
  for (const auto& [key, o] : objects_->items())
    if (o.contains("stream") && o["stream"]["dict"].value("/Subtype", "") == "/Image" &&
        !o["stream"]["dict"].contains("/SMask") && o["stream"]["dict"]["/Width"] == 8) {
      EXPECT_EQ(o["stream"]["dict"]["/ColorSpace"], "/DeviceCMYK");
      ++images;
    }
  EXPECT_EQ(images, 1);
}

TEST_F(StandardsTest, CmykWithoutAProfileWarns) {
  auto r = build("black", "--set color.model=cmyk --set color.profile=missing.icc");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("missing.icc"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("plain formula"), std::string::npos) << r.err;
  EXPECT_FALSE(catalog().contains("/OutputIntents"));  // no standard claimed
}

// The pixels of an uncompressed 8-bit greyscale TIFF (Ghostscript's
// tiffsep with -sCompression=none), little-endian; empty when it is not one.
std::string tiff_samples(const std::string& t) {
  if (t.size() < 8 || t.compare(0, 4, "II*\0", 4) != 0) return {};
  auto u16 = [&](size_t at) {
    return at + 2 <= t.size() ? static_cast<uint32_t>(static_cast<unsigned char>(t[at]) |
                                                      static_cast<unsigned char>(t[at + 1]) << 8)
                              : 0u;
  };
  auto u32 = [&](size_t at) { return u16(at) | u16(at + 2) << 16; };
  const size_t ifd = u32(4);
  std::vector<uint32_t> offsets, counts;
  for (uint32_t i = 0, n = u16(ifd); i < n; ++i) {
    const size_t e = ifd + 2 + i * 12;
    const uint32_t tag = u16(e), type = u16(e + 2), count = u32(e + 4);
    if (tag != 273 && tag != 279) continue;
    auto& list = tag == 273 ? offsets : counts;
    const size_t size = type == 3 ? 2 : 4;
    const size_t at = count * size <= 4 ? e + 8 : u32(e + 8);
    for (uint32_t k = 0; k < count; ++k)
      list.push_back(size == 2 ? u16(at + k * 2) : u32(at + k * 4));
  }
  std::string out;
  for (size_t k = 0; k < offsets.size() && k < counts.size(); ++k)
    if (offsets[k] + counts[k] <= t.size()) out += t.substr(offsets[k], counts[k]);
  return out;
}

// Ghostscript's tiffsep device writes one greyscale TIFF per plate (255 = no
// ink); black text must put ink on the black plate and nowhere else.
TEST_F(StandardsTest, BlackTextIsOnTheBlackPlateOnly) {
  if (run_command("command -v gs", dir_).status != 0)
    GTEST_SKIP() << "Ghostscript (gs) not installed";
  auto r = build("black", "--set color.model=cmyk --set page.size=A6");
  ASSERT_EQ(r.status, 0) << r.err;
  const fs::path tif = dir_ / "sep.tif";
  auto gs = run_command(
      "gs -q -dNOPAUSE -dBATCH -dSAFER -r72 -sDEVICE=tiffsep -sCompression=none "
      "-dFirstPage=1 -dLastPage=1 -sOutputFile='" +
          tif.string() + "' '" + pdf_.string() + "'",
      dir_);
  ASSERT_EQ(gs.status, 0) << gs.err;
  auto inked = [&](const char* plate) {
    const std::string px = tiff_samples(read_bytes(dir_ / ("sep(" + std::string(plate) + ").tif")));
    EXPECT_FALSE(px.empty()) << plate << ": no uncompressed 8-bit plate";
    return std::count_if(px.begin(), px.end(),
                         [](char c) { return static_cast<unsigned char>(c) < 250; });
  };
  EXPECT_EQ(inked("Cyan"), 0);
  EXPECT_EQ(inked("Magenta"), 0);
  EXPECT_EQ(inked("Yellow"), 0);
  EXPECT_GT(inked("Black"), 100);
}

// ---- The pieces, without the binary.

TEST(CmykConverter, GreysAreBlackInkOnly) {
  std::string error;
  auto plain = CmykConverter::make({}, error);
  ASSERT_TRUE(plain);
  const Cmyk black = plain->convert({0, 0, 0});
  EXPECT_EQ(black.c + black.m + black.y, 0);
  EXPECT_EQ(black.k, 1);
  const Cmyk grey = plain->convert({0.6, 0.6, 0.6});
  EXPECT_EQ(grey.c + grey.m + grey.y, 0);
  EXPECT_NEAR(grey.k, 0.4, 1e-9);
  const Cmyk red = plain->convert({1, 0, 0});
  EXPECT_EQ(red.c, 0);
  EXPECT_EQ(red.m, 1);
  EXPECT_EQ(red.y, 1);
  EXPECT_EQ(red.k, 0);
  EXPECT_EQ(color_operator({0, 0, 0}, false, &*plain), "0 0 0 1 k\n");
  EXPECT_EQ(color_operator({0, 0, 0}, true, nullptr), "0 0 0 RG\n");
  const std::vector<uint8_t> px = plain->convert_pixels(std::vector<uint8_t>{0, 0, 0, 255, 0, 0});
  EXPECT_EQ(px, (std::vector<uint8_t>{0, 0, 0, 255, 0, 255, 255, 0}));
}

TEST(CmykConverter, ThroughAPrintProfile) {
  const char* path = "/usr/share/color/icc/ghostscript/default_cmyk.icc";
  if (!fs::exists(path)) GTEST_SKIP() << path << " not installed (Debian's libgs-common)";
  const std::string icc = read_bytes(path);
  const ProfileInfo info = profile_info(icc);
  EXPECT_EQ(info.components, 4);
  EXPECT_TRUE(info.output);
  std::string error;
  auto cmyk = CmykConverter::make(icc, error);
  ASSERT_TRUE(cmyk) << error;
  const Cmyk red = cmyk->convert({1, 0, 0});
  EXPECT_LT(red.c, 0.2);
  EXPECT_GT(red.m, 0.7);
  EXPECT_GT(red.y, 0.7);
  EXPECT_EQ(cmyk->convert({0, 0, 0}).k, 1);  // black stays pure K
  // Grey pixels stay on K; coloured ones go through the profile.
  const auto px = cmyk->convert_pixels(std::vector<uint8_t>{128, 128, 128, 0, 0, 255});
  EXPECT_EQ(px[0] + px[1] + px[2], 0);
  EXPECT_GT(px[4], 128);  // blue: cyan ink
  // Not a CMYK profile: refused.
  const char* srgb = "/usr/share/color/icc/sRGB.icc";
  if (fs::exists(srgb)) {
    EXPECT_FALSE(CmykConverter::make(read_bytes(srgb), error));
    EXPECT_EQ(error, "not a CMYK profile");
    EXPECT_EQ(profile_info(read_bytes(srgb)).components, 3);
  }
  EXPECT_EQ(profile_info("not a profile").components, 0);
}

TEST(Xmp, PdfXFields) {
  XmpFields f;
  f.title = "T";
  f.pdfx_version = "PDF/X-4";
  f.document_id = "uuid:00000000-0000-0000-0000-000000000000";
  const std::string x = xmp_packet(f);
  EXPECT_NE(x.find("xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\""), std::string::npos);
  EXPECT_NE(x.find("<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>"), std::string::npos);
  EXPECT_NE(x.find("<xmpMM:RenditionClass>default</xmpMM:RenditionClass>"), std::string::npos);
  EXPECT_EQ(xmp_packet(XmpFields{}).find("pdfxid"), std::string::npos);
}

}  // namespace
}  // namespace moyin::pdf
