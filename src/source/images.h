// Images written other ways than ![alt](url): Pandoc's attribute syntax
// after an image (`![alt](x.png){width=60%}`) and raw HTML that is only
// images (<img src width height alt title>, <figure> with <figcaption>,
// wrapped in <p>, <div>, <center> or <a>). Both become doc image nodes, so
// the PDF and the EPUB print them alike. A link's `{.nopage}` (Pandoc's
// attribute syntax after a link) is read here too: doc::Inline::no_page.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "doc/document.h"

namespace moyin::source {

// Rewrites the document's blocks and footnotes in place.
void find_images(doc::Document& doc);

// The image blocks a raw HTML block stands for, or nothing when it holds
// anything else (then it stays raw HTML).
std::optional<std::vector<doc::Block>> html_image_blocks(const doc::Block& raw);

}  // namespace moyin::source
