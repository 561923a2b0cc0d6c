// Visiting every inline list of a block tree: paragraphs, headings, table
// cells and the blocks inside lists, quotes, callouts and notes, in order.
// For passes that rewrite inlines (links, note references) wherever they are.
#pragma once

#include <vector>

#include "doc/document.h"

namespace moyin::doc {

template <typename F>
void for_each_inline_list(std::vector<Block>& blocks, F&& f) {
  for (Block& b : blocks) {
    f(b.inlines);
    for (TableRow& row : b.rows)
      for (TableCell& cell : row.cells) f(cell.inlines);
    for_each_inline_list(b.children, f);
  }
}

}  // namespace moyin::doc
