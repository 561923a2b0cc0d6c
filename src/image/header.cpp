// Sniffing and header reading: bounded walks over the first bytes, no
// allocation proportional to what the header claims.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <tuple>

#include "image/codecs.h"
#include "image/image.h"

namespace moyin::image {
namespace {

uint32_t be32(std::string_view d, size_t i) {
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(d[i + k])); };
  return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}
uint32_t be16(std::string_view d, size_t i) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(d[i])) << 8) |
         static_cast<unsigned char>(d[i + 1]);
}
uint32_t le16(std::string_view d, size_t i) {
  return static_cast<unsigned char>(d[i]) |
         (static_cast<uint32_t>(static_cast<unsigned char>(d[i + 1])) << 8);
}

Header png_header(std::string_view d) {
  Header h{.format = Format::Png};
  if (d.size() < 33 || d.substr(12, 4) != "IHDR") {
    h.problem = d.size() < 33 ? "truncated PNG header" : "no IHDR chunk";
    return h;
  }
  h.width = be32(d, 16);
  h.height = be32(d, 20);
  h.bit_depth = static_cast<unsigned char>(d[24]);
  switch (static_cast<unsigned char>(d[25])) {
    case 0: h.components = 1; break;
    case 2: h.components = 3; break;
    case 3: h.components = 3; break;  // palette
    case 4: h.components = 2; break;
    case 6: h.components = 4; break;
    default: h.problem = "unknown PNG colour type";
  }
  return h;
}

// Walks the JPEG segments to the first frame header (SOFn).
Header jpeg_header(std::string_view d) {
  Header h{.format = Format::Jpeg};
  size_t i = 2;
  while (i + 4 <= d.size()) {
    if (static_cast<unsigned char>(d[i]) != 0xFF) break;
    unsigned marker = static_cast<unsigned char>(d[i + 1]);
    if (marker == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      i += 2;
      continue;
    }
    size_t len = be16(d, i + 2);
    if (len < 2) break;
    bool sof =
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (i + 10 > d.size()) break;
      h.height = be16(d, i + 5);
      h.width = be16(d, i + 7);
      h.components = static_cast<unsigned char>(d[i + 9]);
      h.bit_depth = static_cast<unsigned char>(d[i + 4]);
      return h;
    }
    if (marker == 0xDA || marker == 0xD9) break;  // scan data before any frame header
    i += 2 + len;
  }
  h.problem = "no readable JPEG frame header";
  return h;
}

Header gif_header(std::string_view d) {
  Header h{.format = Format::Gif, .components = 3, .bit_depth = 8};
  if (d.size() < 13) {
    h.problem = "truncated GIF header";
    return h;
  }
  h.width = le16(d, 6);
  h.height = le16(d, 8);
  return h;
}

Header webp_header(std::string_view d) {
  Header h{.format = Format::Webp, .bit_depth = 8};
  const detail::WebpApi* w = detail::webp_api(h.problem);
  if (!w) return h;
  WebPBitstreamFeatures f;
  if (w->get_features(reinterpret_cast<const uint8_t*>(d.data()), d.size(), &f) != VP8_STATUS_OK) {
    h.problem = "unreadable WebP header";
    return h;
  }
  h.width = f.width;
  h.height = f.height;
  h.components = f.has_alpha ? 4 : 3;
  h.animated = f.has_animation != 0;
  return h;
}

bool svg_root(std::string_view head) {
  for (char c : head)
    if (c == '\0') return false;
  size_t i = 0;
  // Skip the XML declaration, comments, processing instructions and a doctype.
  while (i < head.size()) {
    size_t lt = head.find('<', i);
    if (lt == std::string_view::npos) return false;
    std::string_view rest = head.substr(lt);
    if (rest.starts_with("<?") || rest.starts_with("<!--") || rest.starts_with("<!")) {
      size_t end = rest.starts_with("<!--") ? head.find("-->", lt) : head.find('>', lt);
      if (end == std::string_view::npos) return false;
      i = end + 1;
      continue;
    }
    return rest.starts_with("<svg") && rest.size() > 4 &&
           (rest[4] == ' ' || rest[4] == '>' || rest[4] == '\n' || rest[4] == '\t' ||
            rest[4] == '\r' || rest[4] == '/');
  }
  return false;
}

