// Syntax highlighting of code blocks: code text + language -> token spans
// (doc::CodeSpan), the one highlighter both the PDF and the EPUB colour from.
// GNU Source-highlight does the lexing from its language definitions
// (/usr/share/source-highlight/*.lang) plus the few Moyin ships in
// styles/highlight/ for languages it lacks (YAML, TypeScript, Dockerfile);
// this is the only folder that includes its headers, in a module loaded
// at run time by the first code block that needs it (engine.h).
//
// Runs between source and the back ends: the command line calls annotate()
// on each parsed document, typeset/ and epub/ only read Block::spans.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doc/diagnostics.h"
#include "doc/document.h"

namespace moyin::highlight {

// The highlighting engine module (highlight/engine.h) of this build; an
// installed Moyin finds its own copy (cli/environment.h).
std::filesystem::path built_engine();

// Where language definitions are looked for, first match wins, and the
// engine module that reads them.
struct DataDirs {
  std::filesystem::path moyin;                    // Moyin's own definitions (styles/highlight)
  std::filesystem::path library;                  // Source-highlight's (its package data dir)
  std::filesystem::path engine = built_engine();  // moyin-highlight.so
};

// Source-highlight's data directory as its pkg-config prefix gives it at
// build time (no environment read, and the library is not loaded for it).
std::filesystem::path library_data_dir();

// The result of highlighting one block.
struct Result {
  std::vector<doc::CodeSpan> spans;
  bool known = false;  // the language has a definition (else: plain, no warning)
  std::string error;   // why a known language could not be highlighted
  bool setup = false;  // the error is the engine's (said once per document)
};

// Loads the engine module and each language definition once (on first
// use) and keeps them for the life of the object. Safe to share between threads: loading and
// highlighting are serialised by a mutex inside (Source-highlight's
// definition parser keeps global state; highlighting is cheap next to
// typesetting, see bench/).
class Highlighter {
 public:
  explicit Highlighter(DataDirs dirs);
  ~Highlighter();
  Highlighter(const Highlighter&) = delete;
  Highlighter& operator=(const Highlighter&) = delete;

  // Empty when the library's definitions are all found; else what is missing.
  const std::string& setup_problem() const;

  // The definition file a fence language uses ("py" -> python.lang), or
  // nullopt when Moyin does not know the language.
  std::optional<std::string> definition_for(std::string_view language) const;

  Result highlight(std::string_view language, std::string_view text) const;

  // Fills Block::spans of every code block (nested ones and footnotes too).
  // Unknown or missing languages stay plain without a message; a definition
  // that cannot be loaded, or a missing data directory, is one warning.
  void annotate(doc::Document& doc, doc::Diagnostics& diags) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The fence names Moyin maps to a definition, sorted (for docs and tests).
std::vector<std::string> covered_languages();

}  // namespace moyin::highlight
