// `moyin fonts`: the resolved font sets and their files;
// `moyin fonts --check FILE.md`: which face draws each character of a
// document with its style, and which characters no face can draw.
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/chars.h"
#include "base/utf8.h"
#include "cli/commands.h"
#include "cli/report.h"
#include "font/font.h"
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


// Which face draws which character, as the typesetter will choose them.
struct Checker {
  const font::FontLibrary& lib;
  const style::Sheet& sheet;
  doc::Diagnostics& diags;
  std::string lang;  // the document's, for the fallback faces
  font::MissingGlyphs missing;
  // (face id, synthetic bold) -> characters in order of first use.
  std::map<std::pair<int, bool>, std::vector<char32_t>> drawn;
  std::map<std::pair<int, bool>, std::vector<bool>> seen;  // bitmap per key, lazily sized
  std::vector<char32_t> all;
  std::vector<bool> all_seen;

  const font::FontSet* set_for(style::Role role) {
    const std::string& name = sheet.role(role).font;
    const font::FontSet* s = lib.find_set(name);
    return s ? s : &lib.sets().front();
  }

  void text(std::string_view t, style::Role role, bool bold, bool italic, doc::Position pos) {
    const font::FontSet& set = *set_for(role);
    bold = bold || sheet.role(role).bold;
    italic = italic || sheet.role(role).italic;
    std::vector<char32_t> cps;
    std::vector<doc::Position> where;  // of each character (best effort in code blocks)
    doc::Position at = pos;
    for (size_t i = 0; i < t.size();) {
      where.push_back(at);
      const size_t start = i;
      cps.push_back(base::next_code_point(t, i));
      if (cps.back() == '\n') {
        ++at.line;
        at.column = pos.column > 0 ? 1 : 0;
      } else if (at.column > 0) {
        at.column += static_cast<int>(i - start);
      }
    }
    for (size_t k = 0; k < cps.size(); ++k) {
      const char32_t cp = cps[k];
      if (base::draws_nothing(cp)) continue;
      // CJK-RULES §1: curly quotes next to Han come from the Han face.
      bool prefer_cjk = base::is_ambiguous_quote(cp) && ((k > 0 && base::is_cjk(cps[k - 1])) ||
                                         (k + 1 < cps.size() && base::is_cjk(cps[k + 1])));
      font::FaceChoice c = lib.select(set, cp, bold, italic, prefer_cjk);
      if (!c.covered) c = lib.fallback(cp, lang, bold, italic);
      if (cp >= all_seen.size()) all_seen.resize(cp + 1);
      if (!all_seen[cp]) {
        all_seen[cp] = true;
        all.push_back(cp);
      }
      if (!c.covered) {
        missing.note(cp, where[k]);
        continue;
      }
      auto key = std::make_pair(c.face_id, c.synthetic_bold);
      auto& bits = seen[key];
      if (cp >= bits.size()) bits.resize(cp + 1);
      if (!bits[cp]) {
        bits[cp] = true;
        drawn[key].push_back(cp);
      }
    }
  }

  void inlines(const std::vector<doc::Inline>& list, style::Role role, bool bold, bool italic) {
    for (const doc::Inline& in : list) {
      switch (in.kind) {
        case doc::InlineKind::Text: text(in.text, role, bold, italic, in.pos); break;
        case doc::InlineKind::Code: text(in.text, style::Role::Code, bold, italic, in.pos); break;
        case doc::InlineKind::Emphasis: inlines(in.children, role, bold, true); break;
        case doc::InlineKind::Strong: inlines(in.children, role, true, italic); break;
        case doc::InlineKind::Strike:
        case doc::InlineKind::Superscript:
        case doc::InlineKind::Subscript:
        case doc::InlineKind::Underline:
        case doc::InlineKind::Mark:
        case doc::InlineKind::Color:
        case doc::InlineKind::Link:
        case doc::InlineKind::Image: inlines(in.children, role, bold, italic); break;
        case doc::InlineKind::FootnoteRef:
          text(std::to_string(in.number), role, bold, italic, in.pos);
          break;
        case doc::InlineKind::Kbd: inlines(in.children, style::Role::Code, bold, italic); break;
        case doc::InlineKind::Ruby:
          inlines(in.children, role, bold, italic);
          text(in.text, role, bold, italic, in.pos);
          break;
        case doc::InlineKind::SoftBreak:
        case doc::InlineKind::LineBreak:
        case doc::InlineKind::RawHtml:
        case doc::InlineKind::Math: break;  // MathJax's own glyphs
      }
    }
  }

