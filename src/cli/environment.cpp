#include "cli/environment.h"

#include <cstdlib>
#include <string>
#include <system_error>

#include "base/date.h"

namespace moyin::cli {

namespace fs = std::filesystem;

std::vector<fs::path> data_dirs() {
  std::vector<fs::path> dirs;
  if (const char* home = std::getenv("MOYIN_HOME"); home && *home) dirs.emplace_back(home);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && !exe.empty()) dirs.push_back((exe.parent_path() / ".." / "share" / "moyin").lexically_normal());
  dirs.emplace_back(MOYIN_DATA_DIR);
  return dirs;
}

fs::path find_data(std::string_view relative) {
  const std::vector<fs::path> dirs = data_dirs();
  for (const fs::path& d : dirs) {
    std::error_code ec;
    if (fs::exists(d / relative, ec)) return d / relative;
  }
  return dirs.back() / relative;
}

Environment read_environment(doc::Diagnostics& diags) {
  Environment env;
  env.styles_dir = find_data("styles");
  env.fonts_yaml = find_data("fonts/fonts.yaml");
  if (const char* hl = std::getenv("SOURCE_HIGHLIGHT_DATADIR"); hl && *hl) env.highlight_data_dir = hl;
  if (const char* sde = std::getenv("SOURCE_DATE_EPOCH")) {
    env.source_date_epoch = base::parse_source_date_epoch(sde);
    if (!env.source_date_epoch)
      diags.warn("SOURCE_DATE_EPOCH", {},
                 "\"" + std::string(sde) + "\" is not a number of seconds since 1970; ignored");
  }
  return env;
}

}  // namespace moyin::cli
