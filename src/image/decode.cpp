// Decoding to 8-bit pixels. Every decoder checks the pixel count from the
// header before it allocates, and treats a truncated or corrupt stream as a
// problem (never as grey padding, never as an abort).
#include <jerror.h>
#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstring>
#include <memory>

#include "image/codecs.h"
#include "image/image.h"

namespace moyin::image {
namespace {

// zlib's best ratio is about 1032:1: a PNG smaller than its pixels / 1100
// cannot hold them (a lying or truncated header), so it is refused before
// libpng allocates the image.
constexpr double kMaxDeflateRatio = 1100;

std::string too_many(double w, double h, int64_t max_pixels) {
  return "too many pixels (" + std::to_string(static_cast<int64_t>(w)) + "×" +
         std::to_string(static_cast<int64_t>(h)) + ", limit " + std::to_string(max_pixels) + ")";
}

// Moves a trailing alpha channel out of interleaved pixels; drops it when
// every pixel is opaque.
void split_alpha(Raster& r, int with_alpha) {
  const size_t n = static_cast<size_t>(r.width) * static_cast<size_t>(r.height);
  const int c = with_alpha - 1;
  std::vector<uint8_t> alpha(n);
  bool opaque = true;
  for (size_t i = 0; i < n; ++i) {
    uint8_t a = r.pixels[i * with_alpha + c];
    alpha[i] = a;
    opaque = opaque && a == 255;
    for (int k = 0; k < c; ++k) r.pixels[i * c + k] = r.pixels[i * with_alpha + k];
  }
  r.pixels.resize(n * c);
  r.pixels.shrink_to_fit();
  if (!opaque) r.alpha = std::move(alpha);
}

// ---- PNG (libpng's simplified API reports errors instead of aborting).

struct PngImage {
  png_image img{};
  PngImage() { img.version = PNG_IMAGE_VERSION; }
  ~PngImage() { png_image_free(&img); }
};

Decoded decode_png(std::string_view d, int64_t max_pixels, bool keep) {
  Decoded out;
  PngImage p;
  // A 16-bit file without gAMA/sRGB is sRGB like an 8-bit one (libpng's
  // default would treat it as linear and print it too light).
  p.img.flags = PNG_IMAGE_FLAG_16BIT_sRGB;
  if (out.problem = png_chunk_problem(d); !out.problem.empty()) return out;
  if (!png_image_begin_read_from_memory(&p.img, d.data(), d.size())) {
    out.problem = p.img.message;
    return out;
  }
  const double w = p.img.width, h = p.img.height;
  if (w * h > static_cast<double>(max_pixels)) {
    out.problem = too_many(w, h, max_pixels);
    return out;
  }
  const bool alpha = (p.img.format & PNG_FORMAT_FLAG_ALPHA) != 0;
  const bool color = (p.img.format & PNG_FORMAT_FLAG_COLOR) != 0;
  p.img.format = color ? (alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB)
                       : (alpha ? PNG_FORMAT_GA : PNG_FORMAT_GRAY);
  const int channels = PNG_IMAGE_PIXEL_CHANNELS(p.img.format);
  if (w * h * channels > kMaxDeflateRatio * static_cast<double>(d.size())) {
    out.problem = "the file is too short for " + std::to_string(p.img.width) + "×" +
                  std::to_string(p.img.height) + " pixels (truncated or a lying header)";
    return out;
  }
  Raster r;
  r.width = static_cast<int>(p.img.width);
  r.height = static_cast<int>(p.img.height);
  r.space = color ? ColorSpace::Rgb : ColorSpace::Gray;
  r.pixels.resize(PNG_IMAGE_SIZE(p.img));
  if (!png_image_finish_read(&p.img, nullptr, r.pixels.data(), 0, nullptr)) {
    out.problem = p.img.message[0] ? p.img.message : "unreadable";
    return out;
  }
  if (!keep) return out;
  if (alpha) split_alpha(r, channels);
  out.raster = std::move(r);
  return out;
}

// ---- JPEG (libjpeg-turbo; errors and warnings leave through longjmp).

struct JpegError {
  jpeg_error_mgr mgr{};
  std::jmp_buf jump{};
  char message[JMSG_LENGTH_MAX] = {};
};

[[noreturn]] void jpeg_fail(j_common_ptr cinfo) {
  auto* e = reinterpret_cast<JpegError*>(cinfo->err);
  cinfo->err->format_message(cinfo, e->message);
  std::longjmp(e->jump, 1);
}

// A corrupt-data or premature-end warning means the picture is damaged
// (libjpeg would paint the rest grey); stray bytes between segments do not.
void jpeg_message(j_common_ptr cinfo, int level) {
  if (level < 0 && cinfo->err->msg_code != JWRN_EXTRANEOUS_DATA) jpeg_fail(cinfo);
}

// Runs libjpeg in a frame holding only trivially destructible state, so the
// longjmp skips no destructor. Pixels go to `pixels` when keep, else to a
// one-row scratch buffer.
// What jpeg_run ended with. It never touches a std::string: with setjmp in
// the frame, GCC warns (-Wclobbered) about the string's inlined locals.
enum class JpegOutcome { Done, Failed, TooLarge };

JpegOutcome jpeg_run(const detail::JpegApi& j, std::string_view d, int64_t max_pixels, bool keep,
                     std::vector<uint8_t>& pixels, std::vector<uint8_t>& row, int& width,
                     int& height, int& comps, bool& inverted, JpegError& err) {
  jpeg_decompress_struct cinfo{};
  cinfo.err = j.std_error(&err.mgr);
  err.mgr.error_exit = jpeg_fail;
  err.mgr.emit_message = jpeg_message;
  if (setjmp(err.jump)) {
    j.destroy_decompress(&cinfo);
    return JpegOutcome::Failed;
  }
  j.create_decompress(&cinfo, JPEG_LIB_VERSION, sizeof cinfo);  // jpeg_create_decompress
  // No backing store: a stream needing more working memory fails cleanly.
  cinfo.mem->max_memory_to_use = 512L << 20;
  j.mem_src(&cinfo, reinterpret_cast<const unsigned char*>(d.data()),
            static_cast<unsigned long>(d.size()));
  j.read_header(&cinfo, TRUE);
  if (static_cast<double>(cinfo.image_width) * cinfo.image_height >
      static_cast<double>(max_pixels)) {
    width = static_cast<int>(cinfo.image_width);
    height = static_cast<int>(cinfo.image_height);
    j.destroy_decompress(&cinfo);
    return JpegOutcome::TooLarge;
  }
  if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
    cinfo.out_color_space = JCS_CMYK;
  } else if (cinfo.jpeg_color_space == JCS_GRAYSCALE) {
    cinfo.out_color_space = JCS_GRAYSCALE;
  } else {
    cinfo.out_color_space = JCS_RGB;
  }
  j.start_decompress(&cinfo);
  width = static_cast<int>(cinfo.output_width);
  height = static_cast<int>(cinfo.output_height);
  comps = cinfo.output_components;
  // Photoshop writes CMYK inverted (0 = full ink) and marks it with an Adobe segment.
  inverted = cinfo.out_color_space == JCS_CMYK && cinfo.saw_Adobe_marker;
  const size_t stride = static_cast<size_t>(width) * static_cast<size_t>(comps);
  row.resize(stride);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW line = row.data();
    if (j.read_scanlines(&cinfo, &line, 1) != 1) break;
    // Rows are appended as they arrive: a truncated file never costs the
    // whole image's memory before it fails.
    if (keep) pixels.insert(pixels.end(), row.begin(), row.end());
  }
  j.finish_decompress(&cinfo);
  j.destroy_decompress(&cinfo);
  return JpegOutcome::Done;
}

