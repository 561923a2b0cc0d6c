// Blocks and inlines -> HTML5 text. This text is never written out as is:
// the sanitizer parses it (with any raw HTML it contains, so tags opened in
// one raw piece and closed in another pair up as a browser would pair them)
// and writes well-formed XHTML. Our own markup is also well-formed XML (void
// elements self-closed, attributes quoted, only the five XML entities), so
// that without raw HTML it can be read by an XML parser (writer_html_to_xhtml).
#include <charconv>

#include "base/chars.h"
#include "base/number.h"
#include "base/utf8.h"
#include "epub/internal.h"
#include "style/style.h"

namespace moyin::epub::detail {
namespace {

void marker(const doc::Position& pos, std::string& out) {
  if (pos.line <= 0) return;
  out += "<!--@";
  base::append_integer(out, pos.line);
  out += ':';
  base::append_integer(out, pos.column);
  out += "-->";
}

const char* align_style(doc::Align a) {
  switch (a) {
    case doc::Align::Left: return "text-align: left";
    case doc::Align::Center: return "text-align: center";
    case doc::Align::Right: return "text-align: right";
    default: return nullptr;
  }
}

// The typesetter's classes (base/chars.h), so the EPUB spaces and compresses
// exactly where the PDF does: Han–Latin glue between a CJK letter and a
// Latin letter or digit (CJK-RULES §4).
bool han_latin(char32_t a, char32_t b) {
  return (base::is_cjk_letter(a) && base::is_latin_alnum(b)) ||
         (base::is_latin_alnum(a) && base::is_cjk_letter(b));
}
// Fullwidth marks by their blank half (CJK-RULES §1). “ ” ‘ ’ are left out:
// a reader's font may draw them proportional, with no blank to take away.
bool blank_right(char32_t c) {
  const base::PunctClass k = base::punct_class(c);
  return (k == base::PunctClass::PauseStop || k == base::PunctClass::Closing) &&
         !base::is_ambiguous_quote(c);
}
bool blank_left(char32_t c) {
  return base::punct_class(c) == base::PunctClass::Opening && !base::is_ambiguous_quote(c);
}
bool fullwidth_mark(char32_t c) {  // blank_right(c) || blank_left(c), one lookup
  const base::PunctClass k = base::punct_class(c);
  return (k == base::PunctClass::PauseStop || k == base::PunctClass::Closing ||
          k == base::PunctClass::Opening) &&
         !base::is_ambiguous_quote(c);
}

constexpr std::string_view kSpacer = "<span class=\"hl-sp\"></span>";

char32_t first_char(std::string_view s) { return s.empty() ? 0 : base::decode_at(s, 0).cp; }

// The first character an inline (and what follows it) shows, for deciding
// on spacing before it is written; 0 when it starts with no text.
char32_t first_char(const std::vector<doc::Inline>& list, size_t from) {
  for (size_t i = from; i < list.size(); ++i) {
    const doc::Inline& in = list[i];
    switch (in.kind) {
      case doc::InlineKind::Text:
      case doc::InlineKind::Code:
        if (!in.text.empty()) return first_char(in.text);
        continue;
      case doc::InlineKind::Emphasis:
      case doc::InlineKind::Strong:
      case doc::InlineKind::Strike:
      case doc::InlineKind::Link:
      case doc::InlineKind::Superscript:
      case doc::InlineKind::Subscript:
      case doc::InlineKind::Underline:
      case doc::InlineKind::Mark:
      case doc::InlineKind::Kbd:
      case doc::InlineKind::Color:
      case doc::InlineKind::Ruby: return first_char(in.children, 0);
      default: return 0;
    }
  }
  return 0;
}

// Footnote labels may hold spaces; ids may not.
std::string safe_id(std::string id) {
  for (char& c : id)
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') c = '-';
  return id;
}

// A code block's text: highlighted tokens as <span class="hl-…"> (classes
// from style::css_class, coloured by the stylesheet), optional line numbers.
void code_text(const doc::Block& b, bool line_numbers, std::string& out) {
  if (b.spans.empty() && !line_numbers) {
    append_escaped_html(out, b.text, false);
    return;
  }
  const std::string_view text = b.text;
  size_t next_span = 0;
  int number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? text.size() : nl;
    if (line_numbers) {
      out += "<span class=\"hl-ln\">";
      base::append_integer(out, ++number);
      out += "</span>";
    }
    size_t at = pos;
    while (next_span < b.spans.size() && b.spans[next_span].begin < end) {
      const doc::CodeSpan& s = b.spans[next_span++];
      if (s.begin < at || s.end > end) continue;  // malformed: leave as text
      append_escaped_html(out, text.substr(at, s.begin - at), false);
      out += "<span class=\"";
      out += style::css_class(s.cls);
      out += "\">";
      append_escaped_html(out, text.substr(s.begin, s.end - s.begin), false);
      out += "</span>";
      at = s.end;
    }
    append_escaped_html(out, text.substr(at, end - at), false);
    if (nl == std::string_view::npos) break;
    out += '\n';
    pos = nl + 1;
  }
}

}  // namespace

