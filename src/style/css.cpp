// The EPUB's CSS from a sheet: one style for both outputs. Sizes are relative
// (em, unitless line-height) so reading systems can scale the text; Chinese
// conventions (justify, strict line breaking, 2em indents) come from the sheet.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include "style/style.h"

namespace moyin::style {

namespace {

// Locale-independent number: at most 3 decimals, no trailing zeros.
std::string num(double v) {
  if (std::abs(v) < 0.0005) return "0";
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 3);
  std::string s(buf, ec == std::errc() ? ptr : buf);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string em(double pt, double size) {
  const std::string n = size > 0 ? num(pt / size) : "0";
  return n == "0" ? n : n + "em";
}

std::string hex(const Color& c) {
  auto byte = [](double v) {
    long b = std::lround(std::clamp(v, 0.0, 1.0) * 255);
    return static_cast<unsigned>(b);
  };
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", byte(c.r), byte(c.g), byte(c.b));
  return buf;
}

const char* align(Align a) {
  switch (a) {
    case Align::Justify: return "justify";
    case Align::Left: return "left";
    case Align::Center: return "center";
    case Align::Right: return "right";
  }
  return "justify";
}

// CSS font stacks for the font sets in fonts/fonts.yaml: the face Moyin uses
// first (same family name as an embedded @font-face would declare), then
// common system CJK faces, then a generic family.
std::string font_stack(const std::string& set) {
  struct Stack {
    std::string_view set, css;
  };
  static constexpr Stack stacks[] = {
      {"serif-zh",
       "\"LXGW WenKai\", \"霞鹜文楷\", \"Songti SC\", \"STSong\", \"Noto Serif CJK SC\", "
       "\"Source Han Serif SC\", \"SimSun\", serif"},
      {"sans-zh",
       "\"WenQuanYi Micro Hei\", \"PingFang SC\", \"Hiragino Sans GB\", \"Noto Sans CJK SC\", "
       "\"Source Han Sans SC\", \"Microsoft YaHei\", sans-serif"},
      {"mono",
       "\"DejaVu Sans Mono\", \"LXGW WenKai Mono\", \"Menlo\", \"Consolas\", "
       "\"Noto Sans Mono CJK SC\", monospace"},
      {"sans", "\"DejaVu Sans\", \"Helvetica Neue\", Arial, sans-serif"},
      {"serif", "\"DejaVu Serif\", Georgia, \"Times New Roman\", serif"},
  };
  for (const Stack& s : stacks)
    if (s.set == set) return std::string(s.css);
  std::string generic = set.find("mono") != std::string::npos   ? "monospace"
                         : set.find("sans") != std::string::npos ? "sans-serif"
                                                                 : "serif";
  std::string quoted;
  for (char c : set)
    if (c != '"' && c != '\\' && c != ';' && c != '}' && c != '{') quoted += c;
  return "\"" + quoted + "\", " + generic;
}

// One CSS rule; setting a property twice keeps the last value in the
// first position, so the output has no duplicate declarations.
struct Rule {
  std::string selector;
  std::vector<std::pair<std::string, std::string>> props;
  explicit Rule(std::string sel) : selector(std::move(sel)) {}
  Rule& p(std::string_view prop, const std::string& value) {
    for (auto& [k, v] : props) {
      if (k == prop) {
        v = value;
        return *this;
      }
    }
    props.emplace_back(std::string(prop), value);
    return *this;
  }
  std::string done() const {
    std::string out = selector + " {\n";
    for (const auto& [k, v] : props) out += "  " + k + ": " + v + ";\n";
    return out + "}\n";
  }
};

// The declarations one role gives an element. `parent_size` is the size the
// element's em is relative to (the body's for block elements).
Rule role_rule(const std::string& selector, const RoleStyle& r, const RoleStyle& body,
               bool is_body) {
  Rule rule(selector);
  if (is_body || r.font != body.font) rule.p("font-family", font_stack(r.font));
  if (!is_body) rule.p("font-size", em(r.size, body.size));
  rule.p("line-height", num(r.leading / r.size));
  if (is_body || !(r.color == body.color)) rule.p("color", hex(r.color));
  if (r.has_background) rule.p("background-color", hex(r.background));
  rule.p("text-align", align(r.align));
  rule.p("text-indent", em(r.indent, r.size));
  if (!is_body)
    rule.p("margin", em(r.space_before, r.size) + " 0 " + em(r.space_after, r.size) + " " +
                         em(r.margin_left, r.size));
  rule.p("font-weight", r.bold ? "bold" : "normal");
  rule.p("font-style", r.italic ? "italic" : "normal");
  if (r.keep_with_next) rule.p("page-break-after", "avoid").p("break-after", "avoid");
  if (r.page_break_before) rule.p("page-break-before", "always").p("break-before", "page");
  return rule;
}

}  // namespace

std::string to_css(const Sheet& s) {
  const RoleStyle& body = s.role(Role::Body);
  std::string css = "@charset \"utf-8\";\n/* Generated by Moyin from the style sheet \"" +
                    s.name + "\". */\n\n";
  const char* line_break = "strict";
  switch (s.cjk.line_break) {
    case LineBreak::Basic: line_break = "normal"; break;
    case LineBreak::Gb:
    case LineBreak::Strict: line_break = "strict"; break;
    case LineBreak::Loose: line_break = "loose"; break;
  }

  Rule html("html");
  html.p("font-size", "100%");
  css += html.done();

  Rule b = role_rule("body", body, body, true);
  b.p("margin", "0 0.5em");
  b.p("line-break", line_break).p("-epub-line-break", line_break).p("-webkit-line-break", line_break);
  b.p("word-wrap", "break-word").p("overflow-wrap", "break-word");
  b.p("widows", std::to_string(s.paragraph.widows)).p("orphans", std::to_string(s.paragraph.orphans));
  if (s.cjk.latin_spacing > 0) b.p("text-autospace", "ideograph-alpha ideograph-numeric");
  if (s.cjk.hanging) b.p("hanging-punctuation", "allow-end");
  if (s.cjk.punctuation != Punctuation::Plain) b.p("text-spacing-trim", "space-first");
  b.p("font-kerning", "normal");
  css += b.done();

  // Paragraphs carry the body's indent; blocks inside lists, tables, notes do not.
  Rule p("p");
  p.p("margin", em(body.space_before, body.size) + " 0 " + em(body.space_after, body.size));
  p.p("text-indent", em(body.indent, body.size));
  p.p("text-align", align(body.align));
  css += p.done();
  css += Rule("li > p, li p, td p, th p, figure p, p.noindent")
             .p("text-indent", "0")
             .done();

  for (int level = 1; level <= 6; ++level) {
    const RoleStyle& h = s.role(heading_role(level));
    Rule r = role_rule("h" + std::to_string(level), h, body, false);
    if (level == s.chapter.level && s.chapter.new_page)
      r.p("page-break-before", "always").p("break-before", "page");
    css += r.done();
  }

  // Display formulas (MathML): centred, the equation number at the right.
  css += Rule("div.math-display")
             .p("text-align", "center")
             .p("text-indent", "0")
             .p("margin", "0.6em 0")
             .p("position", "relative")
             .done();
  css += Rule("div.math-display .equation-number").p("float", "right").done();

  const RoleStyle& code = s.role(Role::Code);
  Rule pre = role_rule("pre", code, body, false);
  pre.p("padding", "0.5em 0.75em").p("white-space", "pre-wrap").p("overflow-wrap", "break-word");
  pre.p("text-align", "left");
  css += pre.done();
  css += Rule("pre code")
             .p("font-family", "inherit")
             .p("font-size", "inherit")
             .p("background", "none")
             .p("padding", "0")
             .done();
  Rule code_inline("code");
  code_inline.p("font-family", font_stack(code.font));
  code_inline.p("font-size", em(code.size, body.size));
  if (code.has_background) code_inline.p("background-color", hex(code.background));
  code_inline.p("padding", "0 0.15em");
  css += code_inline.done();

  const RoleStyle& quote = s.role(Role::Quote);
  Rule bq = role_rule("blockquote", quote, body, false);
  bq.p("border-left", "0.2em solid #cccccc").p("padding-left", "0.8em");
  bq.p("text-indent", "0");
  css += bq.done();
  css += Rule("blockquote p").p("text-indent", em(quote.indent, quote.size)).done();

  const RoleStyle& table = s.role(Role::Table);
  Rule t = role_rule("table", table, body, false);
  t.p("border-collapse", "collapse").p("text-indent", "0");
  css += t.done();
  css += Rule("th, td")
             .p("border", "1px solid #999999")
             .p("padding", "0.25em 0.5em")
             .p("text-align", align(table.align))
             .p("vertical-align", "top")
             .done();
  css += Rule("th").p("font-weight", "bold").p("background-color", "#f0f0f0").done();

  css += role_rule("figcaption, caption, .caption", s.role(Role::Caption), body, false).done();
  css += Rule("figure, p.image")
             .p("margin", "0.8em 0")
             .p("text-align", "center")
             .p("text-indent", "0")
             .done();
  css += Rule("img").p("max-width", "100%").p("height", "auto").done();

  // Footnotes: <sup><a class="footnote-ref"> in the text, <aside
  // class="footnote"> inside <section class="footnotes"> (epub/).
  const RoleStyle& note = s.role(Role::Footnote);
  Rule notes = role_rule("section.footnotes", note, body, false);
  notes.p("margin", "2em 0 0 0").p("border-top", "1px solid #999999");
  css += notes.done();
  css += Rule("aside.footnote p, .footnote p").p("text-indent", "0").done();
  css += Rule("sup").p("font-size", "0.7em").p("line-height", "0").done();
  css += Rule("a").p("color", "inherit").p("text-decoration", "none")
             .p("border-bottom", "1px dotted #888888").done();
  css += Rule("sup a.footnote-ref, a.footnote-back, nav a").p("border-bottom", "none").done();

  css += Rule("hr").p("border", "none").p("border-top", "1px solid #999999").p("margin", "1.5em 20%").done();
  css += Rule("del, s").p("text-decoration", "line-through").done();
  css += Rule("ul, ol").p("margin", "0.5em 0").p("padding-left", "2em").done();
  css += Rule("li").p("text-align", align(body.align)).done();
  css += Rule("li > input[type=\"checkbox\"]").p("margin", "0 0.4em 0 0").done();

  // Emphasis. Han text has no italics: *em* is bold, or emphasis dots (着重号)
  // with `emphasis.cjk: dots`; Latin text keeps italics.
  if (s.emphasis.cjk == CjkEmphasis::Dots) {
    css += Rule("em")
               .p("font-style", "normal")
               .p("font-weight", "normal")
               .p("text-emphasis", "filled dot")
               .p("-epub-text-emphasis", "filled dot")
               .p("-webkit-text-emphasis", "filled dot")
               .p("text-emphasis-position", "under right")
               .p("-epub-text-emphasis-position", "under right")
               .p("-webkit-text-emphasis-position", "under right")
               .done();
  } else {
    css += Rule("em").p("font-style", "normal").p("font-weight", "bold").done();
  }
  css += Rule(":lang(en) em, em:lang(en)")
             .p("font-style", "italic")
             .p("font-weight", "normal")
             .p("text-emphasis", "none")
             .p("-epub-text-emphasis", "none")
             .p("-webkit-text-emphasis", "none")
             .done();
  css += Rule("strong").p("font-weight", "bold").done();

  // Title page, cover and navigation (epub/ package pages).
  const RoleStyle& title = s.role(Role::Title);
  css += Rule("section.titlepage").p("text-align", "center").p("margin-top", "20%").done();
  Rule t_rule = role_rule("section.titlepage h1.title", title, body, false);
  css += t_rule.done();
  css += Rule("section.titlepage p")
             .p("text-indent", "0")
             .p("text-align", "center")
             .p("margin", "0.5em 0")
             .done();
  css += Rule("section.titlepage p.description").p("color", "#444444").done();
  css += Rule("section.cover").p("text-align", "center").done();
  css += Rule("section.cover img").p("max-height", "100%").done();
  css += Rule("nav ol").p("list-style-type", "none").p("padding-left", "1.5em").done();
  css += Rule("nav > ol").p("padding-left", "0").done();
  return css;
}

}  // namespace moyin::style
