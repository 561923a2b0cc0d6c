// Helpers for the PDF tests: shaped runs built by hand, external tools.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "font/font.h"
#include "layout/book.h"

namespace moyin::pdf::testing {

// In qpdf's JSON (`qpdf --json=2`, the "obj:…" map `objects`): the value
// behind an indirect reference ("12 0 R"; a stream's dictionary), else `v`.
inline const nlohmann::json& qpdf_resolve(const nlohmann::json& objects, const nlohmann::json& v) {
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s.size() > 2 && s.ends_with(" R")) {
      auto it = objects.find("obj:" + s);
      if (it != objects.end())
        return it->contains("value") ? (*it)["value"] : (*it)["stream"]["dict"];
    }
  }
  return v;
}

inline const char* kDejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
inline const char* kWenKai = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf";
inline const char* kMicroHei = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

// A run of `text` shaped with `face` (book face number `face_id`) at `size`
// pt, baseline starting at (x, y) in layout coordinates; `extra` pt added to
// every advance (justification).
inline layout::GlyphRun make_run(const font::Face& face, int face_id, const std::string& text,
                                 double size, double x, double y, double extra = 0) {
  layout::GlyphRun run;
  run.face = face_id;
  run.size = size;
  run.origin = {x, y};
  run.text = text;
  for (const auto& g : font::shape(face, text, "", "")) {
    layout::Glyph out;
    out.gid = g.gid;
    out.advance = g.x_advance * size + extra;
    out.x_offset = g.x_offset * size;
    out.y_offset = g.y_offset * size;
    out.cluster = g.cluster;
    run.glyphs.push_back(out);
  }
  return run;
}

inline double run_width(const layout::GlyphRun& run) {
  double w = 0;
  for (const auto& g : run.glyphs) w += g.advance;
  return w;
}

struct CommandResult {
  int status = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `command` through the shell, capturing stdout and stderr.
inline CommandResult run_command(const std::string& command, const std::filesystem::path& tmp) {
  CommandResult r;
  auto err_path = tmp / "stderr.txt";
  std::string full = command + " 2>'" + err_path.string() + "'";
  FILE* p = popen(full.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  r.status = pclose(p);
  std::ifstream e(err_path);
  std::stringstream ss;
  ss << e.rdbuf();
  r.err = ss.str();
  return r;
}

inline std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace moyin::pdf::testing

namespace moyin::pdf::testing {

// A minimal PNG encoder (stored deflate blocks) for test images: `depth` 8 or
// 16, `color_type` 2 (RGB) or 6 (RGBA); pixels are a gradient.
inline std::string make_png(int width, int height, int depth, int color_type) {
  auto crc32 = [](const std::string& data) {
    uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : data) {
      c ^= b;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
  };
  auto be32 = [](std::string& s, uint32_t v) {
    for (int sh = 24; sh >= 0; sh -= 8) s.push_back(static_cast<char>((v >> sh) & 0xFF));
  };
  auto chunk = [&](std::string& out, const char* type, const std::string& data) {
    be32(out, static_cast<uint32_t>(data.size()));
    std::string td = std::string(type, 4) + data;
    out += td;
    be32(out, crc32(td));
  };
  const int channels = color_type == 6 ? 4 : 3;
  const int bpp = channels * depth / 8;
  std::string raw;
  for (int y = 0; y < height; ++y) {
    raw.push_back(0);  // filter: none
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < bpp; ++c)
        raw.push_back(static_cast<char>((x * 7 + y * 13 + c * 40) & 0xFF));
  }
  // zlib stream of stored blocks.
  std::string z = "\x78\x01";
  for (size_t pos = 0; pos < raw.size() || pos == 0;) {
    size_t n = std::min<size_t>(65535, raw.size() - pos);
    bool last = pos + n >= raw.size();
    z.push_back(last ? 1 : 0);
    z.push_back(static_cast<char>(n & 0xFF));
    z.push_back(static_cast<char>(n >> 8));
    z.push_back(static_cast<char>(~n & 0xFF));
    z.push_back(static_cast<char>((~n >> 8) & 0xFF));
    z += raw.substr(pos, n);
    pos += n;
    if (last) break;
  }
  uint32_t a = 1, b = 0;
  for (unsigned char ch : raw) {
    a = (a + ch) % 65521;
    b = (b + a) % 65521;
  }
  be32(z, (b << 16) | a);
  std::string ihdr;
  be32(ihdr, static_cast<uint32_t>(width));
  be32(ihdr, static_cast<uint32_t>(height));
  ihdr.push_back(static_cast<char>(depth));
  ihdr.push_back(static_cast<char>(color_type));
  ihdr += std::string("\0\0\0", 3);
  std::string png = "\x89PNG\r\n\x1a\n";
  chunk(png, "IHDR", ihdr);
  chunk(png, "IDAT", z);
  chunk(png, "IEND", "");
  return png;
}

}  // namespace moyin::pdf::testing
