#include "cli/sheet.h"

#include "svg/svg.h"
#include "typeset/numbering.h"

namespace moyin::cli {

style::Sheet sheet_for(const Environment& env, const StyleArgs& args, const doc::Metadata& meta,
                       const std::filesystem::path& doc_dir, doc::Diagnostics& diags) {
  style::Layers layers;
  layers.styles_dir = env.styles_dir;
  layers.parsed = env.parsed_sheets.get();
  layers.front_matter = meta.style;
  layers.document_dir = doc_dir;
  if (!args.style.empty()) {
    // A path (or a file name with a YAML extension) is a file; a bare word names a shipped sheet.
    const std::string ext = std::filesystem::path(args.style).extension().string();
    const bool is_file =
        args.style.find('/') != std::string::npos || ext == ".yaml" || ext == ".yml";
    if (is_file) layers.files.push_back(args.style);
    else layers.base = args.style;
  }
  // Front matter `fonts: { body: …, heading: …, code: … }` names faces for
  // this document: layered like --set, below the command line's own.
  for (const auto& [key, value] : meta.extra) {
    if (key != "fonts" || value.kind != doc::MetaValue::Kind::Map) continue;
    for (const auto& [role, name] : value.entries)
      if (name.kind == doc::MetaValue::Kind::Scalar)
        layers.settings.push_back("fonts." + role + "=" + name.scalar);
  }
  layers.settings.insert(layers.settings.end(), args.sets.begin(), args.sets.end());
  return style::resolve(layers, diags);
}

void number_all(std::span<doc::Document> docs, const style::Sheet& sheet, doc::Diagnostics& diags) {
  // With numbering.equation typeset numbers the formulas with the headings
  // and figures, and math fills the \eqref links after; without, math
  // numbers \tag'ged and labelled formulas first, for the cross-references.
  const bool by_template = !sheet.numbering.equation.empty();
  if (!by_template) math::number_equations(docs, math::Numbering::None, diags);
  typeset::number_blocks(docs, sheet, diags);
  if (by_template) math::number_equations(docs, math::Numbering::Given, diags);
}

void prepare_math(const Environment& env, doc::Document& d, const style::Sheet& sheet,
                  math::Formulas& formulas, doc::Diagnostics& diags) {
  const math::Collected mine = math::collect(std::span(&d, 1));
  std::string error;
  math::Converted converted;
  if (!mine.empty() && !math::convert(env.math, std::span(&mine, 1), converted, error))
    diags.error(d.path, {}, "math: " + error + "; formulas print as their TeX source");
  if (auto it = converted.by_preamble.find(mine.preamble); it != converted.by_preamble.end())
    formulas = std::move(it->second);
  math::drop_definitions(std::span(&d, 1), formulas);
  number_all(std::span(&d, 1), sheet, diags);
  math::report(d, formulas, diags);
}

highlight::DataDirs highlight_dirs(const Environment& env) {
  highlight::DataDirs dirs;
  dirs.moyin = env.styles_dir / "highlight";
  dirs.library =
      env.highlight_data_dir.empty() ? highlight::library_data_dir() : env.highlight_data_dir;
  dirs.engine = env.highlight_engine;
  return dirs;
}

image::CatalogOptions catalog_options(const style::Sheet& sheet, const std::filesystem::path& root,
                                      bool keep_pixels) {
  image::CatalogOptions o;
  o.limits.max_pixels = int64_t{sheet.image.max_megapixels} * 1'000'000;
  o.boundary = root.empty() ? std::filesystem::path(".") : root;
  o.keep_pixels = keep_pixels;
  o.svg_problem = [](std::string_view bytes, const image::Limits& limits) {
    const svg::Result r = svg::parse(bytes, svg::limits_for(limits.max_pixels));
    if (r.drawing) return image::SvgVerdict{};
    if (r.line <= 0) return image::SvgVerdict{r.error, r.over_budget};
    return image::SvgVerdict{
        r.error + " at line " + std::to_string(r.line) + ", column " + std::to_string(r.column),
        r.over_budget};
  };
  return o;
}

}  // namespace moyin::cli
