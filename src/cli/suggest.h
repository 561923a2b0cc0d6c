// "Did you mean …?" for a mistyped subcommand (`moyin bild`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace moyin::cli {

// Levenshtein distance (insertions, deletions, substitutions; bytes).
size_t edit_distance(std::string_view a, std::string_view b);

// The closest of `words` to `typed` when it is close enough to be a typo
// (at most 2 edits, and fewer than half the word), else "".
std::string closest(std::string_view typed, const std::vector<std::string>& words);

}  // namespace moyin::cli
