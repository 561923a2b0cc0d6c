#include "base/timings.h"

namespace moyin::base {

std::string_view stage_name(Stage s) {
  static constexpr std::array<std::string_view, kStageCount> kNames = {
      "read", "parse", "math", "fonts", "shape", "break", "pages", "pdf", "epub", "write"};
  return kNames[static_cast<size_t>(s)];
}

}  // namespace moyin::base
