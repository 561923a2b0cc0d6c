// Blocks and inlines -> HTML5 text. This text is never written out as is:
// the sanitizer parses it (with any raw HTML it contains, so tags opened in
// one raw piece and closed in another pair up as a browser would pair them)
// and writes well-formed XHTML.
#include <charconv>

#include "epub/internal.h"

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
        {
          std::string w = css_length(in.width), h = css_length(in.height), style;
          if (!w.empty()) style += "width: " + w + ";";
          if (!h.empty()) style += std::string(style.empty() ? "" : " ") + "height: " + h + ";";
          if (!style.empty()) out += " style=\"" + style + "\"";
        }
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
    case doc::BlockKind::Image: {
      std::string caption;
      if (figures && !b.inlines.empty()) caption = style::figure_caption(*figures, b.inlines[0]);
      if (caption.empty()) {
        out += "<p class=\"image\">";
        inlines(b.inlines, out);
        out += "</p>\n";
      } else {  // the same caption the PDF prints under it
        out += "<figure class=\"image\">";
        inlines(b.inlines, out);
        out += "<figcaption>" + escape_html(caption, false) + "</figcaption></figure>\n";
      }
      break;
    }
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
      out += "<pre><code";
      if (!b.info.empty()) out += " class=\"language-" + escape_html(b.info, true) + "\"";
      out += ">";
      // (A newline is eaten by the HTML parser only right after <pre>, not after <code>.)
      out += escape_html(b.text, false);
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

std::string css_length(std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  size_t digits = 0;
  while (digits < v.size() && ((v[digits] >= '0' && v[digits] <= '9') || v[digits] == '.')) ++digits;
  if (digits == 0) return "";
  std::string_view unit = v.substr(digits);
  for (std::string_view u : {"", "px", "pt", "mm", "cm", "in", "em", "%"})
    if (unit == u) return std::string(v) + (unit.empty() ? "px" : "");
  return "";
}

}  // namespace moyin::epub::detail
