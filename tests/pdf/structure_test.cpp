// Tagged PDF and document metadata, checked on a file the moyin binary
// builds: the structure tree walked from qpdf's JSON, the marked content
// counted in the uncompressed page streams, pdfinfo's verdict, the XMP.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "pdf_test_util.h"
#include "test_util.h"

namespace moyin::pdf {
namespace {

namespace fs = std::filesystem;
using namespace moyin::pdf::testing;
using nlohmann::json;

// The operators of a content stream, in order (operands, strings, arrays,
// names and dictionaries skipped).
std::vector<std::string> content_operators(const std::string& s) {
  std::vector<std::string> ops;
  auto delimiter = [](char c) {
    return std::string_view("()<>[]{}/%").find(c) != std::string_view::npos;
  };
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c)) || c == '[' || c == ']') {
      ++i;
    } else if (c == '%') {
      i = s.find('\n', i);
    } else if (c == '(') {  // a literal string: balanced parentheses, backslash escapes
      int depth = 0;
      for (; i < s.size(); ++i) {
        if (s[i] == '\\') ++i;
        else if (s[i] == '(') ++depth;
        else if (s[i] == ')' && --depth == 0) break;
      }
      ++i;
    } else if (c == '<' && i + 1 < s.size() && s[i + 1] == '<') {
      i += 2;
    } else if (c == '>' && i + 1 < s.size() && s[i + 1] == '>') {
      i += 2;
    } else if (c == '<') {  // a hex string
      i = s.find('>', i);
      if (i != std::string::npos) ++i;
    } else {
      size_t j = i + 1;
      while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j])) && !delimiter(s[j]))
        ++j;
      const std::string token = s.substr(i, j - i);
      if (c != '/' && !std::isdigit(static_cast<unsigned char>(c)) && c != '-' && c != '+' &&
          c != '.' && token != "true" && token != "false" && token != "null")
        ops.push_back(token);
      i = j;
    }
  }
  return ops;
}

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

最后一段，带[第二个链接](https://example.org/two)与公式 $E=mc^2$，还有脚注[^n]。

[^n]: 脚注内容。
)";

