// Text handed to yaml-cpp. Its scanner costs about 650 instructions per
// byte, comments included, and Moyin's own YAML files (fonts/fonts.yaml,
// the style sheets) open with long comment blocks.
#pragma once

#include <string>
#include <string_view>

namespace moyin::base {

// `yaml` with the comment lines before its first content line emptied (their
// line breaks kept, so every line and column yaml-cpp reports stays the
// same). Only that leading block: a `#` line further down may be the
// content of a block or quoted scalar.
std::string without_leading_comments(std::string_view yaml);

}  // namespace moyin::base