TextMarkup text_markup(const style::Sheet& sheet) {
  TextMarkup m;
  m.latin_spacing = sheet.cjk.latin_spacing > 0;
  switch (sheet.cjk.punctuation) {
    case style::Punctuation::Quanjiao: m.punctuation = Squeeze::Pairs; break;
    case style::Punctuation::Kaiming: m.punctuation = Squeeze::AllButStops; break;
    case style::Punctuation::Banjiao: m.punctuation = Squeeze::All; break;
    case style::Punctuation::Plain: m.punctuation = Squeeze::None; break;
  }
  m.vertical = sheet.epub.writing_mode == style::WritingMode::VerticalRl;
  return m;
}

HtmlWriter make_writer(const doc::Document& doc, const TextMarkup& markup) {
  HtmlWriter w;
  w.doc = &doc;
  w.markup = markup;
  for (const doc::Block& f : doc.footnotes)
    w.footnote_ids[f.label] = safe_id(f.id.empty() ? "fn-" + f.label : f.id);
  return w;
}

void HtmlWriter::math(const std::string& tex, bool display, const doc::Block* block,
                      std::string& out) {
  const math::Formula* f = formulas ? formulas->find(tex, display) : nullptr;
  std::string inner;
  if (f && f->error.empty() && !f->mathml.empty()) {
    inner = "<code class=\"moyin-mathml\">";
    base::append_integer(inner, static_cast<int64_t>(mathml.size()));
    inner += "</code>";
    mathml.push_back(f->mathml);
  } else {
    inner = "<code class=\"math-tex\">" + escape_html(tex, false) + "</code>";
  }
  if (!block) {
    out += inner;
    return;
  }
  out += "<div class=\"math-display\"";
  if (!block->id.empty()) out += " id=\"" + escape_html(safe_id(block->id), true) + "\"";
  out += ">" + inner;
  if (!block->equation.empty())
    out += "<span class=\"equation-number\">(" + escape_html(block->equation, false) + ")</span>";
  out += "</div>\n";
}

// The span a fullwidth mark gets, or nullptr: "pc" loses its right blank
// half, "po" its left, "pk" keeps its full width (and so that an engine's own
// text-spacing-trim does not trim it a second time, every mark of a
// compressed pair is wrapped). quanjiao: of two adjacent marks the first
// gives up ½ em where a blank meets (CJK-RULES §3); kaiming: every mark ½ em
// but 。？！．; banjiao: every mark ½ em.
const char* HtmlWriter::squeeze_class(char32_t c, char32_t before, char32_t after) const {
  if (markup.punctuation == Squeeze::Pairs) {
    if (fullwidth_mark(after) && (blank_right(c) || blank_left(after))) return "pc";
    if (fullwidth_mark(before) && (blank_right(before) || blank_left(c))) return "pk";
    return nullptr;
  }
  if (markup.punctuation == Squeeze::AllButStops && base::is_stop_mark(c)) return "pk";
  return blank_right(c) ? "pc" : "po";
}

void HtmlWriter::space_before(char32_t next, std::string& out) {
  if (!markup.latin_spacing || !han_latin(prev, next)) return;
  out += kSpacer;
  prev = 0;  // one spacer per boundary, even when the next element starts with it
}