Decoded decode_jpeg(std::string_view d, int64_t max_pixels, bool keep) {
  Decoded out;
  const detail::JpegApi* j = detail::jpeg_api(out.problem);
  if (!j) return out;
  std::vector<uint8_t> pixels, row;
  int width = 0, height = 0, comps = 0;
  bool inverted = false;
  JpegError err;
  switch (jpeg_run(*j, d, max_pixels, keep, pixels, row, width, height, comps, inverted, err)) {
    case JpegOutcome::Failed: out.problem = err.message; return out;
    case JpegOutcome::TooLarge: out.problem = too_many(width, height, max_pixels); return out;
    case JpegOutcome::Done: break;
  }
  if (!keep) return out;
  Raster r;
  r.width = width;
  r.height = height;
  r.space = comps == 1 ? ColorSpace::Gray : comps == 4 ? ColorSpace::Cmyk : ColorSpace::Rgb;
  if (inverted)
    for (uint8_t& v : pixels) v = static_cast<uint8_t>(255 - v);
  r.pixels = std::move(pixels);
  out.raster = std::move(r);
  return out;
}

// ---- GIF (giflib's record API: only the first frame is read).

struct GifSource {
  std::string_view data;
  size_t at = 0;
};

int gif_read(GifFileType* gif, GifByteType* buf, int n) {
  auto* src = static_cast<GifSource*>(gif->UserData);
  size_t k = std::min(static_cast<size_t>(std::max(n, 0)), src->data.size() - src->at);
  std::memcpy(buf, src->data.data() + src->at, k);
  src->at += k;
  return static_cast<int>(k);
}

