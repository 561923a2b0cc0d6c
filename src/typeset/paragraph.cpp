#include "typeset/paragraph.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <span>

#include "base/number.h"
#include "base/utf8.h"
#include "style/style.h"

namespace moyin::typeset {

const char* to_string(BreakKind k) {
  switch (k) {
    case BreakKind::None: return "none";
    case BreakKind::Han: return "han";
    case BreakKind::HanLatin: return "han-latin";
    case BreakKind::Space: return "space";
    case BreakKind::AfterPunct: return "after-punct";
    case BreakKind::BeforeOpening: return "before-opening";
    case BreakKind::Other: return "icu";
    case BreakKind::Hard: return "hard";
    case BreakKind::Emergency: return "emergency";
    case BreakKind::Url: return "url";
    case BreakKind::Hyphen: return "hyphen";
  }
  return "?";
}

namespace {

constexpr double kEmergencyPenalty = 5000;
constexpr double kHanGapStretch = 0.1;  // em: extractors read wider gaps as spaces

// Geometry of one atom as a box with blank halves (CJK-RULES §3).
struct Geometry {
  double box = 0;    // box width (ink), pt
  double left = 0;   // blank before the box, pt (opening brackets)
  double right = 0;  // blank after the box, pt (pause/stop, closing)
  double shift = 0;  // where the glyph's pen starts relative to the box
  ShrinkClass shrink = ShrinkClass::Bracket;
};

bool has_blank_class(base::PunctClass k) {
  return k == base::PunctClass::PauseStop || k == base::PunctClass::Closing ||
         k == base::PunctClass::Opening;
}

Geometry geometry(const Atom& a, PunctuationStyle ps) {
  Geometry g;
  g.box = a.advance;
  if (a.kind == AtomKind::Punct && a.punct == base::PunctClass::Interpunct &&
      ps != PunctuationStyle::Plain) {
    // CJK-RULES §1 lists `·` as fixed half-width (never adjusted) while §5
    // shrinks "interpunct sides". Both hold, by glyph width: a half-width ·
    // (a Latin face's U+00B7, as in DALL·E) is a fixed box; a fullwidth one
    // (the Chinese 间隔号 between Han names, 达·芬奇 or 达・芬奇, drawn 1 em
    // wide by the CJK face) is ½ em of ink centred between two ¼ em blanks
    // that shrink to nothing in the Interpunct class, after word spaces and
    // before bracket outsides (§5). banjiao sets it ½ em like every mark.
    if (a.advance < 0.75 * a.size) return g;
    g.box = a.advance / 2;
    g.shift = -a.advance / 4;
    if (ps != PunctuationStyle::Banjiao) g.left = g.right = a.advance / 4;
    g.shrink = ShrinkClass::Interpunct;
    return g;
  }
  if (a.kind != AtomKind::Punct || !has_blank_class(a.punct) || ps == PunctuationStyle::Plain)
    return g;
  double blank = a.advance / 2;
  g.box = a.advance - blank;
  if (a.advance < 0.75 * a.size) {
    // A proportional glyph (“ ” ‘ ’ in many faces with their own Latin):
    // in Chinese context it still takes a full em, the rest as its blank.
    if (!base::is_ambiguous_quote(a.cp)) {
      g.box = a.advance;
      return g;
    }
    blank = a.size - a.advance;
    g.box = a.advance;
  }
  bool keep = ps == PunctuationStyle::Quanjiao ||
              (ps == PunctuationStyle::Kaiming && a.punct == base::PunctClass::PauseStop &&
               base::is_stop_mark(a.cp));
  if (a.punct == base::PunctClass::Opening) {
    g.shift = g.box + blank - a.advance > 1e-9 ? 0 : -blank;  // pen before the ink half
    g.left = keep ? blank : 0;
  } else {
    g.right = keep ? blank : 0;
  }
  g.shrink = a.punct == base::PunctClass::PauseStop
                 ? (base::is_stop_mark(a.cp) ? ShrinkClass::Stop : ShrinkClass::Pause)
                 : ShrinkClass::Bracket;
  return g;
}

std::vector<Geometry> geometries(const MeasuredParagraph& mp, const ParagraphStyle& style) {
  std::vector<Geometry> geo(mp.atoms.size());
  for (size_t i = 0; i < mp.atoms.size(); ++i)
    geo[i] = geometry(mp.atoms[i], style.cjk.punctuation);
  // Adjacent marks: 2 em become 1.5 em — the blank away from the enclosed text goes.
  int prev = -1;
  bool line_start = true;
  for (size_t i = 0; i < mp.atoms.size(); ++i) {
    const Atom& a = mp.atoms[i];
    if (a.kind == AtomKind::Space) continue;
    if (a.kind == AtomKind::Hard) {
      prev = -1;
      line_start = true;
      continue;
    }
    Geometry& g = geo[i];
    if (line_start) g.left = 0;  // an opening bracket starting the paragraph (after the indent)
    if (prev >= 0 && a.punct != base::PunctClass::Interpunct &&
        mp.atoms[static_cast<size_t>(prev)].punct != base::PunctClass::Interpunct) {
      // (an interpunct's blanks are its own class, never merged with a neighbour's)
      Geometry& p = geo[static_cast<size_t>(prev)];
      if (p.right > 0 && g.right > 0) p.right = 0;     // 。” ）」 ，」
      else if (p.right > 0 && g.left > 0) g.left = 0;  // ）（ ，“
      else if (p.left > 0 && g.left > 0 && p.box > 0 &&
               mp.atoms[static_cast<size_t>(prev)].punct == base::PunctClass::Opening)
        g.left = 0;  // “《
    }
    prev = static_cast<int>(i);
    line_start = false;
  }
  return geo;
}

bool is_pair_mark(char32_t c) { return c == U'—' || c == U'…'; }

constexpr double kLastResortPenalty = 9000;

// Material wider than the measure with no break allowed inside (a run of
// —— or of marks that may neither start nor end a line) would be drawn past
// the margin. Only there, the forbidden places between its characters become
// emergency breaks (issue 5: "broken at any character as a last resort"),
// so the 禁则 stay untouched wherever they can be kept.
void enable_last_resort(std::vector<Item>& items, double measure) {
  auto last_resort = [](const Item& it) {
    return it.kind == ItemKind::Penalty && it.emergency && it.penalty >= kInfPenalty;
  };
  size_t start = 0;
  double width = 0;
  for (size_t k = 0; k <= items.size(); ++k) {
    const bool brk =
        k == items.size() || (items[k].kind == ItemKind::Penalty && items[k].penalty < kInfPenalty);
    if (!brk) {
      if (items[k].kind != ItemKind::Penalty) width += items[k].width;
      continue;
    }
    if (width > measure)
      for (size_t j = start; j < k; ++j)
        if (last_resort(items[j])) items[j].penalty = kLastResortPenalty;
    start = k + 1;
    width = 0;
  }
}

// ---- The second pass: breaks readers accept only to avoid a loose line.

constexpr double kUrlPenalty = 100;
constexpr double kHyphenPenalty = 50;

// The hyphen drawn at a hyphenated line end, in the face and size of `run`.
struct HyphenGlyph {
  uint32_t gid = 0;
  double advance = 0;  // pt
};

std::optional<HyphenGlyph> hyphen_glyph(const MeasuredParagraph& mp, uint32_t run,
                                        const ParagraphStyle& style) {
  const font::Face& face = style.fonts.library->face(mp.runs[run].face_id);
  std::vector<font::ShapedGlyph> g = font::shape(face, "-", "", style.lang);
  if (g.size() != 1 || g[0].gid == 0) return std::nullopt;
  return HyphenGlyph{g[0].gid, g[0].x_advance * mp.run_size[run]};
}

bool is_url_break_after(char32_t c) {
  return c == '/' || c == '.' || c == '-' || c == '_' || c == '?' || c == '&';
}
bool is_ascii_letter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Two atoms side by side inside one word or URL (no space, no Han, no mark between).
bool in_word(const Atom& b, const Atom& a) {
  auto wordish = [](const Atom& x) {
    return (x.kind == AtomKind::Latin || x.kind == AtomKind::Other) && x.object < 0;
  };
  return b.end == a.begin && wordish(b) && wordish(a);
}

struct ExtraBreak {
  BreakKind kind = BreakKind::None;
  double width = 0;  // the hyphen's advance (pt)
};

// Per atom: the break a second pass allows before it. URLs and paths break
// after / . - _ ? & (never inside "//" or "3.5"); words of ASCII letters
// standing alone or in a compound with -, outside code, are hyphenated.
std::vector<ExtraBreak> extra_breaks(const MeasuredParagraph& mp, const ParagraphStyle& style) {
  std::vector<ExtraBreak> out(mp.atoms.size());
  const auto& atoms = mp.atoms;
  auto digit = [](const Atom& x) { return base::is_ascii_digit(x.cp); };
  for (size_t i = 1; i < atoms.size(); ++i) {
    const Atom &b = atoms[i - 1], &a = atoms[i];
    if (!in_word(b, a) || !is_url_break_after(b.cp) || is_url_break_after(a.cp)) continue;
    if (b.cp == '.' && digit(a) && i >= 2 && digit(atoms[i - 2])) continue;  // 3.5
    out[i].kind = BreakKind::Url;
  }
  if (!style.hyphenator) return out;
  std::map<uint32_t, std::optional<HyphenGlyph>> hyphens;  // per run
  const std::string& text = mp.text.text;
  for (size_t i = 0; i < atoms.size();) {
    if (!is_ascii_letter(atoms[i].cp) || atoms[i].kind != AtomKind::Latin) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < atoms.size() && atoms[j].run == atoms[i].run && is_ascii_letter(atoms[j].cp) &&
           atoms[j].kind == AtomKind::Latin && atoms[j - 1].end == atoms[j].begin)
      ++j;
    // Only a word: not glued to digits, paths or URLs on either side (a hyphen there would change
    // them).
    auto glued = [&](size_t x, size_t y) {
      return in_word(atoms[x], atoms[y]) && atoms[x].cp != '-' && atoms[y].cp != '-';
    };
    const bool alone = (i == 0 || !glued(i - 1, i)) && (j == atoms.size() || !glued(j - 1, j));
    const Run& run = mp.runs[atoms[i].run];
    if (alone && !run.style.code && !run.style.superscript) {
      auto [it, fresh] = hyphens.try_emplace(atoms[i].run);
      if (fresh) it->second = hyphen_glyph(mp, atoms[i].run, style);
      const uint32_t begin = atoms[i].begin;
      std::string_view word(text.data() + begin, atoms[j - 1].end - begin);
      if (it->second)
        for (size_t point : style.hyphenator->points(word))
          for (size_t k = i + 1; k < j; ++k)  // the atom starting there (none inside a ligature)
            if (atoms[k].begin == begin + point) out[k] = {BreakKind::Hyphen, it->second->advance};
    }
    i = j;
  }
  return out;
}

// Every line fitted: `fits` per line, `widths` per item (lines' items do
// not overlap), as fit_line gives them.
struct FittedLines {
  std::vector<LineFit> fits;
  std::vector<double> widths;
  std::span<double> of(const LineSpan& s) {
    return std::span<double>(widths).subspan(s.begin, s.end > s.begin ? s.end - s.begin : 0);
  }
};

// A line the first pass could only set too loose (beyond every stretch
// class), overfull, or broken at an arbitrary point. When not, `fitted`
// holds every line's fit, for setting them.
bool needs_second_pass(std::span<const Item> items, std::span<const LineSpan> spans,
                       const BreakParams& bp, FittedLines& fitted) {
  fitted.fits.clear();
  fitted.widths.resize(items.size());
  for (const LineSpan& s : spans) {
    if (s.rule == BreakRule::Emergency || s.rule == BreakRule::Overfull) return true;
    const LineFit& f =
        fitted.fits.emplace_back(fit_line(items, s, bp.measure, bp.justify, fitted.of(s)));
    if (f.overfull || (bp.justify && f.overflow > 0)) return true;
  }
  return false;
}

// Why a line had to be spread: the material after its break that no rule
// lets break (named, with its width) and the room that was left.
std::string why_loose(std::span<const Item> items, const LineSpan& span,
                      const MeasuredParagraph& mp, double room) {
  double width = 0;
  uint32_t begin = 0, end = 0;
  bool any = false, cut = false;
  for (size_t k = span.brk + 1; k < items.size(); ++k) {
    const Item& it = items[k];
    if (it.kind == ItemKind::Penalty && it.penalty < kInfPenalty && !it.emergency) break;
    if (it.kind == ItemKind::Penalty) continue;
    width += it.width;
    if (it.kind == ItemKind::Box && it.ref != kNoAtom) {
      const Atom& a = mp.atoms[it.ref];
      if (!any) begin = a.begin;
      any = true;
      if (a.end - begin <= 40) end = a.end;  // quoted up to 40 bytes, whole characters
      else cut = true;
    }
  }
  if (!any) return "nothing on the line can stretch and no break fits";
  std::string piece = mp.text.text.substr(begin, end - begin) + (cut ? "…" : "");
  return "the next piece \"" + piece + "\" (" + base::compact(width, 1) +
         " pt) has no break allowed inside it (no space, URL break after / . - _ ? &, English "
         "hyphenation point or line-break opportunity under the 禁则) and does not fit the " +
         base::compact(std::max(0.0, room), 1) + " pt left on the line";
}

// --- huge paragraphs: set in pieces of bounded size -----------------------

bool splittable_text(const doc::Inline& in) {
  return in.kind == doc::InlineKind::Text || in.kind == doc::InlineKind::Code;
}

size_t text_bytes(const doc::Inline& in) {
  size_t n = in.text.size();
  for (const doc::Inline& c : in.children) n += text_bytes(c);
  return n;
}

size_t text_bytes(const std::vector<doc::Inline>& inlines) {
  size_t n = 0;
  for (const doc::Inline& in : inlines) n += text_bytes(in);
  return n;
}

// Where to end a piece of `text` that may take `room` bytes from `at`: after
// the last space in the second half of the room, else at the last character
// boundary (between Han characters that is a break anyway).
size_t piece_end(std::string_view text, size_t at, size_t room) {
  const size_t limit = std::min(text.size(), at + room);
  for (size_t i = limit; i > at + room / 2; --i)
    if (text[i - 1] == ' ' || text[i - 1] == '\n') return i;
  size_t i = limit;
  while (i > at && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
  return i;
}

// `in` cut where pieces of at most `limit` bytes end: the first part goes on
// the current piece (which already holds `used` bytes), each further part
// starts a new piece. Text and code spans are cut, containers cut between and
// inside their children (each part a copy of the container); anything else
// stays whole.
std::vector<doc::Inline> split_inline(const doc::Inline& in, size_t limit, size_t& used) {
  const size_t size = text_bytes(in);
  if (used + size <= limit || (!splittable_text(in) && in.children.empty())) {
    used += size;
    return {in};
  }
  doc::Inline shell = in;
  shell.text.clear();
  shell.children.clear();
  std::vector<doc::Inline> parts(1, shell);
  if (splittable_text(in)) {
    size_t at = 0;
    for (;;) {
      const size_t room = limit > used ? limit - used : 0;
      const size_t cut =
          in.text.size() - at <= room ? in.text.size() : piece_end(in.text, at, room);
      parts.back().text = in.text.substr(at, cut - at);
      if (in.pos.line > 0 && in.pos.column > 0)
        parts.back().pos.column = in.pos.column + static_cast<int>(at);
      used += cut - at;
      at = cut;
      if (at >= in.text.size()) break;
      parts.push_back(shell);
      used = 0;
    }
    return parts;
  }
  for (const doc::Inline& c : in.children) {
    std::vector<doc::Inline> sub = split_inline(c, limit, used);
    parts.back().children.push_back(std::move(sub[0]));
    for (size_t j = 1; j < sub.size(); ++j) {
      parts.push_back(shell);
      parts.back().children.push_back(std::move(sub[j]));
    }
  }
  return parts;
}

// A paragraph's inlines as pieces of about `limit` bytes of text each.
std::vector<std::vector<doc::Inline>> split_paragraph(const std::vector<doc::Inline>& inlines,
                                                      size_t limit) {
  std::vector<std::vector<doc::Inline>> pieces(1);
  size_t used = 0;
  for (const doc::Inline& in : inlines) {
    std::vector<doc::Inline> parts = split_inline(in, limit, used);
    pieces.back().push_back(std::move(parts[0]));
    for (size_t j = 1; j < parts.size(); ++j) pieces.push_back({std::move(parts[j])});
  }
  return pieces;
}

}  // namespace

ParagraphSetter::ParagraphSetter() = default;
ParagraphSetter::~ParagraphSetter() = default;

namespace {

// The box/glue/penalty list of build_items, from the paragraph's break
// opportunities `opp` (BreakOpportunities::find) and its atoms' geometry:
// both the same for the two passes, so a paragraph set twice finds them once.
std::vector<Item> make_items(const MeasuredParagraph& mp, const ParagraphStyle& style,
                             bool second_pass, std::span<const uint8_t> opp,
                             std::span<const Geometry> geo) {
  const std::string& text = mp.text.text;
  const std::vector<ExtraBreak> extra =
      second_pass ? extra_breaks(mp, style) : std::vector<ExtraBreak>{};
  const LineBreakLevel level = style.cjk.line_break;
  std::vector<Item> items;
  items.reserve(mp.atoms.size() * 3 + 2);
  if (style.indent > 0) items.push_back(Item::box(style.indent, 0, kNoAtom));

  int prev = -1;
  bool had_space = false, soft_only = true;
  double space_w = 0, space_size = style.size;
  auto blank_glue = [](double w, ShrinkClass k) {
    return Item::glue(w, 0, w, StretchClass::Word, k);
  };
  for (size_t i = 0; i < mp.atoms.size(); ++i) {
    const Atom& a = mp.atoms[i];
    if (a.kind == AtomKind::Space) {
      if (!had_space) {
        space_w = a.advance;
        space_size = a.size;
      }
      had_space = true;
      soft_only = soft_only && a.soft;
      continue;
    }
    if (a.kind == AtomKind::Hard) {
      items.push_back(Item::pen(-kInfPenalty, 0, false, static_cast<uint8_t>(BreakKind::Hard)));
      prev = -1;
      had_space = false;
      soft_only = true;
      continue;
    }
    const Geometry& g = geo[i];
    const InlineStyle& as = mp.runs[a.run].style;
    bool superscript = as.superscript || as.subscript;  // glued to what precedes it
    if (prev >= 0) {
      const Atom& b = mp.atoms[static_cast<size_t>(prev)];
      if (as.ruby >= 0 && mp.runs[b.run].style.ruby == as.ruby)
        superscript = true;  // a ruby base stays whole
      const Geometry& bg = geo[static_cast<size_t>(prev)];
      const bool han_latin = (b.kind == AtomKind::Han && a.kind == AtomKind::Latin) ||
                             (b.kind == AtomKind::Latin && a.kind == AtomKind::Han);
      const bool fullwidth_next = bg.right > 0 || g.left > 0 ||
                                  (b.kind == AtomKind::Punct && has_blank_class(b.punct)) ||
                                  (a.kind == AtomKind::Punct && has_blank_class(a.punct));
      // Break opportunity (ICU + 禁则), or an emergency one inside unbreakable material.
      bool breakable = opp[a.begin] && !superscript;
      BreakKind kind = BreakKind::Other;
      if (han_latin) kind = BreakKind::HanLatin;
      else if (had_space) kind = BreakKind::Space;
      else if (b.kind == AtomKind::Han && a.kind == AtomKind::Han) kind = BreakKind::Han;
      else if (b.kind == AtomKind::Punct) kind = BreakKind::AfterPunct;
      else if (a.kind == AtomKind::Punct && a.punct == base::PunctClass::Opening)
        kind = BreakKind::BeforeOpening;
      else if (b.kind == AtomKind::Han || a.kind == AtomKind::Han) kind = BreakKind::Han;
      if (breakable) {
        // Hanging punctuation: breaking after ，。、 takes its ink out of the line.
        const bool hang = style.cjk.hanging && b.kind == AtomKind::Punct &&
                          (b.cp == U'，' || b.cp == U'。' || b.cp == U'、') && bg.right > 0;
        items.push_back(Item::pen(kind == BreakKind::Other ? 50 : 0, hang ? -bg.box : 0, false,
                                  static_cast<uint8_t>(kind)));
      } else {
        size_t nb = a.end;
        char32_t after = nb < text.size() ? base::next_code_point(text, nb) : 0;
        bool ok = !(b.cp == a.cp && is_pair_mark(a.cp)) &&
                  !no_line_start(a.cp, b.cp, after, level) && !no_line_end(b.cp, a.cp, level) &&
                  !superscript;
        if (ok && second_pass && extra[i].kind != BreakKind::None) {
          const bool hyphen = extra[i].kind == BreakKind::Hyphen;
          items.push_back(Item::pen(hyphen ? kHyphenPenalty : kUrlPenalty, extra[i].width, false,
                                    static_cast<uint8_t>(extra[i].kind)));
        } else if (ok)
          items.push_back(
              Item::pen(kEmergencyPenalty, 0, true, static_cast<uint8_t>(BreakKind::Emergency)));
        else  // a last-resort place, enabled below only where nothing else can break (a
              // ruby base or a superscript wider than the measure too)
          items.push_back(
              Item::pen(kInfPenalty, 0, true, static_cast<uint8_t>(BreakKind::Emergency)));
      }
      if (bg.right > 0) items.push_back(blank_glue(bg.right, bg.shrink));
      if (han_latin && style.cjk.latin_spacing > 0 && !superscript) {
        // ¼ em (of the Han side), shrink to ⅛ em, stretch to ⅓ em (CJK-RULES §4).
        double em = b.kind == AtomKind::Han ? b.size : a.size;
        double w = style.cjk.latin_spacing * em;
        items.push_back(Item::glue(w, std::max(0.0, em / 3 - w), std::max(0.0, w - em / 8),
                                   StretchClass::HanLatin, ShrinkClass::HanLatin));
      } else if (had_space && !fullwidth_next &&
                 !(soft_only && (a.kind == AtomKind::Han || b.kind == AtomKind::Han))) {
        // A word space: stretch to ½ em, shrink to ¼ em.
        double w = space_w;
        items.push_back(Item::glue(w, std::max(0.0, space_size / 2 - w),
                                   std::max(0.0, w - space_size / 4), StretchClass::Word,
                                   ShrinkClass::Word));
      } else if (b.kind == AtomKind::Han && a.kind == AtomKind::Han) {
        items.push_back(Item::glue(0, kHanGapStretch * std::min(a.size, b.size), 0,
                                   StretchClass::Han, ShrinkClass::Word));
      }
    }
    if (g.left > 0 && prev >= 0) items.push_back(blank_glue(g.left, g.shrink));
    // Characters, for the last line's minimum; an image alone is never a 孤字.
    int units = a.image >= 0                                             ? style.min_last_line
                : (a.kind == AtomKind::Han || a.kind == AtomKind::Latin) ? 1
                                                                         : 0;
    items.push_back(Item::box(g.box, units, static_cast<uint32_t>(i)));
    prev = static_cast<int>(i);
    had_space = false;
    soft_only = true;
  }
  enable_last_resort(items, style.measure);
  return items;
}

}  // namespace

std::vector<Item> ParagraphSetter::build_items(const MeasuredParagraph& mp,
                                               const ParagraphStyle& style, bool second_pass) {
  return make_items(mp, style, second_pass, breaks_.find(mp.text.text, style.cjk.line_break),
                    geometries(mp, style));
}

MeasuredParagraph ParagraphSetter::measure_for(const std::vector<doc::Inline>& inlines,
                                               const ParagraphStyle& style) {
  MeasureOptions mo;
  mo.shapes = &shapes_;
  mo.faces = &faces_;
  mo.size = style.size;
  mo.code_scale = style.code_scale;
  mo.lang = style.lang;
  mo.formula = style.formula;
  mo.images = style.images;
  // Less the first-line indent: a formula that opens a paragraph fits too.
  mo.max_object_width = std::max(1.0, style.measure - std::max(0.0, style.indent));
  return measure(inlines, style.fonts, mo);
}

double ParagraphSetter::min_content_width(const std::vector<doc::Inline>& inlines,
                                          const ParagraphStyle& style) {
  if (!style.fonts.library || !style.fonts.text) return 0;
  if (text_bytes(inlines) > kMaxPieceBytes) {
    double widest = 0;
    for (const auto& piece : split_paragraph(inlines, kMaxPieceBytes))
      widest = std::max(widest, min_content_width(piece, style));
    return widest;
  }
  const std::vector<Item> items = build_items(measure_for(inlines, style), style, true);
  double widest = 0, width = 0;
  bool after_break = false;  // glue after a break is discarded
  for (const Item& it : items) {
    if (it.kind == ItemKind::Penalty) {
      if (it.penalty < kInfPenalty && !it.emergency) {
        widest = std::max(widest, width + it.width);
        width = 0;
        after_break = true;
      }
      continue;
    }
    if (it.kind == ItemKind::Glue && after_break) continue;
    after_break = false;
    width += it.width;
  }
  return std::max(widest, width);
}

namespace {

// The text of each link of a paragraph (objects and breaks as spaces, runs
// of spaces as one), for the annotation's description.
std::vector<std::string> link_texts(const StyledText& st) {
  std::vector<std::string> out(st.links.size());
  for (const TextSpan& span : st.spans) {
    if (span.style.link < 0 || static_cast<size_t>(span.style.link) >= out.size()) continue;
    std::string& t = out[static_cast<size_t>(span.style.link)];
    std::string_view piece = std::string_view(st.text).substr(span.begin, span.end - span.begin);
    std::string alt;  // an image's alt text, a formula's TeX
    if (span.style.object >= 0 && static_cast<size_t>(span.style.object) < st.objects.size()) {
      const doc::Inline& obj = *st.objects[static_cast<size_t>(span.style.object)];
      alt = obj.kind == doc::InlineKind::Image ? doc::plain_text(obj.children) : obj.text;
      piece = alt;
    } else if (span.kind != SpanKind::Text) {
      piece = " ";
    }
    for (char ch : piece) {
      if (ch == '\n') ch = ' ';
      if (ch == ' ' && (t.empty() || t.back() == ' ')) continue;
      t += ch;
    }
  }
  for (std::string& t : out)
    while (!t.empty() && t.back() == ' ') t.pop_back();
  return out;
}

}  // namespace

SetParagraph ParagraphSetter::set(const std::vector<doc::Inline>& inlines,
                                  const ParagraphStyle& style, doc::Diagnostics& diags,
                                  std::string_view path) {
  const size_t bytes = text_bytes(inlines);
  if (bytes <= kMaxPieceBytes) return set_piece(inlines, style, diags, path);
  // Line breaking needs memory in proportion to the paragraph (shaped glyphs,
  // items, breakpoints): a huge one is set in pieces, each piece's lines
  // after the last's, so memory stays bounded by the piece.
  SetParagraph out;
  out.pieces = split_paragraph(inlines, kMaxPieceBytes);
  diags.warn(path, inlines.front().pos,
             "paragraph of " + std::to_string(bytes) + " bytes is broken into lines in " +
                 std::to_string(out.pieces.size()) + " pieces of at most " +
                 std::to_string(kMaxPieceBytes / 1024) +
                 " KB (to bound memory); the last line of each piece may be short");
  ParagraphStyle rest = style;
  rest.indent = 0;
  for (size_t i = 0; i < out.pieces.size(); ++i) {
    SetParagraph p = set_piece(out.pieces[i], i == 0 ? style : rest, diags, path);
    const auto shift = static_cast<uint32_t>(out.text.size());
    out.text += p.text;
    out.measure = p.measure;
    out.size = p.size;
    // Links are numbered through the whole paragraph.
    const auto links = static_cast<int>(out.link_texts.size());
    auto renumber = [&](int& link) {
      if (link >= 0) link += links;
    };
    for (Line& l : p.lines) {
      l.text_begin += shift;
      l.text_end += shift;
      for (int& link : l.run_links) renumber(link);
      for (LineObject& o : l.objects) renumber(o.link);
      for (Decoration& d : l.decorations) renumber(d.link);
      out.lines.push_back(std::move(l));
    }
    for (auto& t : p.link_texts) out.link_texts.push_back(std::move(t));
    for (auto& u : p.uncovered) out.uncovered.push_back(std::move(u));
    for (auto& h : p.dropped_html) out.dropped_html.push_back(std::move(h));
  }
  return out;
}

SetParagraph ParagraphSetter::set_piece(const std::vector<doc::Inline>& inlines,
                                        const ParagraphStyle& style, doc::Diagnostics& diags,
                                        std::string_view path) {
  SetParagraph out;
  out.measure = style.measure;
  out.size = style.size;
  if (!style.fonts.library || !style.fonts.text) return out;
  base::StageTimer timer(style.timings, base::Stage::Shape);
  MeasuredParagraph mp = measure_for(inlines, style);
  timer.stop();
  const double max_object_width = std::max(1.0, style.measure - std::max(0.0, style.indent));
  out.text = mp.text.text;
  for (const MeasuredParagraph::Shrunk& s : mp.shrunk) {
    const doc::Inline& f = *mp.text.objects[static_cast<size_t>(s.object)];
    size_t cut = std::min<size_t>(f.text.size(), 60);
    while (cut < f.text.size() && cut > 0 &&
           (static_cast<unsigned char>(f.text[cut]) & 0xC0) == 0x80)
      --cut;
    const std::string tex = f.text.substr(0, cut) + (cut < f.text.size() ? "…" : "");
    diags.warn(path, mp.text.position(s.offset),
               "math: formula wider than the text (" + base::compact(max_object_width, 1) +
                   " pt), drawn at " + base::compact(100 * s.scale, 0) + "% of its size: " + tex);
  }
  for (const auto& [cp, offset] : mp.uncovered)
    out.uncovered.emplace_back(cp, mp.text.position(offset));
  out.dropped_html = mp.text.dropped_html;
  out.link_texts = link_texts(mp.text);
  BreakParams bp;
  bp.measure = style.measure;
  bp.min_last_line = style.min_last_line;
  bp.justify = style.align == Alignment::Justify;
  bp.first_fit_threshold = style.first_fit_threshold;
  base::StageTimer break_timer(style.timings, base::Stage::Break);
  std::vector<Item> items;
  std::vector<LineSpan> spans;
  // What both passes' lists are made from (build_items finds it per call).
  const std::vector<uint8_t> opp = breaks_.find(mp.text.text, style.cjk.line_break);
  const std::vector<Geometry> geo = geometries(mp, style);
  auto break_pass = [&](bool second) {
    items = {};  // the first pass's list goes before the second is built (a huge paragraph)
    spans = {};
    items = make_items(mp, style, second, opp, geo);
    // Trailing glue/penalties would only make an empty last line.
    while (!items.empty() && items.back().kind != ItemKind::Box) items.pop_back();
    spans = items.empty() ? std::vector<LineSpan>{} : break_lines(items, bp);
  };
  // Like TeX: a second pass with URL breaks and hyphenation only where the
  // first could not set every line within the style's spacing.
  break_pass(false);
  if (items.empty()) return out;
  // The lines' fits, made while deciding (the first pass is the last one).
  FittedLines fitted;
  const bool fitted_all = !needs_second_pass(items, spans, bp, fitted);
  if (!fitted_all) break_pass(true);
  break_timer.stop();

  struct Placed {
    uint32_t atom;
    uint32_t glyph;
    double x;
  };
  // Per line, kept between lines for their memory.
  std::vector<double> line_widths;  // when not fitted above
  std::vector<Placed> placed;
  std::vector<double> atom_end;  // x after each placed atom's box, parallel to atoms seen
  std::vector<uint32_t> atoms_on_line;
  std::vector<std::pair<uint32_t, double>> run_ends;  // each run's last atom's end
  std::vector<size_t> run_starts;  // index into `placed` of each run's first glyph
  bool warned_color = false;       // one bad colour warning per paragraph
  for (size_t li = 0; li < spans.size(); ++li) {
    const LineSpan& span = spans[li];
    Line line;
    std::span<const double> widths;
    if (fitted_all) {
      line.fit = fitted.fits[li];
      widths = fitted.of(span);
    } else {
      line.fit = fit_line(items, span, style.measure, bp.justify, line_widths);
      widths = line_widths;
    }
    line.natural = line.fit.natural;
    line.width = line.fit.width;
    line.ratio = line.fit.ratio;
    line.rule = span.rule;
    line.kind =
        span.brk < items.size() ? static_cast<BreakKind>(items[span.brk].rule) : BreakKind::None;
    if (span.rule == BreakRule::Emergency) line.kind = BreakKind::Emergency;
    // Pen positions of every glyph.
    placed.clear();
    atom_end.clear();
    atoms_on_line.clear();
    std::vector<Decoration> dots;
    std::vector<LineObject> objects;
    double x = 0;
    for (size_t k = span.begin; k < span.end; ++k) {
      const Item& it = items[k];
      const double w = widths[k - span.begin];
      if (it.kind == ItemKind::Box && it.ref != kNoAtom) {
        const Atom& a = mp.atoms[it.ref];
        double gx = x + geo[it.ref].shift;
        for (uint32_t gi = a.glyph_begin; gi < a.glyph_end; ++gi) {
          placed.push_back({it.ref, gi, gx});
          gx += mp.glyphs[gi].x_advance * a.size;
        }
        // 着重号: from the final pen position and the character's own advance,
        // so the dot stays centred when the gaps after it stretch.
        if (style.emphasis_dots && a.kind == AtomKind::Han && mp.runs[a.run].style.italic)
          dots.push_back({Decoration::Kind::Dot,
                          x + geo[it.ref].shift,
                          x + geo[it.ref].shift + a.advance,
                          {}});
        if (a.object >= 0)
          objects.push_back({mp.text.objects[static_cast<size_t>(a.object)], x, a.size, a.image,
                             mp.runs[a.run].style.link, placed.size()});
        x += w;
        atoms_on_line.push_back(it.ref);
        atom_end.push_back(x);
      } else if (it.kind != ItemKind::Penalty) {
        x += w;
      }
    }
    const double line_end = x;
    switch (style.align) {
      case Alignment::Justify:
      case Alignment::Left: line.offset = 0; break;
      case Alignment::Right: line.offset = std::max(0.0, style.measure - line.width); break;
      case Alignment::Center: line.offset = std::max(0.0, (style.measure - line.width) / 2); break;
    }
    if (!atoms_on_line.empty()) {
      line.text_begin = mp.atoms[atoms_on_line.front()].begin;
      line.text_end = mp.atoms[atoms_on_line.back()].end;
      line.pos = mp.text.position(line.text_begin);
    } else if (!out.lines.empty()) {
      line.text_begin = line.text_end = out.lines.back().text_end;
    }
    // Where the last atom of each run on the line ends (a run's atoms follow
    // each other), for the decorations below.
    run_ends.clear();
    for (size_t ai = 0; ai < atoms_on_line.size(); ++ai) {
      const uint32_t run = mp.atoms[atoms_on_line[ai]].run;
      if (run_ends.empty() || run_ends.back().first != run) run_ends.emplace_back(run, 0);
      run_ends.back().second = atom_end[ai];
    }
    // Group glyphs into runs (one shaped run = one face, size and style).
    run_starts.clear();
    for (size_t p = 0; p < placed.size();) {
      run_starts.push_back(p);
      const uint32_t run_index = mp.atoms[placed[p].atom].run;
      size_t q = p;
      while (q < placed.size() && mp.atoms[placed[q].atom].run == run_index) ++q;
      const Run& run = mp.runs[run_index];
      const double size = mp.run_size[run_index];
      const double rise = mp.run_rise[run_index];
      layout::GlyphRun gr;
      gr.face = run.face_id;
      gr.size = size;
      gr.origin = {placed[p].x + line.offset, 0};
      gr.synthetic_bold = run.synthetic_bold;
      gr.synthetic_slant = run.synthetic_italic ? 0.2 : 0;
      const uint32_t tb = mp.atoms[placed[p].atom].begin;
      const uint32_t te = mp.atoms[placed[q - 1].atom].end;
      gr.text = out.text.substr(tb, te - tb);
      gr.glyphs.reserve(q - p);
      for (size_t r = p; r < q; ++r) {
        const font::ShapedGlyph& sg = mp.glyphs[placed[r].glyph];
        double next_x = r + 1 < placed.size() ? placed[r + 1].x : line_end;
        layout::Glyph gl;
        gl.gid = sg.gid;
        gl.advance = next_x - placed[r].x;
        gl.x_offset = sg.x_offset * size;
        gl.y_offset = sg.y_offset * size + rise;
        gl.cluster = sg.cluster - tb;
        gr.glyphs.push_back(gl);
      }
      const font::FaceInfo& fi = font::info(style.fonts.library->face(run.face_id));
      line.ascent = std::max(line.ascent, fi.ascender * size + rise);
      line.descent = std::max(line.descent, -fi.descender * size - rise);
      // Decorations: links, strikes, code, spanning this group.
      double x0 = placed[p].x + line.offset;
      double x1 = line.offset;
      for (auto e = run_ends.rbegin(); e != run_ends.rend(); ++e)
        if (e->first == run_index) {
          x1 = e->second + line.offset;
          break;
        }
      auto decorate = [&](Decoration::Kind k, const std::string& url, int link = -1) {
        if (!line.decorations.empty() && line.decorations.back().kind == k &&
            line.decorations.back().url == url && line.decorations.back().link == link &&
            k != Decoration::Kind::Code) {
          line.decorations.back().x1 = x1;
          return;
        }
        line.decorations.push_back({k, std::max(x0, line.offset), x1, url, {}, link});
      };
      if (run.style.link >= 0)
        decorate(Decoration::Kind::Link, mp.text.links[static_cast<size_t>(run.style.link)],
                 run.style.link);
      if (run.style.strike) decorate(Decoration::Kind::Strike, {});
      if (run.style.code && !run.style.kbd) decorate(Decoration::Kind::Code, {});
      if (run.style.underline) decorate(Decoration::Kind::Underline, {});
      if (run.style.mark) decorate(Decoration::Kind::Mark, {});
      if (run.style.kbd) decorate(Decoration::Kind::Kbd, {});
      if (run.style.ruby >= 0) {
        decorate(Decoration::Kind::Ruby, "#ruby" + std::to_string(run.style.ruby));
        line.decorations.back().text = mp.text.rubies[static_cast<size_t>(run.style.ruby)]->text;
      }
      if (run.style.color >= 0) {
        style::Color c;
        const std::string& css = mp.text.colors[static_cast<size_t>(run.style.color)];
        if (style::parse_color(css, c)) gr.color = layout::Color{c.r, c.g, c.b};
        else if (!warned_color) {
          diags.warn(
              path, mp.text.position(tb),
              "colour '" + css +
                  "' is not understood (use #rgb, #rrggbb, rgb(r, g, b) or a basic name); the text keeps its colour");
          warned_color = true;
        }
      }
      line.runs.push_back(std::move(gr));
      line.run_links.push_back(run.style.link);
      p = q;
    }
    if (line.kind == BreakKind::Hyphen && !atoms_on_line.empty() && !line.runs.empty()) {
      // The hyphen of a hyphenated word, after the line's last glyph (its
      // width is the break penalty's, already in the line's fit).
      const uint32_t run = mp.atoms[atoms_on_line.back()].run;
      if (std::optional<HyphenGlyph> h = hyphen_glyph(mp, run, style)) {
        layout::GlyphRun gr = line.runs.back();
        gr.origin = {line_end + line.offset, 0};
        gr.text = "-";
        gr.glyphs = {layout::Glyph{}};
        gr.glyphs[0].gid = h->gid;
        gr.glyphs[0].advance = h->advance;
        gr.glyphs[0].cluster = 0;
        line.runs.push_back(std::move(gr));
        line.run_links.push_back(line.run_links.back());
      }
    }
    for (LineObject& o : objects) {
      o.x += line.offset;
      // `after` counted placed glyphs: count the runs that begin before it.
      o.after = static_cast<size_t>(
          std::lower_bound(run_starts.begin(), run_starts.end(), o.after) - run_starts.begin());
      if (o.image >= 0) {  // on the baseline: only the ascent grows
        line.ascent = std::max(line.ascent, style.images[static_cast<size_t>(o.image)].height);
      } else if (const math::Drawing* d = style.formula ? style.formula(*o.formula) : nullptr) {
        line.ascent = std::max(line.ascent, d->ascent * o.size);
        line.descent = std::max(line.descent, d->descent * o.size);
      }
      line.objects.push_back(o);
    }
    for (Decoration& d : dots) {
      d.x0 += line.offset;
      d.x1 += line.offset;
      line.decorations.push_back(std::move(d));
    }
    // Warnings for lines Chinese readers would correct (CJK-RULES §8).
    std::string snippet =
        out.text.substr(line.text_begin, std::min<size_t>(line.text_end - line.text_begin, 60));
    if (span.rule == BreakRule::Overfull || line.fit.overfull) {
      diags.warn(path, line.pos,
                 "line overfull by " + base::compact(line.width - style.measure, 2) +
                     " pt: nothing to break in \"" + snippet + "\"");
      line.warned = true;
    } else if (span.rule == BreakRule::Emergency) {
      diags.warn(path, line.pos,
                 "no break opportunity fits the measure: \"" + snippet +
                     "\" broken at an arbitrary point");
      line.warned = true;
    }
    if (bp.justify && line.fit.han_overflow) {
      diags.warn(path, line.pos,
                 "Han characters spaced wider than 0.1 em in \"" + snippet +
                     "\": " + why_loose(items, span, mp, style.measure - line.fit.natural));
      line.warned = true;
    } else if (bp.justify && line.fit.underfull) {
      diags.warn(path, line.pos, "cannot justify line \"" + snippet + "\": no space to stretch");
      line.warned = true;
    }
    out.lines.push_back(std::move(line));
  }
  return out;
}

}  // namespace moyin::typeset
