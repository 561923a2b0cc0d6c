#include "cli/inputs.h"

#include <algorithm>

#include "base/utf8.h"

namespace moyin::cli {
namespace fs = std::filesystem;

bool is_markdown(const fs::path& p) {
  const std::string ext = base::ascii_lower(p.extension().string());
  return ext == ".md" || ext == ".markdown";
}

bool is_book(const fs::path& p) {
  const std::string ext = base::ascii_lower(p.extension().string());
  return ext == ".yaml" || ext == ".yml";
}

std::vector<fs::path> markdown_files(const fs::path& folder, std::error_code& ec) {
  std::vector<fs::path> found;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec),
      end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {  // hidden files and folders (.git)
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && is_markdown(it->path())) found.push_back(it->path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace moyin::cli
