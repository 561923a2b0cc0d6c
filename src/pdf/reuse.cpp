#include "pdf/reuse.h"

namespace moyin::pdf {

namespace {

template <typename Map>
auto find_used(Map& map, const std::string& key) -> decltype(map.begin()->second.value) {
  auto it = map.find(key);
  if (it == map.end()) return nullptr;
  it->second.used = true;
  return it->second.value;
}

template <typename Map>
void drop_unused(Map& map) {
  std::erase_if(map, [](const auto& kv) { return !kv.second.used; });
  for (auto& [key, entry] : map) entry.used = false;
}

}  // namespace

std::shared_ptr<const font::PdfFont> Reuse::find_subset(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  return find_used(subsets_, key);
}

void Reuse::keep_subset(const std::string& key, std::shared_ptr<const font::PdfFont> subset) {
  std::lock_guard<std::mutex> lock(mutex_);
  subsets_.insert_or_assign(key, Entry<std::shared_ptr<const font::PdfFont>>{std::move(subset)});
}

std::shared_ptr<const std::string> Reuse::find_stream(const std::string& raw) {
  std::lock_guard<std::mutex> lock(mutex_);
  return find_used(streams_, raw);
}

void Reuse::keep_stream(std::string raw, std::shared_ptr<const std::string> packed) {
  std::lock_guard<std::mutex> lock(mutex_);
  streams_.insert_or_assign(std::move(raw),
                            Entry<std::shared_ptr<const std::string>>{std::move(packed)});
}

void Reuse::sweep() {
  std::lock_guard<std::mutex> lock(mutex_);
  drop_unused(subsets_);
  drop_unused(streams_);
}

}  // namespace moyin::pdf
