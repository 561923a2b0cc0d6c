// `moyin dump --stage pages`: a layout::Book as stable text, one line per
// item with coordinates rounded to 0.1 pt, for golden tests and debugging.
// Faces are shown by PostScript name (never by path, which varies by machine).
#pragma once

#include <string>

#include "layout/book.h"

namespace moyin::typeset {

std::string dump_book(const layout::Book& book);
std::string dump_page(const layout::Page& page);

}  // namespace moyin::typeset
