// The code palette keys: code.theme, code.line-numbers, code.palette.*.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "style/style.h"

namespace moyin::style {
namespace {

const std::filesystem::path kStyles = MOYIN_SOURCE_DIR "/styles";

using doc::TokenClass;

std::string all(const doc::Diagnostics& d) {
  std::string s;
  for (const auto& i : d.items) s += doc::format(i) + "\n";
  return s;
}

Color rgb(unsigned v) {
  return {((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0, (v & 0xff) / 255.0};
}

TEST(CodeStyle, LightByDefaultFollowsTheCodeRole) {
  doc::Diagnostics d;
  Sheet s = resolve("article", {"code.color=#202020", "code.background=#eeeeee"}, kStyles, d);
  EXPECT_EQ(all(d), "");
  EXPECT_EQ(s.code.theme, CodeTheme::Light);
  EXPECT_FALSE(s.code.line_numbers);
  EXPECT_EQ(s.code.token(TokenClass::Text).color, rgb(0x202020));
  EXPECT_EQ(s.code.background, rgb(0xeeeeee));
  EXPECT_TRUE(s.code.token(TokenClass::Keyword).bold);
  EXPECT_TRUE(s.code.token(TokenClass::Comment).italic);
  EXPECT_NE(s.code.token(TokenClass::Keyword).color, s.code.token(TokenClass::Text).color);
}

TEST(CodeStyle, DarkThemeAndOverridesInAnyOrder) {
  doc::Diagnostics d;
  // The palette key comes before the theme on the command line: still applied over it.
  Sheet s = resolve("article",
                    {"code.palette.keyword=#ff0000", "code.theme=dark", "code.line-numbers=true",
                     "code.palette.comment.italic=false", "code.palette.background=#000000"},
                    kStyles, d);
  EXPECT_EQ(all(d), "");
  EXPECT_EQ(s.code.theme, CodeTheme::Dark);
  EXPECT_TRUE(s.code.line_numbers);
  EXPECT_EQ(s.code.token(TokenClass::Keyword).color, rgb(0xff0000));
  EXPECT_TRUE(s.code.token(TokenClass::Keyword).bold);  // the theme's, not overridden
  EXPECT_FALSE(s.code.token(TokenClass::Comment).italic);
  EXPECT_EQ(s.code.background, rgb(0x000000));
  EXPECT_EQ(s.code.token(TokenClass::Text).color, rgb(0xabb2bf));  // dark text, not code.color
  EXPECT_EQ(code_theme(CodeTheme::Dark).background, rgb(0x282c34));
}

TEST(CodeStyle, BadValuesWarnAndKeepTheDefault) {
  doc::Diagnostics d;
  Sheet s = resolve("article",
                    {"code.theme=solarized", "code.palette.keyword=not-a-colour",
                     "code.palette.nosuchclass=#000000", "code.line-numbers=maybe"},
                    kStyles, d);
  const std::string msgs = all(d);
  EXPECT_NE(msgs.find("`code.theme`: expected one of light, dark"), std::string::npos) << msgs;
  EXPECT_NE(msgs.find("code.palette.keyword"), std::string::npos) << msgs;
  EXPECT_NE(msgs.find("unknown style key `code.palette.nosuchclass`"), std::string::npos) << msgs;
  EXPECT_NE(msgs.find("code.line-numbers"), std::string::npos) << msgs;
  EXPECT_EQ(s.code.theme, CodeTheme::Light);
  EXPECT_EQ(s.code.token(TokenClass::Keyword).color,
            code_theme(CodeTheme::Light).token(TokenClass::Keyword).color);
}

TEST(CodeStyle, SheetFileWithShorthandAndCss) {
  const auto file = std::filesystem::temp_directory_path() / "moyin-code-style-test.yaml";
  std::ofstream(file) << "code:\n  theme: light\n  palette:\n    comment: \"#445566\"\n"
                         "    string: { color: \"#123456\", italic: true }\n";
  doc::Diagnostics d;
  Layers layers;
  layers.styles_dir = kStyles;
  layers.files.push_back(file);
  Sheet s = resolve(layers, d);
  std::filesystem::remove(file);
  EXPECT_EQ(all(d), "");
  EXPECT_EQ(s.code.token(TokenClass::Comment).color, rgb(0x445566));
  EXPECT_TRUE(s.code.token(TokenClass::Comment).italic);  // the theme's, kept
  const std::string css = to_css(s);
  for (int c = 1; c < doc::kTokenClassCount; ++c) {
    const std::string sel =
        "pre code ." + std::string(css_class(static_cast<TokenClass>(c))) + " {";
    EXPECT_NE(css.find(sel), std::string::npos) << sel;
  }
  EXPECT_NE(css.find("pre code .hl-str {\n  color: #123456;\n  font-style: italic;\n}"),
            std::string::npos)
      << css;
  EXPECT_EQ(css_class(TokenClass::Text), "");
  EXPECT_EQ(css_class(TokenClass::Keyword), "hl-kw");
}

}  // namespace
}  // namespace moyin::style