// Text with the sheet's markup; escaped for HTML. `after` is the first
// character shown after this text (0 = none known).
void HtmlWriter::text(std::string_view s, std::string& out, char32_t after_text) {
  if (!markup.latin_spacing && markup.punctuation == Squeeze::None && !markup.vertical) {
    append_escaped_html(out, s, false);
    if (!s.empty()) prev = base::decode_before(s, s.size()).cp;
    return;
  }
  size_t run = 0;  // start of the text not yet written
  auto flush = [&](size_t upto) {
    append_escaped_html(out, s.substr(run, upto - run), false);
    run = upto;
  };
  // Each character classified once: its classes are kept for the next one.
  bool prev_cjk = base::is_cjk_letter(prev), prev_latin = base::is_latin_alnum(prev);
  for (size_t i = 0; i < s.size();) {
    const size_t at = i;
    const char32_t c = base::next_code_point(s, i);
    if (markup.vertical && base::is_ascii_digit(c) && !prev_latin && prev != '.' && prev != ',') {
      // One or two digits between non-Latin text stand upright in one em
      // (縦中横), like a Han character: no Han–Latin spacing around them.
      size_t end = i;
      while (end < s.size() && base::is_ascii_digit(static_cast<unsigned char>(s[end]))) ++end;
      const char32_t after = end < s.size() ? base::decode_at(s, end).cp : 0;
      if (end - at <= 2 && !base::is_latin_alnum(after) && after != '.' && after != ',') {
        flush(at);
        out += "<span class=\"tcy\">" + std::string(s.substr(at, end - at)) + "</span>";
        run = i = end;
        prev = U'〇';  // counts as Han for the spacing that follows
        prev_cjk = true;
        prev_latin = false;
        continue;
      }
    }
    // No ASCII character is a CJK letter or a fullwidth mark, and no CJK
    // letter is a mark.
    const bool ascii = c < 0x80;
    const bool cjk = !ascii && base::is_cjk_letter(c);
    const bool latin = base::is_latin_alnum(c);
    if (markup.latin_spacing && ((prev_cjk && latin) || (prev_latin && cjk))) {  // han_latin
      flush(at);
      out += kSpacer;
    }
    if (markup.punctuation != Squeeze::None && !ascii && !cjk && fullwidth_mark(c)) {
      const char32_t next = i < s.size() ? base::decode_at(s, i).cp : after_text;
      if (const char* cls = squeeze_class(c, prev, next)) {
        flush(at);
        out += "<span class=\"";
        out += cls;
        out += "\">" + std::string(s.substr(at, i - at)) + "</span>";
        run = i;
      }
    }
    prev = c;
    prev_cjk = cjk;
    prev_latin = latin;
  }
  flush(s.size());
}

