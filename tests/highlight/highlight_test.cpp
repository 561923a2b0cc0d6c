// The highlighter per language: each fence language the docs promise gives
// keyword/string tokens at the right bytes; unknown languages stay plain.
#include "highlight/highlight.h"

#include <gtest/gtest.h>

#include <thread>

#include "source/source.h"

namespace moyin::highlight {
namespace {

using doc::TokenClass;

const Highlighter& shared() {
  static const Highlighter h(
      DataDirs{std::filesystem::path(MOYIN_SOURCE_DIR) / "styles/highlight", library_data_dir()});
  return h;
}

// The text of every span of class `cls`.
std::vector<std::string> tokens(std::string_view lang, std::string_view code, TokenClass cls) {
  Result r = shared().highlight(lang, code);
  EXPECT_TRUE(r.known) << lang;
  EXPECT_EQ(r.error, "") << lang;
  std::vector<std::string> out;
  for (const doc::CodeSpan& s : r.spans) {
    EXPECT_LE(s.end, code.size());
    EXPECT_LT(s.begin, s.end);
    if (s.cls == cls) out.emplace_back(code.substr(s.begin, s.end - s.begin));
  }
  return out;
}

bool has(const std::vector<std::string>& v, std::string_view s) {
  for (const auto& x : v)
    if (x == s) return true;
  return false;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += "[" + x + "]";
  return out;
}

struct Case {
  std::string lang;
  std::string code;
  std::string keyword;  // a token expected as Keyword (or Tag for markup, Attribute for data)
  TokenClass keyword_class;
  std::string string;  // a token expected as String
};

class PerLanguage : public testing::TestWithParam<Case> {};

TEST_P(PerLanguage, KeywordsAndStrings) {
  const Case& c = GetParam();
  auto kw = tokens(c.lang, c.code, c.keyword_class);
  EXPECT_TRUE(has(kw, c.keyword)) << c.lang << ": " << joined(kw);
  auto str = tokens(c.lang, c.code, TokenClass::String);
  EXPECT_TRUE(has(str, c.string)) << c.lang << ": " << joined(str);
}

INSTANTIATE_TEST_SUITE_P(
    Languages, PerLanguage,
    testing::Values(
        Case{"python", "def f(x):\n    return \"hi\"  # done\n", "def", TokenClass::Keyword,
             "\"hi\""},
        Case{"py", "import os\nprint('x')\n", "import", TokenClass::Preprocessor, "'x'"},
        Case{"javascript", "const s = \"a\";\nfunction g() { return s; }\n", "const",
             TokenClass::Keyword, "\"a\""},
        Case{"js", "let x = 'y';\nconst r = x.match(/a+b/g);\n", "let", TokenClass::Keyword,
             "/a+b/g"},
        Case{"typescript", "interface P { name: string }\nconst p: P = { name: \"x\" };\n",
             "interface", TokenClass::Keyword, "\"x\""},
        Case{"ts", "export type N = number;\nlet s = `t`;\n", "export", TokenClass::Keyword, "`t`"},
        Case{"bash", "if [ -f x ]; then\n  echo \"yes\"\nfi\n", "then", TokenClass::Keyword,
             "\"yes\""},
        Case{"shell", "for f in *.md; do echo 'a'; done\n", "for", TokenClass::Keyword, "'a'"},
        Case{"json", "{\"name\": \"moyin\", \"ok\": true}\n", "\"name\"", TokenClass::Attribute,
             "\"moyin\""},
        Case{"yaml", "title: \"墨印\"\nlist:\n  - on\n", "title", TokenClass::Attribute,
             "\"墨印\""},
        Case{"c", "#include <stdio.h>\nint main(void) { return printf(\"hi\"); }\n", "return",
             TokenClass::Keyword, "\"hi\""},
        Case{"cpp", "namespace a { auto s = std::string(\"x\"); }\n", "namespace",
             TokenClass::Keyword, "\"x\""},
        Case{"c++", "class A { public: int x; };\nconst char* s = \"q\";\n", "class",
             TokenClass::Keyword, "\"q\""},
        Case{"java", "public class A { String s = \"j\"; }\n", "public", TokenClass::Keyword,
             "\"j\""},
        Case{"go", "package main\nfunc main() { s := \"g\" }\n", "func", TokenClass::Keyword,
             "\"g\""},
        Case{"rust", "fn main() { let s = \"r\"; }\n", "fn", TokenClass::Keyword, "\"r\""},
        Case{"sql", "SELECT name FROM t WHERE a = 'x';\n", "SELECT", TokenClass::Keyword, "'x'"},
        Case{"html", "<p class=\"c\">hi</p>\n", "</p>", TokenClass::Tag, "\"c\""},
        Case{"xml", "<a href=\"u\"/>\n", "/>", TokenClass::Tag, "\"u\""},
        Case{"css", "@media print { a { content: \"x\"; } }\np { color: red }\n", "@media",
             TokenClass::Keyword, "\"x\""},
        Case{"dockerfile", "FROM debian:12 AS build\nRUN echo \"d\"\n", "FROM", TokenClass::Keyword,
             "\"d\""}),
    [](const testing::TestParamInfo<Case>& info) {
      std::string n;
      for (char ch : info.param.lang) n += std::isalnum(static_cast<unsigned char>(ch)) ? ch : 'x';
      return n;
    });

TEST(Highlight, DiffLinesWithoutHeaders) {
  const std::string code = "@@ -1,2 +1,2 @@\n-old\n+new\n same\n";
  EXPECT_TRUE(has(tokens("diff", code, TokenClass::Deleted), "-old"));
  EXPECT_TRUE(has(tokens("diff", code, TokenClass::Inserted), "+new"));
  EXPECT_TRUE(has(tokens("diff", code, TokenClass::Meta), "@@ -1,2 +1,2 @@"));
}

TEST(Highlight, CommentsNumbersAndMultiLineState) {
  const std::string code = "/* a\n   b */ int x = 42;\n";
  auto comments = tokens("c", code, TokenClass::Comment);
  ASSERT_EQ(comments.size(), 2u) << joined(comments);  // never across a newline
  EXPECT_EQ(comments[0], "/* a");
  EXPECT_EQ(comments[1], "b */");  // leading blanks uncoloured
  EXPECT_TRUE(has(tokens("c", code, TokenClass::Number), "42"));
  EXPECT_TRUE(has(tokens("c", code, TokenClass::Type), "int"));
}

TEST(Highlight, UnknownOrNoLanguageIsPlainWithoutError) {
  for (std::string_view lang : {"", "text", "klingon", "txt"}) {
    Result r = shared().highlight(lang, "if x then y\n");
    EXPECT_FALSE(r.known) << lang;
    EXPECT_TRUE(r.spans.empty()) << lang;
    EXPECT_EQ(r.error, "");
  }
}

TEST(Highlight, LibraryLangMapCoversMore) {
  // Not in Moyin's table: found through Source-highlight's lang.map.
  EXPECT_EQ(shared().definition_for("ruby").value_or(""), "ruby.lang");
  EXPECT_EQ(shared().definition_for("Python").value_or(""), "python.lang");
  EXPECT_FALSE(tokens("ruby", "def f; 'x'; end\n", TokenClass::Keyword).empty());
}

TEST(Highlight, SpansStayInsideMultiByteText) {
  const std::string code = "s = \"中文\"  # 注释\nx = 1\n";
  auto str = tokens("python", code, TokenClass::String);
  EXPECT_TRUE(has(str, "\"中文\"")) << joined(str);
  EXPECT_TRUE(has(tokens("python", code, TokenClass::Comment), "# 注释"));
}

TEST(Highlight, HostileInputsStayBounded) {
  std::string long_line(100000, '"');
  Result r = shared().highlight("python", long_line);
  EXPECT_TRUE(r.known);
  EXPECT_TRUE(r.spans.empty());  // longer than a line may be: plain
  std::string crlf = "x = 'a'\r\ny = 2\r\n";
  EXPECT_TRUE(has(tokens("python", crlf, TokenClass::String), "'a'"));
  std::string nul("a\0b = 'q'\n", 10);
  shared().highlight("python", nul);  // must not crash
}

TEST(Highlight, MissingDataDirIsOneWarning) {
  Highlighter h(DataDirs{"/nonexistent/moyin", "/nonexistent/source-highlight"});
  EXPECT_NE(h.setup_problem(), "");
  Result r = h.highlight("python", "x = 1\n");
  EXPECT_TRUE(r.known);
  EXPECT_NE(r.error, "");
  doc::Diagnostics diags;
  auto d = source::parse("```python\nx = 1\n```\n\n```c\nint y;\n```\n\n```klingon\nq\n```\n",
                         "m.md", diags);
  ASSERT_TRUE(d);
  h.annotate(*d, diags);
  ASSERT_EQ(diags.items.size(), 1u);
  EXPECT_NE(diags.items[0].message.find("not installed"), std::string::npos);
  EXPECT_EQ(diags.items[0].pos.line, 1);
}

TEST(Highlight, AnnotateFillsNestedBlocksAndKeepsFenceInfo) {
  doc::Diagnostics diags;
  auto d = source::parse("> ```python title=\"main.py\" linenos\n> def f(): pass\n> ```\n", "m.md",
                         diags);
  ASSERT_TRUE(d);
  shared().annotate(*d, diags);
  EXPECT_TRUE(diags.items.empty());
  const doc::Block& code = d->blocks.at(0).children.at(0);
  EXPECT_EQ(code.info, "python");
  EXPECT_EQ(code.title, "main.py");
  ASSERT_EQ(code.attributes.size(), 2u);
  EXPECT_EQ(code.attributes[1].first, "linenos");
  ASSERT_FALSE(code.spans.empty());
  EXPECT_EQ(code.text.substr(code.spans[0].begin, code.spans[0].end - code.spans[0].begin), "def");
}

TEST(Highlight, SharedBetweenThreads) {
  const std::string code = "def f(x):\n    return \"hi\"\n";
  Result ref = shared().highlight("python", code);
  std::vector<std::thread> threads;
  std::vector<int> same(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i)
        same[t] += shared().highlight(t % 2 ? "python" : "go", code).known;
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(same[t], 50);
  EXPECT_EQ(shared().highlight("python", code).spans, ref.spans);
}

}  // namespace
}  // namespace moyin::highlight
