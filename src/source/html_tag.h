// A small lexer for single HTML tags, as cmark-gfm hands them over (one raw
// inline per tag; raw blocks of images). Full HTML parsing (gumbo) lives in
// epub/, the only folder that includes it; source/ only needs a tag's name
// and attributes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moyin::source {

struct Tag {
  std::string name;  // lower case; "/p" for an end tag
  std::vector<std::pair<std::string, std::string>> attrs;
  size_t begin = 0, end = 0;  // byte range in the source text
};

char lower(char c);
bool space(char c);

// The few character references attribute values and captions use.
std::string unescape(std::string_view s);

// Parses the tag starting at s[i] == '<'; nothing when it is not a tag.
std::optional<Tag> parse_tag(std::string_view s, size_t i);

// The value of attribute `name` ("" when absent).
std::string attr(const Tag& t, std::string_view name);

// The value of property `prop` in a CSS declaration list ("color: red; …"),
// trimmed; "" when absent. `color` does not match `background-color`.
std::string style_property(std::string_view style, std::string_view prop);

}  // namespace moyin::source
