#include "cli/dump.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/environment.h"
#include "cli/inputs.h"
#include "cli/report.h"
#include "cli/sheet.h"
#include "font/font.h"
#include "source/badges.h"
#include "source/source.h"
#include "typeset/book.h"
#include "typeset/lines_dump.h"
#include "typeset/pages_dump.h"

namespace moyin::cli {

namespace {

using Json = nlohmann::ordered_json;

const char* name_of(doc::InlineKind k) {
  switch (k) {
    case doc::InlineKind::Text: return "text";
    case doc::InlineKind::Code: return "code";
    case doc::InlineKind::Emphasis: return "emphasis";
    case doc::InlineKind::Strong: return "strong";
    case doc::InlineKind::Strike: return "strike";
    case doc::InlineKind::Link: return "link";
    case doc::InlineKind::Image: return "image";
    case doc::InlineKind::SoftBreak: return "softbreak";
    case doc::InlineKind::LineBreak: return "linebreak";
    case doc::InlineKind::FootnoteRef: return "footnote_ref";
    case doc::InlineKind::RawHtml: return "raw_html";
    case doc::InlineKind::Math: return "math";
    case doc::InlineKind::Superscript: return "superscript";
    case doc::InlineKind::Subscript: return "subscript";
    case doc::InlineKind::Underline: return "underline";
    case doc::InlineKind::Mark: return "mark";
    case doc::InlineKind::Kbd: return "kbd";
    case doc::InlineKind::Color: return "color";
    case doc::InlineKind::Ruby: return "ruby";
  }
  return "?";
}

const char* name_of(doc::BlockKind k) {
  switch (k) {
    case doc::BlockKind::Paragraph: return "paragraph";
    case doc::BlockKind::Heading: return "heading";
    case doc::BlockKind::List: return "list";
    case doc::BlockKind::Item: return "item";
    case doc::BlockKind::Quote: return "quote";
    case doc::BlockKind::Code: return "code";
    case doc::BlockKind::Table: return "table";
    case doc::BlockKind::Rule: return "rule";
    case doc::BlockKind::Image: return "image";
    case doc::BlockKind::RawHtml: return "raw_html";
    case doc::BlockKind::FootnoteDef: return "footnote_def";
    case doc::BlockKind::Math: return "math";
    case doc::BlockKind::Callout: return "callout";
  }
  return "?";
}

const char* name_of(doc::Align a) {
  switch (a) {
    case doc::Align::None: return "none";
    case doc::Align::Left: return "left";
    case doc::Align::Center: return "center";
    case doc::Align::Right: return "right";
  }
  return "?";
}

void put_pos(Json& j, const doc::Position& p) {
  if (p.line > 0) j["pos"] = Json::array({p.line, p.column});
}

Json meta_value(const doc::MetaValue& v) {
  switch (v.kind) {
    case doc::MetaValue::Kind::Null: return nullptr;
    case doc::MetaValue::Kind::Scalar: return v.scalar;
    case doc::MetaValue::Kind::List: {
      Json a = Json::array();
      for (const doc::MetaValue& item : v.items) a.push_back(meta_value(item));
      return a;
    }
    case doc::MetaValue::Kind::Map: {
      Json o = Json::object();
      for (const auto& [key, value] : v.entries) o[key] = meta_value(value);
      return o;
    }
  }
  return nullptr;
}

Json inlines_json(const std::vector<doc::Inline>& inlines);

Json inline_json(const doc::Inline& in) {
  Json j;
  j["type"] = name_of(in.kind);
  put_pos(j, in.pos);
  if (!in.text.empty() || in.kind == doc::InlineKind::Text || in.kind == doc::InlineKind::Code) {
    j["text"] = in.text;
  }
  if (!in.url.empty() || in.kind == doc::InlineKind::Link || in.kind == doc::InlineKind::Image) {
    j["url"] = in.url;
  }
  if (!in.title.empty()) j["title"] = in.title;
  if (!in.width.empty()) j["width"] = in.width;
  if (!in.height.empty()) j["height"] = in.height;
  if (!in.caption.empty()) j["caption"] = in.caption;
  if (!in.id.empty()) j["id"] = in.id;
  if (!in.label.empty()) j["label"] = in.label;
  if (in.number != 0) j["number"] = in.number;
  if (in.autolink) j["autolink"] = true;
  if (in.no_page) j["nopage"] = true;
  if (in.display) j["display"] = true;
  if (!in.children.empty()) j["children"] = inlines_json(in.children);
  return j;
}

Json inlines_json(const std::vector<doc::Inline>& inlines) {
  Json a = Json::array();
  for (const doc::Inline& in : inlines) a.push_back(inline_json(in));
  return a;
}

Json block_json(const doc::Block& b) {
  Json j;
  j["type"] = name_of(b.kind);
  put_pos(j, b.pos);
  if (b.level != 0) j["level"] = b.level;
  if (!b.id.empty()) j["id"] = b.id;
  if (!b.label.empty()) j["label"] = b.label;
  if (b.number != 0) j["number"] = b.number;
  if (b.ordered) {
    j["ordered"] = true;
    j["start"] = b.start;
  }
  if (b.kind == doc::BlockKind::List && !b.tight) j["tight"] = false;
  if (b.task != doc::TaskState::None) {
    j["task"] = b.task == doc::TaskState::Checked ? "checked" : "unchecked";
  }
  if (!b.info.empty()) j["info"] = b.info;
  if (!b.equation.empty()) j["equation"] = b.equation;
  if (b.continues) j["continues"] = true;
  if (b.untitled) j["untitled"] = true;
  if (b.fold != doc::Fold::None) j["fold"] = b.fold == doc::Fold::Open ? "open" : "closed";
  if (b.auto_id) j["auto_id"] = true;
  if (b.unnumbered) j["unnumbered"] = true;
  if (!b.title.empty()) j["title"] = b.title;
  if (!b.attributes.empty()) {
    Json attrs = Json::array();
    for (const auto& [key, value] : b.attributes) attrs.push_back(Json::array({key, value}));
    j["attributes"] = std::move(attrs);
  }
  if (!b.text.empty() || b.kind == doc::BlockKind::Code) j["text"] = b.text;
  if (!b.aligns.empty()) {
    Json a = Json::array();
    for (doc::Align al : b.aligns) a.push_back(name_of(al));
    j["aligns"] = std::move(a);
  }
  if (!b.rows.empty()) {
    Json rows = Json::array();
    for (const doc::TableRow& r : b.rows) {
      Json row;
      if (r.header) row["header"] = true;
      Json cells = Json::array();
      for (const doc::TableCell& c : r.cells) {
        Json cell;
        put_pos(cell, c.pos);
        cell["inlines"] = inlines_json(c.inlines);
        cells.push_back(std::move(cell));
      }
      row["cells"] = std::move(cells);
      rows.push_back(std::move(row));
    }
    j["rows"] = std::move(rows);
  }
  if (!b.inlines.empty()) j["inlines"] = inlines_json(b.inlines);
  if (!b.children.empty()) {
    Json c = Json::array();
    for (const doc::Block& child : b.children) c.push_back(block_json(child));
    j["children"] = std::move(c);
  }
  return j;
}

Json blocks_json(const std::vector<doc::Block>& blocks) {
  Json a = Json::array();
  for (const doc::Block& b : blocks) a.push_back(block_json(b));
  return a;
}

// Like dump(2) but arrays of numbers (positions) stay on one line.
void write_json(const Json& j, int indent, std::string& out) {
  const std::string pad(static_cast<size_t>(indent) + 2, ' ');
  if (j.is_object()) {
    if (j.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& [key, value] : j.items()) {
      if (!first) out += ",\n";
      first = false;
      out += pad;
      out += Json(key).dump(-1, ' ', false, Json::error_handler_t::replace);
      out += ": ";
      write_json(value, indent + 2, out);
    }
    out += "\n" + std::string(static_cast<size_t>(indent), ' ') + "}";
  } else if (j.is_array()) {
    if (j.empty()) {
      out += "[]";
      return;
    }
    const bool numbers =
        std::all_of(j.begin(), j.end(), [](const Json& e) { return e.is_number(); });
    if (numbers) {
      out += "[";
      for (size_t i = 0; i < j.size(); ++i) {
        if (i) out += ", ";
        out += j[i].dump();
      }
      out += "]";
      return;
    }
    out += "[\n";
    for (size_t i = 0; i < j.size(); ++i) {
      if (i) out += ",\n";
      out += pad;
      write_json(j[i], indent + 2, out);
    }
    out += "\n" + std::string(static_cast<size_t>(indent), ' ') + "]";
  } else {
    out += j.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

// What the user asked of `moyin dump`.
struct DumpArgs {
  std::string file;
  StyleArgs style;                         // --style / --set, for the stages that typeset
  double measure = 0;                      // --measure (lines), 0 = the dump's default
  std::string fonts_yaml;                  // --fonts FILE, empty = the environment's fonts.yaml
  std::vector<std::string> resource_path;  // --resource-path (the lines' and pages' images)
  bool drop_badges = false;                // --drop-badges, as build's
};

std::filesystem::path fonts_yaml_of(const Environment& env, const DumpArgs& a) {
  return a.fonts_yaml.empty() ? env.fonts_yaml : std::filesystem::path(a.fonts_yaml);
}

// What one `--stage` prints.
struct DumpStage {
  std::string name;
  std::function<int(const DumpArgs&)> run;
};

// Writes a stage's text, or returns 1 when there is none.
int emit(const std::optional<std::string>& out) {
  if (!out) return 1;
  std::fwrite(out->data(), 1, out->size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

// The document as build sees it: parsed, then its code highlighted.
std::optional<doc::Document> read_highlighted(const Environment& env, const std::string& file,
                                              doc::Diagnostics& diags) {
  std::optional<doc::Document> d = source::read_file(file, diags);
  if (d) highlight::Highlighter(highlight_dirs(env)).annotate(*d, diags);
  return d;
}

int dump_doc_stage(const DumpArgs& a) {
  doc::Diagnostics diags;
  const Environment env = read_environment(diags);
  std::optional<doc::Document> d = read_highlighted(env, a.file, diags);
  print_diagnostics(diags);
  if (!d) return 1;
  if (a.drop_badges) source::drop_badges(*d);
  return emit(dump_doc_json(*d));
}

// What --stage lines and pages print of a document typeset as `build` sets
// it (the same sheet, formulas, fonts, hyphenation and image catalog).
using TypesetDump = std::function<std::optional<std::string>(
    const doc::Document&, const style::Sheet&, const font::FontLibrary&, doc::Diagnostics&,
    const typeset::Resources&)>;

int dump_typeset_stage(const DumpArgs& a, const TypesetDump& dump) {
  doc::Diagnostics diags;
  const Environment env = read_environment(diags);
  std::optional<doc::Document> d = read_highlighted(env, a.file, diags);
  std::optional<std::string> out;
  if (d) {
    const std::filesystem::path dir = std::filesystem::path(a.file).parent_path();
    style::Sheet sheet = sheet_for(env, a.style, d->meta, dir, diags);
    if (a.drop_badges || sheet.image.drop_badges) source::drop_badges(*d);
    math::Formulas formulas;
    prepare_math(env, *d, sheet, formulas, diags);
    std::optional<font::FontLibrary> fonts;
    if (!diags.has_errors()) fonts = load_fonts(env, fonts_yaml_of(env, a), diags);
    const std::optional<typeset::Hyphenator> hyphenator = load_hyphenator(env);
    // The images as build finds them: the document's folder, then --resource-path.
    image::CatalogOptions options = catalog_options(sheet, dir, true);
    options.resource_path.assign(a.resource_path.begin(), a.resource_path.end());
    image::Catalog images(options);
    const typeset::Resources resources{.formulas = &formulas,
                                       .images = &images,
                                       .hyphenator = hyphenator ? &*hyphenator : nullptr};
    if (fonts) out = dump(*d, sheet, *fonts, diags, resources);
  }
  print_diagnostics(diags);
  return emit(out);
}

int dump_pages_stage(const DumpArgs& a) {
  return dump_typeset_stage(
      a, [](const doc::Document& d, const style::Sheet& sheet, const font::FontLibrary& fonts,
            doc::Diagnostics& diags, const typeset::Resources& r) {
        return typeset::dump_pages(d, sheet, fonts, diags, r);
      });
}

// --stage lines: every paragraph's typeset lines (typeset/lines_dump.h),
// with the sheet's CJK options.
int dump_lines_stage(const DumpArgs& a) {
  return dump_typeset_stage(
      a, [&a](const doc::Document& d, const style::Sheet& sheet, const font::FontLibrary& fonts,
              doc::Diagnostics& diags, const typeset::Resources& r) {
        return std::optional(typeset::dump_lines(d, sheet, fonts, diags, a.measure, r));
      });
}

std::vector<DumpStage> dump_stages() {
  return {
      {"doc", dump_doc_stage},
      {"lines", dump_lines_stage},
      {"pages", dump_pages_stage},
  };
}

}  // namespace

Json doc_to_json(const doc::Document& d) {
  Json meta;
  const doc::Metadata& m = d.meta;
  meta["title"] = m.title;
  meta["date"] = m.date;
  meta["tags"] = m.tags;
  meta["categories"] = m.categories;
  meta["authors"] = m.authors;
  meta["description"] = m.description;
  meta["lang"] = m.lang;
  meta["id"] = m.id;
  meta["style"] = m.style;
  meta["cover"] = m.cover;
  // Publication data, only when given (older dumps stay as they were).
  for (const auto& [key, value] :
       {std::pair<const char*, const std::string*>{"back_cover", &m.back_cover},
        {"subtitle", &m.subtitle},
        {"publisher", &m.publisher},
        {"rights", &m.rights},
        {"isbn", &m.isbn},
        {"series", &m.series},
        {"edition", &m.edition}})
    if (!value->empty()) meta[key] = *value;
  meta["has_front_matter"] = m.has_front_matter;
  Json extra = Json::object();
  for (const auto& [key, value] : m.extra) extra[key] = meta_value(value);
  meta["extra"] = std::move(extra);

  Json j;
  j["path"] = d.path;
  j["meta"] = std::move(meta);
  j["blocks"] = blocks_json(d.blocks);
  j["footnotes"] = blocks_json(d.footnotes);
  return j;
}

std::string to_json_text(const Json& j) {
  std::string out;
  write_json(j, 0, out);
  out += '\n';
  return out;
}

std::string dump_doc_json(const doc::Document& d) { return to_json_text(doc_to_json(d)); }

void add_dump(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("dump", "Print what Moyin makes of a manuscript after one stage");
  auto args = std::make_shared<DumpArgs>();
  auto stage = std::make_shared<std::string>("doc");
  std::vector<std::string> names;
  for (const DumpStage& s : dump_stages()) names.push_back(s.name);
  cmd->add_option("FILE", args->file, "Markdown manuscript")->required();
  cmd->add_option(
         "--stage", *stage,
         "doc: the document tree as JSON; lines: every paragraph's lines; pages: the pages' items")
      ->check(CLI::IsMember(names))
      ->capture_default_str();
  cmd->add_option("--measure", args->measure,
                  "Type-area width in pt for --stage lines (default: the style sheet's)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--style", args->style.style, "Style sheet name (styles/NAME.yaml) or file");
  cmd->add_option("--set", args->style.sets, "Override a style key: key=value")
      ->allow_extra_args(false);
  cmd->add_option("--fonts", args->fonts_yaml,
                  "Font configuration (default: $MOYIN_HOME/fonts/fonts.yaml or the shipped one)");
  add_resource_path_option(cmd, args->resource_path);
  cmd->add_flag("--drop-badges", args->drop_badges,
                "Leave out paragraphs made only of status badges, as build --drop-badges does "
                "(the style key image.drop-badges applies to --stage lines and pages)");
  cmd->callback([args, stage, &exit_code] {
    if (is_book(args->file)) {  // not Markdown: dumped as text it would be nonsense
      std::fprintf(stderr,
                   "%s: error: dump reads one Markdown file; dump a chapter of the book "
                   "(moyin check and moyin build take a book.yaml)\n",
                   args->file.c_str());
      exit_code = 2;
      return;
    }
    for (const DumpStage& s : dump_stages()) {
      if (s.name == *stage) {
        exit_code = s.run(*args);
        return;
      }
    }
    exit_code = 2;
  });
}

}  // namespace moyin::cli
