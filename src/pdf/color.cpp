// LittleCMS is loaded at run time (base::SharedLibrary), not linked: only a
// CMYK or PDF/A document needs it, and binding it cost every start
// (docs/performance.md). Its header gives the types of the function
// pointers, so every call is still checked by the compiler.
#include "pdf/color.h"

#include <lcms2.h>

#include <algorithm>
#include <cmath>

#include "base/number.h"
#include "base/shared_library.h"

namespace moyin::pdf {
namespace {

// The functions of LittleCMS used here, loaded by the first caller.
struct Lcms {
  base::SharedLibrary lib{"liblcms2.so.2"};
  decltype(&cmsOpenProfileFromMem) open_profile_from_mem = nullptr;
  decltype(&cmsCloseProfile) close_profile = nullptr;
  decltype(&cmsGetColorSpace) get_color_space = nullptr;
  decltype(&cmsGetDeviceClass) get_device_class = nullptr;
  decltype(&cmsGetProfileInfoASCII) get_profile_info_ascii = nullptr;
  decltype(&cmsCreate_sRGBProfile) create_srgb_profile = nullptr;
  decltype(&cmsCreateTransform) create_transform = nullptr;
  decltype(&cmsDeleteTransform) delete_transform = nullptr;
  decltype(&cmsDoTransform) do_transform = nullptr;
  bool ok = false;

