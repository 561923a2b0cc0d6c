// Style sheets: YAML -> validated dotted settings, layered -> resolved Sheet.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include "base/file.h"
#include "base/yaml_text.h"
#include "style/style_impl.h"

namespace moyin::style {

namespace {

constexpr double kPtPerMm = 72.0 / 25.4;
constexpr std::string_view kRoleNames[kRoleCount] = {
    "body",  "h1",    "h2",      "h3",       "h4",     "h5",     "h6",   "code",
    "quote", "table", "caption", "footnote", "header", "footer", "title"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

enum class Unit { None, Pt, Mm, Cm, In, Pc, Em, Percent };

struct Quantity {
  double value = 0;
  Unit unit = Unit::None;
};

std::optional<Quantity> parse_quantity(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || !std::isfinite(v)) return std::nullopt;
  std::string unit = lower(trim(std::string_view(ptr, text.data() + text.size() - ptr)));
  Quantity q{v, Unit::None};
  if (unit.empty()) q.unit = Unit::None;
  else if (unit == "pt") q.unit = Unit::Pt;
  else if (unit == "mm") q.unit = Unit::Mm;
  else if (unit == "cm") q.unit = Unit::Cm;
  else if (unit == "in") q.unit = Unit::In;
  else if (unit == "pc") q.unit = Unit::Pc;
  else if (unit == "em") q.unit = Unit::Em;
  else if (unit == "%") q.unit = Unit::Percent;
  else return std::nullopt;
  return q;
}

double to_pt(const Quantity& q, double em_pt) {
  switch (q.unit) {
    case Unit::Pt: return q.value;
    case Unit::Mm: return q.value * kPtPerMm;
    case Unit::Cm: return q.value * 10 * kPtPerMm;
    case Unit::In: return q.value * 72;
    case Unit::Pc: return q.value * 12;
    case Unit::Em: return q.value * em_pt;
    case Unit::Percent: return q.value / 100 * em_pt;
    case Unit::None: return q.value * em_pt;
  }
  return q.value;
}

std::optional<bool> parse_bool(std::string_view text) {
  std::string t = lower(trim(text));
  if (t == "true" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "no" || t == "off") return false;
  return std::nullopt;
}

std::optional<long> parse_int(std::string_view text) {
  text = trim(text);
  long v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

struct PaperSize {
  std::string_view name;
  double w_mm, h_mm;
};
// Chinese book formats per GB/T 788 (成品尺寸).
constexpr PaperSize kPaperSizes[] = {
    {"a3", 297, 420},   {"a4", 210, 297},    {"a5", 148, 210},         {"a6", 105, 148},
    {"b5", 176, 250},   {"b6", 125, 176},    {"letter", 215.9, 279.4}, {"legal", 215.9, 355.6},
    {"16k", 185, 260},  {"16开", 185, 260},  {"大16开", 210, 285},     {"32k", 130, 184},
    {"32开", 130, 184}, {"大32开", 140, 203}};

const PaperSize* find_paper(std::string_view name) {
  std::string n = lower(trim(name));
  for (const PaperSize& p : kPaperSizes)
    if (p.name == n) return &p;
  return nullptr;
}

// --- the key table -----------------------------------------------------------

enum class Kind {
  PageLength,  // absolute, or em relative to body size
  RoleLength,  // absolute, or em/% relative to the role's size; bare 0 only
  Size,        // absolute, or em/%/bare relative to the body size
  Leading,     // absolute, or em/%/bare relative to the role's size
  EmAmount,    // em amount: "0.25em", "25%", "0.25", "none"
  Color,       // colour, or "none" (clears)
  Bool,
  Int,
  Enum,
  String,
  PageSize,
  NumberTemplate,  // a numbering template (parse_number_template)
  PageTemplate,    // text with {page} in it, or empty (xref.page)
};

struct Ctx {
  double body_size = 10.5;
  double role_size = 10.5;
};

using Apply = std::function<void(Sheet&, std::string_view, const Ctx&)>;

struct KeyDef {
  std::string key;
  Kind kind;
  Apply apply;
  std::vector<std::string> choices;  // Enum
  long min = 0, max = 0;             // Int
  int role = -1;                     // role index for role keys
};

double length_value(Kind kind, std::string_view v, const Ctx& c) {
  auto q = parse_quantity(v);
  if (!q) return 0;
  switch (kind) {
    case Kind::PageLength: return to_pt(*q, c.body_size);
    case Kind::RoleLength:
    case Kind::Leading: return to_pt(*q, c.role_size);
    case Kind::Size: return to_pt(*q, c.body_size);
    default: return q->value;
  }
}

// Why `v` is not a good value for `d`, or empty when it is.
std::string invalid(const KeyDef& d, std::string_view v) {
  const std::string_view t = trim(v);
  switch (d.kind) {
    case Kind::PageLength:
    case Kind::RoleLength: {
      auto q = parse_quantity(t);
      if (!q || (q->unit == Unit::None && q->value != 0))
        return "a length with a unit (pt, mm, cm, in, em)";
      if (d.kind == Kind::PageLength && q->unit == Unit::Percent)
        return "a length with a unit (pt, mm, cm, in, em)";
      if (q->value < 0 && d.key.find("margin-left") == std::string::npos &&
          d.key.find("indent") == std::string::npos)
        return "a length that is not negative";
      return {};
    }
    case Kind::Size:
    case Kind::Leading: {
      auto q = parse_quantity(t);
      if (!q) return "a size (pt, mm, em, %, or a bare ratio)";
      if (q->value <= 0) return "a size greater than 0";
      if (to_pt(*q, 10) > 10000) return "a size below 10000pt";
      return {};
    }
    case Kind::EmAmount: {
      if (lower(t) == "none" || lower(t) == "false") return {};
      auto q = parse_quantity(t);
      if (!q || (q->unit != Unit::None && q->unit != Unit::Em && q->unit != Unit::Percent))
        return "an amount in em (e.g. 0.25em), or none";
      double em = q->unit == Unit::Percent ? q->value / 100 : q->value;
      if (em < 0 || em > 2) return "an amount between 0 and 2em";
      return {};
    }
    case Kind::Color: {
      Color c;
      if (lower(t) == "none" || parse_color(t, c)) return {};
      return "a colour (#rrggbb, #rgb, rgb(r,g,b), a name like black, or none)";
    }
    case Kind::Bool: return parse_bool(t) ? std::string() : std::string("true or false");
    case Kind::Int: {
      auto n = parse_int(t);
      if (!n || *n < d.min || *n > d.max)
        return "a whole number from " + std::to_string(d.min) + " to " + std::to_string(d.max);
      return {};
    }
    case Kind::Enum: {
      std::string l = lower(t);
      for (const std::string& c : d.choices)
        if (c == l) return {};
      std::string expect = "one of";
      for (size_t i = 0; i < d.choices.size(); ++i) expect += (i ? ", " : " ") + d.choices[i];
      return expect;
    }
    case Kind::String: return {};
    case Kind::PageTemplate:
      if (t.empty() || t == "auto" || v.find("{page}") != std::string_view::npos) return {};
      return "a text with {page} in it, like \"（见第 {page} 页）\", \"auto\" (by the "
             "document's language) or \"\" for none";
    case Kind::NumberTemplate: {
      std::vector<NumberField> fields;
      std::string error;
      if (parse_number_template(t, fields, error)) return {};
      return "a numbering template like \"第{1:zh}章\" or \"{1}.{2}\" (" + error + ")";
    }
    case Kind::PageSize:
      if (find_paper(t)) return {};
      return "a paper size: A3, A4, A5, A6, B5, B6, Letter, Legal, 16K, 大16开, 32K, 大32开 "
             "(or set page.width and page.height)";
  }
  return {};
}

Align parse_align(std::string_view v) {
  std::string l = lower(trim(v));
  if (l == "left" || l == "start") return Align::Left;
  if (l == "center" || l == "centre") return Align::Center;
  if (l == "right" || l == "end") return Align::Right;
  return Align::Justify;
}

// Keys of highlighted code: code.theme, code.line-numbers, code.palette.*.
void add_code_keys(std::vector<KeyDef>& k) {
  KeyDef theme{"code.theme", Kind::Enum, [](Sheet& s, std::string_view v, const Ctx&) {
                 s.code.theme = lower(trim(v)) == "dark" ? CodeTheme::Dark : CodeTheme::Light;
               }};
  theme.choices = {"light", "dark"};
  k.push_back(std::move(theme));
  k.push_back(KeyDef{"code.line-numbers", Kind::Bool, [](Sheet& s, std::string_view v, const Ctx&) {
                       s.code.line_numbers = parse_bool(v).value_or(false);
                     }});
  auto colour = [&](std::string key, Color CodeStyle::*field) {
    k.push_back(KeyDef{
        std::move(key), Kind::Color,
        [field](Sheet& s, std::string_view v, const Ctx&) { parse_color(v, s.code.*field); }});
  };
  colour("code.palette.background", &CodeStyle::background);
  colour("code.palette.line-number", &CodeStyle::line_number);
  colour("code.palette.title-background", &CodeStyle::title_background);
  for (int c = 0; c < doc::kTokenClassCount; ++c) {
    const auto cls = static_cast<doc::TokenClass>(c);
    const std::string p = "code.palette." + std::string(doc::token_class_name(cls)) + ".";
    k.push_back(KeyDef{p + "color", Kind::Color, [cls](Sheet& s, std::string_view v, const Ctx&) {
                         parse_color(v, s.code.token(cls).color);
                       }});
    k.push_back(KeyDef{p + "bold", Kind::Bool, [cls](Sheet& s, std::string_view v, const Ctx&) {
                         s.code.token(cls).bold = parse_bool(v).value_or(false);
                       }});
    k.push_back(KeyDef{p + "italic", Kind::Bool, [cls](Sheet& s, std::string_view v, const Ctx&) {
                         s.code.token(cls).italic = parse_bool(v).value_or(false);
                       }});
  }
}

std::vector<KeyDef> make_keys() {
  std::vector<KeyDef> k;
  auto add = [&](std::string key, Kind kind, Apply apply) {
    k.push_back(KeyDef{std::move(key), kind, std::move(apply)});
    return &k.back();
  };
  auto page_len = [&](std::string key, double PageStyle::*field) {
    add(std::move(key), Kind::PageLength, [field](Sheet& s, std::string_view v, const Ctx& c) {
      s.page.*field = length_value(Kind::PageLength, v, c);
    });
  };
  auto boolean = [&](std::string key, std::function<bool&(Sheet&)> field) {
    add(std::move(key), Kind::Bool, [field](Sheet& s, std::string_view v, const Ctx&) {
      field(s) = parse_bool(v).value_or(false);
    });
  };
  auto integer = [&](std::string key, long min, long max, std::function<int&(Sheet&)> field) {
    KeyDef* d = add(std::move(key), Kind::Int, [field](Sheet& s, std::string_view v, const Ctx&) {
      field(s) = static_cast<int>(parse_int(v).value_or(0));
    });
    d->min = min;
    d->max = max;
  };
  auto string = [&](std::string key, std::function<std::string&(Sheet&)> field) {
    add(std::move(key), Kind::String,
        [field](Sheet& s, std::string_view v, const Ctx&) { field(s) = std::string(trim(v)); });
  };
  auto enumeration = [&](std::string key, std::vector<std::string> choices, Apply apply) {
    add(std::move(key), Kind::Enum, std::move(apply))->choices = std::move(choices);
  };

  // page
  add("page.size", Kind::PageSize, [](Sheet& s, std::string_view v, const Ctx&) {
    const PaperSize* p = find_paper(v);
    s.page.size_name = std::string(trim(v));
    s.page.width = p->w_mm * kPtPerMm;
    s.page.height = p->h_mm * kPtPerMm;
  });
  page_len("page.width", &PageStyle::width);
  page_len("page.height", &PageStyle::height);
  page_len("page.margins.top", &PageStyle::top);
  page_len("page.margins.bottom", &PageStyle::bottom);
  page_len("page.margins.inner", &PageStyle::inner);
  page_len("page.margins.outer", &PageStyle::outer);
  page_len("page.bleed", &PageStyle::bleed);
  boolean("page.mirrored", [](Sheet& s) -> bool& { return s.page.mirrored; });
  boolean("page.crop-marks", [](Sheet& s) -> bool& { return s.page.crop_marks; });

  // roles
  for (int r = 0; r < kRoleCount; ++r) {
    const std::string p = std::string(kRoleNames[r]) + ".";
    auto role_add = [&](std::string key, Kind kind, Apply apply) {
      add(p + key, kind, std::move(apply))->role = r;
    };
    auto role_len = [&](std::string key, double RoleStyle::*field) {
      role_add(std::move(key), Kind::RoleLength,
               [r, field](Sheet& s, std::string_view v, const Ctx& c) {
                 s.roles[r].*field = length_value(Kind::RoleLength, v, c);
               });
    };
    auto role_bool = [&](std::string key, bool RoleStyle::*field) {
      role_add(std::move(key), Kind::Bool, [r, field](Sheet& s, std::string_view v, const Ctx&) {
        s.roles[r].*field = parse_bool(v).value_or(false);
      });
    };
    role_add("font", Kind::String, [r](Sheet& s, std::string_view v, const Ctx&) {
      s.roles[r].font = std::string(trim(v));
    });
    role_add("size", Kind::Size, [r](Sheet& s, std::string_view v, const Ctx& c) {
      s.roles[r].size = length_value(Kind::Size, v, c);
    });
    role_add("leading", Kind::Leading, [r](Sheet& s, std::string_view v, const Ctx& c) {
      s.roles[r].leading = length_value(Kind::Leading, v, c);
    });
    role_add("color", Kind::Color,
             [r](Sheet& s, std::string_view v, const Ctx&) { parse_color(v, s.roles[r].color); });
    role_add("background", Kind::Color, [r](Sheet& s, std::string_view v, const Ctx&) {
      s.roles[r].has_background = parse_color(v, s.roles[r].background);
    });
    KeyDef* a = &k.emplace_back(KeyDef{
        p + "align", Kind::Enum,
        [r](Sheet& s, std::string_view v, const Ctx&) { s.roles[r].align = parse_align(v); }});
    a->choices = {"justify", "left", "center", "centre", "right", "start", "end"};
    a->role = r;
    role_len("space-before", &RoleStyle::space_before);
    role_len("space-after", &RoleStyle::space_after);
    role_len("indent", &RoleStyle::indent);
    role_len("margin-left", &RoleStyle::margin_left);
    role_bool("keep-with-next", &RoleStyle::keep_with_next);
    role_bool("bold", &RoleStyle::bold);
    role_bool("italic", &RoleStyle::italic);
    role_bool("page-break-before", &RoleStyle::page_break_before);
  }

  // cjk
  enumeration("cjk.line-break", {"basic", "gb", "strict", "loose"},
              [](Sheet& s, std::string_view v, const Ctx&) {
                std::string l = lower(trim(v));
                s.cjk.line_break = l == "basic"    ? LineBreak::Basic
                                   : l == "strict" ? LineBreak::Strict
                                   : l == "loose"  ? LineBreak::Loose
                                                   : LineBreak::Gb;
              });
  enumeration("cjk.punctuation", {"quanjiao", "kaiming", "banjiao", "plain"},
              [](Sheet& s, std::string_view v, const Ctx&) {
                std::string l = lower(trim(v));
                s.cjk.punctuation = l == "kaiming"   ? Punctuation::Kaiming
                                    : l == "banjiao" ? Punctuation::Banjiao
                                    : l == "plain"   ? Punctuation::Plain
                                                     : Punctuation::Quanjiao;
              });
  add("cjk.latin-spacing", Kind::EmAmount, [](Sheet& s, std::string_view v, const Ctx&) {
    auto q = parse_quantity(v);
    if (!q) {
      s.cjk.latin_spacing = 0;  // none / false
      return;
    }
    s.cjk.latin_spacing = q->unit == Unit::Percent ? q->value / 100 : q->value;
  });
  boolean("cjk.hanging", [](Sheet& s) -> bool& { return s.cjk.hanging; });
  boolean("cjk.synthetic-slant", [](Sheet& s) -> bool& { return s.cjk.synthetic_slant; });

  // paragraph
  integer("paragraph.min-last-line", 1, 20,
          [](Sheet& s) -> int& { return s.paragraph.min_last_line; });
  integer("paragraph.widows", 1, 10, [](Sheet& s) -> int& { return s.paragraph.widows; });
  integer("paragraph.orphans", 1, 10, [](Sheet& s) -> int& { return s.paragraph.orphans; });

  // running header / footer
  for (const char* which : {"header", "footer", "verso-header", "verso-footer"}) {
    const std::string_view w = which;
    auto line = [w](Sheet& s) -> RunningLine& {
      if (w == "header") return s.running.header;
      if (w == "footer") return s.running.footer;
      // Setting any key of a verso line makes it replace the line on versos.
      std::optional<RunningLine>& verso =
          w == "verso-header" ? s.running.verso_header : s.running.verso_footer;
      if (!verso) verso.emplace();
      return *verso;
    };
    const std::string p = std::string("running.") + which + ".";
    string(p + "left", [line](Sheet& s) -> std::string& { return line(s).left; });
    string(p + "center", [line](Sheet& s) -> std::string& { return line(s).center; });
    string(p + "right", [line](Sheet& s) -> std::string& { return line(s).right; });
    boolean(p + "rule", [line](Sheet& s) -> bool& { return line(s).rule; });
  }
  boolean("running.chapter-pages", [](Sheet& s) -> bool& { return s.running.on_chapter_pages; });
  add("running.header-gap", Kind::PageLength, [](Sheet& s, std::string_view v, const Ctx& c) {
    s.running.header_gap = length_value(Kind::PageLength, v, c);
  });
  add("running.footer-gap", Kind::PageLength, [](Sheet& s, std::string_view v, const Ctx& c) {
    s.running.footer_gap = length_value(Kind::PageLength, v, c);
  });

  // chapters, toc, title page, epub, emphasis
  integer("chapter.level", 1, 6, [](Sheet& s) -> int& { return s.chapter.level; });
  boolean("chapter.new-page", [](Sheet& s) -> bool& { return s.chapter.new_page; });
  enumeration("chapter.open", {"any", "right"}, [](Sheet& s, std::string_view v, const Ctx&) {
    s.chapter.open_right = lower(trim(v)) == "right";
  });
  boolean("toc.enabled", [](Sheet& s) -> bool& { return s.toc.enabled; });
  integer("toc.depth", 0, 6, [](Sheet& s) -> int& { return s.toc.depth; });
  string("toc.title", [](Sheet& s) -> std::string& { return s.toc.title; });
  boolean("title-page.enabled", [](Sheet& s) -> bool& { return s.title_page.enabled; });
  integer("epub.split-level", 0, 6, [](Sheet& s) -> int& { return s.epub.split_level; });
  boolean("epub.embed-fonts", [](Sheet& s) -> bool& { return s.epub.embed_fonts; });
  enumeration("epub.writing-mode", {"horizontal-tb", "vertical-rl"},
              [](Sheet& s, std::string_view v, const Ctx&) {
                s.epub.writing_mode = lower(trim(v)) == "vertical-rl" ? WritingMode::VerticalRl
                                                                      : WritingMode::HorizontalTb;
              });
  enumeration("epub.text-orientation", {"mixed", "upright"},
              [](Sheet& s, std::string_view v, const Ctx&) {
                s.epub.text_orientation =
                    lower(trim(v)) == "upright" ? TextOrientation::Upright : TextOrientation::Mixed;
              });
  enumeration("emphasis.cjk", {"bold", "dots"}, [](Sheet& s, std::string_view v, const Ctx&) {
    s.emphasis.cjk = lower(trim(v)) == "dots" ? CjkEmphasis::Dots : CjkEmphasis::Bold;
  });

  // figures and images
  enumeration("figure.caption", {"title", "alt", "none"},
              [](Sheet& s, std::string_view v, const Ctx&) {
                std::string l = lower(trim(v));
                s.figure.caption = l == "title"  ? FigureCaption::Title
                                   : l == "none" ? FigureCaption::None
                                                 : FigureCaption::Alt;
              });
  auto fraction = [](std::string_view v, double& out) {
    auto q = parse_quantity(v);
    if (!q) return;
    double f = q->unit == Unit::Percent ? q->value / 100 : q->value;
    out = std::clamp(f, 0.05, 1.0);
  };
  add("figure.max-height", Kind::EmAmount,
      [fraction](Sheet& s, std::string_view v, const Ctx&) { fraction(v, s.figure.max_height); });
  add("figure.min-scale", Kind::EmAmount,
      [fraction](Sheet& s, std::string_view v, const Ctx&) { fraction(v, s.figure.min_scale); });
  add("table.shrink", Kind::EmAmount,
      [fraction](Sheet& s, std::string_view v, const Ctx&) { fraction(v, s.table.shrink); });
  integer("image.max-megapixels", 1, 10000,
          [](Sheet& s) -> int& { return s.image.max_megapixels; });
  boolean("image.drop-badges", [](Sheet& s) -> bool& { return s.image.drop_badges; });

  string("fonts.body", [](Sheet& s) -> std::string& { return s.fonts.body; });
  string("fonts.heading", [](Sheet& s) -> std::string& { return s.fonts.heading; });
  string("fonts.code", [](Sheet& s) -> std::string& { return s.fonts.code; });
  // archiving, accessibility and print (docs/standards.md)
  enumeration("pdf.standard", {"none", "a-2b", "a-2u", "a-2a", "x-4"},
              [](Sheet& s, std::string_view v, const Ctx&) {
                const std::string l = lower(trim(v));
                s.pdf.standard = l == "a-2b"   ? PdfStandard::A2b
                                 : l == "a-2u" ? PdfStandard::A2u
                                 : l == "a-2a" ? PdfStandard::A2a
                                 : l == "x-4"  ? PdfStandard::X4
                                               : PdfStandard::None;
              });
  boolean("pdf.tagged", [](Sheet& s) -> bool& { return s.pdf.tagged; });
  boolean("pdf.ua", [](Sheet& s) -> bool& { return s.pdf.ua; });
  enumeration("color.model", {"rgb", "cmyk"}, [](Sheet& s, std::string_view v, const Ctx&) {
    s.color.cmyk = lower(trim(v)) == "cmyk";
  });
  string("color.profile", [](Sheet& s) -> std::string& { return s.color.profile; });
  string("color.output-condition", [](Sheet& s) -> std::string& { return s.color.condition; });
  enumeration("footnote.placement", {"page", "end"}, [](Sheet& s, std::string_view v, const Ctx&) {
    s.notes.placement = lower(trim(v)) == "end" ? NotePlacement::End : NotePlacement::Page;
  });
  enumeration("footnote.numbering", {"document", "chapter", "page"},
              [](Sheet& s, std::string_view v, const Ctx&) {
                const std::string n = lower(trim(v));
                s.notes.numbering = n == "document" ? NoteNumbering::Document
                                    : n == "page"   ? NoteNumbering::Page
                                                    : NoteNumbering::Chapter;
              });
  enumeration(
      "footnote.marks", {"superscript", "circled"}, [](Sheet& s, std::string_view v, const Ctx&) {
        s.notes.marks = lower(trim(v)) == "circled" ? NoteMarks::Circled : NoteMarks::Superscript;
      });
  add_code_keys(k);
  auto number_template = [&](std::string key, std::function<std::string&(Sheet&)> field) {
    add(std::move(key), Kind::NumberTemplate,
        [field](Sheet& s, std::string_view v, const Ctx&) { field(s) = std::string(trim(v)); });
  };
  for (int level = 1; level <= 6; ++level)
    number_template("numbering.h" + std::to_string(level),
                    [level](Sheet& s) -> std::string& { return s.numbering.headings[level - 1]; });
  number_template("numbering.figure", [](Sheet& s) -> std::string& { return s.numbering.figure; });
  number_template("numbering.table", [](Sheet& s) -> std::string& { return s.numbering.table; });
  number_template("numbering.equation",
                  [](Sheet& s) -> std::string& { return s.numbering.equation; });
  add("xref.page", Kind::PageTemplate,  // not trimmed: " (p. {page})" keeps its space
      [](Sheet& s, std::string_view v, const Ctx&) { s.xref.page = std::string(v); });
  // The varioref wordings (docs/numbering.md): text, "auto" or "" (none).
  auto wording = [&](std::string key, std::string XrefStyle::*field) {
    add(std::move(key), Kind::String,  // not trimmed, as xref.page
        [field](Sheet& s, std::string_view v, const Ctx&) { s.xref.*field = std::string(v); });
  };
  wording("xref.this-page", &XrefStyle::this_page);
  wording("xref.facing-page", &XrefStyle::facing_page);
  wording("xref.next-page", &XrefStyle::next_page);
  wording("xref.previous-page", &XrefStyle::previous_page);
  enumeration("xref.page-when", {"other-page", "always"},
              [](Sheet& s, std::string_view v, const Ctx&) {
                s.xref.page_always = lower(trim(v)) == "always";
              });
  enumeration("numbering.table-caption", {"above", "below"},
              [](Sheet& s, std::string_view v, const Ctx&) {
                s.numbering.table_caption_above = lower(trim(v)) != "below";
              });
  k.push_back(KeyDef{"callout.tint", Kind::Bool, [](Sheet& s, std::string_view v, const Ctx&) {
                       s.callout.tint = parse_bool(v).value_or(true);
                     }});
  for (size_t f = 0; f < kCalloutFamilies.size(); ++f)
    k.push_back(KeyDef{
        "callout." + std::string(kCalloutFamilies[f]), Kind::Color,
        [f](Sheet& s, std::string_view v, const Ctx&) { parse_color(v, s.callout.colors[f]); }});
  return k;
}

}  // namespace

bool parse_number_template(std::string_view text, std::vector<NumberField>& out,
                           std::string& error) {
  static constexpr std::pair<std::string_view, NumberFormat> kFormats[] = {
      {"arabic", NumberFormat::Arabic},
      {"zh", NumberFormat::Chinese},
      {"zh-financial", NumberFormat::ChineseFinancial},
      {"roman", NumberFormat::Roman},
      {"Roman", NumberFormat::RomanUpper},
      {"alpha", NumberFormat::Alpha},
      {"Alpha", NumberFormat::AlphaUpper}};
  out.clear();
  NumberField piece;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      piece.literal += c;
      ++i;
      continue;
    }
    if (c == '}') {
      error = "a `}` without its `{`";
      return false;
    }
    if (c != '{') {
      piece.literal += c;
      continue;
    }
    const size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      error = "a `{` without its `}`";
      return false;
    }
    std::string_view field = text.substr(i + 1, close - i - 1);
    std::string_view format = "arabic";
    if (const size_t colon = field.find(':'); colon != std::string_view::npos) {
      format = field.substr(colon + 1);
      field = field.substr(0, colon);
    }
    if (field == "n") piece.counter = 0;
    else if (field.size() == 1 && field[0] >= '1' && field[0] <= '6')
      piece.counter = field[0] - '0';
    else {
      error = "unknown field {" + std::string(field) + "}: use {1}…{6} or {n}";
      return false;
    }
    const auto* f = std::find_if(std::begin(kFormats), std::end(kFormats),
                                 [&](const auto& kv) { return kv.first == format; });
    if (f == std::end(kFormats)) {
      error = "unknown format `" + std::string(format) +
              "`: use arabic, zh, zh-financial, roman, Roman, alpha or Alpha";
      return false;
    }
    piece.format = f->second;
    out.push_back(std::move(piece));
    piece = {};
    i = close;
  }
  if (!piece.literal.empty()) out.push_back(std::move(piece));
  return true;
}

