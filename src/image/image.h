// Image files as bytes: which format they really are (sniffed, never taken
// from the file name), their size read from the header alone, and pixels
// decoded under a pixel limit checked before any buffer is allocated.
// libpng, libjpeg, giflib and libwebp are included only in src/image.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moyin::image {

enum class Format { Unknown, Png, Jpeg, Gif, Webp, Svg };

// "image/png", …; "" for Unknown.
std::string_view media_type(Format f);
// "PNG", "JPEG", …; "unknown".
std::string_view format_name(Format f);
// The format the bytes are in (magic numbers; SVG: XML text whose root is <svg>).
Format sniff(std::string_view bytes);

// What the header says, read without decoding. Rasters give pixels; SVG
// gives CSS px from width/height (or the viewBox).
struct Header {
  Format format = Format::Unknown;
  double width = 0;
  double height = 0;
  int components = 0;     // JPEG: 1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK; PNG: channels
  int bit_depth = 0;      // PNG: 1, 2, 4, 8 or 16
  bool animated = false;  // GIF/WebP with more frames (the first one prints)
  std::string problem;    // why the header cannot be used; "" when it can
};
Header read_header(std::string_view bytes);

// The size an SVG has on its own, in CSS px, from its root element's
// `width`, `height` and `viewBox` attributes as written ("" when absent):
// absolute lengths, else the viewBox (keeping its proportions when only one
// side is given), else 300 × 150 as browsers do. The one place this rule
// lives: the catalog's header reader and src/svg's parser both use it.
std::pair<double, double> svg_intrinsic_size(std::string_view width, std::string_view height,
                                             std::string_view view_box);
// Reads the root <svg> element's attributes from the bytes (without parsing
// the document) into svg_intrinsic_size; false when it is not SVG.
bool svg_size(std::string_view bytes, double& width, double& height);

// A PNG whose pixels a PDF can take as they are: its IDAT chunks' data
// joined (the zlib stream of the filtered rows), for an image with
// /FlateDecode and PNG predictors, the PNG's compression kept instead of
// decoding and compressing the pixels again. Only for what decode() would
// give unchanged: 8-bit grey or RGB, not interlaced, no transparency
// (tRNS), and no colour information the decoder applies (iCCP, sBIT, a
// gAMA other than sRGB's); nullopt otherwise (the file is not checked
// further: decode() says whether it is damaged).
struct PngStream {
  int width = 0;
  int height = 0;
  int colors = 0;    // 1 grey, 3 RGB
  std::string idat;  // the zlib stream
};
std::optional<PngStream> png_stream(std::string_view bytes);
// Why a PNG's chunks cannot be read: one claims more bytes than the file has
// left (libpng allocates what a chunk claims before reading it: 2 GB for a
// 99-byte file); "" when they can be, or when the bytes are not PNG.
std::string png_chunk_problem(std::string_view bytes);
// Whether png_stream would give a stream (nothing copied).
bool png_passes_through(std::string_view bytes);

enum class ColorSpace { Gray, Rgb, Cmyk };

// Decoded pixels: 8 bits per component, rows top to bottom without padding.
struct Raster {
  int width = 0;
  int height = 0;
  ColorSpace space = ColorSpace::Rgb;
  std::vector<uint8_t> pixels;  // width × height × components(space)
  std::vector<uint8_t> alpha;   // width × height, or empty when fully opaque
};
int components(ColorSpace s);

struct Decoded {
  std::optional<Raster> raster;  // empty when only checking or on a problem
  std::string problem;           // "" when the whole image decoded
};

// Decodes the first frame of a PNG, JPEG, GIF or WebP. Refuses more than
// `max_pixels` (from the header, before allocating). With keep = false the
// image is decoded completely (so damage is found) into a row-sized scratch
// buffer where the codec allows it, and no raster is returned.
Decoded decode(std::string_view bytes, int64_t max_pixels, bool keep = true);

}  // namespace moyin::image
