#include "cli/sheet.h"

#include <cstdlib>

namespace moyin::cli {

style::Sheet sheet_for(const StyleArgs& args, const doc::Metadata& meta,
                       const std::filesystem::path& doc_dir, doc::Diagnostics& diags) {
  style::Layers layers;
  layers.front_matter = meta.style;
  layers.document_dir = doc_dir;
  if (!args.style.empty()) {
    // A path (or a file name with a YAML extension) is a file; a bare word names a shipped sheet.
    const std::string ext = std::filesystem::path(args.style).extension().string();
    const bool is_file = args.style.find('/') != std::string::npos || ext == ".yaml" || ext == ".yml";
    if (is_file) layers.files.push_back(args.style);
    else layers.base = args.style;
  }
  layers.settings = args.sets;
  return style::resolve(layers, diags);
}

highlight::DataDirs highlight_dirs() {
  highlight::DataDirs dirs;
  dirs.moyin = style::default_styles_dir() / "highlight";
  const char* env = std::getenv("SOURCE_HIGHLIGHT_DATADIR");
  dirs.library = env && *env ? std::filesystem::path(env) : highlight::library_data_dir();
  return dirs;
}

}  // namespace moyin::cli
