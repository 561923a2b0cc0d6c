// Images' fuzz entry: arbitrary bytes through what reads a picture a
// document names (image::sniff, read_header, png_stream and decode with
// the codecs loaded at run time), checking what every result must hold.
// Used by the libFuzzer target (fuzz_image.cpp, clang only) and by a
// deterministic GoogleTest (image_fuzz_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "image/image.h"

namespace moyin::fuzz {

constexpr int64_t kFuzzMaxPixels = 4'000'000;

// Returns 0 as libFuzzer expects; aborts when an invariant breaks.
inline int fuzz_image_one(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)image::sniff(bytes);
  const image::Header h = image::read_header(bytes);
  if (!(h.width >= 0) || !(h.height >= 0)) std::abort();
  if (auto png = image::png_stream(bytes)) {
    if (png->width <= 0 || png->height <= 0 || (png->colors != 1 && png->colors != 3)) std::abort();
    if (!image::png_passes_through(bytes)) std::abort();  // the two agree
  }
  for (bool keep : {true, false}) {
    const image::Decoded d = image::decode(bytes, kFuzzMaxPixels, keep);
    if (!d.raster) {
      if (keep && d.problem.empty()) std::abort();  // no pixels without a reason
      continue;
    }
    if (!keep) std::abort();  // checking only: no raster
    const image::Raster& r = *d.raster;
    if (r.width <= 0 || r.height <= 0 || int64_t{r.width} * r.height > kFuzzMaxPixels) std::abort();
    const size_t n = static_cast<size_t>(r.width) * static_cast<size_t>(r.height);
    if (r.pixels.size() != n * static_cast<size_t>(image::components(r.space))) std::abort();
    if (!r.alpha.empty() && r.alpha.size() != n) std::abort();
  }
  return 0;
}

}  // namespace moyin::fuzz