class StructureTest : public ::testing::Test {
 protected:
  // The manuscript is built once for the suite; tests that build other
  // files or options do it in their own folder (build()).
  static void SetUpTestSuite() {
    suite_dir_ = fs::temp_directory_path() /
                 ("moyin-pdf-structure-" + std::to_string(::getpid()) + "-suite");
    fs::remove_all(suite_dir_);
    fs::create_directories(suite_dir_);
    std::ofstream(suite_dir_ / "doc.md") << kManuscript;
    suite_build_ = run_command(std::string("'") + MOYIN_BINARY + "' build '" +
                                   (suite_dir_ / "doc.md").string() + "' --to pdf -o '" +
                                   suite_dir_.string() + "'",
                               suite_dir_);
    auto q = run_command("qpdf --json=2 '" + (suite_dir_ / "doc.pdf").string() + "'", suite_dir_);
    suite_json_ = json::parse(q.out, nullptr, false);
  }
  static void TearDownTestSuite() {
    if (std::getenv("MOYIN_KEEP_TEST_OUTPUT")) return;
    std::error_code ec;
    fs::remove_all(suite_dir_, ec);
  }
  void SetUp() override {
    ASSERT_EQ(suite_build_.status, 0) << suite_build_.out << suite_build_.err;
    ASSERT_TRUE(suite_json_.is_object());
    dir_ = moyin::testing::test_folder("pdf-structure");
    std::ofstream(dir_ / "doc.md") << kManuscript;
    pdf_ = suite_dir_ / "doc.pdf";
    objects_ = &suite_json_["qpdf"][1];
  }
  // Builds `name`.md with `sets` and reads the PDF's objects; the result of moyin.
  CommandResult build(const std::string& name, const std::string& sets) {
    auto r = run_command(std::string("'") + MOYIN_BINARY + "' build '" +
                             (dir_ / (name + ".md")).string() + "' --to pdf -o '" + dir_.string() +
                             "' " + sets,
                         dir_);
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    pdf_ = dir_ / (name + ".pdf");
    auto q = run_command("qpdf --json=2 '" + pdf_.string() + "'", dir_);
    EXPECT_EQ(q.status, 0) << q.err;
    json_ = json::parse(q.out, nullptr, false);
    objects_ = &json_["qpdf"][1];
    return r;
  }
  // The structure element's kids (/K as an array).
  std::vector<const json*> kids(const json& element) const {
    std::vector<const json*> out;
    if (!element.contains("/K")) return out;
    const json& k = resolve(element["/K"]);
    if (k.is_array())
      for (const json& kid : k) out.push_back(&resolve(kid));
    else out.push_back(&k);
    return out;
  }
  static std::string type(const json& n) {
    return n.is_object() && n.contains("/S") ? n["/S"].get<std::string>().substr(1) : "";
  }
  static bool is(const json& n, const char* t) {
    return n.is_object() && n.contains("/Type") && n["/Type"] == t;
  }
  // Every structure element, depth-first, with its parent.
  std::vector<std::pair<const json*, const json*>> elements() const {
    std::vector<std::pair<const json*, const json*>> out;
    std::function<void(const json&)> walk = [&](const json& e) {
      for (const json* k : kids(e))
        if (!type(*k).empty()) {
          out.emplace_back(k, &e);
          walk(*k);
        }
    };
    walk(resolve(catalog()["/StructTreeRoot"]));
    return out;
  }
  // The page objects in order.
  std::vector<const json*> pages() const {
    std::vector<const json*> out;
    std::function<void(const json&)> walk = [&](const json& node) {
      const json& n = resolve(node);
      if (n.contains("/Kids"))
        for (const json& k : n["/Kids"]) walk(k);
      else out.push_back(&n);
    };
    walk(catalog()["/Pages"]);
    return out;
  }
  // The ParentTree's value for key `k`.
  const json& parent_of(int k) const {
    const json& nums =
        resolve(resolve(resolve(catalog()["/StructTreeRoot"])["/ParentTree"])["/Nums"]);
    for (size_t i = 0; i + 1 < nums.size(); i += 2)
      if (nums[i] == k) return resolve(nums[i + 1]);
    static const json none;
    return none;
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
  static inline fs::path suite_dir_;
  static inline CommandResult suite_build_;
  static inline json suite_json_;
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
      if (s == "TH") {  // a header cell heads its column (PDF/UA 7.5)
        const json& a = resolve(n["/A"]);
        EXPECT_EQ(a["/O"], "/Table");
        EXPECT_EQ(a["/Scope"], "/Column");
      }
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
  // The table of contents' title is an H1 before it.
  EXPECT_EQ(headings, (std::vector<std::string>{"H1", "H1", "H2", "H1"}));
  for (const char* t : {"TOC", "TOCI", "P", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD",
                        "BlockQuote", "Code", "Link", "Formula", "Note", "Reference"})
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

TEST_F(StructureTest, LinkTextIsInsideItsLinkElementWithTheAnnotation) {
  int links_in_text = 0;
  std::set<std::string> descriptions;
  for (const auto& [e, parent] : elements()) {
    if (type(*e) != "Link" || type(*parent) != "P") continue;
    ++links_in_text;
    // The link's text (marked content) and its annotation, in the Link.
    int mcrs = 0, objrs = 0;
    for (const json* k : kids(*e)) {
      if (k->is_number_integer() || is(*k, "/MCR")) ++mcrs;
      if (is(*k, "/OBJR")) {
        ++objrs;
        const json& annot = resolve((*k)["/Obj"]);
        EXPECT_EQ(annot["/Subtype"], "/Link");
        // The annotation's parent in the ParentTree is this element.
        ASSERT_TRUE(annot.contains("/StructParent"));
        EXPECT_EQ(&parent_of(annot["/StructParent"].get<int>()), e);
        descriptions.insert(annot["/Contents"].get<std::string>());
      }
    }
    EXPECT_GT(mcrs, 0) << "the link's text is a kid of the Link";
    EXPECT_EQ(objrs, 1);
    // The paragraph reads: text, the link, text.
    const auto siblings = kids(*parent);
    auto at = std::find(siblings.begin(), siblings.end(), e);
    ASSERT_NE(at, siblings.end());
    EXPECT_NE(at, siblings.begin()) << "text before the link";
    EXPECT_NE(at + 1, siblings.end()) << "text after the link";
  }
  EXPECT_EQ(links_in_text, 3) << "two links and a footnote reference";
  // An annotation describes itself by the link's text.
  EXPECT_TRUE(descriptions.count("u:链接"));
  EXPECT_TRUE(descriptions.count("u:第二个链接"));
}

TEST_F(StructureTest, EveryAnnotationIsTaggedAndDescribed) {
  int annots = 0;
  for (const json* page : pages()) {
    EXPECT_EQ((*page)["/Tabs"], "/S");
    if (!page->contains("/Annots")) continue;
    for (const json& ref : resolve((*page)["/Annots"])) {
      const json& a = resolve(ref);
      ++annots;
      ASSERT_TRUE(a.contains("/StructParent"));
      const json& link = parent_of(a["/StructParent"].get<int>());
      EXPECT_EQ(type(link), "Link");
      ASSERT_TRUE(a.contains("/Contents"));
      EXPECT_GT(a["/Contents"].get<std::string>().size(), 2u);
    }
  }
  EXPECT_GE(annots, 3 + 3) << "three links in the text, three TOC entries";
}

TEST_F(StructureTest, InlineFormulaIsAFormulaInItsParagraph) {
  int inline_formulas = 0;
  for (const auto& [e, parent] : elements()) {
    if (type(*e) != "Formula") continue;
    EXPECT_EQ(type(*parent), "P");
    EXPECT_EQ((*e)["/Alt"], "u:E=mc^2");
    int mcrs = 0;
    for (const json* k : kids(*e)) mcrs += k->is_number_integer() || is(*k, "/MCR");
    EXPECT_GT(mcrs, 0);
    ++inline_formulas;
  }
  EXPECT_EQ(inline_formulas, 1);
}

TEST_F(StructureTest, TocTitleIsAHeadingAndEntriesReferenceTheirHeadings) {
  const json& document = *kids(resolve(catalog()["/StructTreeRoot"])).front();
  const auto top = kids(document);
  auto toc = std::find_if(top.begin(), top.end(), [](const json* k) { return type(*k) == "TOC"; });
  ASSERT_NE(toc, top.end());
  ASSERT_NE(toc, top.begin());
  EXPECT_EQ(type(**(toc - 1)), "H1") << "the TOC's title heads it";
  const auto items = kids(**toc);
  EXPECT_EQ(items.size(), 3u);
  for (const json* item : items) {
    ASSERT_EQ(type(*item), "TOCI");
    const auto ref = kids(*item);
    ASSERT_EQ(ref.size(), 1u);
    ASSERT_EQ(type(*ref[0]), "Reference");
    const auto link = kids(*ref[0]);
    ASSERT_EQ(link.size(), 1u);
    ASSERT_EQ(type(*link[0]), "Link");
    int mcrs = 0, objrs = 0;
    for (const json* k : kids(*link[0])) {
      mcrs += k->is_number_integer() || is(*k, "/MCR");
      objrs += is(*k, "/OBJR");
    }
    EXPECT_GT(mcrs, 0);
    EXPECT_EQ(objrs, 1);
  }
}

TEST_F(StructureTest, NotesHaveUniqueIdsInTheIdTree) {
  const json& root = resolve(catalog()["/StructTreeRoot"]);
  ASSERT_TRUE(root.contains("/IDTree"));
  const json& names = resolve(resolve(root["/IDTree"])["/Names"]);
  int notes = 0;
  for (const auto& [e, parent] : elements()) {
    if (type(*e) != "Note") continue;
    ++notes;
    ASSERT_TRUE(e->contains("/ID"));
    bool listed = false;
    for (size_t i = 0; i + 1 < names.size(); i += 2)
      listed |= names[i] == (*e)["/ID"] && &resolve(names[i + 1]) == e;
    EXPECT_TRUE(listed);
  }
  EXPECT_EQ(notes, 1);
}

// Every painting operator of every page is inside marked content: tagged
// content or an artifact (PDF/UA-1 7.1).
TEST_F(StructureTest, NothingIsDrawnOutsideMarkedContent) {
  int page_number = 0;
  for (const json* page : pages()) {
    ++page_number;
    std::vector<std::string> streams;
    const json& contents = (*page)["/Contents"];
    if (contents.is_array())
      for (const json& c : contents) streams.push_back(c.get<std::string>());
    else streams.push_back(contents.get<std::string>());
    for (const std::string& ref : streams) {
      auto r = run_command(
          "qpdf --show-object='" + ref + "' --filtered-stream-data '" + pdf_.string() + "'", dir_);
      ASSERT_EQ(r.status, 0) << r.err;
      int depth = 0, painted = 0;
      for (const std::string& op : content_operators(r.out)) {
        if (op == "BDC" || op == "BMC") ++depth;
        else if (op == "EMC") --depth;
        else if (op == "TJ" || op == "Tj" || op == "f" || op == "f*" || op == "S" || op == "B" ||
                 op == "B*" || op == "b" || op == "Do" || op == "sh") {
          ++painted;
          EXPECT_GT(depth, 0) << op << " outside marked content on page " << page_number;
        }
        ASSERT_GE(depth, 0);
      }
      EXPECT_EQ(depth, 0);
      EXPECT_GT(painted, 0);
    }
  }
}

TEST_F(StructureTest, ClaimsPdfUaWhenAskedAndTheRulesHold) {
  auto r = build("doc", "--set pdf.ua=true");
  EXPECT_EQ(r.err.find("pdf.ua"), std::string::npos) << r.err;
  auto x = run_command("pdfinfo -meta '" + pdf_.string() + "'", dir_);
  EXPECT_NE(x.out.find("<pdfuaid:part>1</pdfuaid:part>"), std::string::npos) << x.out;
  EXPECT_EQ(x.out.find("pdfaExtension"), std::string::npos) << "no PDF/A, no extension schema";
  // With PDF/A, the pdfuaid schema is described for PDF/A's validators.
  build("doc", "--set pdf.ua=true --set pdf.standard=a-2a");
  x = run_command("pdfinfo -meta '" + pdf_.string() + "'", dir_);
  EXPECT_NE(x.out.find("<pdfuaid:part>1</pdfuaid:part>"), std::string::npos);
  EXPECT_NE(x.out.find("<pdfaid:conformance>A</pdfaid:conformance>"), std::string::npos);
  EXPECT_NE(x.out.find("<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"), std::string::npos);
  EXPECT_NE(x.out.find("<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/"),
            std::string::npos);
}

TEST_F(StructureTest, RefusesPdfUaWhenARuleFails) {
  struct Case {
    const char* name;
    const char* text;
    const char* sets;
    const char* why;
  };
  std::ofstream(dir_ / "pic.png", std::ios::binary) << make_png(8, 8, 8, 2);
  const Case cases[] = {
      {"skip", "---\ntitle: 跳级\n---\n\n# 一\n\n### 三\n\n正文。\n", "", "heading H3 at line 7"},
      {"noalt", "---\ntitle: 图\n---\n\n# 一\n\n![](pic.png)\n", "", "no alternative text"},
      {"untagged", "---\ntitle: 无标签\n---\n\n# 一\n", "--set pdf.tagged=false", "tagged PDF"},
  };
  for (const Case& c : cases) {
    std::ofstream(dir_ / (std::string(c.name) + ".md")) << c.text;
    auto r = build(c.name, std::string("--set pdf.ua=true ") + c.sets);
    EXPECT_NE(r.err.find("does not claim PDF/UA-1"), std::string::npos) << c.name << r.err;
    EXPECT_NE(r.err.find(c.why), std::string::npos) << c.name << r.err;
    auto x = run_command("pdfinfo -meta '" + pdf_.string() + "'", dir_);
    EXPECT_EQ(x.out.find("pdfuaid"), std::string::npos) << c.name;
  }
}

TEST_F(StructureTest, TextExtractionIsUnchangedByTags) {
  auto t = run_command("pdftotext -enc UTF-8 '" + pdf_.string() + "' -", dir_);
  EXPECT_NE(t.out.find("正文段落，带一个链接。"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("code line"), std::string::npos);
}

}  // namespace
}  // namespace moyin::pdf
