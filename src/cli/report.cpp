#include "cli/report.h"

namespace moyin::cli {

void print_diagnostics(const doc::Diagnostics& diags, std::FILE* out, const ReportPolicy& policy) {
  for (const doc::Diagnostic& d : doc::presentable(diags.items, policy.warnings_per_kind)) {
    if (policy.errors_only && d.severity != doc::Severity::Error) continue;
    std::fprintf(out, "%s\n", doc::format(d).c_str());
  }
}

}  // namespace moyin::cli
