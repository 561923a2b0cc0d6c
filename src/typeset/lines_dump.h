// `moyin dump --stage lines`: every paragraph's typeset lines as stable text,
// one output line per typeset line, for golden tests and debugging.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "doc/diagnostics.h"
#include "doc/document.h"
#include "font/font.h"
#include "typeset/paragraph.h"

namespace moyin::typeset {

struct LinesDumpOptions {
  double measure = 420;          // pt
  double size = 10.5;            // pt, body text
  std::string text_set = "serif-zh";
  std::string heading_set = "sans-zh";
  std::string code_set = "mono";
  CjkOptions cjk;
};

// Format, per block holding text (paragraphs, headings, list items, quotes,
// table cells, footnotes), in document order:
//   ¶<n> <kind> @<line>:<col>
//     <i> |<text>| nat=<pt> w=<pt> r=<ratio> <rule>/<kind> [warn]
std::string dump_lines(const doc::Document& d, const font::FontLibrary& fonts, const LinesDumpOptions& opt,
                       doc::Diagnostics& diags);

// `moyin dump --stage lines`: loads the default font sets (font::default_fonts_yaml)
// and dumps `d` at `measure` pt. Nothing when the fonts cannot be loaded
// (reported to `diags`).
std::optional<std::string> dump_lines_with_default_fonts(const doc::Document& d, double measure,
                                                         doc::Diagnostics& diags,
                                                         const CjkOptions& cjk = {},
                                                         const std::filesystem::path& fonts_yaml =
                                                             font::default_fonts_yaml());

// The lines of one set paragraph in the format above (without the ¶ header).
std::string dump_paragraph(const SetParagraph& p);

}  // namespace moyin::typeset