namespace {

// The key table is immutable after first use (function-local static: no
// global mutable state; initialisation is thread-safe).
const std::vector<KeyDef>& keys() {
  static const std::vector<KeyDef> table = make_keys();
  return table;
}

const KeyDef* find_key(std::string_view key) {
  // Looked up for every setting of every sheet resolved: hashed once, not scanned.
  static const std::unordered_map<std::string_view, const KeyDef*> index = [] {
    std::unordered_map<std::string_view, const KeyDef*> m;
    m.reserve(keys().size());
    for (const KeyDef& d : keys()) m.emplace(d.key, &d);  // the first of a key, as the scan found
    return m;
  }();
  const auto it = index.find(key);
  return it == index.end() ? nullptr : it->second;
}

// Spellings users write that mean a canonical key.
std::string canonical(std::string key) {
  struct Alias {
    std::string_view from, to;
  };
  static constexpr Alias suffixes[] = {{".first-line-indent", ".indent"},
                                       {".line-height", ".leading"},
                                       {".colour", ".color"},
                                       {".font-set", ".font"},
                                       {".space-above", ".space-before"},
                                       {".space-below", ".space-after"}};
  for (const Alias& a : suffixes) {
    if (key.size() > a.from.size() && key.ends_with(a.from))
      key = key.substr(0, key.size() - a.from.size()) + std::string(a.to);
  }
  if (key.starts_with("page.margin.")) key = "page.margins." + key.substr(12);
  if (key == "page.margin") key = "page.margins";
  if (key.starts_with("title_page.")) key = "title-page." + key.substr(11);
  // `code.palette.keyword: "#0b3d91"` is short for code.palette.keyword.color.
  if (key.starts_with("code.palette.") && key.find('.', 13) == std::string::npos)
    for (int c = 0; c < doc::kTokenClassCount; ++c)
      if (key.substr(13) == doc::token_class_name(static_cast<doc::TokenClass>(c)))
        return key + ".color";
  return key;
}

void insert(std::string key, std::string value, const std::string& file, doc::Position pos,
            Settings& out, doc::Diagnostics& diags) {
  key = canonical(std::move(key));
  // Group keys expand to the keys they stand for, validated once.
  std::vector<std::string> targets;
  std::string check_key = key;
  if (key.starts_with("headings.")) {
    for (int n = 1; n <= 6; ++n) targets.push_back("h" + std::to_string(n) + key.substr(8));
    check_key = targets.front();
  } else if (key == "page.margins") {
    for (const char* side : {"top", "bottom", "inner", "outer"})
      targets.push_back(std::string("page.margins.") + side);
    check_key = targets.front();
  } else {
    targets.push_back(key);
  }
  if (key == "math.numbering") {  // the old spelling of numbering.equation
    const std::string v = lower(trim(value));
    if (v != "none" && v != "all" && v != "chapter") {
      diags.warn(file, pos,
                 "bad value `" + value +
                     "` for style key `math.numbering`: expected one of none, all, chapter; "
                     "keeping the earlier value");
      return;
    }
    const std::string tpl = v == "all" ? "{n}" : v == "chapter" ? "{1}.{n}" : "";
    diags.warn(file, pos,
               "style key `math.numbering` is deprecated: write `numbering.equation: \"" + tpl +
                   "\"` (used as that)");
    out["numbering.equation"] = Setting{tpl, file, pos};
    return;
  }
  const KeyDef* def = find_key(check_key);
  if (!def) {
    diags.warn(file, pos, "unknown style key `" + key + "` (ignored)");
    return;
  }
  if (std::string why = invalid(*def, value); !why.empty()) {
    diags.warn(file, pos,
               "bad value `" + value + "` for style key `" + key + "`: expected " + why +
                   "; keeping the earlier value");
    return;
  }
  for (const std::string& t : targets) out[t] = Setting{value, file, pos};
}

doc::Position pos_of(const YAML::Mark& m) {
  if (m.line < 0) return {};
  return {m.line + 1, m.column + 1};
}

void flatten(const YAML::Node& node, const std::string& prefix, const std::string& file,
             Settings& out, doc::Diagnostics& diags, std::string& extends) {
  for (const auto& kv : node) {
    const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    const doc::Position at = pos_of(kv.first.Mark());
    if (k.empty()) {
      diags.warn(file, at, "style keys must be plain names");
      continue;
    }
    const std::string key = prefix.empty() ? k : prefix + "." + k;
    const YAML::Node& v = kv.second;
    if (prefix.empty() && k == "extends") {
      if (v.IsScalar()) extends = v.Scalar();
      else diags.warn(file, at, "`extends` must name a style sheet");
      continue;
    }
    if (v.IsMap()) {
      flatten(v, key, file, out, diags, extends);
    } else if (v.IsSequence()) {
      diags.warn(file, at, "style key `" + key + "` expects a single value, not a list (ignored)");
    } else {
      insert(key, v.IsNull() ? std::string() : v.Scalar(), file, at, out, diags);
    }
  }
}

}  // namespace

