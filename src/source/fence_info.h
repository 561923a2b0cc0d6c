// A code fence's info string: the language and key=value attributes.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moyin::source {

struct FenceInfo {
  std::string language;  // first word, or the first .class inside {…}
  std::string title;     // title="…"
  std::vector<std::pair<std::string, std::string>> attributes;  // in order, title included
};

// Reads the forms writers use: `python title="main.py" linenos`,
// `python {title="main.py"}` and Pandoc's `{.python #id title="main.py"}`.
// Values may be "double", 'single' quoted or bare; a bare word is a key with
// an empty value; `#id` is the attribute id. Never fails: what cannot be read
// is skipped.
FenceInfo parse_fence_info(std::string_view info);

}  // namespace moyin::source
