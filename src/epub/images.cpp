// Images: what the run's image catalog could read is copied into the
// package once per file, under a stable ASCII name; everything else becomes
// alt text (the catalog has warned, once for both outputs).
#include "epub/internal.h"

namespace moyin::epub::detail {
namespace fs = std::filesystem;
namespace {

std::string extension_for(image::Format f) {
  switch (f) {
    case image::Format::Png: return ".png";
    case image::Format::Jpeg: return ".jpg";
    case image::Format::Gif: return ".gif";
    case image::Format::Svg: return ".svg";
    case image::Format::Webp: return ".webp";
    case image::Format::Unknown: break;
  }
  return "";
}

std::string ascii_stem(const fs::path& p) {
  std::string stem = p.stem().string(), out;
  for (char c : stem) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_')
      out.push_back(c);
    else if (!out.empty() && out.back() != '-') out.push_back('-');
    if (out.size() >= 40) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "image" : out;
}

}  // namespace

std::optional<std::string> ImageStore::resolve(std::string_view url, std::string_view path,
                                               doc::Position pos, doc::Diagnostics& diags) {
  image::Entry e =
      defer_reports ? catalog_.resolve(url, path) : catalog_.use(url, path, pos, diags);
  // Over the pixel limit: a reader would have to decode it too; alt text.
  if (!e.ok()) {
    if (defer_reports) deferred_.push_back({std::string(url), std::string(path), pos});
    return std::nullopt;
  }
  if (auto it = by_file_.find(e.key); it != by_file_.end()) return resources_[it->second].href;
  // Stable, ASCII-only names in order of first use; the extension follows
  // the real format, whatever the file was called.
  std::string base = "images/" + ascii_stem(fs::path(e.key));
  std::string name = base + extension_for(e.format);
  for (int n = 2; names_.count(name); ++n)
    name = base + "-" + std::to_string(n) + extension_for(e.format);
  names_.insert(name);
  by_file_[e.key] = resources_.size();
  resources_.push_back({name, std::string(image::media_type(e.format)), *e.bytes});
  return name;
}

void ImageStore::report_deferred(doc::Diagnostics& diags) {
  for (const Deferred& d : deferred_) catalog_.use(d.url, d.path, d.pos, diags);
  deferred_.clear();
}

}  // namespace moyin::epub::detail
