// `moyin fonts`: the resolved font sets and their files;
// `moyin fonts --check FILE.md`: which face draws each character of a
// document with its style, and which characters no face can draw.
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "base/chars.h"
#include "base/utf8.h"
#include "cli/commands.h"
#include "cli/coverage.h"
#include "cli/environment.h"
#include "cli/report.h"
#include "cli/sheet.h"
#include "font/font.h"
#include "layout/book.h"
#include "math/math.h"
#include "source/source.h"
#include "style/style.h"
#include "typeset/book.h"

namespace moyin::cli {

namespace {

struct FontsArgs {
  std::string check;
  std::string style;
  std::vector<std::string> sets;
  std::string fonts_yaml;
};

std::string face_line(const font::FontLibrary& lib, int id) {
  const font::FaceInfo& fi = font::info(lib.face(id));
  std::string s = fi.family + " " + fi.style + "  " + fi.path;
  if (fi.index != 0) s += " #" + std::to_string(fi.index);
  return s;
}

void list_sets(const font::FontLibrary& lib, const style::Sheet& sheet) {
  for (const font::FontSet& set : lib.sets()) {
    std::string roles;
    for (int r = 0; r < style::kRoleCount; ++r) {
      if (sheet.roles[r].font == set.name) {
        roles += roles.empty() ? "" : " ";
        roles += style::role_name(static_cast<style::Role>(r));
      }
    }
    std::printf("%s%s%s%s\n", set.name.c_str(), roles.empty() ? "" : "  (", roles.c_str(),
                roles.empty() ? "" : ")");
    for (const font::FontFamilyEntry& e : set.faces) {
      std::printf("  %s%s\n", e.name.c_str(), e.han ? "  [Han]" : "");
      auto variant = [&](const char* label, int id, const char* missing) {
        if (id >= 0) std::printf("    %-12s %s\n", label, face_line(lib, id).c_str());
        else std::printf("    %-12s %s\n", label, missing);
      };
      variant("regular", e.regular, "-");
      variant("bold", e.bold, "(synthetic bold)");
      variant("italic", e.italic, "(synthetic slant for Latin; Han upright)");
      variant("bold-italic", e.bold_italic, "(synthesised)");
    }
  }
  // Roles whose set is not in fonts.yaml.
  for (int r = 0; r < style::kRoleCount; ++r) {
    if (!lib.find_set(sheet.roles[r].font))
      std::printf("warning: role %s uses font set `%s`, which fonts.yaml does not define\n",
                  std::string(style::role_name(static_cast<style::Role>(r))).c_str(),
                  sheet.roles[r].font.c_str());
  }
}

// Which face draws which character: the document typeset exactly as `build`
// does (same sheet, named fonts, fallback and shaping), read off its pages.
struct FaceUse {
  // (library face id, synthetic bold) -> characters in order of first use.
  std::map<std::pair<int, bool>, std::vector<char32_t>> drawn;
  size_t distinct = 0;  // characters drawn by any face
};

int library_id(const font::FontLibrary& lib, const layout::FaceRef& ref) {
  for (int id = 0; id < lib.face_count(); ++id) {
    const font::FaceInfo& fi = font::info(lib.face(id));
    if (fi.path == ref.path && fi.index == ref.index) return id;
  }
  return -1;
}

FaceUse faces_used(const layout::Book& book, const font::FontLibrary& lib) {
  FaceUse use;
  std::set<std::pair<std::pair<int, bool>, char32_t>> seen;
  std::set<char32_t> all;
  for (const layout::Page& page : book.pages) {
    for (const layout::Item& item : page.items) {
      const auto* run = std::get_if<layout::GlyphRun>(&item);
      if (!run || run->face < 0 || static_cast<size_t>(run->face) >= book.faces.size()) continue;
      const int id = library_id(lib, book.faces[static_cast<size_t>(run->face)]);
      if (id < 0) continue;
      const auto key = std::make_pair(id, run->synthetic_bold);
      for (size_t i = 0; i < run->text.size();) {
        const char32_t cp = base::next_code_point(run->text, i);
        if (base::draws_nothing(cp)) continue;
        all.insert(cp);
        if (seen.insert({key, cp}).second) use.drawn[key].push_back(cp);
      }
    }
  }
  use.distinct = all.size();
  return use;
}

std::string utf8(char32_t cp) {
  std::string s;
  base::append_utf8(s, cp);
  return s;
}

void print_chars(const std::vector<char32_t>& cps) {
  std::string line = "    ";
  int n = 0;
  for (char32_t cp : cps) {
    if (cp == U' ') line += "␠";
    else line += utf8(cp);
    if (++n % 60 == 0) {
      std::printf("%s\n", line.c_str());
      line = "    ";
    }
  }
  if (line.size() > 4) std::printf("%s\n", line.c_str());
}

int run(const FontsArgs& args) {
  doc::Diagnostics diags;
  const Environment env = read_environment(diags);
  const std::filesystem::path yaml =
      args.fonts_yaml.empty() ? env.fonts_yaml : std::filesystem::path(args.fonts_yaml);
  auto lib = load_fonts(env, yaml, diags);
  if (!lib) {
    print_diagnostics(diags);
    return 1;
  }

  if (args.check.empty()) {
    style::Sheet sheet = style::resolve(args.style.empty() ? "article" : args.style, args.sets,
                                        env.styles_dir, diags);
    print_diagnostics(diags);
    std::printf("font configuration: %s\n", yaml.string().c_str());
    if (!env.font_cache.file.empty())
      std::printf("family lookups: %s (%s)\n",
                  lib->resolved_from_cache() ? "remembered" : "asked fontconfig",
                  env.font_cache.file.string().c_str());
    list_sets(*lib, sheet);
    return diags.has_errors() ? 1 : 0;
  }

  auto document = source::read_file(args.check, diags);
  if (!document) {
    print_diagnostics(diags);
    return 1;
  }
  style::Sheet sheet = sheet_for(env, StyleArgs{args.style, args.sets}, document->meta,
                                 std::filesystem::path(args.check).parent_path(), diags);
  for (int r = 0; r < style::kRoleCount; ++r) {
    if (!lib->find_set(sheet.roles[r].font))
      diags.warn(yaml.string(), {},
                 "style role `" + std::string(style::role_name(static_cast<style::Role>(r))) +
                     "` uses font set `" + sheet.roles[r].font +
                     "`, which is not defined here; using `" + lib->sets().front().name + "`");
  }
  math::Formulas formulas;
  prepare_math(env, *document, sheet, formulas, diags);
  // Figures keep their real size, so captions and text fall where `build` puts them.
  image::Catalog images(
      catalog_options(sheet, std::filesystem::path(args.check).parent_path(), false));
  const layout::Book book =
      typeset::typeset(*document, sheet, *lib, diags, {.formulas = &formulas, .images = &images});
  const FaceUse use = faces_used(book, *lib);
  std::vector<const doc::Diagnostic*> missing;
  for (const doc::Diagnostic& d : diags.items)
    if (d.kind == font::kMissingGlyphKind) missing.push_back(&d);
  print_diagnostics(diags);

  std::printf("%s: %zu distinct characters, style %s\n", args.check.c_str(),
              use.distinct + missing.size(), sheet.name.c_str());
  for (const auto& [key, cps] : use.drawn) {
    std::printf("  %s%s: %zu\n", face_line(*lib, key.first).c_str(),
                key.second ? " (synthetic bold)" : "", cps.size());
    print_chars(cps);
  }
  if (missing.empty()) {
    std::printf("every character is drawable\n");
    return diags.has_errors() ? 1 : 0;
  }
  std::printf("  no face: %zu (see the warnings above)\n", missing.size());
  return 1;
}

}  // namespace

void report_missing_glyphs(const doc::Document& d, const font::FontLibrary& lib,
                           const style::Sheet& sheet, doc::Diagnostics& diags) {
  // The typesetter's own choice of faces: typeset, keep only its
  // missing-glyph warnings (the rest is `moyin build`'s business).
  doc::Diagnostics all;
  typeset::typeset(d, sheet, lib, all);
  for (doc::Diagnostic& item : all.items)
    if (item.kind == font::kMissingGlyphKind) diags.items.push_back(std::move(item));
}

void add_fonts(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<FontsArgs>();
  auto* cmd = app.add_subcommand(
      "fonts", "List the font sets and their files, or check which faces draw a document");
  cmd->add_option("--check", args->check,
                  "Report which face draws each character of FILE.md, and which none can "
                  "(exit 1 then)");
  cmd->add_option("--style", args->style, "Style sheet name (styles/NAME.yaml) or file");
  cmd->add_option("--set", args->sets, "Override a style key: key=value")->allow_extra_args(false);
  cmd->add_option("--fonts", args->fonts_yaml,
                  "Font configuration (default: $MOYIN_HOME/fonts/fonts.yaml or the shipped one)");
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace moyin::cli