  void blocks(const std::vector<doc::Block>& list, style::Role role) {
    for (const doc::Block& b : list) {
      switch (b.kind) {
        case doc::BlockKind::Paragraph:
        case doc::BlockKind::Image: inlines(b.inlines, role, false, false); break;
        case doc::BlockKind::Heading: inlines(b.inlines, style::heading_role(b.level), false, false); break;
        case doc::BlockKind::Code: text(b.text, style::Role::Code, false, false, b.pos); break;
        case doc::BlockKind::Quote: blocks(b.children, style::Role::Quote); break;
        case doc::BlockKind::Callout: blocks(b.children, role); break;
        case doc::BlockKind::List:
        case doc::BlockKind::Item: blocks(b.children, role); break;
        case doc::BlockKind::FootnoteDef: blocks(b.children, style::Role::Footnote); break;
        case doc::BlockKind::Table:
          for (const doc::TableRow& row : b.rows)
            for (const doc::TableCell& cell : row.cells)
              inlines(cell.inlines, style::Role::Table, row.header, false);
          break;
        case doc::BlockKind::Rule:
        case doc::BlockKind::RawHtml:
        case doc::BlockKind::Math: break;
      }
    }
  }

  void document(const doc::Document& d) {
    const doc::Position top{1, 1};
    if (sheet.title_page.enabled || !sheet.running.header.center.empty()) {
      text(d.meta.title, style::Role::Title, false, false, top);
      for (const std::string& a : d.meta.authors) text(a, style::Role::Title, false, false, top);
      text(d.meta.title, style::Role::Header, false, false, top);
    }
    if (sheet.toc.enabled) text(typeset::toc_title(sheet, d.meta.lang), style::Role::H1, false, false, top);
    text("0123456789ivxlc", style::Role::Footer, false, false, top);  // page numbers
    blocks(d.blocks, style::Role::Body);
    blocks(d.footnotes, style::Role::Footnote);
  }
};

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
  const std::filesystem::path yaml =
      args.fonts_yaml.empty() ? font::default_fonts_yaml() : std::filesystem::path(args.fonts_yaml);
  auto lib = font::FontLibrary::load(yaml, diags);
  if (!lib) {
    print_diagnostics(diags);
    return 1;
  }

  if (args.check.empty()) {
    style::Sheet sheet = style::resolve(args.style.empty() ? "article" : args.style, args.sets, diags);
    print_diagnostics(diags);
    std::printf("font configuration: %s\n", yaml.string().c_str());
    list_sets(*lib, sheet);
    return diags.has_errors() ? 1 : 0;
  }

  auto document = source::read_file(args.check, diags);
  if (!document) {
    print_diagnostics(diags);
    return 1;
  }
  style::Layers layers;
  if (!args.style.empty()) layers.base = args.style;
  layers.front_matter = document->meta.style;
  layers.document_dir = std::filesystem::path(args.check).parent_path();
  layers.document_path = args.check;
  layers.settings = args.sets;
  style::Sheet sheet = style::resolve(layers, diags);

  for (int r = 0; r < style::kRoleCount; ++r) {
    if (!lib->find_set(sheet.roles[r].font))
      diags.warn(yaml.string(), {},
                 "style role `" + std::string(style::role_name(static_cast<style::Role>(r))) +
                     "` uses font set `" + sheet.roles[r].font +
                     "`, which is not defined here; using `" + lib->sets().front().name + "`");
  }
  Checker checker{*lib, sheet, diags, document->meta.lang};
  checker.document(*document);
  checker.missing.report(args.check, diags);
  print_diagnostics(diags);

  std::printf("%s: %zu distinct characters, style %s\n", args.check.c_str(), checker.all.size(),
              sheet.name.c_str());
  for (const auto& [key, cps] : checker.drawn) {
    std::printf("  %s%s: %zu\n", face_line(*lib, key.first).c_str(),
                key.second ? " (synthetic bold)" : "", cps.size());
    print_chars(cps);
  }
  if (checker.missing.empty()) {
    std::printf("every character is drawable\n");
    return diags.has_errors() ? 1 : 0;
  }
  std::printf("  no face: %zu\n", checker.missing.size());
  for (const auto& [cp, pos] : checker.missing.items()) {
    char code[16];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(cp));
    std::printf("    %s %s  first at %s:%d:%d\n", code, utf8(cp).c_str(), args.check.c_str(),
                pos.line, pos.column);
  }
  return 1;
}

}  // namespace

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
