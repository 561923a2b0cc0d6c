// Tagged PDF and document metadata, checked on a file the moyin binary
// builds: the structure tree walked from qpdf's JSON, the marked content
// counted in the uncompressed page streams, pdfinfo's verdict, the XMP.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "pdf_test_util.h"
#include "test_util.h"

namespace moyin::pdf {
namespace {

namespace fs = std::filesystem;
using namespace moyin::pdf::testing;
using nlohmann::json;

const char* kManuscript = R"(---
title: 结构测试
authors: [张三]
lang: zh-CN
date: 2025-10-28
tags: [测试, 无障碍]
---

# 第一章

正文段落，带一个[链接](https://example.org/)。

## 小节

- 甲
- 乙

| 名称 | 数值 |
|------|------|
| 一   | 1    |

> 引文段落。

```
code line
```

# 第二章

最后一段。
)";

class StructureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = moyin::testing::test_folder("pdf-structure");
    std::ofstream(dir_ / "doc.md") << kManuscript;
    auto r = run_command(std::string("'") + MOYIN_BINARY + "' build '" +
                             (dir_ / "doc.md").string() + "' --to pdf -o '" + dir_.string() + "'",
                         dir_);
    ASSERT_EQ(r.status, 0) << r.out << r.err;
    pdf_ = dir_ / "doc.pdf";
    auto q = run_command("qpdf --json=2 '" + pdf_.string() + "'", dir_);
    ASSERT_EQ(q.status, 0) << q.err;
    json_ = json::parse(q.out);
    objects_ = &json_["qpdf"][1];
  }
  void TearDown() override {
    if (std::getenv("MOYIN_KEEP_TEST_OUTPUT")) return;
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // The value behind an indirect reference ("12 0 R"), else the value itself.
  const json& resolve(const json& v) const { return qpdf_resolve(*objects_, v); }
  const json& catalog() const {
    const json& trailer = (*objects_)["trailer"]["value"];
    return resolve(trailer["/Root"]);
  }
  fs::path dir_, pdf_;
  json json_;
  const json* objects_ = nullptr;
};

TEST_F(StructureTest, CatalogNamesLanguageTitleAndMarking) {
  const json& cat = catalog();
  EXPECT_EQ(cat["/Lang"], "u:zh-CN");
  EXPECT_EQ(resolve(cat["/ViewerPreferences"])["/DisplayDocTitle"], true);
  EXPECT_EQ(resolve(cat["/MarkInfo"])["/Marked"], true);
  ASSERT_TRUE(cat.contains("/StructTreeRoot"));
  ASSERT_TRUE(cat.contains("/Metadata"));
  auto info = run_command("pdfinfo '" + pdf_.string() + "'", dir_);
  EXPECT_TRUE(std::regex_search(info.out, std::regex(R"(Tagged: +yes)"))) << info.out;
  EXPECT_TRUE(std::regex_search(info.out, std::regex(R"(PDF version: +1\.7)"))) << info.out;
  EXPECT_TRUE(std::regex_search(info.out, std::regex(R"(Metadata Stream: +yes)"))) << info.out;
}

TEST_F(StructureTest, XmpCarriesTheDocumentFields) {
  auto x = run_command("pdfinfo -meta '" + pdf_.string() + "'", dir_);
  EXPECT_NE(x.out.find("<rdf:li xml:lang=\"zh-CN\">结构测试</rdf:li>"), std::string::npos) << x.out;
  EXPECT_NE(x.out.find("<rdf:li>张三</rdf:li>"), std::string::npos) << x.out;
  EXPECT_NE(x.out.find("<xmp:CreateDate>2025-10-28T00:00:00Z</xmp:CreateDate>"), std::string::npos);
  EXPECT_NE(x.out.find("<pdf:Keywords>测试, 无障碍</pdf:Keywords>"), std::string::npos);
  EXPECT_EQ(x.out.find("pdfaid:part"), std::string::npos) << "no PDF/A claim unless asked";
}

TEST_F(StructureTest, TreeHoldsTheDocumentInReadingOrder) {
  const json& root = resolve(catalog()["/StructTreeRoot"]);
  std::vector<std::string> types;  // depth-first, with depth
  int mcrs = 0, objrs = 0, formulas_without_alt = 0;
  std::map<std::string, int> count;
  std::function<void(const json&, int)> walk = [&](const json& node, int depth) {
    const json& n = resolve(node);
    if (n.is_number_integer()) {  // a bare MCID
      ++mcrs;
      return;
    }
    if (n.is_array()) {
      for (const json& k : n) walk(k, depth);
      return;
    }
    if (!n.is_object()) return;
    if (n.contains("/Type") && n["/Type"] == "/MCR") {
      ++mcrs;
      return;
    }
    if (n.contains("/Type") && n["/Type"] == "/OBJR") {
      ++objrs;
      return;
    }
    if (n.contains("/S")) {
      std::string s = n["/S"].get<std::string>().substr(1);
      types.push_back(std::string(depth, ' ') + s);
      ++count[s];
      if ((s == "Figure" || s == "Formula") && !n.contains("/Alt")) ++formulas_without_alt;
    }
    if (n.contains("/K")) walk(n["/K"], depth + 1);
  };
  walk(root["/K"], 0);
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.front(), "Document");
  // Headings in source order, after the TOC.
  std::vector<std::string> headings;
  for (const auto& t : types) {
    std::string s = t.substr(t.find_first_not_of(' '));
    if (s.size() == 2 && s[0] == 'H') headings.push_back(s);
  }
  EXPECT_EQ(headings, (std::vector<std::string>{"H1", "H2", "H1"}));
  for (const char* t : {"TOC", "TOCI", "P", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD",
                        "BlockQuote", "Code", "Link"})
    EXPECT_GT(count[t], 0) << t;
  EXPECT_EQ(count["TOCI"], 3);
  EXPECT_EQ(count["LI"], 2);
  EXPECT_EQ(formulas_without_alt, 0);
  EXPECT_GT(objrs, 0) << "links reach their annotations";

  // Every BDC with an MCID in the page streams is reached from the tree, and
  // running heads and page numbers are artifacts.
  auto qdf = run_command("qpdf --qdf --object-streams=disable '" + pdf_.string() + "' -", dir_);
  std::regex mcid(R"(<</MCID \d+>> BDC)");
  const auto marked = std::distance(std::sregex_iterator(qdf.out.begin(), qdf.out.end(), mcid),
                                    std::sregex_iterator());
  EXPECT_EQ(marked, mcrs);
  EXPECT_NE(qdf.out.find("/Artifact BMC"), std::string::npos);
}

TEST_F(StructureTest, TextExtractionIsUnchangedByTags) {
  auto t = run_command("pdftotext -enc UTF-8 '" + pdf_.string() + "' -", dir_);
  EXPECT_NE(t.out.find("正文段落，带一个链接。"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("code line"), std::string::npos);
}

}  // namespace
}  // namespace moyin::pdf
