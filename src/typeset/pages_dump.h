// `moyin dump --stage pages`: a layout::Book as stable text, one line per
// item with coordinates rounded to 0.1 pt, for golden tests and debugging.
// Faces are shown by PostScript name (never by path, which varies by machine).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "doc/diagnostics.h"
#include "doc/document.h"
#include "font/font.h"
#include "layout/book.h"
#include "math/math.h"
#include "style/style.h"
#include "typeset/book.h"

namespace moyin::typeset {

std::string dump_book(const layout::Book& book);
std::string dump_page(const layout::Page& page);

// The whole `--stage pages` job for a parsed document with the sheet and
// fonts the caller resolved: typesets and dumps. Nothing when the sheet is
// unusable (errors already in `diags`).
std::optional<std::string> dump_pages(const doc::Document& doc, const style::Sheet& sheet,
                                      const font::FontLibrary& fonts, doc::Diagnostics& diags,
                                      const Resources& resources = {});

}  // namespace moyin::typeset
