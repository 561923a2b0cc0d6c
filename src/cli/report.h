// Printing diagnostics for the user.
#pragma once

#include <cstdio>

#include "doc/diagnostics.h"

namespace moyin::cli {

// Writes every diagnostic to `out` as "path:line:col: severity: message".
void print_diagnostics(const doc::Diagnostics& diags, std::FILE* out = stderr);

}  // namespace moyin::cli
