// Internal to src/style: the layered key/value store a sheet resolves from.
#pragma once

#include <map>
#include <string>

#include "style/style.h"

namespace moyin::style {

extern const char* const kBuiltinDefaults;

// One setting as written: where it came from, for messages.
struct Setting {
  std::string value;
  std::string file;
  doc::Position pos;
};

// Dotted key ("body.size") -> the winning setting so far.
using Settings = std::map<std::string, Setting>;

// Parses YAML sheet text into `out`, later keys overriding earlier ones.
// Unknown keys and bad values are warnings (the earlier value stays).
// Returns the `extends:` value if the sheet has one. `ok` is false when the
// text is not YAML at all (an error is reported).
std::string collect_yaml(std::string_view text, const std::string& file, Settings& out,
                         doc::Diagnostics& diags, bool& ok);

// One "key=value" from the command line.
void collect_setting(std::string_view key_value, Settings& out, doc::Diagnostics& diags);

// Settings -> resolved sheet (values were validated when collected).
Sheet build(const Settings& settings);

}  // namespace moyin::style
