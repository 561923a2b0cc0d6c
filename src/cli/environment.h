// The environment, read once (as Typst's World): the CLI reads the process's
// environment variables and the data folder here, at the edge, and passes the
// values down. Nothing below src/cli calls getenv or looks for its own data.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "doc/diagnostics.h"
#include "font/font.h"
#include "math/math.h"
#include "style/style.h"
#include "typeset/hyphenate.h"

namespace moyin::cli {

struct Environment {
  // The data folder (cli/data_dir.h: installed share/moyin, $MOYIN_HOME or
  // the source tree) and what the commands read from it.
  std::filesystem::path data_dir;
  std::filesystem::path styles_dir;  // shipped style sheets (styles/NAME.yaml)
  std::filesystem::path fonts_yaml;  // the font sets (fonts/fonts.yaml)
  // SOURCE_DATE_EPOCH: dates outputs whose front matter has none (never the clock).
  std::optional<int64_t> source_date_epoch;
  // $SOURCE_HIGHLIGHT_DATADIR (as Source-highlight's own tools honour);
  // empty: the folder its package installs.
  std::filesystem::path highlight_data_dir;
  // The highlighting module (highlight/engine.h): the one installed in
  // <prefix>/lib/moyin beside an installed binary, else this build's.
  std::filesystem::path highlight_engine;
  // Node.js ($MOYIN_NODE, else node or nodejs on $PATH) and math/engine.js
  // from the data folder (else the source tree); started only for math.
  math::Engine math;
  // ICC profiles from Debian packages (docs/standards.md), empty when not
  // installed: sRGB for a PDF/A OutputIntent (icc-profiles-free, else
  // colord-data); the CMYK profile used when a sheet asks for CMYK and names
  // none (Ghostscript's default_cmyk.icc).
  std::filesystem::path srgb_profile;
  std::filesystem::path cmyk_profile;
  // Where fontconfig's answers are kept between runs (font::ResolutionCache):
  // $XDG_CACHE_HOME/moyin/font-resolution.txt, else ~/.cache/moyin/…; none
  // with MOYIN_NO_FONT_CACHE=1 or without a home folder.
  font::ResolutionCache font_cache;
  // Sheet files parsed once per run, shared by every document's sheet_for,
  // starting from what earlier runs of this same build parsed.
  std::shared_ptr<const style::ParsedSheets> parsed_sheets =
      std::make_shared<const style::ParsedSheets>();
  // Where the parsed sheets are kept between runs: $XDG_CACHE_HOME/moyin/
  // parsed-sheets, else ~/.cache/moyin/…; none with MOYIN_NO_SHEET_CACHE=1
  // or without a home folder.
  std::filesystem::path sheet_cache;
  // Where libhyphen's tables for the English patterns are kept between runs
  // (typeset::KeptTables): $XDG_CACHE_HOME/moyin/hyphenation, else
  // ~/.cache/moyin/…; none with MOYIN_NO_SHEET_CACHE=1 (as the sheets).
  std::filesystem::path hyphenation_cache;
  // This build of Moyin (version, the executable's size and modification
  // time): the saved sheets of another build are not used.
  std::string program;
};

// A large file's identity without reading it: "size@mtime", or
// cache::kMissing's "-" when it cannot be examined.
std::string file_stamp(const std::filesystem::path& path);

// Reads the environment once. A malformed SOURCE_DATE_EPOCH is a warning
// (named "SOURCE_DATE_EPOCH" in `diags`) and is ignored.
Environment read_environment(doc::Diagnostics& diags);

// The font library of `fonts_yaml` (fonts/fonts.yaml or --fonts), with the
// environment's resolution cache, which it updates when fontconfig had to
// answer. Every command loads its fonts here.
std::optional<font::FontLibrary> load_fonts(const Environment& env,
                                            const std::filesystem::path& fonts_yaml,
                                            doc::Diagnostics& diags);

// Keeps the sheets this run parsed for the next run (Environment::sheet_cache),
// when it parsed any the cache did not hold. Failures are ignored: the cache
// only saves time.
void save_parsed_sheets(const Environment& env);

// The build's English hyphenation patterns (nullopt: not installed), read on
// first use from the tables an earlier run of this build kept
// (Environment::hyphenation_cache) when they are there.
std::optional<typeset::Hyphenator> load_hyphenator(const Environment& env);

// Keeps the tables `hyphenator` read from the dictionary in this run for
// the next runs. Failures are ignored: the cache only saves time.
void save_hyphenation(const Environment& env, const typeset::Hyphenator& hyphenator);

}  // namespace moyin::cli
