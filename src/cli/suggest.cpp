#include "cli/suggest.h"

#include <algorithm>
#include <numeric>

namespace moyin::cli {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest(std::string_view typed, const std::vector<std::string>& words) {
  std::string best;
  size_t best_distance = 3;
  for (const std::string& w : words) {
    const size_t d = edit_distance(typed, w);
    if (d < best_distance && d * 2 < std::max<size_t>(w.size(), 2)) {
      best = w;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace moyin::cli
