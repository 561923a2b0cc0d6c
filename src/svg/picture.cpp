// Pictures embedded in an SVG (<image href="data:image/png;base64,…">),
// decoded by the image library so the PDF carries them as images of the
// vector drawing.
#include <algorithm>

#include "base/data_uri.h"
#include "image/image.h"
#include "svg/internal.h"

namespace moyin::svg::detail {

std::shared_ptr<const layout::Pixels> embedded_picture(Document& doc, std::string_view href,
                                                       const char* at, std::string& problem) {
  std::optional<base::DataUri> uri = base::parse_data_uri(href);
  if (!uri) {
    problem = "a data: URI that cannot be read";
    return nullptr;
  }
  const image::Header header = image::read_header(uri->bytes);
  const int64_t left = doc.limits.max_image_pixels - doc.image_pixels;
  if (header.width * header.height > static_cast<double>(left))
    throw Failure("its <image> pictures have more than " +
                      std::to_string(doc.limits.max_image_pixels / 1'000'000) +
                      " megapixels together",
                  at, true);
  image::Decoded d = image::decode(uri->bytes, std::max<int64_t>(left, 0));
  if (!d.raster || !d.problem.empty()) {
    problem = "a picture that cannot be decoded";  // librsvg leaves it out too
    return nullptr;
  }
  const image::Raster& r = *d.raster;
  if (r.space == image::ColorSpace::Cmyk) {
    problem = "a CMYK picture";
    return nullptr;
  }
  const size_t n = static_cast<size_t>(r.width) * static_cast<size_t>(r.height);
  doc.image_pixels += static_cast<int64_t>(n);
  auto px = std::make_shared<layout::Pixels>();
  px->width = r.width;
  px->height = r.height;
  if (r.space == image::ColorSpace::Gray) {
    px->rgb.resize(n * 3);
    for (size_t i = 0; i < n; ++i)
      px->rgb[3 * i] = px->rgb[3 * i + 1] = px->rgb[3 * i + 2] = r.pixels[i];
  } else {
    px->rgb = r.pixels;
  }
  px->alpha = r.alpha;
  return px;
}

}  // namespace moyin::svg::detail
