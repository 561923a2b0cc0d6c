#include "base/yaml_text.h"

namespace moyin::base {

std::string without_leading_comments(std::string_view yaml) {
  std::string out;
  size_t at = 0;
  while (at < yaml.size()) {
    const size_t end = yaml.find('\n', at);
    const size_t stop = end == std::string_view::npos ? yaml.size() : end;
    const size_t first = yaml.find_first_not_of(" \t\r", at);
    const bool blank = first == std::string_view::npos || first >= stop;
    if (!blank && yaml[first] != '#') break;  // the first content line
    if (out.empty()) out.reserve(yaml.size());
    if (end == std::string_view::npos) {
      at = yaml.size();
      break;
    }
    out += '\n';
    at = end + 1;
  }
  out.append(yaml.substr(at));
  return out;
}

}  // namespace moyin::base
