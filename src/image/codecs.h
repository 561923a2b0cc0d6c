// The JPEG, GIF and WebP decoders, loaded at run time (base::SharedLibrary
// by SONAME), not linked: most documents have no such image, and binding
// the four libraries cost every start about 0.9 million instructions
// (docs/performance.md). libpng stays linked (libharu needs it anyway).
// The libraries' own headers give the function types, so every call is
// checked by the compiler. Internal to src/image.
#pragma once

// jpeglib.h needs FILE and size_t declared before it.
#include <cstdio>

#include <gif_lib.h>
#include <jpeglib.h>
#include <webp/decode.h>
#include <webp/demux.h>

#include <string>

#include "base/shared_library.h"

namespace moyin::image::detail {

struct JpegApi {
  base::SharedLibrary lib{"libjpeg.so.62"};
  decltype(&jpeg_std_error) std_error = nullptr;
  decltype(&jpeg_CreateDecompress) create_decompress = nullptr;  // jpeg_create_decompress's
  decltype(&jpeg_destroy_decompress) destroy_decompress = nullptr;
  decltype(&jpeg_mem_src) mem_src = nullptr;
  decltype(&jpeg_read_header) read_header = nullptr;
  decltype(&jpeg_start_decompress) start_decompress = nullptr;
  decltype(&jpeg_read_scanlines) read_scanlines = nullptr;
  decltype(&jpeg_finish_decompress) finish_decompress = nullptr;
  bool ok = false;
  JpegApi();
};

struct GifApi {
  base::SharedLibrary lib{"libgif.so.7"};
  decltype(&DGifOpen) open = nullptr;
  decltype(&DGifCloseFile) close_file = nullptr;
  decltype(&GifErrorString) error_string = nullptr;
  decltype(&DGifGetRecordType) get_record_type = nullptr;
  decltype(&DGifGetExtension) get_extension = nullptr;
  decltype(&DGifGetExtensionNext) get_extension_next = nullptr;
  decltype(&DGifExtensionToGCB) extension_to_gcb = nullptr;
  decltype(&DGifGetImageDesc) get_image_desc = nullptr;
  decltype(&DGifGetLine) get_line = nullptr;
  bool ok = false;
  GifApi();
};

struct WebpApi {
  base::SharedLibrary lib{"libwebp.so.7"}, demux{"libwebpdemux.so.2"};
  decltype(&WebPGetFeaturesInternal) get_features_internal = nullptr;  // WebPGetFeatures's
  decltype(&WebPDecodeRGBInto) decode_rgb_into = nullptr;
  decltype(&WebPDecodeRGBAInto) decode_rgba_into = nullptr;
  decltype(&WebPAnimDecoderOptionsInitInternal) anim_options_init_internal = nullptr;
  decltype(&WebPAnimDecoderNewInternal) anim_new_internal = nullptr;
  decltype(&WebPAnimDecoderGetNext) anim_get_next = nullptr;
  decltype(&WebPAnimDecoderDelete) anim_delete = nullptr;
  bool ok = false;
  WebpApi();

  // WebPGetFeatures, which the header defines inline over the ABI version.
  VP8StatusCode get_features(const uint8_t* data, size_t size,
                             WebPBitstreamFeatures* features) const {
    return get_features_internal(data, size, features, WEBP_DECODER_ABI_VERSION);
  }
};

// Each loaded by its first caller (thread-safe) and kept for the process;
// null when the library or a function is missing, with `error` saying why.
const JpegApi* jpeg_api(std::string& error);
const GifApi* gif_api(std::string& error);
const WebpApi* webp_api(std::string& error);

}  // namespace moyin::image::detail