// The value of attribute `name` in the root element text, or nothing.
std::optional<std::string_view> attribute(std::string_view tag, std::string_view name) {
  size_t i = 0;
  while ((i = tag.find(name, i)) != std::string_view::npos) {
    bool starts = i > 0 && (tag[i - 1] == ' ' || tag[i - 1] == '\n' || tag[i - 1] == '\t' ||
                            tag[i - 1] == '\r');
    size_t j = i + name.size();
    while (j < tag.size() && (tag[j] == ' ' || tag[j] == '\n' || tag[j] == '\t')) ++j;
    if (starts && j < tag.size() && tag[j] == '=') {
      ++j;
      while (j < tag.size() && (tag[j] == ' ' || tag[j] == '\n' || tag[j] == '\t')) ++j;
      if (j < tag.size() && (tag[j] == '"' || tag[j] == '\'')) {
        size_t end = tag.find(tag[j], j + 1);
        if (end != std::string_view::npos) return tag.substr(j + 1, end - j - 1);
      }
      return std::nullopt;
    }
    i = j;
  }
  return std::nullopt;
}

// A length of the root element in CSS px (96 per inch); nothing for a
// percentage, "auto" or junk.
std::optional<double> svg_length(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '\n'))
    v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\n'))
    v.remove_suffix(1);
  double x = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), x);
  if (r.ec != std::errc() || !std::isfinite(x) || x <= 0) return std::nullopt;
  std::string_view unit(r.ptr, static_cast<size_t>(v.data() + v.size() - r.ptr));
  if (unit.empty() || unit == "px") return x;
  if (unit == "pt") return x * 96 / 72;
  if (unit == "pc") return x * 16;
  if (unit == "in") return x * 96;
  if (unit == "cm") return x * 96 / 2.54;
  if (unit == "mm") return x * 96 / 25.4;
  if (unit == "em") return x * 16;
  if (unit == "ex") return x * 8;
  return std::nullopt;
}