struct GifCloser {
  const detail::GifApi* g;
  void operator()(GifFileType* file) const {
    int err = 0;
    g->close_file(file, &err);
  }
};

Decoded decode_gif(std::string_view d, int64_t max_pixels, bool keep) {
  Decoded out;
  const detail::GifApi* g = detail::gif_api(out.problem);
  if (!g) return out;
  GifSource src{d, 0};
  int err = 0;
  std::unique_ptr<GifFileType, GifCloser> gif(g->open(&src, gif_read, &err), GifCloser{g});
  if (!gif) {
    out.problem = g->error_string(err) ? g->error_string(err) : "unreadable GIF";
    return out;
  }
  auto fail = [&] {
    const char* why = g->error_string(gif->Error);
    out.problem = why ? why : "damaged GIF";
    return out;
  };
  const int sw = gif->SWidth, sh = gif->SHeight;
  if (static_cast<double>(sw) * sh > static_cast<double>(max_pixels)) {
    out.problem = too_many(sw, sh, max_pixels);
    return out;
  }
  if (sw <= 0 || sh <= 0) {
    out.problem = "0×0 pixels";
    return out;
  }
  int transparent = NO_TRANSPARENT_COLOR;
  GifRecordType type = UNDEFINED_RECORD_TYPE;
  do {
    if (g->get_record_type(gif.get(), &type) == GIF_ERROR) return fail();
    if (type == EXTENSION_RECORD_TYPE) {
      int code = 0;
      GifByteType* ext = nullptr;
      if (g->get_extension(gif.get(), &code, &ext) == GIF_ERROR) return fail();
      if (code == GRAPHICS_EXT_FUNC_CODE && ext) {
        GraphicsControlBlock gcb;
        if (g->extension_to_gcb(ext[0], ext + 1, &gcb) == GIF_OK)
          transparent = gcb.TransparentColor;
      }
      while (ext)
        if (g->get_extension_next(gif.get(), &ext) == GIF_ERROR) return fail();
    } else if (type == TERMINATE_RECORD_TYPE) {
      out.problem = "no image in the GIF";
      return out;
    }
  } while (type != IMAGE_DESC_RECORD_TYPE);
  if (g->get_image_desc(gif.get()) == GIF_ERROR) return fail();
  const GifImageDesc& desc = gif->Image;
  const ColorMapObject* map = desc.ColorMap ? desc.ColorMap : gif->SColorMap;
  if (!map || desc.Width <= 0 || desc.Height <= 0 ||
      static_cast<double>(desc.Width) * desc.Height > static_cast<double>(max_pixels)) {
    out.problem = !map ? "GIF without a colour table" : "bad GIF frame size";
    return out;
  }
  // The frame is painted on the logical screen, transparent where it does not reach.
  Raster r;
  r.width = sw;
  r.height = sh;
  const size_t n = static_cast<size_t>(sw) * static_cast<size_t>(sh);
  if (keep) {
    r.pixels.assign(n * 3, 255);
    r.alpha.assign(n, 0);
  }
  std::vector<GifPixelType> line(static_cast<size_t>(desc.Width));
  auto put_row = [&](int y) {
    int ty = desc.Top + y;
    if (!keep || ty < 0 || ty >= sh) return;
    for (int x = 0; x < desc.Width; ++x) {
      int tx = desc.Left + x, idx = line[static_cast<size_t>(x)];
      if (tx < 0 || tx >= sw || idx == transparent || idx >= map->ColorCount) continue;
      size_t at = static_cast<size_t>(ty) * sw + tx;
      r.pixels[at * 3] = map->Colors[idx].Red;
      r.pixels[at * 3 + 1] = map->Colors[idx].Green;
      r.pixels[at * 3 + 2] = map->Colors[idx].Blue;
      r.alpha[at] = 255;
    }
  };
  if (desc.Interlace) {
    static constexpr int kStart[] = {0, 4, 2, 1}, kStep[] = {8, 8, 4, 2};
    for (int pass = 0; pass < 4; ++pass)
      for (int y = kStart[pass]; y < desc.Height; y += kStep[pass]) {
        if (g->get_line(gif.get(), line.data(), desc.Width) == GIF_ERROR) return fail();
        put_row(y);
      }
  } else {
    for (int y = 0; y < desc.Height; ++y) {
      if (g->get_line(gif.get(), line.data(), desc.Width) == GIF_ERROR) return fail();
      put_row(y);
    }
  }
  if (!keep) return out;
  if (std::all_of(r.alpha.begin(), r.alpha.end(), [](uint8_t a) { return a == 255; }))
    r.alpha.clear();
  out.raster = std::move(r);
  return out;
}

