// SVG figures' fuzz entry: arbitrary bytes through svg::parse (rapidxml_ns
// and SVG++ under Moyin's limits), checking what every drawing must hold.
// Used by the libFuzzer target (fuzz_svg.cpp, clang only) and by a
// deterministic GoogleTest (svg_fuzz_test.cpp).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "svg/svg.h"

namespace moyin::fuzz {

// Small limits: the fuzzer's inputs are small, and its time goes to variety.
inline svg::Limits fuzz_svg_limits() {
  svg::Limits l;
  l.max_elements = 2'000;
  l.max_drawn_elements = 20'000;
  l.max_segments = 200'000;
  l.max_image_pixels = 1'000'000;
  return l;
}

// Returns 0 as libFuzzer expects; aborts when an invariant breaks.
inline int fuzz_svg_one(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const svg::Limits limits = fuzz_svg_limits();
  const svg::Result r = svg::parse(bytes, limits);
  if (!r.drawing) {
    if (r.error.empty()) std::abort();  // no drawing without a reason
    return 0;
  }
  const svg::Drawing& d = *r.drawing;
  if (!(d.width > 0) || !(d.height > 0) || !std::isfinite(d.width) || !std::isfinite(d.height))
    std::abort();
  size_t segments = 0;
  int open_groups = 0;
  for (const svg::Item& item : d.items) {
    if (const auto* p = std::get_if<layout::Path>(&item)) {
      if (p->segments().empty() || (!p->fill && !p->stroke)) std::abort();
      segments += p->segments().size();
    } else if (const auto* g = std::get_if<layout::Group>(&item)) {
      open_groups += g->end ? -1 : 1;
      if (open_groups < 0) std::abort();
    } else if (const auto* im = std::get_if<layout::ImageBox>(&item)) {
      if (!im->pixels || im->pixels->width <= 0 || im->pixels->height <= 0) std::abort();
    }
  }
  if (open_groups != 0 || segments > limits.max_segments) std::abort();
  return 0;
}

}  // namespace moyin::fuzz