std::string collect_yaml(std::string_view text, const std::string& file, Settings& out,
                         doc::Diagnostics& diags, bool& ok) {
  ok = true;
  std::string extends;
  YAML::Node root;
  try {
    root = YAML::Load(base::without_leading_comments(text));
  } catch (const YAML::Exception& e) {
    diags.error(file, pos_of(e.mark), "style sheet is not valid YAML: " + e.msg);
    ok = false;
    return extends;
  }
  if (root.IsNull()) return extends;  // an empty sheet changes nothing
  if (!root.IsMap()) {
    diags.error(file, pos_of(root.Mark()), "a style sheet must be a map of keys");
    ok = false;
    return extends;
  }
  flatten(root, "", file, out, diags, extends);
  return extends;
}

void collect_setting(std::string_view key_value, Settings& out, doc::Diagnostics& diags) {
  const size_t eq = key_value.find('=');
  if (eq == std::string_view::npos || trim(key_value.substr(0, eq)).empty()) {
    diags.warn("--set", {}, "expected key=value, got `" + std::string(key_value) + "` (ignored)");
    return;
  }
  std::string key(trim(key_value.substr(0, eq)));
  std::string value(trim(key_value.substr(eq + 1)));
  // Allow YAML-style quoting on the command line.
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front())
    value = value.substr(1, value.size() - 2);
  insert(std::move(key), std::move(value), "--set", {}, out, diags);
}