// viewBox="min-x min-y width height" (commas allowed): its width and height,
// when both are > 0.
std::optional<std::pair<double, double>> viewbox_size(std::string_view v) {
  double n[4];
  const char* p = v.data();
  const char* end = v.data() + v.size();
  for (double& x : n) {
    while (p < end && (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
    auto [q, ec] = std::from_chars(p, end, x);
    if (ec != std::errc() || !std::isfinite(x)) return std::nullopt;
    p = q;
  }
  if (n[2] <= 0 || n[3] <= 0) return std::nullopt;
  return std::make_pair(n[2], n[3]);
}

}  // namespace

std::string_view media_type(Format f) {
  switch (f) {
    case Format::Png: return "image/png";
    case Format::Jpeg: return "image/jpeg";
    case Format::Gif: return "image/gif";
    case Format::Webp: return "image/webp";
    case Format::Svg: return "image/svg+xml";
    case Format::Unknown: break;
  }
  return "";
}

std::string_view format_name(Format f) {
  switch (f) {
    case Format::Png: return "PNG";
    case Format::Jpeg: return "JPEG";
    case Format::Gif: return "GIF";
    case Format::Webp: return "WebP";
    case Format::Svg: return "SVG";
    case Format::Unknown: break;
  }
  return "unknown";
}

int components(ColorSpace s) { return s == ColorSpace::Gray ? 1 : s == ColorSpace::Rgb ? 3 : 4; }

Format sniff(std::string_view d) {
  if (d.starts_with("\x89PNG\r\n\x1a\n")) return Format::Png;
  if (d.starts_with("\xFF\xD8\xFF")) return Format::Jpeg;
  if (d.starts_with("GIF87a") || d.starts_with("GIF89a")) return Format::Gif;
  if (d.size() >= 12 && d.starts_with("RIFF") && d.substr(8, 4) == "WEBP") return Format::Webp;
  std::string_view head = d.substr(0, 4096);
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  if (svg_root(head)) return Format::Svg;
  return Format::Unknown;
}

std::pair<double, double> svg_intrinsic_size(std::string_view width, std::string_view height,
                                             std::string_view view_box) {
  std::optional<double> w = svg_length(width), h = svg_length(height);
  if (auto vb = viewbox_size(view_box)) {
    // One given side keeps the viewBox's proportions; none gives the viewBox in px.
    const double ratio = vb->second / vb->first;
    if (w && !h) h = *w * ratio;
    if (h && !w) w = *h / ratio;
    if (!w) w = vb->first;
    if (!h) h = vb->second;
  }
  return {w.value_or(300), h.value_or(150)};
}

bool svg_size(std::string_view d, double& width, double& height) {
  if (sniff(d) != Format::Svg) return false;
  size_t start = d.find("<svg");
  size_t end = d.find('>', start);
  if (end == std::string_view::npos) return false;
  std::string_view tag = d.substr(start, end - start);
  std::tie(width, height) = svg_intrinsic_size(attribute(tag, "width").value_or(""),
                                               attribute(tag, "height").value_or(""),
                                               attribute(tag, "viewBox").value_or(""));
  return true;
}

Header read_header(std::string_view d) {
  Header h;
  switch (sniff(d)) {
    case Format::Png: h = png_header(d); break;
    case Format::Jpeg: h = jpeg_header(d); break;
    case Format::Gif: h = gif_header(d); break;
    case Format::Webp: h = webp_header(d); break;
    case Format::Svg:
      h.format = Format::Svg;
      if (!svg_size(d, h.width, h.height)) h.problem = "unreadable <svg> element";
      return h;
    case Format::Unknown: h.problem = "not an image"; return h;
  }
  if (h.problem.empty() && (h.width <= 0 || h.height <= 0)) h.problem = "0×0 pixels";
  return h;
}

namespace {

// The walk of png_stream over the chunks; the IDAT chunks' data is joined
// into `out.idat` only when `join`.
std::optional<PngStream> walk_png(std::string_view d, bool join) {
  constexpr std::string_view kSignature("\x89PNG\r\n\x1a\n", 8);
  if (d.substr(0, 8) != kSignature) return std::nullopt;
  PngStream out;
  bool header = false, idat_ended = false, idat = false;
  for (size_t at = 8; at + 12 <= d.size();) {
    const uint32_t length = be32(d, at);
    const std::string_view type = d.substr(at + 4, 4);
    if (length > d.size() - at - 12) return std::nullopt;
    const std::string_view data = d.substr(at + 8, length);
    at += 12 + static_cast<size_t>(length);
    if (!header) {  // IHDR: 8-bit, grey (0) or RGB (2), deflate, adaptive filters, not interlaced
      if (type != "IHDR" || length != 13 || data[8] != 8 || (data[9] != 0 && data[9] != 2) ||
          data[10] != 0 || data[11] != 0 || data[12] != 0)
        return std::nullopt;
      out.width = static_cast<int>(std::min<uint32_t>(be32(data, 0), INT32_MAX));
      out.height = static_cast<int>(std::min<uint32_t>(be32(data, 4), INT32_MAX));
      out.colors = data[9] == 0 ? 1 : 3;
      header = true;
    } else if (type == "IDAT") {
      if (idat_ended) return std::nullopt;  // IDAT chunks must follow one another
      idat |= !data.empty();
      if (join) out.idat.append(data);
    } else if (type == "IEND") {
      if (!idat || out.width <= 0 || out.height <= 0) return std::nullopt;
      return out;
    } else {
      if (idat) idat_ended = true;
      // What the decoder ignores for such a file: gAMA only as sRGB's
      // (1/2.2, which libpng leaves as it is), chromaticities, the rest
      // text and bookkeeping. Anything else (PLTE, tRNS, iCCP, sBIT, an
      // animation) is decoded.
      const bool srgb_gamma =
          type == "gAMA" && length == 4 && be32(data, 0) >= 45445 && be32(data, 0) <= 45465;
      if (!srgb_gamma && type != "sRGB" && type != "cHRM" && type != "pHYs" && type != "tEXt" &&
          type != "zTXt" && type != "iTXt" && type != "tIME" && type != "bKGD")
        return std::nullopt;
    }
  }
  return std::nullopt;  // no IEND
}

}  // namespace

std::string png_chunk_problem(std::string_view d) {
  constexpr std::string_view kSignature("\x89PNG\r\n\x1a\n", 8);
  if (d.substr(0, 8) != kSignature) return "";
  for (size_t at = 8; at + 8 <= d.size();) {
    const uint32_t length = be32(d, at);
    const std::string_view type = d.substr(at + 4, 4);
    if (length > d.size() - at - 8)
      return "damaged PNG: its chunk at byte " + std::to_string(at) + " claims " +
             std::to_string(length) + " bytes, and the file has " +
             std::to_string(d.size() - at - 8) + " left";
    if (type == "IEND") break;
    at += 12 + static_cast<size_t>(length);
  }
  return "";
}

std::optional<PngStream> png_stream(std::string_view bytes) { return walk_png(bytes, true); }

bool png_passes_through(std::string_view bytes) { return walk_png(bytes, false).has_value(); }

}  // namespace moyin::image
