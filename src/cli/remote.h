// `--fetch`: remote images downloaded into a cache folder
// (`.moyin-cache/fetch/` beside the outputs), one file per URL named by the
// URL's hash, and handed to the image catalog as local files (it sniffs
// their format like any other). Beside each file, `<hash>.http` keeps the
// URL, until when the copy is fresh and its validators:
//   url <url>
//   fresh-until <seconds since 1970>
//   etag <ETag as sent>
//   last-modified <Last-Modified as sent>
// A fresh copy is used as it is; a stale one is revalidated with a
// conditional GET (304: kept, its freshness renewed; 200: replaced). How long
// a copy stays fresh comes from the server's Cache-Control max-age or
// Expires, else kDefaultMaxAge. A failed download is not cached; a stale
// copy whose revalidation fails is used as it is (and tried again next run).
// Shared by the jobs' threads: each URL is fetched at most once per run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "fetch/fetch.h"
#include "image/catalog.h"

namespace moyin::cli {

// How long a download whose server sent no Cache-Control max-age or
// Expires stays fresh: one day.
inline constexpr int64_t kDefaultMaxAge = 24 * 60 * 60;

class RemoteImages {
 public:
  // `now`: the run's clock (seconds since 1970), read once by the caller.
  // `refetch` (--refetch): every URL is downloaded again, whatever its copy says.
  RemoteImages(std::filesystem::path cache_dir, fetch::Limits limits, int64_t now,
               bool refetch = false);
  // The cached file for `url`, downloaded or revalidated now when it is not fresh.
  image::Fetched get(std::string_view url);
  // `file` when it is a download of this cache (the build cache's dependency
  // of an up-to-date output): revalidated like get() does, so a changed
  // remote image makes its outputs stale. Other files are left alone.
  void refresh(const std::filesystem::path& file);
  // "" when downloads can be made; else why not (libcurl cannot be loaded).
  const std::string& error() const { return client_.error(); }
  // A Fetcher for image::CatalogOptions that calls get().
  image::Fetcher fetcher() {
    return [this](std::string_view url) { return get(url); };
  }

 private:
  image::Fetched update(const std::string& url, const std::filesystem::path& file);

  std::filesystem::path dir_;
  fetch::Limits limits_;
  int64_t now_;
  bool refetch_;
  fetch::Client client_;
  std::mutex mutex_;  // guards results_
  std::map<std::string, std::shared_future<image::Fetched>> results_;
};

}  // namespace moyin::cli
