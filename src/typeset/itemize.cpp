#include "typeset/itemize.h"

#include <cctype>
#include <string>

#include "base/chars.h"
#include "base/utf8.h"
#include "typeset/cjk.h"

namespace moyin::typeset {

doc::Position StyledText::position(uint32_t offset) const {
  const TextSpan* s = span_at(offset);
  if (!s) return {};
  doc::Position p = s->pos;
  if (p.line > 0 && p.column > 0 && s->kind == SpanKind::Text)
    p.column += static_cast<int>(offset - s->begin);
  return p;
}

const TextSpan* StyledText::span_at(uint32_t offset) const {
  // Spans are few per paragraph; binary search keeps huge paragraphs cheap.
  size_t lo = 0, hi = spans.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (spans[mid].end <= offset) lo = mid + 1;
    else hi = mid;
  }
  if (lo < spans.size() && spans[lo].begin <= offset) return &spans[lo];
  return spans.empty() ? nullptr : &spans.back();
}

namespace {

void add(StyledText& st, std::string_view text, const InlineStyle& style, SpanKind kind,
         doc::Position pos) {
  if (text.empty()) return;
  TextSpan s;
  s.begin = static_cast<uint32_t>(st.text.size());
  st.text.append(text);
  s.end = static_cast<uint32_t>(st.text.size());
  s.style = style;
  s.kind = kind;
  s.pos = pos;
  st.spans.push_back(s);
}

// "abbr" for "<abbr title=…>" and "</abbr>", "!--" for a comment.
std::string html_tag_name(std::string_view html) {
  if (html.starts_with("<!--")) return "!--";
  size_t i = 1;
  std::string name;
  if (i < html.size() && html[i] == '/') ++i;  // an end tag warns under its element's name
  while (i < html.size() && (std::isalnum(static_cast<unsigned char>(html[i])) || html[i] == '-'))
    name += static_cast<char>(std::tolower(static_cast<unsigned char>(html[i++])));
  return name;
}

void walk(StyledText& st, const std::vector<doc::Inline>& inlines, InlineStyle style) {
  for (const doc::Inline& in : inlines) {
    InlineStyle s = style;
    switch (in.kind) {
      case doc::InlineKind::Text: add(st, in.text, s, SpanKind::Text, in.pos); break;
      case doc::InlineKind::Code:
        s.code = true;
        add(st, in.text, s, SpanKind::Text, in.pos);
        break;
      case doc::InlineKind::Emphasis:
        s.italic = true;
        walk(st, in.children, s);
        break;
      case doc::InlineKind::Strong:
        s.bold = true;
        walk(st, in.children, s);
        break;
      case doc::InlineKind::Strike:
        s.strike = true;
        walk(st, in.children, s);
        break;
      case doc::InlineKind::Link:
        s.link = static_cast<int>(st.links.size());
        st.links.push_back(in.url);
        walk(st, in.children, s);
        break;
      case doc::InlineKind::Image:
        if (!st.image_objects) {
          walk(st, in.children, s);
          break;
        }
        s.object = static_cast<int>(st.objects.size());
        st.objects.push_back(&in);
        add(st, "\uFFFC", s, SpanKind::Text, in.pos);
        break;
      case doc::InlineKind::SoftBreak: add(st, " ", s, SpanKind::Soft, in.pos); break;
      case doc::InlineKind::LineBreak: add(st, "\n", s, SpanKind::Hard, in.pos); break;
      case doc::InlineKind::FootnoteRef:
        s.superscript = true;
        // The mark typeset/notes.h gave it (①), else the parser's number.
        add(st, !in.text.empty() ? in.text : std::to_string(in.number > 0 ? in.number : 0), s,
            SpanKind::Text, in.pos);
        break;
      case doc::InlineKind::RawHtml:
        if (in.text.starts_with("<br")) add(st, "\n", s, SpanKind::Hard, in.pos);
        else if (std::string tag = html_tag_name(in.text); !tag.empty())
          st.dropped_html.emplace_back(std::move(tag), in.pos);
        break;  // other inline HTML has no place in print
      case doc::InlineKind::Superscript:
        s.superscript = true;
        walk(st, in.children, s);
        break;
      case doc::InlineKind::Subscript:
        s.subscript = true;
        walk(st, in.children, s);
        break;
      case doc::InlineKind::Underline:
        s.underline = true;
        walk(st, in.children, s);
        break;
      case doc::InlineKind::Mark:
        s.mark = true;
        walk(st, in.children, s);
        break;
      case doc::InlineKind::Kbd:
        s.kbd = true;
        s.code = true;
        walk(st, in.children, s);
        break;
      case doc::InlineKind::Color:
        s.color = static_cast<int>(st.colors.size());
        st.colors.push_back(in.text);
        walk(st, in.children, s);
        break;
      case doc::InlineKind::Ruby:
        s.ruby = static_cast<int>(st.rubies.size());
        st.rubies.push_back(&in);
        walk(st, in.children, s);
        break;
      case doc::InlineKind::Math:
        // One object character; measure gives it the formula's width.
        s.object = static_cast<int>(st.objects.size());
        st.objects.push_back(&in);
        add(st, "\uFFFC", s, SpanKind::Text, in.pos);
        break;
    }
  }
}

}  // namespace

