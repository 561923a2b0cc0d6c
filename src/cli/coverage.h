// Characters of a document that no face draws, as the typesetter chooses
// faces for them (it typesets the document), reported as
// warnings "no font draws U+2705 ✅ …" at their first position.
#pragma once

#include "doc/diagnostics.h"
#include "doc/document.h"
#include "font/font.h"
#include "style/style.h"

namespace moyin::cli {

void report_missing_glyphs(const doc::Document& d, const font::FontLibrary& lib,
                           const style::Sheet& sheet, doc::Diagnostics& diags);

}  // namespace moyin::cli
