#include "typeset/set_cache.h"

#include <cstring>
#include <type_traits>

namespace moyin::typeset {

namespace {

template <typename T>
void put(std::string& key, T v) {
  static_assert(std::is_trivially_copyable_v<T>);
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));
  key.append(bytes, sizeof(T));
}

void put(std::string& key, std::string_view s) {
  put(key, s.size());
  key += s;
}

void put(std::string& key, const std::vector<doc::Inline>& inlines) {
  put(key, inlines.size());
  for (const doc::Inline& in : inlines) {
    put(key, in.kind);
    put(key, in.pos.line);
    put(key, in.pos.column);
    put(key, std::string_view(in.text));
    put(key, std::string_view(in.url));
    put(key, std::string_view(in.title));
    put(key, std::string_view(in.label));
    put(key, in.number);
    put(key, in.autolink);
    put(key, in.display);
    put(key, in.no_page);
    put(key, std::string_view(in.width));
    put(key, std::string_view(in.height));
    put(key, std::string_view(in.caption));
    put(key, std::string_view(in.id));
    put(key, in.children);
  }
}

}  // namespace

std::string request_key(const SetRequest& req) {
  std::string key;
  if (req.inlines) put(key, *req.inlines);
  put(key, req.role);
  put(key, req.measure);
  put(key, req.first_indent);
  put(key, req.align);
  put(key, req.bold);
  put(key, req.nowrap);
  put(key, req.size);
  put(key, req.min_content);
  put(key, req.path);
  put(key, req.colors.size());
  for (const TextColor& c : req.colors) {
    put(key, c.begin);
    put(key, c.end);
    put(key, c.color);
  }
  put(key, req.text_color.has_value());
  if (req.text_color) put(key, *req.text_color);
  // An inline image is drawn from its inline (its url and size, above) by
  // the block layout, the same way in every layout.
  put(key, req.images.size());
  for (const InlineImage& im : req.images) {
    put(key, im.width);
    put(key, im.height);
    put(key, im.items.size());
  }
  put(key, req.inline_tags);
  return key;
}

std::vector<SetLine> SetCache::operator()(const SetRequest& req) {
  std::string key = request_key(req);
  if (auto it = lines_.find(key); it != lines_.end()) {
    ++hits_;
    return it->second;
  }
  std::vector<SetLine> lines = setter_(req);
  lines_.emplace(std::move(key), lines);
  return lines;
}

}  // namespace moyin::typeset
