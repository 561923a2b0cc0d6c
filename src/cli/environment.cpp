#include "cli/environment.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

#include "base/date.h"
#include "base/file.h"
#include "cli/cache.h"
#include "cli/data_dir.h"
#include "highlight/highlight.h"

namespace moyin::cli {

namespace fs = std::filesystem;

namespace {

std::string variable(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// The first executable `name` in the colon-separated `path`, else empty.
std::string find_on_path(std::string_view path, const char* name) {
  size_t from = 0;
  while (from <= path.size()) {
    size_t colon = path.find(':', from);
    if (colon == std::string_view::npos) colon = path.size();
    if (colon > from) {
      const fs::path candidate = fs::path(std::string(path.substr(from, colon - from))) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    from = colon + 1;
  }
  return {};
}

math::Engine math_engine(const fs::path& data_dir) {
  math::Engine e;
  e.node = variable("MOYIN_NODE");
  const std::string path = variable("PATH");
  for (const char* name : {"node", "nodejs"})
    if (e.node.empty()) e.node = find_on_path(path, name);
  std::error_code ec;
  fs::path script = data_dir / "math" / "engine.js";
  if (!fs::exists(script, ec)) script = fs::path(MOYIN_DATA_DIR) / "math" / "engine.js";
  e.script = script.string();
  return e;
}

// `name` in <prefix>/lib/moyin beside the installed binary; empty when it is not there.
fs::path installed_beside(const fs::path& executable, const char* name) {
  std::error_code ec;
  if (executable.empty()) return {};
  const fs::path installed =
      (executable.parent_path() / MOYIN_RELATIVE_ENGINE_DIR / name).lexically_normal();
  return fs::is_regular_file(installed, ec) ? installed : fs::path();
}

// The math engine's snapshot installed beside the binary, else this
// build's; empty when there is neither (an empty file: the build could not
// make one).
std::string math_snapshot(const fs::path& executable) {
  std::error_code ec;
  for (const fs::path& blob :
       {installed_beside(executable, "math-engine.blob"), fs::path(math::built_snapshot())})
    if (!blob.empty() && fs::is_regular_file(blob, ec) && fs::file_size(blob, ec) > 0 && !ec)
      return blob.string();
  return {};
}

// The first of `candidates` that exists, else empty.
fs::path first_existing(std::initializer_list<const char*> candidates) {
  std::error_code ec;
  for (const char* c : candidates)
    if (fs::is_regular_file(c, ec)) return c;
  return {};
}

// The highlighting module installed beside the binary, else this build's own.
fs::path highlight_engine(const fs::path& executable) {
  fs::path installed = installed_beside(executable, "moyin-highlight.so");
  return installed.empty() ? highlight::built_engine() : installed;
}

// Moyin's folder in the user's cache ($XDG_CACHE_HOME/moyin, else
// ~/.cache/moyin), empty without a home folder.
fs::path moyin_cache_dir() {
  const std::string home = variable("HOME");
  fs::path cache_home = variable("XDG_CACHE_HOME");
  if (cache_home.is_relative()) cache_home = home.empty() ? fs::path() : fs::path(home) / ".cache";
  return cache_home.empty() ? fs::path() : cache_home / "moyin";
}

// The resolution cache's file and what its validity depends on beyond the
// files fontconfig reports: the variables that change where fontconfig
// looks, and the user configuration that may be created later.
font::ResolutionCache font_cache() {
  font::ResolutionCache c;
  if (variable("MOYIN_NO_FONT_CACHE") == "1") return c;
  const std::string home = variable("HOME");
  const fs::path dir = moyin_cache_dir();
  if (dir.empty()) return c;
  c.file = dir / "font-resolution.txt";
  for (const char* name : {"FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT", "HOME",
                           "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"}) {
    std::string value = variable(name);
    std::replace(value.begin(), value.end(), '\n', ' ');
    c.environment_key += std::string(name) + "=" + value + ";";
  }
  fs::path config_home = variable("XDG_CONFIG_HOME");
  if (config_home.is_relative() && !home.empty()) config_home = fs::path(home) / ".config";
  if (!config_home.empty()) c.watched.push_back(config_home / "fontconfig");
  if (!home.empty()) {
    c.watched.push_back(fs::path(home) / ".fonts.conf");
    c.watched.push_back(fs::path(home) / ".fonts.conf.d");
  }
  return c;
}

// The first line of the parsed-sheets file: the build that wrote it.
std::string sheet_cache_header(const Environment& env) {
  return "moyin " MOYIN_VERSION " " + env.program + "\n";
}

// The sheets earlier runs of this build parsed (none: an empty memo).
std::shared_ptr<const style::ParsedSheets> saved_sheets(const Environment& env) {
  constexpr std::uintmax_t kMaxCacheBytes = 4u << 20;
  std::string error;
  const std::optional<std::string> bytes =
      base::read_bounded(env.sheet_cache, error, kMaxCacheBytes);
  const std::string header = sheet_cache_header(env);
  if (!bytes || !bytes->starts_with(header)) return std::make_shared<const style::ParsedSheets>();
  return std::make_shared<const style::ParsedSheets>(
      std::string_view(*bytes).substr(header.size()));
}

}  // namespace

// One stat for both (std::filesystem's file_size and last_write_time make one
// each): the size of a regular file and its modification time counted as
// last_write_time counts it (std::chrono::file_clock), so stamps stay as
// they were.
std::string file_stamp(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "-";
  const std::chrono::sys_time<std::chrono::nanoseconds> modified{
      std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)};
  const auto time = std::chrono::file_clock::from_sys(modified);
  return std::to_string(st.st_size) + "@" + std::to_string(time.time_since_epoch().count());
}

void save_parsed_sheets(const Environment& env) {
  if (env.sheet_cache.empty()) return;
  if (const std::optional<std::string> bytes = env.parsed_sheets->saved())
    base::write_atomic(env.sheet_cache, sheet_cache_header(env) + *bytes);
}

namespace {

// The first lines of the kept hyphenation tables: the build and the
// dictionary they were read from.
std::string hyphenation_header(const Environment& env, const fs::path& dictionary) {
  return "moyin " MOYIN_VERSION " " + env.program + " " + dictionary.string() + " " +
         file_stamp(dictionary) + "\n";
}

}  // namespace

// The file holds the header, the tables' hash (a damaged file is not
// used) and the tables.
std::optional<typeset::Hyphenator> load_hyphenator(const Environment& env) {
  const fs::path dictionary = typeset::default_hyphenation_dictionary();
  typeset::KeptTables kept;
  if (!env.hyphenation_cache.empty())
    kept = [&env, dictionary]() -> std::optional<std::string> {
      constexpr std::uintmax_t kMaxBytes = 16u << 20;
      std::string error;
      std::optional<std::string> bytes =
          base::read_bounded(env.hyphenation_cache, error, kMaxBytes);
      const std::string header = hyphenation_header(env, dictionary);
      if (!bytes || !bytes->starts_with(header)) return std::nullopt;
      const std::string_view rest = std::string_view(*bytes).substr(header.size());
      const size_t eol = rest.find('\n');
      if (eol == std::string_view::npos) return std::nullopt;
      const std::string_view tables = rest.substr(eol + 1);
      if (rest.substr(0, eol) != cache::hash_bytes(tables)) return std::nullopt;
      // The tables moved to the front of the bytes read, not copied: a copy
      // was 320 KB of fresh pages faulted in again.
      bytes->erase(0, bytes->size() - tables.size());
      return bytes;
    };
  return typeset::Hyphenator::load(dictionary, std::move(kept));
}

void save_hyphenation(const Environment& env, const typeset::Hyphenator& hyphenator) {
  if (env.hyphenation_cache.empty()) return;
  if (const std::optional<std::string> tables = hyphenator.tables_to_keep())
    base::write_atomic(env.hyphenation_cache,
                       hyphenation_header(env, typeset::default_hyphenation_dictionary()) +
                           cache::hash_bytes(*tables) + "\n" + *tables);
}

Environment read_environment(doc::Diagnostics& diags) {
  Environment env;
  const fs::path self = executable_path(nullptr);
  env.data_dir = find_data_dir(
      {.executable = self, .moyin_home = variable("MOYIN_HOME"), .source_tree = MOYIN_DATA_DIR});
  env.styles_dir = env.data_dir / "styles";
  env.fonts_yaml = env.data_dir / "fonts" / "fonts.yaml";
  env.highlight_data_dir = variable("SOURCE_HIGHLIGHT_DATADIR");
  env.highlight_engine = highlight_engine(self);
  env.math = math_engine(env.data_dir);
  env.math.snapshot = math_snapshot(self);
  env.srgb_profile =
      first_existing({"/usr/share/color/icc/sRGB.icc", "/usr/share/color/icc/colord/sRGB.icc"});
  env.cmyk_profile = first_existing({"/usr/share/color/icc/ghostscript/default_cmyk.icc"});
  env.font_cache = font_cache();
  env.program = file_stamp(self);
  if (variable("MOYIN_NO_SHEET_CACHE") != "1" && env.program != "-")
    if (const fs::path dir = moyin_cache_dir(); !dir.empty()) {
      env.sheet_cache = dir / "parsed-sheets";
      env.hyphenation_cache = dir / "hyphenation";
      env.parsed_sheets = saved_sheets(env);
    }
  if (const char* sde = std::getenv("SOURCE_DATE_EPOCH")) {
    env.source_date_epoch = base::parse_source_date_epoch(sde);
    if (!env.source_date_epoch)
      diags.warn("SOURCE_DATE_EPOCH", {},
                 "\"" + std::string(sde) + "\" is not a number of seconds since 1970; ignored");
  }
  return env;
}

std::optional<font::FontLibrary> load_fonts(const Environment& env, const fs::path& fonts_yaml,
                                            doc::Diagnostics& diags) {
  std::optional<font::FontLibrary> fonts =
      font::FontLibrary::load(fonts_yaml, diags, env.font_cache);
  if (fonts) fonts->save_resolution_cache();
  return fonts;
}

}  // namespace moyin::cli