Sheet build(const Settings& settings) {
  Sheet s;
  Ctx ctx;
  auto apply = [&](const std::string& key, const Setting& st) {
    const KeyDef* d = find_key(key);
    if (!d) return;
    Ctx c = ctx;
    if (d->role >= 0) c.role_size = s.roles[d->role].size;
    d->apply(s, st.value, c);
  };
  // Sizes first (body before the rest: em/%/ratios refer to it), then page
  // size before width/height, then everything else.
  if (auto it = settings.find("body.size"); it != settings.end()) {
    Ctx base;  // body size relative to the 10.5 pt default
    find_key("body.size")->apply(s, it->second.value, base);
  }
  ctx.body_size = s.role(Role::Body).size;
  for (const auto& [key, st] : settings)
    if (key.ends_with(".size") && key != "body.size" && key != "page.size") apply(key, st);
  if (auto it = settings.find("page.size"); it != settings.end()) apply("page.size", it->second);
  const auto is_palette = [](const std::string& key) { return key.starts_with("code.palette."); };
  for (const auto& [key, st] : settings)
    if (!key.ends_with(".size") && !is_palette(key)) apply(key, st);
  // Roles without a font set or colour of their own use the body's.
  for (int r = 0; r < kRoleCount; ++r) {
    RoleStyle& role = s.roles[r];
    if (role.font.empty()) role.font = s.role(Role::Body).font;
    if (r != 0 && !settings.contains(std::string(kRoleNames[r]) + ".color"))
      role.color = s.role(Role::Body).color;
  }
  // The code palette: the theme's, where the light theme takes the code
  // role's text colour and background; then each code.palette key.
  const bool line_numbers = s.code.line_numbers;
  s.code = code_theme(s.code.theme);
  s.code.line_numbers = line_numbers;
  if (s.code.theme == CodeTheme::Light) {
    const RoleStyle& code = s.role(Role::Code);
    s.code.token(doc::TokenClass::Text).color = code.color;
    if (code.has_background) s.code.background = code.background;
  }
  for (const auto& [key, st] : settings)
    if (is_palette(key)) apply(key, st);
  return s;
}

