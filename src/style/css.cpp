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

#include "base/number.h"
#include "style/style.h"

namespace moyin::style {

namespace {

std::string em(double pt, double size) {
  const std::string n = size > 0 ? base::compact(pt / size) : "0";
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
std::string font_stack_of_set(const std::string& set);

// A family the sheet's `fonts:` names goes first (a font file is left to
// the set's stack: its family name is only known once it is opened).
std::string font_stack(const std::string& set, const std::string& named = {}) {
  const bool file = named.find('/') != std::string::npos || named.ends_with(".ttf") ||
                    named.ends_with(".otf") || named.ends_with(".ttc") || named.ends_with(".otc");
  if (named.empty() || file) return font_stack_of_set(set);
  std::string quoted;
  for (char c : named)
    if (c != '"' && c != '\\' && c != ';' && c != '}' && c != '{') quoted += c;
  return "\"" + quoted + "\", " + font_stack_of_set(set);
}

std::string font_stack_of_set(const std::string& set) {
  struct Stack {
    std::string_view set, css;
  };
  static constexpr Stack stacks[] = {
      {"serif-zh",
       "\"Noto Serif CJK SC\", \"Source Han Serif SC\", \"思源宋体\", \"Songti SC\", "
       "\"STSong\", \"SimSun\", serif"},
      {"sans-zh",
       "\"Noto Sans CJK SC\", \"Source Han Sans SC\", \"思源黑体\", \"PingFang SC\", "
       "\"Hiragino Sans GB\", \"Microsoft YaHei\", sans-serif"},
      {"kai", "\"LXGW WenKai\", \"霞鹜文楷\", \"Kaiti SC\", \"STKaiti\", \"KaiTi\", serif"},
      {"mono",
       "\"DejaVu Sans Mono\", \"Noto Sans Mono CJK SC\", \"Menlo\", \"Consolas\", "
       "monospace"},
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
// first position, so the output has no duplicate declarations. `fallback`
// writes a declaration before the final one for engines that do not know
// the final value (the later valid declaration wins where both are known).
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
  Rule& fallback(std::string_view prop, const std::string& older, const std::string& value) {
    if (older != value) props.emplace_back(std::string(prop), older);
    props.emplace_back(std::string(prop), value);
    return *this;
  }
  std::string done() const {
    std::string out = selector + " {\n";
    for (const auto& [k, v] : props) out += "  " + k + ": " + v + ";\n";
    return out + "}\n";
  }
};

bool neutral(const Color& c) { return std::abs(c.r - c.g) < 0.01 && std::abs(c.g - c.b) < 0.01; }

// Text colours that survive a reader's dark mode: a near-black text colour
// is the reader's own (nothing is declared), a grey becomes the reader's text
// colour at the grey's strength (over white the same grey; over black a dim
// light text). Engines without color-mix() keep the reader's colour.
// Other colours are the author's choice and are kept.
std::string text_color(const Color& c) {
  if (!neutral(c)) return hex(c);
  if (c.r <= 0.15) return "";
  const long percent = std::lround((1 - std::clamp(c.r, 0.0, 1.0)) * 100);
  return "color-mix(in srgb, currentColor " + std::to_string(percent) + "%, transparent)";
}

// Light grey backgrounds (code) become a translucent grey: the same tint over
// white, a faint lift over a dark page instead of a white slab.
std::string background_color(const Color& c) {
  if (!neutral(c) || c.r < 0.5) return hex(c);
  const double alpha = (1 - std::clamp(c.r, 0.0, 1.0)) * 255 / 127;
  return "rgba(127, 127, 127, " + base::compact(std::min(alpha, 1.0)) + ")";
}

// `c` at `alpha` over whatever is behind it: a tint that reads on a light
// page and on a reading system's dark one alike.
std::string translucent(const Color& c, double alpha) {
  auto channel = [](double v) {
    return std::to_string(static_cast<int>(std::lround(std::clamp(v, 0.0, 1.0) * 255)));
  };
  return "rgba(" + channel(c.r) + ", " + channel(c.g) + ", " + channel(c.b) + ", " +
         base::compact(alpha) + ")";
}

// Physical sides for the flow's logical ones: horizontal-tb or vertical-rl.
struct Flow {
  bool vertical = false;
  const char* inline_start() const { return vertical ? "top" : "left"; }
  const char* inline_end() const { return vertical ? "bottom" : "right"; }
  const char* block_start() const { return vertical ? "right" : "top"; }
  // A 4-value margin/padding from logical values.
  std::string box(const std::string& block_start, const std::string& inline_end,
                  const std::string& block_end, const std::string& inline_start) const {
    if (vertical) return inline_start + " " + block_start + " " + inline_end + " " + block_end;
    return block_start + " " + inline_end + " " + block_end + " " + inline_start;
  }
};

// The declarations one role gives an element. `parent_size` is the size the
// element's em is relative to (the body's for block elements).
Rule role_rule(const std::string& selector, const RoleStyle& r, const RoleStyle& body, bool is_body,
               const Flow& flow, const std::string& named = {}) {
  Rule rule(selector);
  if (is_body || r.font != body.font || !named.empty())
    rule.p("font-family", font_stack(r.font, named));
  if (!is_body) rule.p("font-size", em(r.size, body.size));
  rule.p("line-height", base::compact(r.leading / r.size));
  if (is_body || !(r.color == body.color)) {
    const std::string color = text_color(r.color);
    if (!color.empty()) rule.p("color", color);
  }
  if (r.has_background) rule.p("background-color", background_color(r.background));
  rule.p("text-align", align(r.align));
  rule.p("text-indent", is_body ? "0" : em(r.indent, r.size));
  if (!is_body)
    rule.p("margin", flow.box(em(r.space_before, r.size), "0", em(r.space_after, r.size),
                              em(r.margin_left, r.size)));
  rule.p("font-weight", r.bold ? "bold" : "normal");
  rule.p("font-style", r.italic ? "italic" : "normal");
  if (r.keep_with_next) rule.p("page-break-after", "avoid").p("break-after", "avoid");
  if (r.page_break_before) rule.p("page-break-before", "always").p("break-before", "page");
  return rule;
}

// --- Highlighted code (docs/code.md) -----------------------------------------
// Kept apart from the rest of the stylesheet: the block colours of the
// palette, one rule per token class, the title bar and the line-number gutter.
// The XHTML writer emits <pre><code class="language-x"> with
// <span class="hl-kw">… inside, and <span class="hl-ln"> for line numbers.
std::string code_highlight_css(const Sheet& s) {
  const CodeStyle& code = s.code;
  // A light theme follows the reader's dark mode like the body text (its
  // greys become the reader's colour, its tint translucent); a dark theme is
  // the author's explicit choice and is kept as written.
  const bool light = code.background.r + code.background.g + code.background.b >= 1.5;
  auto ink = [&](const Color& c) { return light ? text_color(c) : hex(c); };
  auto paper = [&](const Color& c) { return light ? background_color(c) : hex(c); };
  auto set = [](Rule& r, const char* prop, const std::string& v) {
    if (!v.empty()) r.p(prop, v);
  };
  std::string css;
  Rule pre("pre");
  set(pre, "background-color", paper(code.background));
  set(pre, "color", ink(code.token(doc::TokenClass::Text).color));
  pre.p("tab-size", "4");  // as the PDF expands tabs
  css += pre.done();
  for (int c = 1; c < doc::kTokenClassCount; ++c) {
    const auto cls = static_cast<doc::TokenClass>(c);
    const TokenStyle& t = code.token(cls);
    Rule r("pre code ." + std::string(css_class(cls)));
    set(r, "color", ink(t.color));
    if (t.bold) r.p("font-weight", "bold");
    if (t.italic) r.p("font-style", "italic");
    css += r.done();
  }
  // The light theme's dark hues vanish on a reader's dark page: there the
  // dark theme's hues take over.
  if (light) {
    css += "@media (prefers-color-scheme: dark) {\n";
    const CodeStyle dark = code_theme(CodeTheme::Dark);
    for (int c = 1; c < doc::kTokenClassCount; ++c) {
      const auto cls = static_cast<doc::TokenClass>(c);
      css += Rule("pre code ." + std::string(css_class(cls)))
                 .p("color", hex(dark.token(cls).color))
                 .done();
    }
    css += "}\n";
  }
  Rule title("div.code-title");
  title.p("font-family", font_stack(s.role(Role::Code).font))
      .p("font-size", em(s.role(Role::Code).size, s.role(Role::Body).size));
  set(title, "background-color", paper(code.title_background));
  set(title, "color", ink(code.token(doc::TokenClass::Text).color));
  title.p("padding", "0.2em 0.75em").p("margin", "0.5em 0 0 0").p("text-indent", "0");
  css += title.done();
  css += Rule("div.code-title + pre").p("margin-top", "0").done();
  Rule gutter("pre code .hl-ln");
  set(gutter, "color", ink(code.line_number));
  css += gutter.p("display", "inline-block")
             .p("min-width", "2.5em")
             .p("padding-right", "0.75em")
             .p("text-align", "right")
             .p("-webkit-user-select", "none")
             .p("user-select", "none")
             .done();
  return css;
}

const char* line_break_value(LineBreak l) {
  switch (l) {
    case LineBreak::Basic: return "normal";
    case LineBreak::Gb:
    case LineBreak::Strict: return "strict";
    case LineBreak::Loose: return "loose";
  }
  return "strict";
}

// cjk.punctuation -> text-spacing-trim (CSS Text 4), for what the markup
// cannot do: marks at line starts and ends. Compression inside lines is
// markup (span.pc/po/pk below), so it does not depend on the engine or on
// the font having `halt`/`chws`. The first value is what Chromium and WebKit
// implement today; the second the exact value where an engine knows it.
//   quanjiao: adjacent marks and line starts/ends trimmed      -> trim-both
//   kaiming:  every mark half width except 。？！              -> trim-all
//   banjiao:  every mark half width                            -> trim-all
//   plain:    no adjustment                                    -> space-all
std::pair<std::string, std::string> spacing_trim(Punctuation p) {
  switch (p) {
    case Punctuation::Quanjiao: return {"trim-start", "trim-both"};
    case Punctuation::Kaiming: return {"space-first", "trim-all"};
    case Punctuation::Banjiao: return {"trim-start", "trim-all"};
    case Punctuation::Plain: return {"space-all", "space-all"};
  }
  return {"trim-start", "trim-both"};
}

// The body: the flow, fonts, Chinese line breaking and spacing.
std::string body_css(const Sheet& s, const Flow& flow) {
  const RoleStyle& body = s.role(Role::Body);
  std::string css;
  Rule html("html");
  html.p("font-size", "100%");
  if (flow.vertical) {
    const char* orientation =
        s.epub.text_orientation == TextOrientation::Upright ? "upright" : "mixed";
    html.p("writing-mode", "vertical-rl").p("-epub-writing-mode", "vertical-rl");
    html.p("-webkit-writing-mode", "vertical-rl");
    html.p("text-orientation", orientation).p("-epub-text-orientation", orientation);
    html.p("-webkit-text-orientation", orientation);
  }
  css += html.done();

  const std::string line_break = line_break_value(s.cjk.line_break);
  Rule b = role_rule("body", body, body, true, flow, s.fonts.body);
  b.p("margin", flow.vertical ? "0.5em 0" : "0 0.5em");
  b.p("line-break", line_break)
      .p("-epub-line-break", line_break)
      .p("-webkit-line-break", line_break);
  b.p("word-wrap", "break-word").p("overflow-wrap", "break-word");
  b.p("widows", std::to_string(s.paragraph.widows))
      .p("orphans", std::to_string(s.paragraph.orphans));
  // Han–Latin spacing is markup (span.hl-sp, below): the engines' own
  // text-autospace (1/8 em where known) would add to it.
  b.p("text-autospace", "no-autospace");
  if (s.cjk.hanging) b.p("hanging-punctuation", "allow-end");
  const auto [older, exact] = spacing_trim(s.cjk.punctuation);
  b.fallback("text-spacing-trim", older, exact);
  b.p("font-kerning", "normal");
  css += b.done();

  // An empty span the XHTML writer puts at every Han–Latin boundary: its
  // margin is the style's spacing; at a line break it stays at the end of the
  // line and hangs, like the PDF's glue that is discarded there.
  if (s.cjk.latin_spacing > 0)
    css += Rule("span.hl-sp")
               .p(std::string("margin-") + flow.inline_start(),
                  base::compact(s.cjk.latin_spacing) + "em")
               .done();
  // Fullwidth marks the XHTML writer wraps by cjk.punctuation: "pc" loses
  // its blank right half, "po" its blank left half, "pk" stays full. The
  // engine's own trimming is off for them so nothing is trimmed twice.
  if (s.cjk.punctuation != Punctuation::Plain) {
    css += Rule("span.pc, span.po, span.pk").p("text-spacing-trim", "space-all").done();
    css += Rule("span.pc").p(std::string("margin-") + flow.inline_end(), "-0.5em").done();
    css += Rule("span.po").p(std::string("margin-") + flow.inline_start(), "-0.5em").done();
  }
  if (flow.vertical)  // short digit runs set upright in one em (縦中横)
    css += Rule("span.tcy")
               .p("text-combine-upright", "all")
               .p("-epub-text-combine", "horizontal")
               .p("-webkit-text-combine", "horizontal")
               .done();
  return css;
}

}  // namespace

std::string to_css(const Sheet& s) {
  const Flow flow{s.epub.writing_mode == WritingMode::VerticalRl};
  const RoleStyle& body = s.role(Role::Body);
  std::string css =
      "@charset \"utf-8\";\n/* Generated by Moyin from the style sheet \"" + s.name + "\". */\n\n";
  css += body_css(s, flow);
  const std::string rule_color = "#888888";  // rules and borders: visible on light and dark pages
  const std::string line = "thin solid " + rule_color;

  // Only paragraphs carry the body's first-line indent (text-indent is
  // inherited, so it is never set on containers); blocks inside lists,
  // tables and notes do not, as in the PDF.
  Rule p("p");
  p.p("margin",
      flow.box(em(body.space_before, body.size), "0", em(body.space_after, body.size), "0"));
  p.p("text-indent", em(body.indent, body.size));
  p.p("text-align", align(body.align));
  css += p.done();
  css += Rule("li > p, li p, td p, th p, figure p, aside p, p.noindent, p.image")
             .p("text-indent", "0")
             .done();

  for (int level = 1; level <= 6; ++level) {
    const RoleStyle& h = s.role(heading_role(level));
    // Built as two chars: `"h" + std::to_string(level)` prepends into the
    // temporary, which GCC 12 at -O3 reports as an overlapping memcpy (-Wrestrict).
    const std::string selector{'h', static_cast<char>('0' + level)};
    Rule r = role_rule(selector, h, body, false, flow, s.fonts.heading);
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

  // Code blocks wrap long lines instead of running off a phone's screen.
  const RoleStyle& code = s.role(Role::Code);
  Rule pre = role_rule("pre", code, body, false, flow, s.fonts.code);
  pre.p("padding", "0.5em 0.75em").p("white-space", "pre-wrap").p("overflow-wrap", "anywhere");
  pre.p("text-align", "left").p("max-width", "100%");
  css += pre.done();
  css += Rule("pre code")
             .p("font-family", "inherit")
             .p("font-size", "inherit")
             .p("background", "none")
             .p("padding", "0")
             .done();
  Rule code_inline("code");
  code_inline.p("font-family", font_stack(code.font, s.fonts.code));
  code_inline.p("font-size", em(code.size, body.size));
  if (code.has_background) code_inline.p("background-color", background_color(code.background));
  code_inline.p("padding", "0 0.15em").p("overflow-wrap", "anywhere");
  css += code_inline.done();

  // Quotes as the PDF draws them: a rule near the start edge, the text at
  // the quote's margin (1.5 em when the margin is smaller than 0.8 em).
  const RoleStyle& quote = s.role(Role::Quote);
  const double quote_in =
      quote.margin_left > 0.8 * quote.size ? quote.margin_left : 1.5 * quote.size;
  Rule bq = role_rule("blockquote", quote, body, false, flow);
  bq.p("margin", flow.box(em(quote.space_before, quote.size), "0",
                          em(quote.space_after, quote.size), "0.4em"));
  bq.p(std::string("border-") + flow.inline_start(), "0.1em solid " + rule_color);
  bq.p(std::string("padding-") + flow.inline_start(), em(quote_in - 0.5 * quote.size, quote.size));
  bq.p("text-indent", "0");
  css += bq.done();
  css += Rule("blockquote p").p("text-indent", em(quote.indent, quote.size)).done();

  // Tables as three rules (top, under the header, bottom) like the PDF. Links
  // and code in cells may break anywhere, so a long URL does not push the
  // table off a phone's screen; numbers and words keep their minimum width.
  const RoleStyle& table = s.role(Role::Table);
  Rule t = role_rule("table", table, body, false, flow);
  t.p("border-collapse", "collapse").p("max-width", "100%");
  t.p("border-top", line).p("border-bottom", line);
  css += t.done();
  css += Rule("th, td")
             .p("padding", "0.25em 0.4em")
             .p("text-align", align(table.align))
             .p("vertical-align", "top")
             .p("overflow-wrap", "break-word")
             .done();
  css += Rule("td a, th a, td code, th code")
             .p("overflow-wrap", "anywhere")
             .p("word-break", "break-all")
             .done();
  css += Rule("thead th, thead td").p("border-bottom", line).done();
  css += Rule("th").p("font-weight", "bold").done();

  // Callouts: a bar and a tint in the family's colour, the title bold in it.
  for (std::string_view family : kCalloutFamilies) {
    const Color& c = s.callout.color(family);
    const std::string sel = "aside.callout-" + std::string(family);
    const std::string folded = "details.callout-" + std::string(family);  // MkDocs' ???
    Rule box(sel + ", " + folded);
    box.p("border-left", "0.25em solid " + hex(c)).p("padding", "0.4em 0.8em").p("margin", "1em 0");
    // The PDF's tint is the colour at 10% over white: the same here, translucent.
    if (s.callout.tint) box.p("background-color", translucent(c, 0.1));
    css += box.done();
    css += Rule(sel + " > p.callout-title, " + folded + " > summary").p("color", hex(c)).done();
  }
  css += Rule("p.callout-title, p.tab-label, details.callout > summary")
             .p("font-weight", "bold")
             .p("text-indent", "0")
             .p("margin", "0 0 0.3em 0")
             .done();
  css += Rule("aside.callout > p, details.callout > p").p("text-indent", "0").done();
  css += Rule("section.tab")
             .p("border-left", "0.15em solid #c8c8c8")
             .p("padding-left", "0.8em")
             .p("margin", "1em 0")
             .done();
  css += Rule("kbd")
             .p("border", "0.06em solid #999")
             .p("border-radius", "0.2em")
             .p("padding", "0 0.2em")
             .done();
  css += Rule("mark").p("background-color", translucent(Color{1.0, 0.85, 0.0}, 0.4)).done();

  css +=
      role_rule("figcaption, caption, .caption", s.role(Role::Caption), body, false, flow).done();
  if (!s.numbering.table_caption_above)
    css += Rule("caption").p("caption-side", "bottom").done();  // numbering.table-caption: below
  css += Rule("figure, p.image")
             .p("margin", "0.8em 0")
             .p("text-align", "center")
             .p("text-indent", "0")
             .done();
  css += Rule("img").p("max-width", "100%").p("max-height", "100%").p("height", "auto").done();

  // Footnotes: <sup><a epub:type="noteref"> in the text, <aside
  // epub:type="footnote"> inside <section class="footnotes"> (epub/);
  // reading systems that show notes as pop-ups hide the asides.
  const RoleStyle& note = s.role(Role::Footnote);
  Rule notes = role_rule("section.footnotes", note, body, false, flow);
  notes.p("margin", flow.box("2em", "0", "0", "0"));
  notes.p(std::string("border-") + flow.block_start(), line);
  css += notes.done();
  css += Rule("aside.footnote").p("margin", flow.box("0.3em", "0", "0.3em", "0")).done();
  css += Rule("aside.footnote p, .footnote p").p("text-indent", "0").done();
  css += Rule("sup").p("font-size", "0.7em").p("line-height", "0").done();
  css += Rule("a")
             .p("color", "inherit")
             .p("text-decoration", "none")
             .p("border-bottom", "thin dotted " + rule_color)
             .done();
  css += Rule("sup a.footnote-ref, a.footnote-back, nav a").p("border-bottom", "none").done();

  css += Rule("hr")
             .p("border", "none")
             .p(std::string("border-") + flow.block_start(), line)
             .p("margin", flow.box("1.5em", "20%", "1.5em", "20%"))
             .done();
  css += Rule("del, s").p("text-decoration", "line-through").done();
  // Lists as in the PDF: the item text 2 em in, at its own edge (no inherited
  // first-line indent), the marker hanging in front of it.
  css += Rule("ul, ol")
             .p("margin", flow.box(em(body.space_before, body.size), "0",
                                   em(body.space_after, body.size), "0"))
             .p(std::string("padding-") + flow.inline_start(), "2em")
             .p("list-style-position", "outside")
             .done();
  css += Rule("li ul, li ol").p("margin", "0").done();
  css += Rule("li").p("text-indent", "0").p("text-align", align(body.align)).done();
  css += Rule("li > input[type=\"checkbox\"]").p("margin", flow.box("0", "0.4em", "0", "0")).done();

  // Emphasis. Han text has no italics: *em* is bold, or emphasis dots (着重号)
  // with `emphasis.cjk: dots` (under horizontal text, right of vertical text,
  // GB/T 15834); Latin text keeps italics.
  if (s.emphasis.cjk == CjkEmphasis::Dots) {
    css += Rule("em")
               .p("font-style", "normal")
               .p("font-weight", "normal")
               .p("-epub-text-emphasis", "filled dot")
               .p("-webkit-text-emphasis", "filled dot")
               .p("text-emphasis", "filled dot")
               .p("-epub-text-emphasis-position", "under right")
               .p("-webkit-text-emphasis-position", "under right")
               .p("text-emphasis-position", "under right")
               .done();
  } else {
    css += Rule("em").p("font-style", "normal").p("font-weight", "bold").done();
  }
  css += Rule(":lang(en) em, em:lang(en)")
             .p("font-style", "italic")
             .p("font-weight", "normal")
             .p("-epub-text-emphasis", "none")
             .p("-webkit-text-emphasis", "none")
             .p("text-emphasis", "none")
             .done();
  css += Rule("strong").p("font-weight", "bold").done();

  // Title page, cover and navigation (epub/ package pages).
  const RoleStyle& title = s.role(Role::Title);
  css += Rule("section.titlepage")
             .p("text-align", "center")
             .p(std::string("margin-") + flow.block_start(), "20%")
             .done();
  css += role_rule("section.titlepage h1.title", title, body, false, flow, s.fonts.heading).done();
  css += Rule("section.titlepage p")
             .p("text-indent", "0")
             .p("text-align", "center")
             .p("margin", "0.5em 0")
             .done();
  css += Rule("section.titlepage p.description")
             .p("color", text_color(Color{0.27, 0.27, 0.27}))
             .done();
  css += Rule("section.cover").p("text-align", "center").p("margin", "0").p("padding", "0").done();
  css += Rule("section.cover img").p("max-height", "100%").done();
  css += Rule("nav ol")
             .p("list-style-type", "none")
             .p(std::string("padding-") + flow.inline_start(), "1.5em")
             .done();
  css += Rule("nav > ol").p(std::string("padding-") + flow.inline_start(), "0").done();
  css += code_highlight_css(s);
  return css;
}

}  // namespace moyin::style
