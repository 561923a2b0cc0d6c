#include "cli/remote.h"

#include <system_error>

#include "base/file.h"
#include "cli/cache.h"

namespace moyin::cli {
namespace fs = std::filesystem;

RemoteImages::RemoteImages(fs::path cache_dir, fetch::Limits limits)
    : dir_(std::move(cache_dir)), limits_(limits) {}

image::Fetched RemoteImages::get(std::string_view url) {
  const std::string key(url);
  std::promise<image::Fetched> promise;
  std::shared_future<image::Fetched> result;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = results_.find(key); it != results_.end()) result = it->second;
    else results_.emplace(key, promise.get_future().share());
  }
  if (result.valid()) return result.get();  // another job has it, or is fetching it
  const fs::path file = dir_ / cache::hash_bytes(key);
  std::error_code ec;
  image::Fetched f = fs::is_regular_file(file, ec) ? image::Fetched{file, {}} : download(key, file);
  promise.set_value(f);
  return f;
}

image::Fetched RemoteImages::download(const std::string& url, const fs::path& file) {
  fetch::Response r = client_.get(url, limits_);
  if (!r.body) return {{}, r.error};
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return {{}, "cannot create " + dir_.string() + ": " + ec.message()};
  if (std::string error = base::write_atomic(file, *r.body); !error.empty()) return {{}, error};
  return {file, {}};
}

}  // namespace moyin::cli
