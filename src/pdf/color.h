// Colour for print and archiving (LittleCMS; lcms2.h is included only in
// color.cpp): RGB → CMYK for `color.model: cmyk`, and what the writer needs
// to know of an ICC profile for an OutputIntent. No LittleCMS type leaks.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "layout/book.h"

namespace moyin::pdf {

struct Cmyk {
  double c = 0, m = 0, y = 0, k = 0;  // 0..1
};

// What an ICC profile is, read from its header and description tag.
struct ProfileInfo {
  int components = 0;       // 1 (grey), 3 (RGB) or 4 (CMYK); 0 = not a profile
  bool output = false;      // an output ('prtr') device class profile (PDF/X)
  std::string description;  // its desc tag ("" when it has none)
};
ProfileInfo profile_info(std::string_view icc);

// Converts the book's RGB colours and pixels to CMYK through an output
// profile (sRGB in, relative colorimetric with black point compensation).
// Greys (r = g = b) become K alone, so black text and grey rules print on
// the black plate only. Without a profile, colours and pixels use the plain
// formula (K = 1 − max(r, g, b)).
class CmykConverter {
 public:
  // `profile` empty: the plain formula. A profile that is not a CMYK
  // profile LittleCMS can use: nullopt and `error` says why.
  static std::optional<CmykConverter> make(std::string_view profile, std::string& error);
  CmykConverter(CmykConverter&&) noexcept;
  CmykConverter& operator=(CmykConverter&&) noexcept;
  ~CmykConverter();

  Cmyk convert(const layout::Color& rgb) const;
  // 8-bit RGB pixels (3 bytes each) → 8-bit CMYK (4 bytes each, 0 = no ink).
  std::vector<uint8_t> convert_pixels(std::span<const uint8_t> rgb) const;

 private:
  struct Transform;
  explicit CmykConverter(std::unique_ptr<Transform> t);
  std::unique_ptr<Transform> transform_;
};

// 8-bit CMYK pixels → RGB by the plain formula (a CMYK image in a PDF/A
// whose OutputIntent is sRGB).
std::vector<uint8_t> cmyk_pixels_to_rgb(std::span<const uint8_t> cmyk);

// The content-stream operator that sets `c` as the fill ("rg"/"k") or
// stroke ("RG"/"K") colour: RGB, or CMYK through `cmyk` when given.
std::string color_operator(const layout::Color& c, bool stroke, const CmykConverter* cmyk);

}  // namespace moyin::pdf