struct ParsedSheets::Impl {
  struct Entry {
    std::string text;
    Settings settings;
    std::string extends;
  };
  std::mutex mutex;
  // By path; the built-in defaults under kBuiltinPath.
  std::map<std::string, Entry> by_path;
  // Whole resolutions that gave no diagnostic, by resolution_key: a batch's
  // posts mostly ask for the same sheet (about 1.6 M instructions each).
  std::map<std::string, Sheet> resolved;
  // Whether by_path holds an entry the saved bytes did not.
  bool changed = false;
};

const Settings& builtin_settings();  // below

namespace {

constexpr std::string_view kBuiltinPath = "<built-in>";
constexpr std::string_view kSavedFormat = "moyin-parsed-sheets 1\n";

// The saved bytes: every string as its length, ':' and its bytes (values
// may hold newlines), so reading needs no escaping and stops at any damage.
void put(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
}

bool get(std::string_view& in, std::string_view& s) {
  const size_t colon = in.find(':');
  size_t n = 0;
  if (colon == std::string_view::npos) return false;
  const auto [end, ec] = std::from_chars(in.data(), in.data() + colon, n);
  if (ec != std::errc() || end != in.data() + colon || n > in.size() - colon - 1) return false;
  s = in.substr(colon + 1, n);
  in.remove_prefix(colon + 1 + n);
  return true;
}

bool get(std::string_view& in, std::string& s) {
  std::string_view v;
  if (!get(in, v)) return false;
  s.assign(v);
  return true;
}

bool get(std::string_view& in, int& v) {
  std::string_view s;
  if (!get(in, s)) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size();
}

bool get_entry(std::string_view& in, std::string& path, ParsedSheets::Impl::Entry& e) {
  int count = 0;
  if (!get(in, path) || !get(in, e.text) || !get(in, e.extends) || !get(in, count) || count < 0)
    return false;
  for (int i = 0; i < count; ++i) {
    std::string key;
    Setting st;
    if (!get(in, key) || !get(in, st.value) || !get(in, st.file) || !get(in, st.pos.line) ||
        !get(in, st.pos.column))
      return false;
    e.settings.emplace_hint(e.settings.end(), std::move(key), std::move(st));  // saved in order
  }
  return true;
}

}  // namespace

