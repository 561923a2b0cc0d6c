// GitHub-style heading slugs that keep Han characters.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace moyin::source {

// Lowercases ASCII, drops punctuation and symbols (ASCII and fullwidth/CJK),
// turns each ASCII space into '-', keeps letters, digits, '-', '_' and Han.
// "2.1 数据准备（Data）" -> "21-数据准备data".
std::string slugify(std::string_view text);

// Hands out slugs unique within one document: "x", "x-1", "x-2"; an empty
// slug becomes "section".
struct SlugRegistry {
  std::unordered_set<std::string> taken;
  std::unordered_map<std::string, int> next_suffix;  // keeps repeats linear
  std::string unique(std::string_view text);
};

}  // namespace moyin::source
