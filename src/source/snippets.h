// MkDocs snippets (pymdownx.snippets), expanded before anything else reads
// the body, inside fenced code too (as MkDocs does): a line `--8<-- "file"`
// (any number of dashes on each side, the file quoted, its indentation given
// to every included line), the block form (`--8<--` alone on a line, one
// file per line, `--8<--` again; blank lines kept, `; file` skipped), line
// ranges (`file:4:6`, `file:4`, `file::3`), sections (`file:name`, between
// `--8<-- [start:name]` and `--8<-- [end:name]`, whose lines never print),
// nested snippets, and `;--8<--` for the notation written literally.
// A file is looked for under the project root, then beside the file that
// includes it, and never outside the root: the nearest folder above the
// manuscript holding `mkdocs.yml` (MkDocs' base path), else the book's
// folder or the manuscript's own. Problems are warnings at the include line;
// the line then prints nothing, as in MkDocs.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "doc/diagnostics.h"
#include "doc/document.h"

namespace moyin::source {

struct ExpandedSnippets {
  std::string body;  // the body with every snippet in place
  // Per line of `body` (0-based), the file position it stands for: its own
  // line, or the include line for an included one. Empty when nothing was
  // included (body is the input, line for line).
  std::vector<doc::Position> origin;
  // Every file included, and where a missing one was looked for first
  // (creating it changes the document): sorted, each once.
  std::vector<std::string> files;
};

// `body` starts on file line `first_line` of `path`.
ExpandedSnippets expand_snippets(std::string_view body, int first_line, std::string_view path,
                                 const std::filesystem::path& project_root,
                                 doc::Diagnostics& diags);

// The root snippets stay inside when none is given: the nearest folder at or
// above the manuscript's that holds mkdocs.yml (or mkdocs.yaml), else the
// manuscript's folder.
std::filesystem::path snippet_root(std::string_view path);

// Moves the positions of `d` (and of the diagnostics about `d.path` from
// index `first_diag` on) from lines of the expanded body to the file's.
void map_positions(doc::Document& d, const std::vector<doc::Position>& origin, int first_line,
                   doc::Diagnostics& diags, size_t first_diag);

}  // namespace moyin::source
