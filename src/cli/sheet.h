// The style sheet a command uses for one document: the shipped base <- the
// front matter's `style:` <- --style NAME|FILE <- --set key=value.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "cli/environment.h"
#include "doc/diagnostics.h"
#include "doc/document.h"
#include "highlight/highlight.h"
#include "image/catalog.h"
#include "math/math.h"
#include "style/style.h"

namespace moyin::cli {

struct StyleArgs {
  std::string style;              // --style NAME|FILE, empty for none
  std::vector<std::string> sets;  // --set key=value, in order
};

style::Sheet sheet_for(const Environment& env, const StyleArgs& args, const doc::Metadata& meta,
                       const std::filesystem::path& doc_dir, doc::Diagnostics& diags);

// For one document (dump): converts its formulas (starting the engine only
// when it has some), numbers its equations, headings, figures and tables
// (typeset::number_blocks) and reports MathJax's complaints.
void prepare_math(const Environment& env, doc::Document& d, const style::Sheet& sheet,
                  math::Formulas& formulas, doc::Diagnostics& diags);
// Equation, heading, figure and table numbers and cross-reference texts
// (math::number_equations, typeset::number_blocks), in the order the sheet's
// numbering.equation needs.
void number_all(std::span<doc::Document> docs, const style::Sheet& sheet, doc::Diagnostics& diags);
// Where code highlighting finds its language definitions: Moyin's
// styles/highlight (next to the shipped sheets, so $MOYIN_HOME moves both)
// and Source-highlight's data folder ($SOURCE_HIGHLIGHT_DATADIR, as its own
// tools honour, else the folder its package installs).
highlight::DataDirs highlight_dirs(const Environment& env);

// The image catalog of one job, shared by both outputs: images are read,
// checked and decoded once, and each problem is reported once. `root` bounds
// where images may come from (the document's folder, or the book's);
// `keep_pixels` when a PDF is made (the EPUB copies the files).
image::CatalogOptions catalog_options(const style::Sheet& sheet, const std::filesystem::path& root,
                                      bool keep_pixels);

}  // namespace moyin::cli
