// Front matter: YAML between `---` lines at the very start, TOML between
// `+++` lines (Hugo), or a JSON object whose closing `}` is alone on a line.
#pragma once

#include <string_view>

#include "doc/diagnostics.h"
#include "doc/document.h"

namespace moyin::source {

// Caps that keep hostile YAML (alias bombs, deep nesting) cheap.
inline constexpr int kMaxYamlNodes = 100000;
inline constexpr int kMaxYamlDepth = 64;

enum class FrontMatterFormat { Yaml, Toml, Json };

struct FrontMatterSplit {
  bool present = false;  // a closed `---` block opens the file
  FrontMatterFormat format = FrontMatterFormat::Yaml;
  std::string_view yaml;  // the text between the fences (JSON: inside the braces)
  std::string_view body;  // everything after the closing fence line
  int body_line = 1;      // 1-based line of body's first line
};

// Finds the front matter block. An opening `---` without a closing `---` or
// `...` line is reported and the whole text is the body.
FrontMatterSplit split_front_matter(std::string_view text, std::string_view path,
                                    doc::Diagnostics& diags);

// Fills `meta` from the YAML text (which starts on file line 2). Broken or
// hostile YAML is reported at its real file position and leaves `meta`
// without any front-matter fields.
void parse_front_matter(std::string_view yaml, std::string_view path, doc::Metadata& meta,
                        doc::Diagnostics& diags);

// The same for TOML front matter (read with toml++, then as the YAML its
// JSON form is). TOML syntax errors are reported at their file position.
void parse_toml_front_matter(std::string_view toml, std::string_view path, doc::Metadata& meta,
                             doc::Diagnostics& diags);

}  // namespace moyin::source
