// The source stage: a Markdown file with YAML front matter -> doc::Document.
// The only folder that includes cmark-gfm headers.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "base/timings.h"
#include "doc/diagnostics.h"
#include "doc/document.h"

namespace moyin::source {

// Parses manuscript text. `path` is used for diagnostics and as the fallback
// title. Returns nothing (and reports an error) when the text is not a
// document at all, e.g. a binary file. `project_root` bounds MkDocs snippet
// includes (snippets.h; empty: the folder holding mkdocs.yml above `path`,
// else `path`'s folder).
std::optional<doc::Document> parse(std::string_view text, std::string_view path,
                                   doc::Diagnostics& diags,
                                   const std::filesystem::path& project_root = {});

// Reads and parses a file; a file that cannot be read is an error.
// `timings` (--timings) gets the reading and the parsing time.
std::optional<doc::Document> read_file(const std::filesystem::path& path, doc::Diagnostics& diags,
                                       base::Timings* timings = nullptr,
                                       const std::filesystem::path& project_root = {});

// Reads a book file (book.yaml: front-matter keys plus `chapters:`, a list
// of Markdown files relative to it) and its chapters. Heading ids repeated
// across chapters are renamed in the later ones (with their links). Nothing
// when the book file or any chapter cannot be read (errors in `diags`).
std::optional<doc::Book> read_book(const std::filesystem::path& path, doc::Diagnostics& diags);

}  // namespace moyin::source
