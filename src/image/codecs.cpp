#include "image/codecs.h"

namespace moyin::image::detail {
namespace {

// The library's own error, else a generic one naming it.
template <class Api>
const Api* usable(const Api& api, const char* name, std::string& error) {
  if (api.ok) return &api;
  error = api.lib.error().empty() ? std::string(name) + " cannot be used" : api.lib.error();
  return nullptr;
}

}  // namespace

JpegApi::JpegApi() {
  ok = lib.resolve(std_error, "jpeg_std_error") &&
       lib.resolve(create_decompress, "jpeg_CreateDecompress") &&
       lib.resolve(destroy_decompress, "jpeg_destroy_decompress") &&
       lib.resolve(mem_src, "jpeg_mem_src") && lib.resolve(read_header, "jpeg_read_header") &&
       lib.resolve(start_decompress, "jpeg_start_decompress") &&
       lib.resolve(read_scanlines, "jpeg_read_scanlines") &&
       lib.resolve(finish_decompress, "jpeg_finish_decompress");
}

GifApi::GifApi() {
  ok = lib.resolve(open, "DGifOpen") && lib.resolve(close_file, "DGifCloseFile") &&
       lib.resolve(error_string, "GifErrorString") &&
       lib.resolve(get_record_type, "DGifGetRecordType") &&
       lib.resolve(get_extension, "DGifGetExtension") &&
       lib.resolve(get_extension_next, "DGifGetExtensionNext") &&
       lib.resolve(extension_to_gcb, "DGifExtensionToGCB") &&
       lib.resolve(get_image_desc, "DGifGetImageDesc") && lib.resolve(get_line, "DGifGetLine");
}

WebpApi::WebpApi() {
  ok = lib.resolve(get_features_internal, "WebPGetFeaturesInternal") &&
       lib.resolve(decode_rgb_into, "WebPDecodeRGBInto") &&
       lib.resolve(decode_rgba_into, "WebPDecodeRGBAInto") &&
       demux.resolve(anim_options_init_internal, "WebPAnimDecoderOptionsInitInternal") &&
       demux.resolve(anim_new_internal, "WebPAnimDecoderNewInternal") &&
       demux.resolve(anim_get_next, "WebPAnimDecoderGetNext") &&
       demux.resolve(anim_delete, "WebPAnimDecoderDelete");
}

const JpegApi* jpeg_api(std::string& error) {
  static const JpegApi loaded;
  return usable(loaded, "libjpeg", error);
}

const GifApi* gif_api(std::string& error) {
  static const GifApi loaded;
  return usable(loaded, "giflib", error);
}

const WebpApi* webp_api(std::string& error) {
  static const WebpApi loaded;
  const WebpApi* api = usable(loaded, "libwebp", error);
  if (!api && loaded.lib && !loaded.demux.error().empty()) error = loaded.demux.error();
  return api;
}

}  // namespace moyin::image::detail
