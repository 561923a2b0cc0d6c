// Callout and tab containers before Markdown parsing. cmark-gfm knows none
// of them: `::: tip 标题` … `:::` (VitePress), `!!! note "标题"` / `??? tip`
// with a body indented by four columns (MkDocs admonitions, nestable) and
// `=== "Python"` content tabs (pymdownx.tabbed). Every opener and closer line
// is replaced by a marker HTML comment cmark passes through as its own HTML
// block (`<!--moyin:K-->`, `<!--moyin:end-->`), and an indented body loses
// its four columns so cmark parses it as ordinary Markdown. Line numbers do
// not change; the columns removed are recorded per line. The converter then
// gathers the blocks after a marker, up to the container's last line, into
// one Callout block. Fenced code is never scanned.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace moyin::source {

struct Container {
  std::string kind;       // lower case: "note", "tip", …; "tab" for === tabs
  std::string title;      // as written, quotes removed
  bool untitled = false;  // an explicitly empty title (`!!! note ""`)
  bool folds = false;     // `??? note` / `???+ note`: collapsible on the web
  bool open = false;      // `???+`: shown open
  int line = 0;           // body line of the opener (1-based)
  int column = 0;         // 1-based byte column of the opener's first character
  int end_line = 0;       // last body line of its content
  bool unclosed = false;  // a ::: container without its closing :::
};

struct ScannedContainers {
  std::string text;                   // the body, markers in place of openers/closers
  std::vector<Container> containers;  // container k is marker "<!--moyin:k-->"
  std::vector<int> shift;             // per body line (1-based): columns removed at its start

  // Column in the body of column `col` of line `line` of `text`.
  int original_column(int line, int col) const {
    return line > 0 && static_cast<size_t>(line) < shift.size()
               ? col + shift[static_cast<size_t>(line)]
               : col;
  }
  // The container a raw HTML block on body line `line` stands for, or -1.
  int marker(std::string_view html, int line) const;
  static bool is_end_marker(std::string_view html);
};

ScannedContainers scan_containers(std::string_view body);

}  // namespace moyin::source
