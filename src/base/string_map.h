// Maps keyed by std::string, looked up by std::string_view: a lookup makes
// no string.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace moyin::base {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

}  // namespace moyin::base