void HtmlWriter::inlines(const std::vector<doc::Inline>& list, std::string& out) {
  for (size_t index = 0; index < list.size(); ++index) {
    const doc::Inline& in = list[index];
    switch (in.kind) {
      case doc::InlineKind::Text: text(in.text, out, first_char(list, index + 1)); break;
      case doc::InlineKind::Code:
        space_before(first_char(in.text), out);
        out += "<code>" + escape_html(in.text, false) + "</code>";
        if (!in.text.empty()) prev = base::decode_before(in.text, in.text.size()).cp;
        break;
      case doc::InlineKind::Emphasis:
        space_before(first_char(in.children, 0), out);
        out += "<em>";
        inlines(in.children, out);
        out += "</em>";
        break;
      case doc::InlineKind::Strong:
        space_before(first_char(in.children, 0), out);
        out += "<strong>";
        inlines(in.children, out);
        out += "</strong>";
        break;
      case doc::InlineKind::Strike:
        space_before(first_char(in.children, 0), out);
        out += "<del>";
        inlines(in.children, out);
        out += "</del>";
        break;
      case doc::InlineKind::Link:
        space_before(first_char(in.children, 0), out);
        marker(in.pos, out);
        out += "<a href=\"" + escape_html(in.url, true) + "\"";
        if (!in.title.empty()) out += " title=\"" + escape_html(in.title, true) + "\"";
        out += ">";
        inlines(in.children, out);
        out += "</a>";
        break;
      case doc::InlineKind::Image:
        marker(in.pos, out);
        out += "<img src=\"" + escape_html(in.url, true) + "\" alt=\"" +
               escape_html(doc::plain_text(in.children), true) + "\"";
        if (!in.title.empty()) out += " title=\"" + escape_html(in.title, true) + "\"";
        {
          std::string w = css_length(in.width), h = css_length(in.height), style;
          if (!w.empty()) style += "width: " + w + ";";
          if (!h.empty()) style += std::string(style.empty() ? "" : " ") + "height: " + h + ";";
          if (!style.empty()) out += " style=\"" + style + "\"";
        }
        out += "/>";
        prev = 0;
        break;
      case doc::InlineKind::SoftBreak:
        // Between Han and Latin a source line break is the spacing, not a
        // space (CJK-RULES §4), as in the PDF.
        if (markup.latin_spacing && han_latin(prev, first_char(list, index + 1))) {
          space_before(first_char(list, index + 1), out);
        } else {
          out += "\n";
          prev = ' ';
        }
        break;
      case doc::InlineKind::LineBreak:
        out += "<br/>\n";
        prev = 0;
        break;
      case doc::InlineKind::FootnoteRef: {
        auto it = footnote_ids.find(in.label);
        if (it == footnote_ids.end()) {
          append_escaped_html(out, "[^" + in.label + "]", false);
          break;
        }
        int n = ++ref_counts[in.label];
        std::string ref_id = safe_id("fnref-" + in.label);
        if (n > 1) {
          ref_id += '-';
          base::append_integer(ref_id, n);
        }
        marker(in.pos, out);
        out += "<sup><a epub:type=\"noteref\" role=\"doc-noteref\" class=\"footnote-ref\" id=\"" +
               escape_html(ref_id, true) + "\" href=\"#" + escape_html(it->second, true) + "\">";
        out += style::note_mark((in.number > 0 ? in.number : 0) + note_offset, note_marks);
        out += "</a></sup>";
        prev = 0;
        break;
      }
      case doc::InlineKind::RawHtml:
        marker(in.pos, out);
        out += in.text;
        wrote_raw_html = true;
        prev = 0;
        break;
      case doc::InlineKind::Math:
        marker(in.pos, out);
        math(in.text, in.display, nullptr, out);
        prev = U'x';  // a formula spaces from Han like Latin text
        break;
      case doc::InlineKind::Superscript: element("sup", in, out); break;
      case doc::InlineKind::Subscript: element("sub", in, out); break;
      case doc::InlineKind::Underline: element("u", in, out); break;
      case doc::InlineKind::Mark: element("mark", in, out); break;
      case doc::InlineKind::Kbd: element("kbd", in, out); break;
      case doc::InlineKind::Color: {
        style::Color c;
        if (!style::parse_color(in.text, c)) {  // not a colour we understand: just the text
          inlines(in.children, out);
          break;
        }
        space_before(first_char(in.children, 0), out);
        out += "<span style=\"color: " + escape_html(in.text, true) + "\">";
        inlines(in.children, out);
        out += "</span>";
        break;
      }
      case doc::InlineKind::Ruby:
        space_before(first_char(in.children, 0), out);
        out += "<ruby>";
        inlines(in.children, out);
        out += "<rp>(</rp><rt>" + escape_html(in.text, false) + "</rt><rp>)</rp></ruby>";
        break;
    }
  }
}

void HtmlWriter::element(const char* tag, const doc::Inline& in, std::string& out) {
  space_before(first_char(in.children, 0), out);
  out += "<";
  out += tag;
  out += ">";
  inlines(in.children, out);
  out += "</";
  out += tag;
  out += ">";
}

void HtmlWriter::blocks(const std::vector<doc::Block>& list, std::string& out, bool tight) {
  for (const doc::Block& b : list) block(b, out, tight);
}

void HtmlWriter::page_breaks(const doc::Block& b, std::string& out) {
  if (b.pos.line <= 0 || !marked.insert({b.pos.line, b.pos.column}).second) return;
  out += "<!--page@";
  base::append_integer(out, b.pos.line);
  out += ':';
  base::append_integer(out, b.pos.column);
  out += "-->";
}