  Lcms() {
    ok = lib.resolve(open_profile_from_mem, "cmsOpenProfileFromMem") &&
         lib.resolve(close_profile, "cmsCloseProfile") &&
         lib.resolve(get_color_space, "cmsGetColorSpace") &&
         lib.resolve(get_device_class, "cmsGetDeviceClass") &&
         lib.resolve(get_profile_info_ascii, "cmsGetProfileInfoASCII") &&
         lib.resolve(create_srgb_profile, "cmsCreate_sRGBProfile") &&
         lib.resolve(create_transform, "cmsCreateTransform") &&
         lib.resolve(delete_transform, "cmsDeleteTransform") &&
         lib.resolve(do_transform, "cmsDoTransform");
  }
};

const Lcms& lcms() {
  static const Lcms loaded;  // made once, by the first caller (thread-safe)
  return loaded;
}

double c01(double v) { return std::isfinite(v) ? std::clamp(v, 0.0, 1.0) : 0.0; }

struct ProfileCloser {
  void operator()(void* p) const { lcms().close_profile(static_cast<cmsHPROFILE>(p)); }
};
using ProfilePtr = std::unique_ptr<void, ProfileCloser>;

// Null for no bytes, bytes LittleCMS cannot read, or no LittleCMS.
ProfilePtr open_profile(std::string_view icc) {
  if (icc.empty() || !lcms().ok) return nullptr;
  return ProfilePtr(
      lcms().open_profile_from_mem(icc.data(), static_cast<cmsUInt32Number>(icc.size())));
}

Cmyk plain(double r, double g, double b) {
  const double k = 1 - std::max({r, g, b});
  if (k >= 1) return {0, 0, 0, 1};
  return {(1 - r - k) / (1 - k), (1 - g - k) / (1 - k), (1 - b - k) / (1 - k), k};
}

}  // namespace

ProfileInfo profile_info(std::string_view icc) {
  ProfileInfo info;
  ProfilePtr p = open_profile(icc);
  if (!p) return info;
  const Lcms& cms = lcms();
  switch (cms.get_color_space(p.get())) {
    case cmsSigGrayData: info.components = 1; break;
    case cmsSigRgbData: info.components = 3; break;
    case cmsSigCmykData: info.components = 4; break;
    default: break;
  }
  info.output = cms.get_device_class(p.get()) == cmsSigOutputClass;
  char buf[256] = {};
  if (cms.get_profile_info_ascii(p.get(), cmsInfoDescription, "en", "US", buf, sizeof buf) > 0)
    info.description = buf;
  while (!info.description.empty() && info.description.back() == ' ') info.description.pop_back();
  return info;
}

struct CmykConverter::Transform {
  cmsHTRANSFORM pixels = nullptr;  // 8-bit RGB → 8-bit CMYK
  cmsHTRANSFORM flat = nullptr;    // 16-bit, for colours
  ~Transform() {
    if (pixels) lcms().delete_transform(pixels);
    if (flat) lcms().delete_transform(flat);
  }
};

CmykConverter::CmykConverter(std::unique_ptr<Transform> t) : transform_(std::move(t)) {}
CmykConverter::CmykConverter(CmykConverter&&) noexcept = default;
CmykConverter& CmykConverter::operator=(CmykConverter&&) noexcept = default;
CmykConverter::~CmykConverter() = default;

std::optional<CmykConverter> CmykConverter::make(std::string_view profile, std::string& error) {
  if (profile.empty()) return CmykConverter(nullptr);
  const Lcms& cms = lcms();
  if (!cms.ok) {
    error = cms.lib.error().empty() ? "LittleCMS cannot be used" : cms.lib.error();
    return std::nullopt;
  }
  ProfilePtr out = open_profile(profile);
  if (!out) {
    error = "not an ICC profile LittleCMS can read";
    return std::nullopt;
  }
  if (cms.get_color_space(out.get()) != cmsSigCmykData) {
    error = "not a CMYK profile";
    return std::nullopt;
  }
  ProfilePtr srgb(cms.create_srgb_profile());
  auto t = std::make_unique<Transform>();
  const cmsUInt32Number flags = cmsFLAGS_BLACKPOINTCOMPENSATION;
  t->pixels = cms.create_transform(srgb.get(), TYPE_RGB_8, out.get(), TYPE_CMYK_8,
                                   INTENT_RELATIVE_COLORIMETRIC, flags);
  t->flat = cms.create_transform(srgb.get(), TYPE_RGB_16, out.get(), TYPE_CMYK_16,
                                 INTENT_RELATIVE_COLORIMETRIC, flags | cmsFLAGS_NOCACHE);
  if (!t->pixels || !t->flat) {
    error = "LittleCMS cannot convert sRGB to it";
    return std::nullopt;
  }
  return CmykConverter(std::move(t));
}

Cmyk CmykConverter::convert(const layout::Color& rgb) const {
  const double r = c01(rgb.r), g = c01(rgb.g), b = c01(rgb.b);
  if (r == g && g == b) return {0, 0, 0, 1 - r};  // greys on the black plate alone
  if (!transform_) return plain(r, g, b);
  const cmsUInt16Number in[3] = {static_cast<cmsUInt16Number>(std::lround(r * 65535)),
                                 static_cast<cmsUInt16Number>(std::lround(g * 65535)),
                                 static_cast<cmsUInt16Number>(std::lround(b * 65535))};
  cmsUInt16Number out[4] = {};
  lcms().do_transform(transform_->flat, in, out, 1);
  // Three decimals: what the content stream carries anyway.
  auto unit = [](cmsUInt16Number v) { return std::round(v / 65.535) / 1000; };
  return {unit(out[0]), unit(out[1]), unit(out[2]), unit(out[3])};
}

std::vector<uint8_t> CmykConverter::convert_pixels(std::span<const uint8_t> rgb) const {
  const size_t n = rgb.size() / 3;
  std::vector<uint8_t> out(n * 4);
  if (transform_) {
    // In slices: cmsDoTransform counts pixels in 32 bits.
    constexpr size_t kSlice = size_t{1} << 24;
    for (size_t at = 0; at < n; at += kSlice) {
      const size_t count = std::min(kSlice, n - at);
      lcms().do_transform(transform_->pixels, rgb.data() + at * 3, out.data() + at * 4,
                          static_cast<cmsUInt32Number>(count));
    }
  }
  // Grey pixels on the black plate alone (the profile would build them of
  // all four inks): text and line art in screenshots stay sharp.
  for (size_t i = 0; i < n; ++i) {
    const uint8_t r = rgb[i * 3], g = rgb[i * 3 + 1], b = rgb[i * 3 + 2];
    if ((r == g && g == b) || !transform_) {
      const Cmyk c = plain(r / 255.0, g / 255.0, b / 255.0);
      out[i * 4] = static_cast<uint8_t>(std::lround(c.c * 255));
      out[i * 4 + 1] = static_cast<uint8_t>(std::lround(c.m * 255));
      out[i * 4 + 2] = static_cast<uint8_t>(std::lround(c.y * 255));
      out[i * 4 + 3] = static_cast<uint8_t>(std::lround(c.k * 255));
    }
  }
  return out;
}

std::vector<uint8_t> cmyk_pixels_to_rgb(std::span<const uint8_t> cmyk) {
  const size_t n = cmyk.size() / 4;
  std::vector<uint8_t> out(n * 3);
  for (size_t i = 0; i < n; ++i) {
    const int k = 255 - cmyk[i * 4 + 3];
    for (int j = 0; j < 3; ++j)
      out[i * 3 + j] = static_cast<uint8_t>((255 - cmyk[i * 4 + j]) * k / 255);
  }
  return out;
}

std::string color_operator(const layout::Color& c, bool stroke, const CmykConverter* cmyk) {
  if (!cmyk)
    return base::compact(c01(c.r)) + " " + base::compact(c01(c.g)) + " " + base::compact(c01(c.b)) +
           (stroke ? " RG\n" : " rg\n");
  const Cmyk k = cmyk->convert(c);
  return base::compact(c01(k.c)) + " " + base::compact(c01(k.m)) + " " + base::compact(c01(k.y)) +
         " " + base::compact(c01(k.k)) + (stroke ? " K\n" : " k\n");
}

}  // namespace moyin::pdf
