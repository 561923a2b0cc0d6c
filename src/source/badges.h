// Badge rows: the status badges (shields.io, CI, coverage…) a README or a
// project post opens with. They are remote images that say nothing in print;
// the style option image.drop-badges leaves them out.
#pragma once

#include <string_view>

#include "doc/document.h"

namespace moyin::source {

// A URL of a known badge service, or any image whose path ends in
// `badge.svg` / holds `/badge/`.
bool is_badge_url(std::string_view url);

// Removes every paragraph made only of badge images (each perhaps inside a
// link, separated by blanks or line breaks), and badge images standing
// alone; returns how many images were removed.
size_t drop_badges(doc::Document& d);

}  // namespace moyin::source
