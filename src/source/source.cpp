#include "source/source.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "source/front_matter.h"
#include "source/hexo.h"
#include "source/hygiene.h"
#include "source/markdown.h"

namespace moyin::source {

namespace {

// Larger inputs are refused rather than risk exhausting memory downstream.
constexpr std::uintmax_t kMaxFileBytes = 64u << 20;

}  // namespace

std::optional<doc::Document> parse(std::string_view text, std::string_view path,
                                   doc::Diagnostics& diags) {
  std::optional<std::string> clean = clean_input(text, path, diags);
  if (!clean) return std::nullopt;

  doc::Document d;
  d.path = std::string(path);
  const FrontMatterSplit split = split_front_matter(*clean, path, diags);
  if (split.present && split.format == FrontMatterFormat::Toml) parse_toml_front_matter(split.yaml, path, d.meta, diags);
  // JSON is YAML: its members, braced again on their own first line so that
  // line is still the YAML reader's line 2.
  else if (split.present && split.format == FrontMatterFormat::Json)
    parse_front_matter("{" + std::string(split.yaml) + "}", path, d.meta, diags);
  else if (split.present) parse_front_matter(split.yaml, path, d.meta, diags);
  parse_markdown(expand_hexo_tags(split.body, split.body_line, path, diags), split.body_line, path, d, diags);

  if (d.meta.title.empty()) {
    for (const doc::Block& b : d.blocks) {
      if (b.kind == doc::BlockKind::Heading && b.level == 1) {
        d.meta.title = doc::plain_text(b.inlines);
        break;
      }
    }
  }
  if (d.meta.title.empty()) {
    d.meta.title = std::filesystem::path(std::string(path)).stem().string();
  }
  return d;
}

std::optional<doc::Document> read_file(const std::filesystem::path& path,
                                       doc::Diagnostics& diags) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    diags.error(name, {}, "is a directory, not a manuscript");
    return std::nullopt;
  }
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxFileBytes) {
    diags.error(name, {}, "file too large (" + std::to_string(size >> 20) + " MB; the limit is " +
                              std::to_string(kMaxFileBytes >> 20) + " MB)");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error(name, {}, std::string("cannot read file: ") + std::strerror(errno));
    return std::nullopt;
  }
  // Read in bounded chunks: file_size() fails for devices and pipes (a .md symlinked to
  // /dev/zero), so the size check above cannot be the only guard against endless input.
  std::string text;
  std::array<char, 1 << 16> chunk;
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) {
      diags.error(name, {}, "file too large (more than " + std::to_string(kMaxFileBytes >> 20) +
                                " MB)");
      return std::nullopt;
    }
  }
  if (in.bad()) {
    diags.error(name, {}, "cannot read file: read error");
    return std::nullopt;
  }
  return parse(text, name, diags);
}

}  // namespace moyin::source
