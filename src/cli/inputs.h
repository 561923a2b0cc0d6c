// The Markdown files a folder holds, as `build`, `check` and `watch` see them.
#pragma once

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace moyin::cli {

bool is_markdown(const std::filesystem::path& p);
bool is_book(const std::filesystem::path& p);  // .yaml / .yml

// Every .md / .markdown file under `folder`, sorted; hidden files and
// folders (.git, .moyin-cache) are skipped. `ec` is set when part of the
// folder could not be read (what was found is still returned).
std::vector<std::filesystem::path> markdown_files(const std::filesystem::path& folder,
                                                  std::error_code& ec);

}  // namespace moyin::cli