// ---- WebP (libwebp; an animation gives its first frame).

struct AnimDecoderDeleter {
  const detail::WebpApi* w;
  void operator()(WebPAnimDecoder* d) const { w->anim_delete(d); }
};

Decoded decode_webp(std::string_view d, int64_t max_pixels, bool keep) {
  Decoded out;
  const detail::WebpApi* w = detail::webp_api(out.problem);
  if (!w) return out;
  const auto* bytes = reinterpret_cast<const uint8_t*>(d.data());
  WebPBitstreamFeatures f;
  if (w->get_features(bytes, d.size(), &f) != VP8_STATUS_OK) {
    out.problem = "unreadable WebP header";
    return out;
  }
  if (static_cast<double>(f.width) * f.height > static_cast<double>(max_pixels)) {
    out.problem = too_many(f.width, f.height, max_pixels);
    return out;
  }
  Raster r;
  r.width = f.width;
  r.height = f.height;
  r.space = ColorSpace::Rgb;
  const size_t n = static_cast<size_t>(f.width) * static_cast<size_t>(f.height);
  if (f.has_animation) {
    WebPData data{bytes, d.size()};
    WebPAnimDecoderOptions opt;
    w->anim_options_init_internal(&opt, WEBP_DEMUX_ABI_VERSION);  // WebPAnimDecoderOptionsInit
    opt.color_mode = MODE_RGBA;
    std::unique_ptr<WebPAnimDecoder, AnimDecoderDeleter> dec(
        w->anim_new_internal(&data, &opt, WEBP_DEMUX_ABI_VERSION),  // WebPAnimDecoderNew
        AnimDecoderDeleter{w});
    uint8_t* frame = nullptr;
    int timestamp = 0;
    if (!dec || !w->anim_get_next(dec.get(), &frame, &timestamp)) {
      out.problem = "damaged animated WebP";
      return out;
    }
    if (!keep) return out;
    r.pixels.assign(frame, frame + n * 4);
  } else {
    r.pixels.resize(n * (f.has_alpha ? 4 : 3));
    const int stride = f.width * (f.has_alpha ? 4 : 3);
    uint8_t* ok =
        f.has_alpha ? w->decode_rgba_into(bytes, d.size(), r.pixels.data(), r.pixels.size(), stride)
                    : w->decode_rgb_into(bytes, d.size(), r.pixels.data(), r.pixels.size(), stride);
    if (!ok) {
      out.problem = "damaged WebP data";
      return out;
    }
    if (!keep) return out;
  }
  if (r.pixels.size() == n * 4) split_alpha(r, 4);
  out.raster = std::move(r);
  return out;
}

}  // namespace

Decoded decode(std::string_view bytes, int64_t max_pixels, bool keep) {
  switch (sniff(bytes)) {
    case Format::Png: return decode_png(bytes, max_pixels, keep);
    case Format::Jpeg: return decode_jpeg(bytes, max_pixels, keep);
    case Format::Gif: return decode_gif(bytes, max_pixels, keep);
    case Format::Webp: return decode_webp(bytes, max_pixels, keep);
    case Format::Svg:
    case Format::Unknown: break;
  }
  return {std::nullopt, "not a raster image"};
}

}  // namespace moyin::image
