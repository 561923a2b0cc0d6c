#include "doc/diagnostics.h"

#include <algorithm>

namespace moyin::doc {

void Diagnostics::warn(std::string_view path, Position pos, std::string message) {
  items.push_back({Severity::Warning, std::string(path), pos, std::move(message)});
}

void Diagnostics::error(std::string_view path, Position pos, std::string message) {
  items.push_back({Severity::Error, std::string(path), pos, std::move(message)});
}

bool Diagnostics::has_errors() const { return count(Severity::Error) > 0; }

size_t Diagnostics::count(Severity s) const {
  return static_cast<size_t>(std::count_if(items.begin(), items.end(),
                                           [s](const Diagnostic& d) { return d.severity == s; }));
}

std::string format(const Diagnostic& d) {
  std::string out = d.path;
  if (d.pos.line > 0) {
    out += ':' + std::to_string(d.pos.line);
    out += ':' + std::to_string(d.pos.column > 0 ? d.pos.column : 1);
  }
  out += d.severity == Severity::Error ? ": error: " : ": warning: ";
  out += d.message;
  return out;
}

}  // namespace moyin::doc