StyledText flatten(const std::vector<doc::Inline>& inlines, bool image_objects) {
  StyledText st;
  st.image_objects = image_objects;
  walk(st, inlines, InlineStyle{});
  return st;
}

bool quote_is_cjk(const std::string& text, uint32_t offset) {
  // Previous and next code points (skipping other ambiguous quotes).
  char32_t prev = 0, next = 0;
  size_t i = offset;
  while (i > 0) {
    const base::Decoded d = base::decode_before(text, i);
    const char32_t c = d.cp;
    i -= d.len;
    if (!base::is_ambiguous_quote(c)) {
      prev = c;
      break;
    }
  }
  size_t k = offset;
  base::next_code_point(text, k);
  while (k < text.size()) {
    char32_t c = base::next_code_point(text, k);
    if (!base::is_ambiguous_quote(c)) {
      next = c;
      break;
    }
  }
  if (base::is_cjk(prev) || base::is_cjk(next)) return true;
  return !base::is_latin_alnum(prev) && !base::is_latin_alnum(next);
}

font::FaceChoice FaceMemo::select(const font::FontLibrary& library, const font::FontSet& set,
                                  char32_t cp, bool bold, bool italic, bool prefer_cjk) {
  if (cp > 0x10FFFF) return library.select(set, cp, bold, italic, prefer_cjk);
  const uint32_t key = static_cast<uint32_t>(cp) | (bold ? 1u << 21 : 0) | (italic ? 1u << 22 : 0) |
                       (prefer_cjk ? 1u << 23 : 0);
  if (slots_.empty()) slots_.resize(kSlots);
  // Neighbouring characters (a script's block) fall in neighbouring slots.
  Slot& slot = slots_[(key ^ (key >> 12)) % kSlots];
  if (slot.set != &set || slot.key != key) {
    slot.choice = library.select(set, cp, bold, italic, prefer_cjk);
    slot.set = &set;
    slot.key = key;
  }
  return slot.choice;
}

std::vector<Run> itemize(const StyledText& st, const FontRoles& fonts,
                         std::vector<std::pair<char32_t, uint32_t>>* uncovered,
                         std::string_view lang, FaceMemo* memo) {
  std::vector<Run> runs;
  if (!fonts.library || !fonts.text) return runs;
  size_t si = 0;
  for (size_t i = 0; i < st.text.size();) {
    const uint32_t at = static_cast<uint32_t>(i);
    while (si + 1 < st.spans.size() && st.spans[si].end <= at) ++si;
    static const InlineStyle kPlain{};
    const InlineStyle& style = si < st.spans.size() ? st.spans[si].style : kPlain;
    char32_t c = base::next_code_point(st.text, i);
    const font::FontSet* set = style.code && fonts.code ? fonts.code : fonts.text;
    bool quote_cjk = base::is_ambiguous_quote(c) && quote_is_cjk(st.text, at);
    bool cjk = base::is_cjk(c) || quote_cjk;
    char32_t pick = c == '\n' ? U' ' : c;
    const bool bold = style.bold || (fonts.cjk_emphasis_bold && style.italic && cjk && !style.code);
    font::FaceChoice fc =
        memo ? memo->select(*fonts.library, *set, pick, bold, style.italic, quote_cjk)
             : fonts.library->select(*set, pick, bold, style.italic, quote_cjk);
    // An object (a formula) is drawn by its engine, not by a face.
    if (!fc.covered && !base::draws_nothing(pick) && style.object < 0) {
      if (font::FaceChoice fb = fonts.library->fallback(pick, lang, bold, style.italic); fb.covered)
        fc = fb;
      else if (uncovered) uncovered->emplace_back(c, at);
    }
    // Spaces join the run before them so Latin words shape with their context.
    bool join = !runs.empty() &&
                (c == ' ' ||
                 (runs.back().face_id == fc.face_id && runs.back().cjk == cjk &&
                  runs.back().style == style && runs.back().synthetic_bold == fc.synthetic_bold &&
                  runs.back().synthetic_italic == fc.synthetic_italic)) &&
                c != '\n' && st.text[runs.back().begin] != '\n' && style.object < 0 &&
                runs.back().style.object < 0;
    if (join && c == ' ' && runs.back().style != style) join = false;
    if (join) {
      runs.back().end = static_cast<uint32_t>(i);
    } else {
      runs.push_back(Run{at, static_cast<uint32_t>(i), fc.face_id, fc.synthetic_bold,
                         fc.synthetic_italic, cjk, style});
    }
  }
  return runs;
}

}  // namespace moyin::typeset
