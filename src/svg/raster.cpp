// The fallback for what the vector drawing does not do: librsvg draws the
// whole SVG into pixels (cairo image surface), which become an image in the
// PDF. Only bytes are given to librsvg, so it has no base file to read
// other files from.
#include <cairo.h>
#include <librsvg/rsvg.h>

#include <memory>

#include "svg/svg.h"

namespace moyin::svg {

namespace {

struct GObjectFree {
  void operator()(void* p) const { g_object_unref(p); }
};
struct SurfaceFree {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoFree {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
struct ErrorFree {
  void operator()(GError* e) const { g_error_free(e); }
};

}  // namespace

std::optional<layout::Pixels> rasterize(std::string_view bytes, int width, int height,
                                        std::string* error) {
  auto fail = [&](std::string why) -> std::optional<layout::Pixels> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  if (width <= 0 || height <= 0 || static_cast<int64_t>(width) * height > 100'000'000)
    return fail("raster size out of range");
  GError* raw_error = nullptr;
  std::unique_ptr<RsvgHandle, GObjectFree> handle(rsvg_handle_new_from_data(
      reinterpret_cast<const guint8*>(bytes.data()), bytes.size(), &raw_error));
  std::unique_ptr<GError, ErrorFree> err(raw_error);
  if (!handle) return fail(err ? err->message : "librsvg cannot read it");
  rsvg_handle_set_dpi(handle.get(), 96);
  std::unique_ptr<cairo_surface_t, SurfaceFree> surface(
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
    return fail("no memory for the raster");
  std::unique_ptr<cairo_t, CairoFree> cr(cairo_create(surface.get()));
  RsvgRectangle viewport{0, 0, static_cast<double>(width), static_cast<double>(height)};
  if (!rsvg_handle_render_document(handle.get(), cr.get(), &viewport, &raw_error)) {
    err.reset(raw_error);
    return fail(err ? err->message : "librsvg cannot draw it");
  }
  cairo_surface_flush(surface.get());
  layout::Pixels px;
  px.width = width;
  px.height = height;
  px.rgb.resize(static_cast<size_t>(width) * height * 3);
  px.alpha.resize(static_cast<size_t>(width) * height);
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  bool opaque = true;
  for (int y = 0; y < height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
    for (int x = 0; x < width; ++x) {
      // Premultiplied ARGB in native byte order: undo the premultiplication.
      uint32_t p = row[x];
      unsigned a = p >> 24;
      unsigned c[3] = {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF};
      size_t i = static_cast<size_t>(y) * width + x;
      for (int k = 0; k < 3; ++k)
        px.rgb[i * 3 + k] =
            static_cast<uint8_t>(a == 0 ? 255 : std::min(255u, (c[k] * 255 + a / 2) / a));
      px.alpha[i] = static_cast<uint8_t>(a);
      opaque = opaque && a == 255;
    }
  }
  if (opaque) px.alpha.clear();
  return px;
}

}  // namespace moyin::svg
