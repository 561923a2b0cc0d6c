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
  // What sort of problem this is, for capping repeats ("cannot-justify"…);
  // empty: derived from the message (see kind_of).
  std::string kind = {};
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

// The kind of a diagnostic: its `kind`, or its message with the parts that
// vary between occurrences (numbers, quoted text, code points) blanked, so
// "cannot justify line 12" and "cannot justify line 97" are one kind.
std::string kind_of(const Diagnostic& d);

// One document's diagnostics as a reader wants them: in source order (file
// by file in order of first appearance, positionless ones after that file's
// positioned ones), and at most `per_kind` warnings of one kind (0 = all),
// each capped kind followed by a note "… and N more like this". Errors are
// never dropped; a diagnostic said twice (same place, same words) is kept once.
std::vector<Diagnostic> presentable(const std::vector<Diagnostic>& items, size_t per_kind);

}  // namespace moyin::doc
