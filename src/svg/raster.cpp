// The fallback for what the vector drawing does not do: librsvg draws the
// whole SVG into pixels (cairo image surface), which become an image in the
// PDF. Only bytes are given to librsvg, so it has no base file to read
// other files from. librsvg, cairo and glib are loaded at run time
// (base::SharedLibrary), not linked: their headers give the types of the
// function pointers, so every call is still checked by the compiler.
#include <cairo.h>
#include <librsvg/rsvg.h>

#include <memory>

#include "base/shared_library.h"
#include "svg/svg.h"

namespace moyin::svg {

// The functions the fallback calls, from the loaded libraries.
struct Rasterizer::Api {
  base::SharedLibrary glib, gobject, cairo, rsvg;
  decltype(&g_error_free) error_free = nullptr;
  decltype(&g_object_unref) object_unref = nullptr;
  decltype(&cairo_image_surface_create) image_surface_create = nullptr;
  decltype(&cairo_surface_status) surface_status = nullptr;
  decltype(&cairo_surface_flush) surface_flush = nullptr;
  decltype(&cairo_surface_destroy) surface_destroy = nullptr;
  decltype(&cairo_image_surface_get_data) image_surface_get_data = nullptr;
  decltype(&cairo_image_surface_get_stride) image_surface_get_stride = nullptr;
  decltype(&cairo_create) create = nullptr;
  decltype(&cairo_destroy) destroy = nullptr;
  decltype(&rsvg_handle_new_from_data) handle_new_from_data = nullptr;
  decltype(&rsvg_handle_set_dpi) handle_set_dpi = nullptr;
  decltype(&rsvg_handle_render_document) handle_render_document = nullptr;

  // Loads the libraries, dependencies first (the error names the deepest
  // one missing); "" when every function was found.
  explicit Api(const RasterLibraries& names)
      : glib(names.glib), gobject(names.gobject), cairo(names.cairo), rsvg(names.rsvg) {}
  std::string resolve() {
    for (base::SharedLibrary* lib : {&glib, &gobject, &cairo, &rsvg})
      if (!*lib) return lib->error();
    const bool all = glib.resolve(error_free, "g_error_free") &&
                     gobject.resolve(object_unref, "g_object_unref") &&
                     cairo.resolve(image_surface_create, "cairo_image_surface_create") &&
                     cairo.resolve(surface_status, "cairo_surface_status") &&
                     cairo.resolve(surface_flush, "cairo_surface_flush") &&
                     cairo.resolve(surface_destroy, "cairo_surface_destroy") &&
                     cairo.resolve(image_surface_get_data, "cairo_image_surface_get_data") &&
                     cairo.resolve(image_surface_get_stride, "cairo_image_surface_get_stride") &&
                     cairo.resolve(create, "cairo_create") &&
                     cairo.resolve(destroy, "cairo_destroy") &&
                     rsvg.resolve(handle_new_from_data, "rsvg_handle_new_from_data") &&
                     rsvg.resolve(handle_set_dpi, "rsvg_handle_set_dpi") &&
                     rsvg.resolve(handle_render_document, "rsvg_handle_render_document");
    if (all) return "";
    for (base::SharedLibrary* lib : {&glib, &gobject, &cairo, &rsvg})
      if (!lib->error().empty()) return lib->error();
    return "a function of librsvg or cairo is missing";
  }
};

Rasterizer::Rasterizer(const RasterLibraries& libraries) : api_(std::make_unique<Api>(libraries)) {
  error_ = api_->resolve();
}

Rasterizer::~Rasterizer() = default;

const Rasterizer& default_rasterizer() {
  static const Rasterizer loaded;  // made once, by the first caller (thread-safe)
  return loaded;
}

std::optional<layout::Pixels> rasterize(std::string_view bytes, int width, int height,
                                        std::string* error) {
  return default_rasterizer().rasterize(bytes, width, height, error);
}

std::optional<layout::Pixels> Rasterizer::rasterize(std::string_view bytes, int width, int height,
                                                    std::string* error) const {
  auto fail = [&](std::string why) -> std::optional<layout::Pixels> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  if (!error_.empty()) return fail(error_);
  if (width <= 0 || height <= 0 || static_cast<int64_t>(width) * height > 100'000'000)
    return fail("raster size out of range");
  const Api& f = *api_;
  // Each C handle freed by the function of the library that made it.
  auto unref = [&f](void* p) { f.object_unref(p); };
  auto error_free = [&f](GError* e) { f.error_free(e); };
  auto surface_destroy = [&f](cairo_surface_t* s) { f.surface_destroy(s); };
  auto destroy = [&f](cairo_t* c) { f.destroy(c); };
  GError* raw_error = nullptr;
  std::unique_ptr<RsvgHandle, decltype(unref)> handle(
      f.handle_new_from_data(reinterpret_cast<const guint8*>(bytes.data()), bytes.size(),
                             &raw_error),
      unref);
  std::unique_ptr<GError, decltype(error_free)> err(raw_error, error_free);
  if (!handle) return fail(err ? err->message : "librsvg cannot read it");
  f.handle_set_dpi(handle.get(), 96);
  std::unique_ptr<cairo_surface_t, decltype(surface_destroy)> surface(
      f.image_surface_create(CAIRO_FORMAT_ARGB32, width, height), surface_destroy);
  if (f.surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
    return fail("no memory for the raster");
  std::unique_ptr<cairo_t, decltype(destroy)> cr(f.create(surface.get()), destroy);
  RsvgRectangle viewport{0, 0, static_cast<double>(width), static_cast<double>(height)};
  if (!f.handle_render_document(handle.get(), cr.get(), &viewport, &raw_error)) {
    err.reset(raw_error);
    return fail(err ? err->message : "librsvg cannot draw it");
  }
  f.surface_flush(surface.get());
  layout::Pixels px;
  px.width = width;
  px.height = height;
  px.rgb.resize(static_cast<size_t>(width) * height * 3);
  px.alpha.resize(static_cast<size_t>(width) * height);
  const unsigned char* data = f.image_surface_get_data(surface.get());
  const int stride = f.image_surface_get_stride(surface.get());
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
