// Small helpers shared by the source-stage tests.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doc/diagnostics.h"
#include "doc/document.h"
#include "source/source.h"

namespace moyin::test {

struct Parsed {
  std::optional<doc::Document> doc;
  doc::Diagnostics diags;
  const doc::Document& operator*() const { return *doc; }
  const doc::Document* operator->() const { return &*doc; }
};

inline Parsed parse(std::string_view text, std::string_view path = "test.md") {
  Parsed p;
  p.doc = source::parse(text, path, p.diags);
  return p;
}

inline std::vector<const doc::Diagnostic*> warnings(const Parsed& p) {
  std::vector<const doc::Diagnostic*> out;
  for (const doc::Diagnostic& d : p.diags.items) {
    if (d.severity == doc::Severity::Warning) out.push_back(&d);
  }
  return out;
}

// Every block in document order (children included).
inline void walk_blocks(const std::vector<doc::Block>& blocks,
                        const std::function<void(const doc::Block&)>& f) {
  for (const doc::Block& b : blocks) {
    f(b);
    walk_blocks(b.children, f);
  }
}

inline void walk_inlines(const std::vector<doc::Inline>& inlines,
                         const std::function<void(const doc::Inline&)>& f) {
  for (const doc::Inline& in : inlines) {
    f(in);
    walk_inlines(in.children, f);
  }
}

// Every inline of the document, table cells and footnotes included.
inline void walk_all_inlines(const doc::Document& d,
                             const std::function<void(const doc::Inline&)>& f) {
  auto visit = [&](const doc::Block& b) {
    walk_inlines(b.inlines, f);
    for (const doc::TableRow& r : b.rows) {
      for (const doc::TableCell& c : r.cells) walk_inlines(c.inlines, f);
    }
  };
  walk_blocks(d.blocks, visit);
  walk_blocks(d.footnotes, visit);
}

// Inlines of the first paragraph.
inline const std::vector<doc::Inline>& first_para(const doc::Document& d) {
  for (const doc::Block& b : d.blocks) {
    if (b.kind == doc::BlockKind::Paragraph) return b.inlines;
  }
  static const std::vector<doc::Inline> none;
  ADD_FAILURE() << "no paragraph";
  return none;
}

// A compact rendering of inlines for assertions: text as is, **x** for
// strong, *x* emphasis, ~x~ strike, `x` code, [x](url) link, ⏎ soft break,
// ↵ hard break, [^n] footnote reference, <raw> as is, $x$ / $$x$$ math,
// ^(x) superscript, _(x) subscript, <u>x</u>, ==x== mark, [[x]] kbd,
// {colour:x} coloured, {base|annotation} ruby.
inline std::string sketch(const std::vector<doc::Inline>& inlines) {
  std::string out;
  // Appended in parts: `"*" + sketch(…)` prepends into a temporary, which
  // GCC 12 at -O3 reports as an overlapping memcpy (-Wrestrict).
  auto wrap = [&out](const char* open, const std::string& inner, const char* close) {
    ((out += open) += inner) += close;
  };
  for (const doc::Inline& in : inlines) {
    switch (in.kind) {
      case doc::InlineKind::Text: out += in.text; break;
      case doc::InlineKind::Code: out += "`" + in.text + "`"; break;
      case doc::InlineKind::Emphasis: wrap("*", sketch(in.children), "*"); break;
      case doc::InlineKind::Strong: wrap("**", sketch(in.children), "**"); break;
      case doc::InlineKind::Strike: wrap("~", sketch(in.children), "~"); break;
      case doc::InlineKind::Link:
        wrap("[", sketch(in.children), "]("), wrap("", in.url, ")");
        break;
      case doc::InlineKind::Image:
        wrap("![", sketch(in.children), "]("), wrap("", in.url, ")");
        break;
      case doc::InlineKind::SoftBreak: out += "⏎"; break;
      case doc::InlineKind::LineBreak: out += "↵"; break;
      case doc::InlineKind::FootnoteRef: out += "[^" + std::to_string(in.number) + "]"; break;
      case doc::InlineKind::RawHtml: out += in.text; break;
      case doc::InlineKind::Math:
        out += (in.display ? "$$" : "$") + in.text + (in.display ? "$$" : "$");
        break;
      case doc::InlineKind::Superscript: wrap("^(", sketch(in.children), ")"); break;
      case doc::InlineKind::Subscript: wrap("_(", sketch(in.children), ")"); break;
      case doc::InlineKind::Underline: wrap("<u>", sketch(in.children), "</u>"); break;
      case doc::InlineKind::Mark: wrap("==", sketch(in.children), "=="); break;
      case doc::InlineKind::Kbd: wrap("[[", sketch(in.children), "]]"); break;
      case doc::InlineKind::Color:
        wrap("{", in.text, ":"), wrap("", sketch(in.children), "}");
        break;
      case doc::InlineKind::Ruby:
        wrap("{", sketch(in.children), "|"), wrap("", in.text, "}");
        break;
    }
  }
  return out;
}

}  // namespace moyin::test
