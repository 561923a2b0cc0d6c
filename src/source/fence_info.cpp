#include "source/fence_info.h"

namespace moyin::source {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// One attribute word starting at `i` (after blanks): key, optional =value.
void read_attribute(std::string_view s, size_t& i, FenceInfo& out) {
  const size_t key_start = i;
  while (i < s.size() && !is_blank(s[i]) && s[i] != '=' && s[i] != '}' && s[i] != '{') ++i;
  std::string key(s.substr(key_start, i - key_start));
  std::string value;
  if (i < s.size() && s[i] == '=') {
    ++i;
    if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
      const char quote = s[i++];
      const size_t end = s.find(quote, i);
      const size_t stop = end == std::string_view::npos ? s.size() : end;
      value = std::string(s.substr(i, stop - i));
      i = end == std::string_view::npos ? s.size() : end + 1;
    } else {
      const size_t v = i;
      while (i < s.size() && !is_blank(s[i]) && s[i] != '}') ++i;
      value = std::string(s.substr(v, i - v));
    }
  }
  if (key.empty()) {
    if (i < s.size() && !is_blank(s[i])) ++i;  // a stray character: skip it
    return;
  }
  if (key.front() == '.' && key.size() > 1) {
    if (out.language.empty()) out.language = key.substr(1);
    return;
  }
  if (key.front() == '#' && key.size() > 1) {
    out.attributes.emplace_back("id", key.substr(1));
    return;
  }
  if (key == "title") out.title = value;
  out.attributes.emplace_back(std::move(key), std::move(value));
}

}  // namespace

FenceInfo parse_fence_info(std::string_view s) {
  FenceInfo out;
  size_t i = 0;
  while (i < s.size() && is_blank(s[i])) ++i;
  // The language: the first word unless the string opens with attributes.
  if (i < s.size() && s[i] != '{') {
    const size_t start = i;
    while (i < s.size() && !is_blank(s[i]) && s[i] != '{') ++i;
    std::string_view word = s.substr(start, i - start);
    if (word.find('=') == std::string_view::npos) out.language = std::string(word);
    else i = start;  // `title="x"` with no language
  }
  while (i < s.size()) {
    if (is_blank(s[i]) || s[i] == '{' || s[i] == '}') {
      ++i;
      continue;
    }
    read_attribute(s, i, out);
  }
  return out;
}

}  // namespace moyin::source
