#include "cli/data_dir.h"

#include <system_error>

namespace moyin::cli {

namespace {

bool holds_data(const std::filesystem::path& dir) {
  std::error_code ec;
  return !dir.empty() && (std::filesystem::is_directory(dir / "styles", ec) ||
                          std::filesystem::is_regular_file(dir / "fonts" / "fonts.yaml", ec));
}

}  // namespace

std::filesystem::path find_data_dir(const DataDirSources& s) {
  if (!s.executable.empty()) {
    std::filesystem::path installed = (s.executable.parent_path() / s.relative).lexically_normal();
    if (holds_data(installed)) return installed;
  }
  if (!s.moyin_home.empty() && holds_data(s.moyin_home)) return s.moyin_home;
  return s.source_tree;
}

std::filesystem::path executable_path(const char* argv0) {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec && !self.empty()) return self;
  if (argv0 == nullptr || *argv0 == '\0') return {};
  return std::filesystem::absolute(argv0, ec);
}

}  // namespace moyin::cli