ParsedSheets::ParsedSheets() : impl_(std::make_unique<Impl>()) {}

ParsedSheets::ParsedSheets(std::string_view saved) : ParsedSheets() {
  if (!saved.starts_with(kSavedFormat)) return;
  saved.remove_prefix(kSavedFormat.size());
  std::map<std::string, Impl::Entry> entries;
  while (!saved.empty()) {
    std::string path;
    Impl::Entry e;
    if (!get_entry(saved, path, e)) return;  // damaged: parse everything again
    entries[std::move(path)] = std::move(e);
  }
  impl_->by_path = std::move(entries);
}

ParsedSheets::~ParsedSheets() = default;

std::optional<std::string> ParsedSheets::saved() const {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->changed) return std::nullopt;
  std::string out(kSavedFormat);
  for (const auto& [path, e] : impl_->by_path) {
    put(out, path);
    put(out, e.text);
    put(out, e.extends);
    put(out, std::to_string(e.settings.size()));
    for (const auto& [key, st] : e.settings) {
      put(out, key);
      put(out, st.value);
      put(out, st.file);
      put(out, std::to_string(st.pos.line));
      put(out, std::to_string(st.pos.column));
    }
  }
  return out;
}

bool ParsedSheets::has_builtin() const {
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->by_path.find(std::string(kBuiltinPath));
  return it != impl_->by_path.end() && it->second.text == kBuiltinDefaults;
}

void ParsedSheets::prepare_builtin() const {
  if (has_builtin()) return;
  const Settings& parsed = builtin_settings();
  std::lock_guard lock(impl_->mutex);
  impl_->by_path[std::string(kBuiltinPath)] = {kBuiltinDefaults, parsed, {}};
  impl_->changed = true;
}

namespace {

// The built-in defaults' settings: remembered in `parsed` when given.
Settings builtin_of(const ParsedSheets* parsed) {
  if (!parsed) return builtin_settings();
  parsed->prepare_builtin();
  std::lock_guard lock(parsed->impl().mutex);
  return parsed->impl().by_path.at(std::string(kBuiltinPath)).settings;
}

struct Resolver {
  Settings& settings;
  doc::Diagnostics& diags;
  std::vector<std::string>& sources;
  const std::filesystem::path& styles_dir;
  const ParsedSheets* parsed = nullptr;