void HtmlWriter::block(const doc::Block& b, std::string& out, bool tight) {
  prev = 0;
  if (mark_positions && b.kind != doc::BlockKind::FootnoteDef) page_breaks(b, out);
  switch (b.kind) {
    case doc::BlockKind::Paragraph:
      if (tight) {
        inlines(b.inlines, out);
        out += "\n";
      } else {
        out += "<p>";
        inlines(b.inlines, out);
        out += "</p>\n";
      }
      break;
    case doc::BlockKind::Image: {
      std::string caption;
      if (figures && !b.inlines.empty()) caption = style::figure_caption(*figures, b.inlines[0]);
      caption = doc::numbered(b.number_text, caption);  // "图 2-3 架构"
      const std::string id = b.id.empty() ? "" : " id=\"" + escape_html(b.id, true) + "\"";
      if (caption.empty()) {
        out += "<p class=\"image\"" + id + ">";
        inlines(b.inlines, out);
        out += "</p>\n";
      } else {  // the same caption the PDF prints under it
        out += "<figure class=\"image\"" + id + ">";
        inlines(b.inlines, out);
        out += "<figcaption>" + escape_html(caption, false) + "</figcaption></figure>\n";
      }
      break;
    }
    case doc::BlockKind::Heading: {
      int level = b.level < 1 ? 1 : b.level > 6 ? 6 : b.level;
      std::string tag = "h";
      base::append_integer(tag, level);
      out += "<" + tag;
      if (!b.id.empty()) out += " id=\"" + escape_html(b.id, true) + "\"";
      out += ">";
      if (!b.number_text.empty())  // "第一章 ", "一、": the same number the PDF prints
        out += "<span class=\"number\">" + escape_html(doc::number_prefix(b.number_text), false) +
               "</span>";
      inlines(b.inlines, out);
      out += "</" + tag + ">\n";
      break;
    }
    case doc::BlockKind::List: {
      const char* tag = b.ordered ? "ol" : "ul";
      out += "<";
      out += tag;
      if (b.ordered && b.start != 1) {
        out += " start=\"";
        base::append_integer(out, b.start);
        out += "\"";
      }
      out += ">\n";
      for (const doc::Block& item : b.children) {
        out += "<li>";
        if (item.task != doc::TaskState::None) {
          out += item.task == doc::TaskState::Checked
                     ? "<input type=\"checkbox\" disabled=\"\" checked=\"\"/> "
                     : "<input type=\"checkbox\" disabled=\"\"/> ";
        }
        if (!b.tight) out += "\n";
        blocks(item.children, out, b.tight);
        out += "</li>\n";
      }
      out += "</";
      out += tag;
      out += ">\n";
      break;
    }
    case doc::BlockKind::Item:  // outside a list (should not happen): its content
      blocks(b.children, out, false);
      break;
    case doc::BlockKind::Callout: {
      const std::string title = doc::callout_title(b, doc ? doc->meta.lang : "zh-CN");
      if (b.info == "tab") {  // a content tab: a labelled section
        out += "<section class=\"tab\">\n";
        if (!title.empty()) out += "<p class=\"tab-label\">" + escape_html(title, false) + "</p>\n";
        blocks(b.children, out, false);
        out += "</section>\n";
        break;
      }
      const std::string family(doc::callout_family(b.info));
      const bool tip = family == "tip";
      if (b.fold != doc::Fold::None) {
        // MkDocs' `???`: folded (`???+`: open) as on the web; the title is the summary,
        // which a <details> cannot do without (an untitled one shows its kind's).
        doc::Block kind;
        kind.info = b.info;
        const std::string summary =
            title.empty() ? doc::callout_title(kind, doc ? doc->meta.lang : "zh-CN") : title;
        out += "<details class=\"callout callout-" + family + "\"" +
               (b.fold == doc::Fold::Open ? " open=\"open\"" : "") + ">\n<summary>" +
               escape_html(summary, false) + "</summary>\n";
        blocks(b.children, out, false);
        out += "</details>\n";
        break;
      }
      out += "<aside class=\"callout callout-" + family + "\" epub:type=\"" +
             (tip ? "tip" : "notice") + "\" role=\"" + (tip ? "doc-tip" : "note") + "\">\n";
      if (!title.empty())
        out += "<p class=\"callout-title\">" + escape_html(title, false) + "</p>\n";
      blocks(b.children, out, false);
      out += "</aside>\n";
      break;
    }
    case doc::BlockKind::Quote:
      out += "<blockquote>\n";
      blocks(b.children, out, false);
      out += "</blockquote>\n";
      break;
    case doc::BlockKind::Code:
      if (!b.title.empty())
        out += "<div class=\"code-title\">" + escape_html(b.title, false) + "</div>\n";
      out += "<pre><code";
      if (!b.info.empty()) out += " class=\"language-" + escape_html(b.info, true) + "\"";
      out += ">";
      // (A newline is eaten by the HTML parser only right after <pre>, not after <code>.)
      code_text(b, code_line_numbers, out);
      out += "</code></pre>\n";
      break;
    case doc::BlockKind::Table: {
      out += "<table";
      if (!b.id.empty()) out += " id=\"" + escape_html(b.id, true) + "\"";
      out += ">\n";
      if (const std::string caption = doc::numbered(b.number_text, b.title); !caption.empty())
        out += "<caption>" + escape_html(caption, false) + "</caption>\n";  // "表 2-1 结果"
      bool in_body = false;
      bool head_open = false;
      for (const doc::TableRow& row : b.rows) {
        if (row.header && !head_open && !in_body) {
          out += "<thead>\n";
          head_open = true;
        } else if (!row.header && !in_body) {
          if (head_open) out += "</thead>\n";
          head_open = false;
          out += "<tbody>\n";
          in_body = true;
        }
        out += "<tr>\n";
        const char* cell = row.header ? "th" : "td";
        for (size_t c = 0; c < row.cells.size(); ++c) {
          out += "<";
          out += cell;
          if (row.header) out += " scope=\"col\"";  // header cells head their column
          if (c < b.aligns.size()) {
            if (const char* st = align_style(b.aligns[c])) {
              out += " style=\"";
              out += st;
              out += "\"";
            }
          }
          out += ">";
          prev = 0;
          inlines(row.cells[c].inlines, out);
          out += "</";
          out += cell;
          out += ">\n";
        }
        out += "</tr>\n";
      }
      if (head_open) out += "</thead>\n";
      if (in_body) out += "</tbody>\n";
      out += "</table>\n";
      break;
    }
    case doc::BlockKind::Rule: out += "<hr/>\n"; break;
    case doc::BlockKind::RawHtml:
      marker(b.pos, out);
      out += b.text;
      wrote_raw_html = true;
      if (b.text.empty() || b.text.back() != '\n') out += "\n";
      break;
    case doc::BlockKind::FootnoteDef: footnote(b, out, true); break;
    case doc::BlockKind::Math:
      marker(b.pos, out);
      math(b.text, true, &b, out);
      break;
  }
}

