// Resolving, reading and checking image files for every output.
#include "image/catalog.h"

#include <optional>
#include <system_error>
#include <vector>

#include "base/file.h"

namespace moyin::image {
namespace fs = std::filesystem;
namespace {

// The URL's scheme in lower case ("" when it has none; "C:" is a drive, not a scheme).
std::string scheme_of(std::string_view url) {
  size_t i = 0;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  while (i < url.size() &&
         (alpha(url[i]) || (i > 0 && ((url[i] >= '0' && url[i] <= '9') || url[i] == '+' ||
                                      url[i] == '-' || url[i] == '.'))))
    ++i;
  if (i < 2 || i >= url.size() || url[i] != ':') return "";
  std::string s(url.substr(0, i));
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return s;
}

std::string megapixels(int64_t pixels) {
  int64_t whole = pixels / 1'000'000, tenth = pixels % 1'000'000 / 100'000;
  return std::to_string(whole) + (tenth ? "." + std::to_string(tenth) : "");
}

}  // namespace

std::string percent_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int a = hex(s[i + 1]), b = hex(s[i + 2]);
      if (a >= 0 && b >= 0) {
        out.push_back(static_cast<char>(a * 16 + b));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string describe(const Entry& e, std::string_view url, const Limits& limits) {
  const std::string name(url);
  const std::string tail = "; alt text used";
  switch (e.problem) {
    case Problem::None: return "";
    case Problem::NoUrl: return "image without a URL" + tail;
    case Problem::Remote:
      return "remote image " + name + " is not downloaded (--fetch downloads it)" + tail;
    case Problem::FetchFailed:
      return "remote image " + name + " could not be downloaded: " + e.why + tail;
    case Problem::UnsupportedUrl:
      if (scheme_of(url) == "file")
        return "image " + name + ": file: URLs are not read (write a relative path)" + tail;
      return "image " + name + ": only local files are supported" + tail;
    case Problem::Outside:
      if (url.starts_with("/"))
        return "image " + name +
               " is a site-root path, outside the document's folder (--resource-path DIR names "
               "the site's folder)" +
               tail;
      return "image " + name + " is outside the document's folder" + tail;
    case Problem::Missing: return "image " + name + " not found" + tail;
    case Problem::Unreadable: return "image " + name + ": " + e.why + tail;
    case Problem::NotImage:
      return "image " + name + " is not a PNG, JPEG, GIF, WebP or SVG file" + tail;
    case Problem::Empty: return "image " + name + " has no pixels (0×0)" + tail;
    case Problem::TooManyPixels:
      return "image " + name + " is " + std::to_string(static_cast<int64_t>(e.width)) + "×" +
             std::to_string(static_cast<int64_t>(e.height)) + " pixels, over the limit of " +
             megapixels(limits.max_pixels) +
             " megapixels (image.max-megapixels); not decoded: a placeholder in the PDF, alt text in the EPUB";
    case Problem::OverLimit:
      return "image " + name + ": " + e.why + ", over the limit (image.max-megapixels)" + tail;
    case Problem::Damaged:
      return "image " + name + " is a damaged " + std::string(format_name(e.format)) + " file (" +
             e.why + ")" + tail;
  }
  return "";
}

Catalog::Catalog(CatalogOptions options) : options_(std::move(options)) {
  auto canonical = [](fs::path& p) {
    std::error_code ec;
    fs::path c = fs::weakly_canonical(fs::absolute(p, ec), ec);
    if (!ec) p = c;
  };
  if (!options_.boundary.empty()) canonical(options_.boundary);
  for (fs::path& dir : options_.resource_path) canonical(dir);
}

Entry Catalog::resolve(std::string_view url, std::string_view doc_path) {
  const std::lock_guard lock(mutex_);
  return resolve_locked(url, doc_path);
}

Entry Catalog::resolve_locked(std::string_view url, std::string_view doc_path) {
  Entry e;
  if (url.empty()) {
    e.problem = Problem::NoUrl;
    return e;
  }
  std::string scheme = scheme_of(url);
  if (scheme == "http" || scheme == "https" || url.starts_with("//")) return remote(url);
  if (!scheme.empty()) {
    e.problem = Problem::UnsupportedUrl;
    return e;
  }
  std::string_view local = url;
  if (size_t cut = local.find_first_of("?#"); cut != std::string_view::npos)
    local = local.substr(0, cut);
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(fs::absolute(fs::path(doc_path).parent_path(), ec), ec);
  const fs::path rel(percent_decode(local));
  const fs::path& root = options_.boundary.empty() ? dir : options_.boundary;
  // Each place the URL may name, in order: beside the document (an absolute
  // path: itself), then under each resource folder (a site-root path below
  // it). The first file that exists inside its own boundary wins.
  bool inside_any = false;
  auto look = [&](const fs::path& base, const fs::path& candidate) -> std::optional<fs::path> {
    std::error_code ec2;
    fs::path canon = fs::weakly_canonical(candidate, ec2);
    if (ec2 || !base::is_within(base, canon)) return std::nullopt;
    inside_any = true;
    if (fs::exists(canon, ec2)) return canon;
    e.tried.push_back(canon.string());
    return std::nullopt;
  };
  std::optional<fs::path> found = look(root, rel.is_absolute() ? rel : dir / rel);
  for (size_t i = 0; !found && i < options_.resource_path.size(); ++i)
    found = look(options_.resource_path[i], options_.resource_path[i] / rel.relative_path());
  if (!found) {
    e.problem = inside_any ? Problem::Missing : Problem::Outside;
    return e;
  }
  std::vector<std::string> tried = std::move(e.tried);
  e = load(*found);
  e.tried = std::move(tried);
  return e;
}

Entry Catalog::remote(std::string_view url) {
  Entry e;
  if (!options_.fetch) {
    e.problem = Problem::Remote;
    return e;
  }
  // The fragment is the reader's, not the server's.
  const std::string_view request = url.substr(0, url.find('#'));
  Fetched f = options_.fetch(url.starts_with("//") ? "https:" + std::string(request)
                                                   : std::string(request));
  if (f.file.empty()) {
    e.problem = Problem::FetchFailed;
    e.why = std::move(f.error);
    return e;
  }
  return load(f.file);
}

const Entry& Catalog::load(const fs::path& canonical) {
  std::string key = canonical.string();
  if (auto it = files_.find(key); it != files_.end()) return it->second;
  Entry& e = files_[key];
  e.key = key;
  std::optional<std::string> bytes =
      base::read_bounded(canonical, e.why, options_.limits.max_file_bytes);
  if (!bytes) {
    e.problem = Problem::Unreadable;
    return e;
  }
  e.bytes = std::make_shared<const std::string>(std::move(*bytes));
  Header h = read_header(*e.bytes);
  e.format = h.format;
  e.width = h.width;
  e.height = h.height;
  if (h.format == Format::Unknown) {
    e.problem = Problem::NotImage;
    return e;
  }
  if (!h.problem.empty()) {
    e.problem = h.width <= 0 && h.height <= 0 && h.problem == "0×0 pixels" ? Problem::Empty
                                                                           : Problem::Damaged;
    e.why = h.problem;
    return e;
  }
  if (h.format == Format::Svg) {  // drawn by the SVG renderer, which reads the bytes
    if (!options_.svg_problem) return e;
    SvgVerdict v = options_.svg_problem(*e.bytes, options_.limits);
    e.why = std::move(v.why);
    if (!e.why.empty()) e.problem = v.over_limit ? Problem::OverLimit : Problem::Damaged;
    return e;
  }
  if (h.width * h.height > static_cast<double>(options_.limits.max_pixels)) {
    e.problem = Problem::TooManyPixels;
    return e;
  }
  // Grey and RGB JPEGs go into the PDF as they are (DCT); CMYK ones are
  // decoded, so Adobe's inverted CMYK prints right.
  e.jpeg_passthrough = h.format == Format::Jpeg && (h.components == 1 || h.components == 3);
  // So do 8-bit grey and RGB PNGs, their pixels still Flate-compressed
  // (compressing a screenshot's pixels again took the PDF writer about 65
  // instructions a byte). Either is decoded once all the same: damage is
  // found here, not by a reader.
  e.png_passthrough = h.format == Format::Png && png_passes_through(*e.bytes);
  const bool keep = options_.keep_pixels && !e.jpeg_passthrough && !e.png_passthrough;
  Decoded d = decode(*e.bytes, options_.limits.max_pixels, keep);
  if (!d.problem.empty()) {
    e.problem = Problem::Damaged;
    e.why = d.problem;
    e.jpeg_passthrough = e.png_passthrough = false;
    return e;
  }
  if (d.raster) {
    e.width = d.raster->width;  // a GIF's logical screen, a JPEG's output size
    e.height = d.raster->height;
    pixels_[key] = std::move(*d.raster);
  }
  return e;
}

Entry Catalog::use(std::string_view url, std::string_view doc_path, doc::Position pos,
                   doc::Diagnostics& diags) {
  const std::lock_guard lock(mutex_);
  Entry e = resolve_locked(url, doc_path);
  report(e, url, doc_path, pos, diags);
  return e;
}

void Catalog::report(const Entry& e, std::string_view url, std::string_view doc_path,
                     doc::Position pos, doc::Diagnostics& diags) {
  if (e.ok()) return;
  // Remote images: one warning per document (a README's badge row is not ten warnings).
  auto key = e.problem == Problem::Remote
                 ? std::make_tuple(std::string(doc_path), 0, 0, std::string("remote"))
                 : std::make_tuple(std::string(doc_path), pos.line, pos.column, std::string(url));
  if (!reported_.insert(std::move(key)).second) return;
  std::string message = describe(e, url, options_.limits);
  if (e.problem == Problem::Remote)
    message += " (this document's other remote images are not reported)";
  diags.warn(doc_path, pos, message);
}

const Entry& Catalog::entry(const std::string& key) {
  const std::lock_guard lock(mutex_);
  return entry_locked(key);
}

const Entry& Catalog::entry_locked(const std::string& key) {
  if (auto it = files_.find(key); it != files_.end()) return it->second;
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(fs::path(key), ec);
  const Entry& e = load(ec ? fs::path(key) : canon);
  if (e.key != key) files_[key] = e;  // found again under the name asked for
  return files_.at(key);
}

std::optional<Raster> Catalog::take_raster(const std::string& key) {
  std::shared_ptr<const std::string> bytes;
  {
    const std::lock_guard lock(mutex_);
    if (auto it = pixels_.find(key); it != pixels_.end()) {
      Raster r = std::move(it->second);
      pixels_.erase(it);
      return r;
    }
    const Entry& e = entry_locked(key);
    if (!e.bytes || (e.problem != Problem::None)) return std::nullopt;
    bytes = e.bytes;
  }
  // Decoded outside the lock: the EPUB need not wait for it.
  Decoded d = decode(*bytes, options_.limits.max_pixels, true);
  return std::move(d.raster);
}

}  // namespace moyin::image