  // The sheet text's settings and `extends:`, from `parsed` when the same
  // file with the same bytes was parsed before without a diagnostic.
  std::string collect(const std::string& text, const std::string& path, Settings& out, bool& ok) {
    if (parsed) {
      std::lock_guard lock(parsed->impl().mutex);
      auto it = parsed->impl().by_path.find(path);
      if (it != parsed->impl().by_path.end() && it->second.text == text) {
        out = it->second.settings;
        return it->second.extends;
      }
    }
    const size_t before = diags.items.size();
    std::string ext = collect_yaml(text, path, out, diags, ok);
    if (parsed && ok && diags.items.size() == before) {
      std::lock_guard lock(parsed->impl().mutex);
      parsed->impl().by_path[path] = {text, out, ext};
      parsed->impl().changed = true;
    }
    return ext;
  }

  bool load_file(const std::filesystem::path& path, int depth) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      diags.error(path.string(), {}, "style sheet is a directory, not a file");
      return false;
    }
    std::string error;
    const std::optional<std::string> bytes = base::read_bounded(path, error);
    if (!bytes) {
      diags.error(path.string(), {}, "cannot read style sheet: " + error);
      return false;
    }
    const std::string& text = *bytes;
    Settings mine;
    bool ok = true;
    const std::string ext = collect(text, path.string(), mine, ok);
    if (!ok) return false;
    if (!ext.empty()) {
      if (depth >= 8) {
        diags.error(path.string(), {},
                    "style sheets extend each other in a loop (at `" + ext + "`)");
        return false;
      }
      if (!load_named(ext, path.string(), depth + 1)) return false;
    }
    for (auto& [k, v] : mine) settings[k] = std::move(v);
    sources.push_back(path.string());
    return true;
  }

  bool load_named(const std::string& name, const std::string& asked_by, int depth) {
    std::filesystem::path p = find_sheet(name, styles_dir);
    if (p.empty()) {
      std::string avail;
      std::error_code ec;
      std::vector<std::string> names;
      for (const auto& e : std::filesystem::directory_iterator(styles_dir, ec))
        if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
      std::sort(names.begin(), names.end());
      for (const auto& n : names) avail += (avail.empty() ? "" : ", ") + n;
      diags.error(asked_by, {}, "no style sheet named `" + name + "` (available: " + avail + ")");
      return false;
    }
    return load_file(p, depth);
  }
};

bool is_sheet_name(std::string_view s) {
  return s.find('/') == std::string_view::npos && !s.ends_with(".yaml") && !s.ends_with(".yml");
}

}  // namespace

// The built-in defaults, parsed once per process and never changed:
// yaml-cpp takes about 9 M instructions for them, a tenth of a short
// document's whole build, and every sheet (and epub::Options) starts here.
const Settings& builtin_settings() {
  static const Settings parsed = [] {
    Settings settings;
    doc::Diagnostics ignored;  // the defaults are valid (StyleTest checks)
    bool ok = true;
    collect_yaml(kBuiltinDefaults, "<built-in>", settings, ignored, ok);
    return settings;
  }();
  return parsed;
}

namespace {

// Everything a resolution depends on besides the files' bytes (which do not
// change during a run). The document's folder and path matter only to a
// front-matter `style:`.
std::string resolution_key(const Layers& l) {
  std::string key = l.base + '\0' + l.front_matter + '\0' + l.styles_dir.string() + '\0';
  if (!trim(l.front_matter).empty()) key += l.document_dir.string() + '\0' + l.document_path + '\0';
  for (const auto& f : l.files) key += f.string() + '\1';
  key += '\0';
  for (const auto& kv : l.settings) key += kv + '\1';
  return key;
}

Sheet resolve_layers(const Layers& layers, doc::Diagnostics& diags);

}  // namespace

Sheet resolve(const Layers& layers, doc::Diagnostics& diags) {
  if (!layers.parsed) return resolve_layers(layers, diags);
  ParsedSheets::Impl& memo = layers.parsed->impl();
  const std::string key = resolution_key(layers);
  {
    std::lock_guard lock(memo.mutex);
    if (auto it = memo.resolved.find(key); it != memo.resolved.end()) return it->second;
  }
  doc::Diagnostics own;
  Sheet sheet = resolve_layers(layers, own);
  if (own.items.empty()) {
    std::lock_guard lock(memo.mutex);
    memo.resolved.emplace(key, sheet);
  }
  diags.items.insert(diags.items.end(), own.items.begin(), own.items.end());
  return sheet;
}

namespace {

Sheet resolve_layers(const Layers& layers, doc::Diagnostics& diags) {
  Settings settings = builtin_of(layers.parsed);
  std::vector<std::string> sources;
  Resolver r{settings, diags, sources, layers.styles_dir, layers.parsed};
  std::string name = "article";
  const std::string fm(trim(layers.front_matter));
  const std::string fm_origin =
      layers.document_path.empty() ? std::string("front matter") : layers.document_path;
  std::string base(trim(layers.base));
  // The shipped sheet underneath: the front matter's name, else (no front
  // matter style) the caller's name, which then need not be layered again on
  // top, else article.
  if (!fm.empty() && is_sheet_name(fm) && r.load_named(fm, fm_origin, 0)) {
    name = fm;
  } else if (fm.empty() && !base.empty() && is_sheet_name(base)) {
    if (r.load_named(base, "--style", 0)) name = base;
    base.clear();
  } else {
    r.load_named("article", "style", 0);
  }
  if (!fm.empty() && !is_sheet_name(fm)) {
    std::filesystem::path p = fm;
    if (p.is_relative()) p = layers.document_dir / p;
    if (r.load_file(p, 0)) name = p.stem().string();
  }
  if (!base.empty()) {
    if (is_sheet_name(base) ? r.load_named(base, "--style", 0) : r.load_file(base, 0))
      name = is_sheet_name(base) ? base : std::filesystem::path(base).stem().string();
  }
  for (const auto& f : layers.files)
    if (r.load_file(f, 0)) name = f.stem().string();
  for (const auto& kv : layers.settings) collect_setting(kv, settings, diags);
  Sheet sheet = build(settings);
  sheet.name = name;
  sheet.sources = std::move(sources);
  return sheet;
}

}  // namespace

Sheet resolve(std::string_view name_or_path, const std::vector<std::string>& overrides,
              const std::filesystem::path& styles_dir, doc::Diagnostics& diags) {
  Layers l;
  l.styles_dir = styles_dir;
  l.base = std::string(name_or_path);
  l.settings = overrides;
  return resolve(l, diags);
}

Sheet defaults() {
  static const Sheet sheet = build(builtin_settings());
  return sheet;
}

std::filesystem::path find_sheet(std::string_view name, const std::filesystem::path& styles_dir) {
  if (name.empty() || !is_sheet_name(name) || name.find("..") != std::string_view::npos) return {};
  if (styles_dir.empty()) return {};
  std::filesystem::path p = styles_dir / (std::string(name) + ".yaml");
  std::error_code ec;
  if (std::filesystem::is_regular_file(p, ec)) return p;
  return {};
}

