// `--fetch`: remote images downloaded once into a cache folder
// (`.moyin-cache/fetch/` beside the outputs), one file per URL named by the
// URL's hash, and handed to the image catalog as local files (it sniffs
// their format like any other). A file in the cache is used as it is on
// later runs (delete the folder to download again); a failed download is
// not cached on disk and is tried again next run. Shared by the jobs'
// threads: each URL is downloaded at most once per run.
#pragma once

#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "fetch/fetch.h"
#include "image/catalog.h"

namespace moyin::cli {

class RemoteImages {
 public:
  RemoteImages(std::filesystem::path cache_dir, fetch::Limits limits);
  // The cached file for `url`, downloaded now when it is not there yet.
  image::Fetched get(std::string_view url);
  // "" when downloads can be made; else why not (libcurl cannot be loaded).
  const std::string& error() const { return client_.error(); }
  // A Fetcher for image::CatalogOptions that calls get().
  image::Fetcher fetcher() {
    return [this](std::string_view url) { return get(url); };
  }

 private:
  image::Fetched download(const std::string& url, const std::filesystem::path& file);

  std::filesystem::path dir_;
  fetch::Limits limits_;
  fetch::Client client_;
  std::mutex mutex_;  // guards results_
  std::map<std::string, std::shared_future<image::Fetched>> results_;
};

}  // namespace moyin::cli
