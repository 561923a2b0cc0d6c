#include "source/html_tag.h"

namespace moyin::source {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// The few character references attribute values and captions use.
std::string unescape(std::string_view s) {
  static constexpr std::pair<std::string_view, std::string_view> kRefs[] = {
      {"&amp;", "&"}, {"&lt;", "<"},   {"&gt;", ">"},       {"&quot;", "\""},
      {"&#39;", "'"}, {"&apos;", "'"}, {"&nbsp;", "\u00A0"}};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    bool done = false;
    if (s[i] == '&')
      for (auto [ref, ch] : kRefs)
        if (s.substr(i, ref.size()) == ref) {
          out += ch;
          i += ref.size();
          done = true;
          break;
        }
    if (!done) out += s[i++];
  }
  return out;
}

// Parses the tag starting at s[i] == '<'; nothing when it is not a tag.
std::optional<Tag> parse_tag(std::string_view s, size_t i) {
  Tag t;
  t.begin = i++;
  if (i < s.size() && s[i] == '/') t.name += s[i++];
  while (i < s.size() && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                          (s[i] >= '0' && s[i] <= '9')))
    t.name += lower(s[i++]);
  if (t.name.empty() || t.name == "/") return std::nullopt;
  while (i < s.size()) {
    while (i < s.size() && space(s[i])) ++i;
    if (i < s.size() && s[i] == '/') ++i;
    if (i < s.size() && s[i] == '>') {
      t.end = i + 1;
      return t;
    }
    std::string name;
    while (i < s.size() && !space(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/')
      name += lower(s[i++]);
    if (name.empty()) return std::nullopt;
    while (i < s.size() && space(s[i])) ++i;
    std::string value;
    if (i < s.size() && s[i] == '=') {
      ++i;
      while (i < s.size() && space(s[i])) ++i;
      if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
        size_t close = s.find(s[i], i + 1);
        if (close == std::string_view::npos) return std::nullopt;
        value = unescape(s.substr(i + 1, close - i - 1));
        i = close + 1;
      } else {
        size_t start = i;
        while (i < s.size() && !space(s[i]) && s[i] != '>') ++i;
        value = unescape(s.substr(start, i - start));
      }
    }
    t.attrs.emplace_back(std::move(name), std::move(value));
  }
  return std::nullopt;
}

std::string attr(const Tag& t, std::string_view name) {
  for (const auto& [k, v] : t.attrs)
    if (k == name) return v;
  return "";
}

std::string style_property(std::string_view style, std::string_view prop) {
  size_t at = style.find(prop);
  while (at != std::string_view::npos && at > 0 &&
         (style[at - 1] == '-' || !(space(style[at - 1]) || style[at - 1] == ';')))
    at = style.find(prop, at + 1);
  if (at == std::string_view::npos) return "";
  size_t colon = style.find(':', at);
  if (colon == std::string_view::npos) return "";
  size_t end = style.find(';', colon);
  std::string v(style.substr(
      colon + 1, end == std::string_view::npos ? std::string_view::npos : end - colon - 1));
  while (!v.empty() && space(v.front())) v.erase(v.begin());
  while (!v.empty() && space(v.back())) v.pop_back();
  return v;
}

}  // namespace moyin::source
