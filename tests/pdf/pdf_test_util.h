// Helpers for the PDF tests: shaped runs built by hand, external tools.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "font/font.h"
#include "layout/book.h"

namespace moyin::pdf::testing {

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
