// Images: local files inside the document's folder tree are copied into the
// package once each; everything else becomes alt text with a warning.
#include <fstream>
#include <system_error>

#include "epub/internal.h"

namespace moyin::epub::detail {
namespace fs = std::filesystem;
namespace {

constexpr uintmax_t kMaxImageBytes = 64u * 1024 * 1024;

bool has_scheme(std::string_view url, std::string& scheme) {
  size_t i = 0;
  while (i < url.size() && ((url[i] >= 'a' && url[i] <= 'z') || (url[i] >= 'A' && url[i] <= 'Z') ||
                            (i > 0 && ((url[i] >= '0' && url[i] <= '9') || url[i] == '+' ||
                                       url[i] == '-' || url[i] == '.'))))
    ++i;
  if (i >= 2 && i < url.size() && url[i] == ':') {  // "C:" drive letters are not schemes here
    scheme.assign(url.substr(0, i));
    for (char& c : scheme)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return true;
  }
  return false;
}

bool inside(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (r->empty()) continue;  // trailing separator
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

std::string extension_for(std::string_view media_type) {
  if (media_type == "image/png") return ".png";
  if (media_type == "image/jpeg") return ".jpg";
  if (media_type == "image/gif") return ".gif";
  if (media_type == "image/svg+xml") return ".svg";
  if (media_type == "image/webp") return ".webp";
  return "";
}

std::string ascii_stem(const fs::path& p) {
  std::string stem = p.stem().string(), out;
  for (char c : stem) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_')
      out.push_back(c);
    else if (!out.empty() && out.back() != '-')
      out.push_back('-');
    if (out.size() >= 40) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "image" : out;
}

}  // namespace

std::string sniff_image_type(std::string_view d) {
  if (d.size() >= 8 && d.substr(0, 8) == "\x89PNG\r\n\x1a\n") return "image/png";
  if (d.size() >= 3 && d.substr(0, 3) == "\xFF\xD8\xFF") return "image/jpeg";
  if (d.size() >= 6 && (d.substr(0, 6) == "GIF87a" || d.substr(0, 6) == "GIF89a")) return "image/gif";
  if (d.size() >= 12 && d.substr(0, 4) == "RIFF" && d.substr(8, 4) == "WEBP") return "image/webp";
  // SVG: XML text whose root is <svg ...>.
  std::string_view head = d.substr(0, 4096);
  size_t svg = head.find("<svg");
  if (svg != std::string_view::npos) {
    bool textual = true;
    for (char c : head)
      if (c == '\0') textual = false;
    if (textual) return "image/svg+xml";
  }
  return "";
}

ImageStore::ImageStore(fs::path root) {
  std::error_code ec;
  root_ = fs::weakly_canonical(root.empty() ? fs::path(".") : root, ec);
  if (ec) root_ = root;
}

std::optional<std::string> ImageStore::resolve(std::string_view url, const fs::path& doc_dir,
                                               std::string_view path, doc::Position pos,
                                               doc::Diagnostics& diags) {
  std::string shown(url);
  if (url.empty()) {
    diags.warn(path, pos, "image without a URL: alt text used");
    return std::nullopt;
  }
  std::string scheme;
  if (has_scheme(url, scheme)) {
    if (scheme == "file")
      diags.warn(path, pos, "image " + shown + ": file: URLs are not embedded; alt text used");
    else if (scheme == "http" || scheme == "https")
      diags.warn(path, pos, "remote image " + shown + " is not embedded; alt text used");
    else
      diags.warn(path, pos, "image " + shown + ": unsupported URL; alt text used");
    return std::nullopt;
  }
  std::string_view local = url;
  if (size_t cut = local.find_first_of("?#"); cut != std::string_view::npos) local = local.substr(0, cut);
  fs::path rel = fs::path(percent_decode(local));
  fs::path full = rel.is_absolute() ? rel : doc_dir / rel;
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(full, ec);
  if (ec || !inside(root_, canon)) {
    diags.warn(path, pos, "image " + shown + " is outside the document's folder; alt text used");
    return std::nullopt;
  }
  if (!fs::is_regular_file(canon, ec)) {
    diags.warn(path, pos, "image " + shown + " not found; alt text used");
    return std::nullopt;
  }
  std::string key = canon.string();
  if (auto it = by_file_.find(key); it != by_file_.end()) return resources_[it->second].href;
  uintmax_t size = fs::file_size(canon, ec);
  if (ec || size > kMaxImageBytes) {
    diags.warn(path, pos, "image " + shown + " is unreadable or too large; alt text used");
    return std::nullopt;
  }
  std::ifstream in(canon, std::ios::binary);
  std::string data(static_cast<size_t>(size), '\0');
  if (!in.read(data.data(), static_cast<std::streamsize>(size))) {
    diags.warn(path, pos, "image " + shown + " cannot be read; alt text used");
    return std::nullopt;
  }
  std::string type = sniff_image_type(data);
  if (type.empty()) {
    diags.warn(path, pos,
               "image " + shown + " is not a PNG, JPEG, GIF, SVG or WebP file; alt text used");
    return std::nullopt;
  }
  // Stable, ASCII-only names in order of first use.
  std::string base = "images/" + ascii_stem(canon);
  std::string name = base + extension_for(type);
  for (int n = 2; names_.count(name); ++n) name = base + "-" + std::to_string(n) + extension_for(type);
  names_.insert(name);
  by_file_[key] = resources_.size();
  resources_.push_back({name, type, std::move(data)});
  return name;
}

}  // namespace moyin::epub::detail
