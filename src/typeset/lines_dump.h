// `moyin dump --stage lines`: every paragraph's typeset lines as stable text,
// one output line per typeset line, for golden tests and debugging.
#pragma once

#include <string>

#include "doc/diagnostics.h"
#include "doc/document.h"
#include "font/font.h"
#include "math/math.h"
#include "style/style.h"
#include "typeset/book.h"
#include "typeset/paragraph.h"

namespace moyin::typeset {

// Typesets `d` exactly as `moyin build` does (the sheet's page, roles, fonts
// and CJK options: the same page builder, not a walker of its own) and
// returns every paragraph the builder set, in the order it set them:
//   measure=<pt> size=<pt>
//   ¶<n> <role> @<line>:<col>
//     <i> |<text>| nat=<pt> w=<pt> r=<ratio> <rule>/<kind> [warn]
// `measure` > 0 sets the type area to that width (the page grows or shrinks
// around it); 0 keeps the sheet's.
// `resources` as for typeset() (its lines_trace is this function's own).
std::string dump_lines(const doc::Document& d, style::Sheet sheet, const font::FontLibrary& fonts,
                       doc::Diagnostics& diags, double measure = 0,
                       const Resources& resources = {});

// The lines of one set paragraph in the format above (without the ¶ header).
std::string dump_paragraph(const SetParagraph& p);

}  // namespace moyin::typeset
