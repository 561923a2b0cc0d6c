#include <unistd.h>

#include <cstdlib>
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
  // Front matter `fonts: { body: …, heading: …, code: … }` names faces for
  // this document: layered like --set, below the command line's own.
  for (const auto& [key, value] : meta.extra) {
    if (key != "fonts" || value.kind != doc::MetaValue::Kind::Map) continue;
    for (const auto& [role, name] : value.entries)
      if (name.kind == doc::MetaValue::Kind::Scalar)
        layers.settings.push_back("fonts." + role + "=" + name.scalar);
  }
  layers.settings.insert(layers.settings.end(), args.sets.begin(), args.sets.end());
  return style::resolve(layers, diags);
}

math::Engine math_engine() {
  namespace fs = std::filesystem;
  math::Engine e;
  std::error_code ec;
  if (const char* node = std::getenv("MOYIN_NODE"); node && *node) {
    e.node = node;
  } else if (const char* path = std::getenv("PATH")) {
    std::string_view dirs(path);
    for (const char* name : {"node", "nodejs"}) {
      size_t from = 0;
      while (e.node.empty() && from <= dirs.size()) {
        size_t colon = dirs.find(':', from);
        if (colon == std::string_view::npos) colon = dirs.size();
        fs::path candidate = fs::path(std::string(dirs.substr(from, colon - from))) / name;
        if (colon > from && ::access(candidate.c_str(), X_OK) == 0) e.node = candidate.string();
        from = colon + 1;
      }
      if (!e.node.empty()) break;
    }
  }
  fs::path home = MOYIN_DATA_DIR;
  if (const char* h = std::getenv("MOYIN_HOME"); h && *h && fs::exists(fs::path(h) / "math" / "engine.js", ec))
    home = h;
  e.script = (home / "math" / "engine.js").string();
  return e;
}

math::Numbering numbering(const style::Sheet& sheet) {
  switch (sheet.math.numbering) {
    case style::MathNumbering::All: return math::Numbering::All;
    case style::MathNumbering::Chapter: return math::Numbering::Chapter;
    case style::MathNumbering::None: break;
  }
  return math::Numbering::None;
}

void prepare_math(doc::Document& d, const style::Sheet& sheet, math::Formulas& formulas, doc::Diagnostics& diags) {
  std::vector<math::Key> keys = math::collect(std::span(&d, 1));
  std::string error;
  if (!keys.empty() && !math::convert(math_engine(), keys, formulas, error))
    diags.error(d.path, {}, "math: " + error + "; formulas print as their TeX source");
  math::number_equations(std::span(&d, 1), numbering(sheet), diags);
  math::report(d, formulas, diags);
}

highlight::DataDirs highlight_dirs() {
  highlight::DataDirs dirs;
  dirs.moyin = style::default_styles_dir() / "highlight";
  const char* env = std::getenv("SOURCE_HIGHLIGHT_DATADIR");
  dirs.library = env && *env ? std::filesystem::path(env) : highlight::library_data_dir();
  return dirs;
}

}  // namespace moyin::cli
