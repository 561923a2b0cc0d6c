// RFC 2397 `data:` URIs (an SVG's embedded pictures): the media type and the
// bytes, base64 or percent-encoded.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace moyin::base {

struct DataUri {
  std::string media_type;  // lower case, parameters dropped ("image/png"); "" when not given
  std::string bytes;
};

// The URI's content; nothing when it is not a `data:` URI or its base64 is
// broken. White space inside base64 is skipped (XML attributes wrap it).
std::optional<DataUri> parse_data_uri(std::string_view uri);

}  // namespace moyin::base