CodeStyle code_theme(CodeTheme theme) {
  using doc::TokenClass;
  struct Entry {
    TokenClass cls;
    unsigned rgb;
    bool bold, italic;
  };
  // Light prints well in greyscale: keywords bold and dark, comments grey
  // italic, the other classes mid-dark hues that stay readable on paper.
  static constexpr Entry light[] = {{TokenClass::Text, 0x1a1a1a, false, false},
                                    {TokenClass::Keyword, 0x0b3d91, true, false},
                                    {TokenClass::Type, 0x1c6b78, false, false},
                                    {TokenClass::String, 0xa3410b, false, false},
                                    {TokenClass::Number, 0x6f2da8, false, false},
                                    {TokenClass::Comment, 0x6e6e6e, false, true},
                                    {TokenClass::Preprocessor, 0x7a4a00, true, false},
                                    {TokenClass::Function, 0x1f4e8c, false, false},
                                    {TokenClass::Variable, 0x8a3b12, false, false},
                                    {TokenClass::Constant, 0x9b2335, false, false},
                                    {TokenClass::Tag, 0x0b3d91, true, false},
                                    {TokenClass::Attribute, 0x7a4a00, false, false},
                                    {TokenClass::Inserted, 0x1d6b2a, false, false},
                                    {TokenClass::Deleted, 0xa31515, false, false},
                                    {TokenClass::Meta, 0x4b4b8f, true, false}};
  // Dark: One Dark's hues on a dark grey block.
  static constexpr Entry dark[] = {{TokenClass::Text, 0xabb2bf, false, false},
                                   {TokenClass::Keyword, 0xc678dd, true, false},
                                   {TokenClass::Type, 0xe5c07b, false, false},
                                   {TokenClass::String, 0x98c379, false, false},
                                   {TokenClass::Number, 0xd19a66, false, false},
                                   {TokenClass::Comment, 0x7f848e, false, true},
                                   {TokenClass::Preprocessor, 0x56b6c2, false, false},
                                   {TokenClass::Function, 0x61afef, false, false},
                                   {TokenClass::Variable, 0xe06c75, false, false},
                                   {TokenClass::Constant, 0xd19a66, false, false},
                                   {TokenClass::Tag, 0xe06c75, false, false},
                                   {TokenClass::Attribute, 0xd19a66, false, false},
                                   {TokenClass::Inserted, 0x98c379, false, false},
                                   {TokenClass::Deleted, 0xe06c75, false, false},
                                   {TokenClass::Meta, 0x61afef, true, false}};
  auto rgb = [](unsigned v) {
    return Color{((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0, (v & 0xff) / 255.0};
  };
  CodeStyle c;
  c.theme = theme;
  for (const Entry& e :
       theme == CodeTheme::Dark ? std::span<const Entry>(dark) : std::span<const Entry>(light))
    c.token(e.cls) = TokenStyle{rgb(e.rgb), e.bold, e.italic};
  if (theme == CodeTheme::Dark) {
    c.background = rgb(0x282c34);
    c.line_number = rgb(0x636d83);
    c.title_background = rgb(0x21252b);
  }
  return c;
}

std::string_view css_class(doc::TokenClass c) {
  static constexpr std::string_view names[doc::kTokenClassCount] = {
      "",       "hl-kw",    "hl-type", "hl-str",  "hl-num", "hl-com", "hl-pp",  "hl-fn",
      "hl-var", "hl-const", "hl-tag",  "hl-attr", "hl-ins", "hl-del", "hl-meta"};
  const auto i = static_cast<size_t>(c);
  return i < std::size(names) ? names[i] : "";
}

std::string_view role_name(Role r) { return kRoleNames[static_cast<int>(r)]; }

Role heading_role(int level) {
  level = std::clamp(level, 1, 6);
  return static_cast<Role>(static_cast<int>(Role::H1) + level - 1);
}

bool parse_length(std::string_view text, double em_pt, double& out_pt) {
  auto q = parse_quantity(text);
  if (!q) return false;
  out_pt = to_pt(*q, em_pt);
  return true;
}

const Color& CalloutStyle::color(std::string_view family) const {
  for (size_t f = 0; f < kCalloutFamilies.size(); ++f)
    if (kCalloutFamilies[f] == family) return colors[f];
  return colors[0];
}

Color CalloutStyle::tint_color(std::string_view family) const {
  const Color& c = color(family);
  return Color{0.9 + 0.1 * c.r, 0.9 + 0.1 * c.g, 0.9 + 0.1 * c.b};
}

bool parse_color(std::string_view text, Color& out) {
  std::string t = lower(trim(text));
  struct Named {
    std::string_view name;
    unsigned rgb;
  };
  static constexpr Named names[] = {
      {"black", 0x000000},   {"white", 0xffffff},    {"gray", 0x808080},   {"grey", 0x808080},
      {"red", 0xff0000},     {"green", 0x008000},    {"blue", 0x0000ff},   {"navy", 0x000080},
      {"maroon", 0x800000},  {"teal", 0x008080},     {"silver", 0xc0c0c0}, {"darkgray", 0xa9a9a9},
      {"dimgray", 0x696969}, {"lightgray", 0xd3d3d3}};
  auto set_rgb = [&](unsigned rgb) {
    out = Color{((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0};
    return true;
  };
  for (const Named& n : names)
    if (n.name == t) return set_rgb(n.rgb);
  if (!t.empty() && t[0] == '#') {
    std::string hex = t.substr(1);
    if (hex.size() == 3) hex = {hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]};
    if (hex.size() != 6) return false;
    unsigned v = 0;
    auto [ptr, ec] = std::from_chars(hex.data(), hex.data() + 6, v, 16);
    if (ec != std::errc() || ptr != hex.data() + 6) return false;
    return set_rgb(v);
  }
  if (t.starts_with("rgb(") && t.ends_with(")")) {
    std::string_view inner(t);
    inner = inner.substr(4, inner.size() - 5);
    double c[3];
    for (int i = 0; i < 3; ++i) {
      size_t comma = inner.find(',');
      if ((i < 2) != (comma != std::string_view::npos)) return false;
      std::string_view part = trim(inner.substr(0, comma));
      auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), c[i]);
      if (ec != std::errc() || ptr != part.data() + part.size() || c[i] < 0 || c[i] > 255)
        return false;
      if (comma != std::string_view::npos) inner = inner.substr(comma + 1);
    }
    out = Color{c[0] / 255, c[1] / 255, c[2] / 255};
    return true;
  }
  return false;
}

std::string figure_caption(const FigureStyle& figure, const doc::Inline& image) {
  switch (figure.caption) {
    case FigureCaption::None: return "";
    case FigureCaption::Title: return image.caption.empty() ? image.title : image.caption;
    case FigureCaption::Alt: break;
  }
  return image.caption.empty() ? doc::plain_text(image.children) : image.caption;
}

}  // namespace moyin::style
