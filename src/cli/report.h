// Printing diagnostics for the user.
#pragma once

#include <cstddef>
#include <cstdio>

#include "doc/diagnostics.h"

namespace moyin::cli {

// How diagnostics reach the user and how warnings count (`build` options).
struct ReportPolicy {
  size_t warnings_per_kind = 20;     // --warnings-per-kind; 0 = print every one
  long max_warnings = -1;            // --max-warnings: more fail the run; -1 = no limit
  bool warnings_are_errors = false;  // -W error: any warning fails the run
  bool errors_only = false;          // -q
};

// Writes one document's diagnostics to `out` as "path:line:col: severity:
// message", in source order and capped per kind (doc::presentable).
void print_diagnostics(const doc::Diagnostics& diags, std::FILE* out = stderr,
                       const ReportPolicy& policy = {});

}  // namespace moyin::cli
