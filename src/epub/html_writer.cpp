// Blocks and inlines -> HTML5 text. This text is never written out as is:
// the sanitizer parses it (with any raw HTML it contains, so tags opened in
// one raw piece and closed in another pair up as a browser would pair them)
// and writes well-formed XHTML.
#include <charconv>

#include "epub/internal.h"
#include "style/style.h"

namespace moyin::epub::detail {
namespace {

void marker(const doc::Position& pos, std::string& out) {
  if (pos.line <= 0) return;
  char buf[48];
  auto r = std::to_chars(buf, buf + 20, pos.line);
  *r.ptr++ = ':';
  r = std::to_chars(r.ptr, buf + 48, pos.column);
  out += "<!--@";
  out.append(buf, r.ptr);
  out += "-->";
}

void int_text(int v, std::string& out) {
  char buf[16];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

const char* align_style(doc::Align a) {
  switch (a) {
    case doc::Align::Left: return "text-align: left";
    case doc::Align::Center: return "text-align: center";
    case doc::Align::Right: return "text-align: right";
    default: return nullptr;
  }
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
    out += escape_html(b.text, false);
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
      int_text(++number, out);
      out += "</span>";
    }
    size_t at = pos;
    while (next_span < b.spans.size() && b.spans[next_span].begin < end) {
      const doc::CodeSpan& s = b.spans[next_span++];
      if (s.begin < at || s.end > end) continue;  // malformed: leave as text
      out += escape_html(text.substr(at, s.begin - at), false);
      out += "<span class=\"";
      out += style::css_class(s.cls);
      out += "\">";
      out += escape_html(text.substr(s.begin, s.end - s.begin), false);
      out += "</span>";
      at = s.end;
    }
    out += escape_html(text.substr(at, end - at), false);
    if (nl == std::string_view::npos) break;
    out += '\n';
    pos = nl + 1;
  }
}

}  // namespace

HtmlWriter make_writer(const doc::Document& doc) {
  HtmlWriter w;
  w.doc = &doc;
  for (const doc::Block& f : doc.footnotes)
    w.footnote_ids[f.label] = safe_id(f.id.empty() ? "fn-" + f.label : f.id);
  return w;
}

void HtmlWriter::inlines(const std::vector<doc::Inline>& list, std::string& out) {
  for (const doc::Inline& in : list) {
    switch (in.kind) {
      case doc::InlineKind::Text:
        out += escape_html(in.text, false);
        break;
      case doc::InlineKind::Code:
        out += "<code>" + escape_html(in.text, false) + "</code>";
        break;
      case doc::InlineKind::Emphasis:
        out += "<em>";
        inlines(in.children, out);
        out += "</em>";
        break;
      case doc::InlineKind::Strong:
        out += "<strong>";
        inlines(in.children, out);
        out += "</strong>";
        break;
      case doc::InlineKind::Strike:
        out += "<del>";
        inlines(in.children, out);
        out += "</del>";
        break;
      case doc::InlineKind::Link:
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
        out += ">";
        break;
      case doc::InlineKind::SoftBreak:
        out += "\n";
        break;
      case doc::InlineKind::LineBreak:
        out += "<br>\n";
        break;
      case doc::InlineKind::FootnoteRef: {
        auto it = footnote_ids.find(in.label);
        if (it == footnote_ids.end()) {
          out += escape_html("[^" + in.label + "]", false);
          break;
        }
        int n = ++ref_counts[in.label];
        std::string ref_id = safe_id("fnref-" + in.label);
        if (n > 1) {
          ref_id += '-';
          int_text(n, ref_id);
        }
        marker(in.pos, out);
        out += "<sup><a epub:type=\"noteref\" class=\"footnote-ref\" id=\"" +
               escape_html(ref_id, true) + "\" href=\"#" + escape_html(it->second, true) + "\">";
        int_text(in.number > 0 ? in.number : 0, out);
        out += "</a></sup>";
        break;
      }
      case doc::InlineKind::RawHtml:
        marker(in.pos, out);
        out += in.text;
        break;
    }
  }
}

void HtmlWriter::blocks(const std::vector<doc::Block>& list, std::string& out, bool tight) {
  for (const doc::Block& b : list) block(b, out, tight);
}

void HtmlWriter::block(const doc::Block& b, std::string& out, bool tight) {
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
    case doc::BlockKind::Image:
      out += "<p class=\"image\">";
      inlines(b.inlines, out);
      out += "</p>\n";
      break;
    case doc::BlockKind::Heading: {
      int level = b.level < 1 ? 1 : b.level > 6 ? 6 : b.level;
      std::string tag = "h";
      int_text(level, tag);
      out += "<" + tag;
      if (!b.id.empty()) out += " id=\"" + escape_html(b.id, true) + "\"";
      out += ">";
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
        int_text(b.start, out);
        out += "\"";
      }
      out += ">\n";
      for (const doc::Block& item : b.children) {
        out += "<li>";
        if (item.task != doc::TaskState::None) {
          out += item.task == doc::TaskState::Checked
                     ? "<input type=\"checkbox\" disabled checked> "
                     : "<input type=\"checkbox\" disabled> ";
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
    case doc::BlockKind::Quote:
      out += "<blockquote>\n";
      blocks(b.children, out, false);
      out += "</blockquote>\n";
      break;
    case doc::BlockKind::Code:
      if (!b.title.empty()) out += "<div class=\"code-title\">" + escape_html(b.title, false) + "</div>\n";
      out += "<pre><code";
      if (!b.info.empty()) out += " class=\"language-" + escape_html(b.info, true) + "\"";
      out += ">";
      // (A newline is eaten by the HTML parser only right after <pre>, not after <code>.)
      code_text(b, code_line_numbers, out);
      out += "</code></pre>\n";
      break;
    case doc::BlockKind::Table: {
      out += "<table>\n";
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
          if (c < b.aligns.size()) {
            if (const char* st = align_style(b.aligns[c])) {
              out += " style=\"";
              out += st;
              out += "\"";
            }
          }
          out += ">";
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
    case doc::BlockKind::Rule:
      out += "<hr>\n";
      break;
    case doc::BlockKind::RawHtml:
      marker(b.pos, out);
      out += b.text;
      if (b.text.empty() || b.text.back() != '\n') out += "\n";
      break;
    case doc::BlockKind::FootnoteDef:
      footnote(b, out, true);
      break;
  }
}

void HtmlWriter::footnote(const doc::Block& def, std::string& out, bool) {
  std::string id = safe_id(def.id.empty() ? "fn-" + def.label : def.id);
  out += "<aside epub:type=\"footnote\" class=\"footnote\" id=\"" + escape_html(id, true) + "\">\n";
  // The number starts the first paragraph and links back to the first reference.
  std::string number;
  int_text(def.number, number);
  std::string back = number + ".";
  if (ref_counts.count(def.label))
    back = "<a class=\"footnote-back\" href=\"#" + escape_html(safe_id("fnref-" + def.label), true) + "\">" +
           back + "</a>";
  back += " ";
  bool placed = false;
  for (const doc::Block& child : def.children) {
    if (!placed && child.kind == doc::BlockKind::Paragraph) {
      out += "<p>" + back;
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
}

}  // namespace moyin::epub::detail
