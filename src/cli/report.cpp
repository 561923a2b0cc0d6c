#include "cli/report.h"

namespace moyin::cli {

void print_diagnostics(const doc::Diagnostics& diags, std::FILE* out) {
  for (const doc::Diagnostic& d : diags.items) {
    std::fprintf(out, "%s\n", doc::format(d).c_str());
  }
}

}  // namespace moyin::cli
