// Markdown body -> doc blocks via cmark-gfm, with the Chinese fixes of
// CJK-RULES.md §7. Nothing of cmark leaks out of markdown.cpp.
#pragma once

#include <cstddef>
#include <string_view>

#include "doc/diagnostics.h"
#include "doc/document.h"

namespace moyin::source {

// Blocks and inlines deeper than this are flattened (with one warning), so
// hostile nesting cannot exhaust the stack of any later stage.
inline constexpr int kMaxBlockDepth = 64;
inline constexpr int kMaxInlineDepth = 64;
// Longest link target kept as a link, in bytes (Apache's default request-line
// limit is 8190 bytes).
inline constexpr size_t kMaxLinkTarget = 8192;

// Parses `body` (valid UTF-8, LF line ends) whose first line is line
// `first_line` of the file; fills doc.blocks and doc.footnotes.
void parse_markdown(std::string_view body, int first_line, std::string_view path,
                    doc::Document& doc, doc::Diagnostics& diags);

}  // namespace moyin::source
