// Equation numbers: \tag as written, or counted per the style's
// math.numbering; \eqref/\ref links get the number they point at.
#include <map>

#include "math/math.h"

namespace moyin::math {

namespace {

struct Numberer {
  Numbering mode;
  int chapter = 0;
  int count = 0;
  bool headings_count = true;
  std::map<std::string, std::pair<std::string, std::string>> labels;  // key -> (number, anchor)

  void blocks(std::vector<doc::Block>& list) {
    for (doc::Block& b : list) {
      if (b.kind == doc::BlockKind::Heading && b.level == 1 && headings_count &&
          mode == Numbering::Chapter) {
        ++chapter;
        count = 0;
      }
      if (b.kind == doc::BlockKind::Math) {
        if (mode == Numbering::Given) {
          // numbered by the caller
        } else if (!b.label.empty()) {
          b.equation = b.label;
        } else if (mode != Numbering::None || !b.info.empty()) {
          ++count;
          b.equation = mode == Numbering::Chapter
                           ? std::to_string(std::max(chapter, 1)) + "." + std::to_string(count)
                           : std::to_string(count);
        }
        if (!b.info.empty()) labels.emplace(b.info, std::make_pair(b.equation, b.id));
      }
      blocks(b.children);
    }
  }

  void refs(std::vector<doc::Inline>& list, const std::string& path, doc::Diagnostics& diags) {
    for (doc::Inline& in : list) {
      if (in.kind == doc::InlineKind::Link && !in.label.empty() && in.url.starts_with("#eq-")) {
        auto it = labels.find(in.label);
        std::string text;
        if (it == labels.end()) {
          diags.warn(path, in.pos, "math: no equation is labelled `" + in.label + "`");
          text = "??";
        } else {
          text = it->second.first;
          in.url = "#" + it->second.second;
        }
        if (in.autolink) text = "(" + text + ")";  // \eqref
        in.autolink = false;
        if (!in.children.empty()) in.children.front().text = text;
        continue;
      }
      refs(in.children, path, diags);
    }
  }
  void ref_blocks(std::vector<doc::Block>& list, const std::string& path, doc::Diagnostics& diags) {
    for (doc::Block& b : list) {
      refs(b.inlines, path, diags);
      for (doc::TableRow& row : b.rows)
        for (doc::TableCell& cell : row.cells) refs(cell.inlines, path, diags);
      ref_blocks(b.children, path, diags);
    }
  }
};

}  // namespace

void number_equations(std::span<doc::Document> docs, Numbering numbering, doc::Diagnostics& diags) {
  Numberer n{numbering};
  // A book counts its chapter files; a single document its level-1 headings.
  n.headings_count = docs.size() == 1;
  for (doc::Document& d : docs) {
    if (!n.headings_count) {
      ++n.chapter;
      n.count = 0;
    }
    n.blocks(d.blocks);
    n.blocks(d.footnotes);
  }
  for (doc::Document& d : docs) {
    n.ref_blocks(d.blocks, d.path, diags);
    n.ref_blocks(d.footnotes, d.path, diags);
  }
}

}  // namespace moyin::math
