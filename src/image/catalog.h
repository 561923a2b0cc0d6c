// The image catalog: one per job, created by the CLI and handed to the
// typesetter, the PDF writer and the EPUB, so both outputs agree on every
// image and every warning. It resolves a reference as written in a manuscript
// (percent-decoded, relative to the manuscript's folder, never outside the
// boundary: the document's folder, or the book's root folder; then in the
// resource path's folders, each its own boundary; a remote one through the
// fetcher the CLI hands in), reads the file
// once, sniffs its real format, reads its size from the header and decodes it
// once under the pixel limit. Problems are reported once per reference
// (document, position, URL), by whichever output asks first.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "doc/diagnostics.h"
#include "image/image.h"

namespace moyin::image {

struct Limits {
  int64_t max_pixels = 100'000'000;       // image.max-megapixels (style) / --max-image-megapixels
  uint64_t max_file_bytes = 64ull << 20;  // larger files are not read
};

// What the fetcher made of a remote image: the downloaded file, or why not.
struct Fetched {
  std::filesystem::path file;  // empty when it could not be downloaded
  std::string error;           // why ("" when file is set)
};
// Downloads an http(s) image (the CLI's --fetch); called from the jobs'
// threads, so it must be safe to call concurrently.
using Fetcher = std::function<Fetched(std::string_view url)>;

// What the SVG reader says of a file: why it cannot be drawn ("" when it
// can), and whether that is its embedded pictures' size (a limit the user
// may raise with image.max-megapixels) rather than damage.
struct SvgVerdict {
  std::string why;
  bool over_limit = false;
};

struct CatalogOptions {
  Limits limits;
  // References may not leave this folder (empty = each document's own folder).
  std::filesystem::path boundary;
  // --resource-path: folders searched in order for a site-root path
  // (`/images/x.png` is `DIR/images/x.png`) and for a relative path not
  // found beside the document. A file found there may not leave its folder.
  std::vector<std::filesystem::path> resource_path;
  // Remote images are downloaded through this when set (else: Problem::Remote).
  Fetcher fetch;
  // Keep decoded pixels until the PDF writer takes them (false for an
  // EPUB-only run: the pixels are checked, then dropped).
  bool keep_pixels = true;
  // Why an SVG file cannot be drawn ("" when it can). The CLI passes the SVG
  // reader's verdict (svg sits above image), so a broken SVG is one problem
  // for both outputs: alt text in the PDF, and never packed into the EPUB.
  // Unset: SVGs are checked by their header only.
  std::function<SvgVerdict(std::string_view bytes, const Limits& limits)> svg_problem;
};

enum class Problem {
  None,
  NoUrl,           // ![alt]()
  Remote,          // http(s)://, not downloaded (no --fetch)
  FetchFailed,     // http(s)://, the download failed or was refused (`why`)
  UnsupportedUrl,  // file:, data:, other schemes
  Outside,         // escapes the boundary
  Missing,         // no such file
  Unreadable,      // cannot be read, or larger than max_file_bytes
  NotImage,        // not PNG, JPEG, GIF, WebP or SVG
  Empty,           // 0×0
  TooManyPixels,   // over the limit: its size is known (a placeholder can be drawn)
  OverLimit,       // an SVG whose embedded pictures exceed the limit together (why says)
  Damaged,         // truncated, corrupt
};

struct Entry {
  Problem problem = Problem::None;
  std::string why;  // detail for the warning ("" when fine)
  std::string key;  // the file's canonical path: what layout::ImageBox names
  Format format = Format::Unknown;
  double width = 0;  // pixels (SVG: CSS px)
  double height = 0;
  bool jpeg_passthrough = false;  // a grey or RGB JPEG the PDF embeds as it is
  bool png_passthrough = false;   // a PNG the PDF embeds with its own compression (png_stream)
  std::shared_ptr<const std::string> bytes;  // the file (when it was read)
  // The paths looked at that held no file (beside the document, in the
  // resource path): one appearing there later changes what the URL names.
  std::vector<std::string> tried;

  bool ok() const { return problem == Problem::None; }
};

class Catalog {
 public:
  explicit Catalog(CatalogOptions options = {});

  // The image `url` as written in the manuscript `doc_path` (a path as given
  // on the command line; its folder is the base of relative URLs), reporting
  // any problem at `pos` unless this reference was reported before.
  Entry use(std::string_view url, std::string_view doc_path, doc::Position pos,
            doc::Diagnostics& diags);
  // The same without reporting.
  Entry resolve(std::string_view url, std::string_view doc_path);
  // A file already resolved (by key), or loaded now when the key is a path
  // not seen yet (tests and tools that build layout::Book by hand).
  const Entry& entry(const std::string& key);
  // Decoded pixels of `key`, handed over: the cached ones when this run
  // kept them, else decoded now. Empty when it cannot be decoded.
  std::optional<Raster> take_raster(const std::string& key);

  const Limits& limits() const { return options_.limits; }

 private:
  Entry resolve_locked(std::string_view url, std::string_view doc_path);
  const Entry& entry_locked(const std::string& key);
  const Entry& load(const std::filesystem::path& canonical);
  Entry remote(std::string_view url);
  void report(const Entry& e, std::string_view url, std::string_view doc_path, doc::Position pos,
              doc::Diagnostics& diags);

  CatalogOptions options_;
  std::map<std::string, Entry> files_;    // by key
  std::map<std::string, Raster> pixels_;  // by key, until taken
  std::set<std::tuple<std::string, int, int, std::string>> reported_;
  // The EPUB may be made on a second thread while the PDF writer takes
  // pixels: every public call holds it. Entries are never erased, so a
  // reference entry() returned stays valid.
  std::mutex mutex_;
};

// Percent-decodes a URL path ("my%20pic.png" → "my pic.png").
std::string percent_decode(std::string_view s);

// The warning text for an entry's problem ("" when it has none), naming the
// image as written.
std::string describe(const Entry& e, std::string_view url, const Limits& limits);

}  // namespace moyin::image
