#include "source/source.h"

#include <system_error>

#include "base/file.h"
#include "source/front_matter.h"
#include "source/hexo.h"
#include "source/hygiene.h"
#include "source/markdown.h"
#include "source/snippets.h"

namespace moyin::source {

std::optional<doc::Document> parse(std::string_view text, std::string_view path,
                                   doc::Diagnostics& diags,
                                   const std::filesystem::path& project_root) {
  std::optional<std::string> clean = clean_input(text, path, diags);
  if (!clean) return std::nullopt;

  doc::Document d;
  d.path = std::string(path);
  const FrontMatterSplit split = split_front_matter(*clean, path, diags);
  if (split.present && split.format == FrontMatterFormat::Toml)
    parse_toml_front_matter(split.yaml, path, d.meta, diags);
  // JSON is YAML: its members, braced again on their own first line so that
  // line is still the YAML reader's line 2.
  else if (split.present && split.format == FrontMatterFormat::Json)
    parse_front_matter("{" + std::string(split.yaml) + "}", path, d.meta, diags);
  else if (split.present) parse_front_matter(split.yaml, path, d.meta, diags);
  ExpandedSnippets snippets =
      expand_snippets(split.body, split.body_line, path, project_root, diags);
  d.includes = std::move(snippets.files);
  const size_t first_diag = diags.items.size();  // positions from here on are the expanded body's
  parse_markdown(expand_hexo_tags(snippets.body, split.body_line, path, diags), split.body_line,
                 path, d, diags);
  map_positions(d, snippets.origin, split.body_line, diags, first_diag);

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

std::optional<doc::Document> read_file(const std::filesystem::path& path, doc::Diagnostics& diags,
                                       base::Timings* timings,
                                       const std::filesystem::path& project_root) {
  base::StageTimer timer(timings, base::Stage::Read);
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    diags.error(name, {}, "is a directory, not a manuscript");
    return std::nullopt;
  }
  std::string error;
  const std::optional<std::string> text = base::read_bounded(path, error);
  if (!text) {
    diags.error(name, {}, error);
    return std::nullopt;
  }
  timer.stop();
  base::StageTimer parsing(timings, base::Stage::Parse);
  return parse(*text, name, diags, project_root);
}

}  // namespace moyin::source