void HtmlWriter::footnote(const doc::Block& def, std::string& out, bool) {
  std::string id = safe_id(def.id.empty() ? "fn-" + def.label : def.id);
  out += "<aside epub:type=\"footnote\" role=\"doc-footnote\" class=\"footnote\" id=\"" +
         escape_html(id, true) + "\">\n";
  // The number starts the first paragraph and links back to the first reference.
  std::string back = style::note_marker(def.number + note_offset, note_marks);
  if (ref_counts.count(def.label))
    back = "<a class=\"footnote-back\" role=\"doc-backlink\" href=\"#" +
           escape_html(safe_id("fnref-" + def.label), true) + "\">" + back + "</a>";
  back += " ";
  bool placed = false;
  for (const doc::Block& child : def.children) {
    if (!placed && child.kind == doc::BlockKind::Paragraph) {
      out += "<p>" + back;
      prev = 0;
      inlines(child.inlines, out);
      out += "</p>\n";
      placed = true;
    } else {
      if (!placed) out += "<p>" + back + "</p>\n";
      placed = true;
      block(child, out, false);
    }
  }
  if (!placed) out += "<p>" + back + "</p>\n";
  out += "</aside>\n";
  prev = 0;
}

std::string css_length(std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  size_t digits = 0;
  while (digits < v.size() && ((v[digits] >= '0' && v[digits] <= '9') || v[digits] == '.'))
    ++digits;
  if (digits == 0) return "";
  std::string_view unit = v.substr(digits);
  for (std::string_view u : {"", "px", "pt", "mm", "cm", "in", "em", "%"})
    if (unit == u) return std::string(v) + (unit.empty() ? "px" : "");
  return "";
}

}  // namespace moyin::epub::detail
