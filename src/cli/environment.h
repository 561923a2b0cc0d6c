// The environment, read once (as Typst's World): the CLI reads the process's
// environment variables and the data folder here, at the edge, and passes the
// values down. Nothing below src/cli calls getenv or looks for its own data.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "doc/diagnostics.h"

namespace moyin::cli {

// Where Moyin's data (styles/, fonts/fonts.yaml) may live, in the order they
// are tried: $MOYIN_HOME, then <directory of the moyin binary>/../share/moyin
// (an installed copy), then the source tree the binary was built from.
std::vector<std::filesystem::path> data_dirs();
// The first data_dirs() entry holding `relative` (a file or a folder), else
// `relative` under the last entry (so a message can name where it was looked for).
std::filesystem::path find_data(std::string_view relative);

struct Environment {
  std::filesystem::path styles_dir;  // shipped style sheets (styles/NAME.yaml)
  std::filesystem::path fonts_yaml;  // the font sets (fonts/fonts.yaml)
  // SOURCE_DATE_EPOCH: dates outputs whose front matter has none (never the clock).
  std::optional<int64_t> source_date_epoch;
  // $SOURCE_HIGHLIGHT_DATADIR (as Source-highlight's own tools honour);
  // empty: the folder its package installs.
  std::filesystem::path highlight_data_dir;
  // The image catalog (src/image) joins here when it lands.
};

// Reads the environment once. A malformed SOURCE_DATE_EPOCH is a warning
// (named "SOURCE_DATE_EPOCH" in `diags`) and is ignored.
Environment read_environment(doc::Diagnostics& diags);

}  // namespace moyin::cli
