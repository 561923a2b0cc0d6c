#include "cli/remote.h"

#include <cstdlib>
#include <exception>
#include <system_error>
#include <vector>

#include "base/file.h"
#include "cli/cache.h"

namespace moyin::cli {
namespace fs = std::filesystem;

namespace {

// What `<hash>.http` records of a download.
struct Record {
  std::string url;
  int64_t fresh_until = 0;
  fetch::Validators validators;
};

fs::path record_path(const fs::path& file) {
  fs::path p = file;
  p += ".http";
  return p;
}

std::optional<Record> read_record(const fs::path& file) {
  std::string error;
  const std::optional<std::string> text = base::read_bounded(record_path(file), error, 64 << 10);
  if (!text) return std::nullopt;
  Record r;
  size_t at = 0;
  while (at < text->size()) {
    size_t nl = text->find('\n', at);
    if (nl == std::string::npos) nl = text->size();
    const std::string_view line = std::string_view(*text).substr(at, nl - at);
    at = nl + 1;
    const size_t space = line.find(' ');
    if (space == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, space), value = line.substr(space + 1);
    if (key == "url") r.url = value;
    else if (key == "fresh-until")
      r.fresh_until = std::strtoll(std::string(value).c_str(), nullptr, 10);
    else if (key == "etag") r.validators.etag = value;
    else if (key == "last-modified") r.validators.last_modified = value;
  }
  if (r.url.empty()) return std::nullopt;
  return r;
}

// Until when an answer received at `now` is fresh.
int64_t fresh_until(const fetch::Freshness& f, int64_t now) {
  if (f.max_age) return now + *f.max_age;
  if (f.expires) return *f.expires;
  return now + kDefaultMaxAge;
}

bool write_record(const fs::path& file, const Record& r) {
  std::string text = "url " + r.url + "\nfresh-until " + std::to_string(r.fresh_until) + "\n";
  if (!r.validators.etag.empty()) text += "etag " + r.validators.etag + "\n";
  if (!r.validators.last_modified.empty())
    text += "last-modified " + r.validators.last_modified + "\n";
  return base::write_atomic(record_path(file), text).empty();
}

// A URL whose text could break the record's lines is never recorded (so never revalidated).
bool recordable(std::string_view url) {
  return url.find_first_of("\r\n") == std::string_view::npos;
}

}  // namespace

RemoteImages::RemoteImages(fs::path cache_dir, fetch::Limits limits, int64_t now, bool refetch)
    : dir_(std::move(cache_dir)), limits_(limits), now_(now), refetch_(refetch) {}

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
  image::Fetched f;
  try {
    f = update(key, dir_ / cache::hash_bytes(key));
  } catch (const std::exception& e) {
    f = {{}, e.what()};
  }
  promise.set_value(f);
  return f;
}

void RemoteImages::refresh(const fs::path& file) {
  std::error_code ec;
  if (fs::absolute(file, ec).lexically_normal().parent_path() !=
      fs::absolute(dir_, ec).lexically_normal())
    return;
  if (std::optional<Record> r = read_record(file);
      r && cache::hash_bytes(r->url) == file.filename().string())
    get(r->url);
}

// The copy of `url` in `file`: used when fresh, else revalidated or downloaded.
image::Fetched RemoteImages::update(const std::string& url, const fs::path& file) {
  std::error_code ec;
  const bool have = fs::is_regular_file(file, ec);
  std::optional<Record> record = have ? read_record(file) : std::nullopt;
  if (record && record->url != url) record.reset();
  if (have && record && !refetch_ && now_ < record->fresh_until) return {file, {}};
  // A copy without its record (an older cache) is downloaded again, unconditionally.
  const fetch::Validators validators =
      record && !refetch_ ? record->validators : fetch::Validators{};
  fetch::Response r = client_.get(url, limits_, validators);
  if (!r.body && !r.not_modified) {
    if (have) return {file, {}};  // stale but usable: tried again next run
    return {{}, r.error};
  }
  Record next{url, fresh_until(r.freshness, now_), r.validators};
  if (r.not_modified) {  // a 304 may leave out validators it did not change
    if (next.validators.etag.empty()) next.validators.etag = validators.etag;
    if (next.validators.last_modified.empty())
      next.validators.last_modified = validators.last_modified;
  } else {
    fs::create_directories(dir_, ec);
    if (ec) return {{}, "cannot create " + dir_.string() + ": " + ec.message()};
    if (std::string error = base::write_atomic(file, *r.body); !error.empty()) return {{}, error};
  }
  if (recordable(url)) write_record(file, next);
  return {file, {}};
}

}  // namespace moyin::cli
