// Diagnostics: every problem with an input, reported where it is.
// Each job owns one Diagnostics; nothing here is shared between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "doc/document.h"

namespace moyin::doc {

enum class Severity { Warning, Error };

struct Diagnostic {
  Severity severity = Severity::Warning;
  std::string path;
  Position pos;
  std::string message;
};

struct Diagnostics {
  std::vector<Diagnostic> items;

  void warn(std::string_view path, Position pos, std::string message);
  void error(std::string_view path, Position pos, std::string message);
  bool has_errors() const;
  size_t count(Severity s) const;
};

// "path:line:col: warning: message" (line/col omitted when unknown).
std::string format(const Diagnostic& d);

}  // namespace moyin::doc
