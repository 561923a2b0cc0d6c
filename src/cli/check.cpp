// `moyin check FILE|DIR|book.yaml...`: reads manuscripts (a book: its chapters,
// numbered and linked together as build does) and reports what a careful
// editor would, without writing anything: broken internal links, missing
// images, heading levels that skip, empty sections, characters no font
// draws, and the punctuation mistakes of Chinese writing. Each finding is
// `path:line:col: warning: … [rule-name]`.
#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "base/chars.h"
#include "base/file.h"
#include "base/utf8.h"
#include "cli/commands.h"
#include "cli/coverage.h"
#include "cli/environment.h"
#include "cli/inputs.h"
#include "cli/report.h"
#include "cli/sheet.h"
#include "font/font.h"
#include "image/catalog.h"
#include "math/math.h"
#include "source/front_matter.h"
#include "source/source.h"
#include "typeset/numbering.h"

namespace moyin::cli {
namespace fs = std::filesystem;

namespace {

// Every rule, in the order `--help` lists them.
const std::array<std::string, 7> kRules = {"broken-link",
                                           "missing-image",
                                           "heading-skip",
                                           "empty-section",
                                           "no-font",
                                           "halfwidth-punct-in-chinese",
                                           "fullwidth-punct-in-english"};

struct CheckArgs {
  std::vector<std::string> paths;
  std::vector<std::string> disabled;
  bool strict = false;
  std::string style;
  std::vector<std::string> sets;
  std::string fonts_yaml;
  std::vector<std::string> resource_path;  // --resource-path: where site-root images are
};

struct Checker {
  const CheckArgs& args;
  const font::FontLibrary* fonts;
  std::string path;
  doc::Diagnostics& diags;
  // The documents checked together (normalised path → anchors): a link to
  // `chapter.md#id` is checked against that chapter's ids.
  const std::map<fs::path, std::set<std::string>>* chapters;

  bool enabled(std::string_view rule) const {
    return std::find(args.disabled.begin(), args.disabled.end(), rule) == args.disabled.end();
  }
  void flag(std::string_view rule, doc::Position pos, const std::string& message) {
    if (!enabled(rule)) return;
    diags.items.push_back({doc::Severity::Warning, path, pos,
                           message + " [" + std::string(rule) + "]", std::string(rule)});
  }

  // ---- Links and images.

  void ids(const std::vector<doc::Block>& blocks, std::set<std::string>& out) {
    for (const doc::Block& b : blocks) {
      if (!b.id.empty()) out.insert(b.id);
      ids(b.children, out);
    }
  }

  void link(const doc::Inline& in, const std::set<std::string>& anchors) {
    const std::string& url = in.url;
    if (url.empty() || in.autolink) return;
    if (url[0] == '#') {
      if (!anchors.contains(image::percent_decode(url.substr(1))))
        flag("broken-link", in.pos,
             "link to #" + url.substr(1) + ": no heading or anchor has this id");
      return;
    }
    if (url.find(':') != std::string::npos || url.starts_with("//") || url[0] == '/')
      return;  // other sites
    std::string file = url.substr(0, url.find_first_of("?#"));
    if (file.empty()) return;
    const fs::path target = fs::path(path).parent_path() / image::percent_decode(file);
    if (chapters) {  // into a chapter of the book (or the document itself): its ids
      const auto it = chapters->find(target.lexically_normal());
      const size_t hash = url.find('#');
      if (it != chapters->end()) {
        if (hash != std::string::npos &&
            !it->second.contains(image::percent_decode(url.substr(hash + 1))))
          flag("broken-link", in.pos,
               "link to " + url + ": no heading or anchor of that chapter has this id");
        return;
      }
    }
    std::error_code ec;
    if (!fs::exists(target, ec)) flag("broken-link", in.pos, "link to " + url + ": no such file");
  }

  void image_ref(const doc::Inline& in, image::Catalog& images) {
    const image::Entry e = images.resolve(in.url, path);
    if (e.problem == image::Problem::Missing || e.problem == image::Problem::Outside)
      flag("missing-image", in.pos, image::describe(e, in.url, images.limits()));
  }

  void inlines(const std::vector<doc::Inline>& list, const std::set<std::string>& anchors,
               image::Catalog& images) {
    for (const doc::Inline& in : list) {
      if (in.kind == doc::InlineKind::Link) link(in, anchors);
      if (in.kind == doc::InlineKind::Image) image_ref(in, images);
      inlines(in.children, anchors, images);
    }
  }

  void blocks(const std::vector<doc::Block>& list, const std::set<std::string>& anchors,
              image::Catalog& images) {
    for (const doc::Block& b : list) {
      inlines(b.inlines, anchors, images);
      for (const doc::TableRow& row : b.rows)
        for (const doc::TableCell& cell : row.cells) inlines(cell.inlines, anchors, images);
      blocks(b.children, anchors, images);
    }
  }

  // ---- Structure.

  void headings(const std::vector<doc::Block>& list) {
    int previous = 0;
    for (size_t i = 0; i < list.size(); ++i) {
      const doc::Block& b = list[i];
      if (b.kind != doc::BlockKind::Heading) continue;
      const std::string title = doc::plain_text(b.inlines);
      if (previous > 0 && b.level > previous + 1)
        flag("heading-skip", b.pos,
             "heading level " + std::to_string(b.level) + " after level " +
                 std::to_string(previous) + " (\"" + title + "\"): a level is skipped");
      previous = b.level;
      const bool last = i + 1 == list.size();
      if (last || (list[i + 1].kind == doc::BlockKind::Heading && list[i + 1].level <= b.level))
        flag("empty-section", b.pos, "section \"" + title + "\" is empty");
    }
  }

  // ---- Punctuation, on the source text (code, URLs and math left out).

  void punctuation(std::string_view body, int first_line) {
    std::pair<char, size_t> fence{0, 0};
    int line_no = first_line;
    for (size_t at = 0; at < body.size(); ++line_no) {
      size_t nl = body.find('\n', at);
      if (nl == std::string_view::npos) nl = body.size();
      const std::string_view line = body.substr(at, nl - at);
      at = nl + 1;
      const size_t indent = line.find_first_not_of(' ');
      if (indent != std::string_view::npos && indent < 4 &&
          (line[indent] == '`' || line[indent] == '~')) {
        size_t n = indent;
        while (n < line.size() && line[n] == line[indent]) ++n;
        if (n - indent >= 3) {
          if (!fence.first) fence = {line[indent], n - indent};
          else if (line[indent] == fence.first && n - indent >= fence.second) fence = {0, 0};
          continue;
        }
      }
      if (fence.first || line.starts_with("    ") || line.starts_with("\t")) continue;
      punctuation_line(line, line_no);
    }
  }

  void punctuation_line(std::string_view line, int line_no) {
    struct Cp {
      char32_t c;
      size_t byte;
    };
    std::vector<Cp> cps;
    for (size_t i = 0; i < line.size();) {
      const size_t start = i;
      cps.push_back({base::next_code_point(line, i), start});
    }
    auto skip_to = [&](size_t& k, char32_t close) {
      while (k + 1 < cps.size() && cps[k + 1].c != close) ++k;
      ++k;
    };
    for (size_t k = 0; k < cps.size(); ++k) {
      const char32_t c = cps[k].c;
      if (c == '`') {  // a code span
        size_t run = k;
        while (run < cps.size() && cps[run].c == '`') ++run;
        const size_t len = run - k;
        size_t j = run;
        for (; j + len <= cps.size(); ++j) {
          size_t m = 0;
          while (m < len && cps[j + m].c == '`') ++m;
          if (m == len) break;
        }
        k = j + len - 1;
        continue;
      }
      if (c == '$') {  // inline math
        skip_to(k, '$');
        continue;
      }
      if (c == ']' && k + 1 < cps.size() && cps[k + 1].c == '(') {  // a link destination
        ++k;
        skip_to(k, ')');
        continue;
      }
      if (c == '<') {  // HTML or an autolink
        skip_to(k, '>');
        continue;
      }
      if (c == 'h' && line.substr(cps[k].byte).starts_with("http")) {  // a bare URL
        while (k + 1 < cps.size() && cps[k + 1].c > ' ' && !base::is_cjk_text(cps[k + 1].c)) ++k;
        continue;
      }
      const doc::Position pos{line_no, static_cast<int>(cps[k].byte) + 1};
      const bool han_before = k > 0 && base::is_han(cps[k - 1].c);
      const bool han_after = k + 1 < cps.size() && base::is_han(cps[k + 1].c);
      if ((c == ',' || c == ':' || c == ';' || c == '(' || c == ')') && han_before && han_after) {
        const char* full = c == ','   ? "，"
                           : c == ':' ? "："
                           : c == ';' ? "；"
                           : c == '(' ? "（"
                                      : "）";
        flag("halfwidth-punct-in-chinese", pos,
             std::string("half-width '") + static_cast<char>(c) +
                 "' between Chinese characters; write '" + full + "'");
        continue;
      }
      static constexpr std::u32string_view kFull = U"，。：；（）！？、";
      if (kFull.find(c) != std::u32string_view::npos) {
        size_t before = k, after = k + 1;
        while (before > 0 && cps[before - 1].c == ' ') --before;
        while (after < cps.size() && cps[after].c == ' ') ++after;
        const bool latin_before = before > 0 && base::is_ascii_alnum(cps[before - 1].c) &&
                                  (before < 2 || !base::is_cjk_text(cps[before - 2].c));
        const bool latin_after = after < cps.size() && base::is_ascii_alnum(cps[after].c);
        if (latin_before && latin_after) {
          std::string ch;
          base::append_utf8(ch, c);
          flag("fullwidth-punct-in-english", pos, "full-width '" + ch + "' inside English text");
        }
      }
    }
  }
};

// The anchors (`#id` targets) of one document: its blocks' and notes' ids.
std::set<std::string> anchors_of(const doc::Document& d, Checker& c) {
  std::set<std::string> anchors;
  c.ids(d.blocks, anchors);
  c.ids(d.footnotes, anchors);
  return anchors;
}

// The findings of one manuscript, or of a book's chapters (`docs`, read and
// numbered together as `build` does: ids unique across chapters, cross-chapter
// references as `chapter.md#id`). `root` bounds the images (the document's or
// the book's folder).
doc::Diagnostics check_documents(std::span<doc::Document> docs, const style::Sheet& sheet,
                                 const fs::path& root, const CheckArgs& args,
                                 const font::FontLibrary* fonts) {
  doc::Diagnostics diags;
  // Numbers and cross-references as in build (its own warnings are build's business).
  doc::Diagnostics ignored;
  math::number_equations(docs, numbering(sheet), ignored);
  typeset::number_blocks(docs, sheet, ignored);
  std::map<fs::path, std::set<std::string>> chapters;  // a book's chapters and their anchors
  for (const doc::Document& d : docs) {
    Checker c{args, fonts, d.path, diags, nullptr};
    chapters.emplace(fs::path(d.path).lexically_normal(), anchors_of(d, c));
  }
  image::CatalogOptions options = catalog_options(sheet, root, false);
  options.resource_path.assign(args.resource_path.begin(), args.resource_path.end());
  image::Catalog images(options);
  for (const doc::Document& d : docs) {
    Checker c{args, fonts, d.path, diags, &chapters};
    const std::set<std::string>& anchors = chapters[fs::path(d.path).lexically_normal()];
    c.blocks(d.blocks, anchors, images);
    c.blocks(d.footnotes, anchors, images);
    c.headings(d.blocks);
    // Punctuation is read from the file itself, for exact columns.
    if (c.enabled("halfwidth-punct-in-chinese") || c.enabled("fullwidth-punct-in-english")) {
      std::string error;
      const std::string text = base::read_bounded(d.path, error).value_or(std::string());
      const source::FrontMatterSplit split = source::split_front_matter(text, d.path, ignored);
      c.punctuation(split.body, split.body_line);
    }
    if (fonts && c.enabled("no-font")) {
      doc::Diagnostics glyphs;
      report_missing_glyphs(d, *fonts, sheet, glyphs);
      for (doc::Diagnostic& g : glyphs.items)
        if (g.kind == font::kMissingGlyphKind) c.flag("no-font", g.pos, g.message);
    }
  }
  return diags;
}

// One input: a manuscript, or a book.yaml with its chapters.
// `documents` counts the manuscripts read.
doc::Diagnostics check_input(const Environment& env, const fs::path& file, const CheckArgs& args,
                             const font::FontLibrary* fonts, size_t& documents) {
  doc::Diagnostics diags;
  // The sheet's own problems are `build`'s business; check uses its values.
  doc::Diagnostics sheet_diags;
  const StyleArgs style{args.style, args.sets};
  if (is_book(file)) {
    std::optional<doc::Book> book = source::read_book(file, diags);
    if (!book) return diags;
    documents += book->chapters.size();
    const style::Sheet sheet = sheet_for(env, style, book->meta, book->root, sheet_diags);
    doc::Diagnostics found = check_documents(book->chapters, sheet, book->root, args, fonts);
    diags.items.insert(diags.items.end(), found.items.begin(), found.items.end());
    return diags;
  }
  std::optional<doc::Document> d = source::read_file(file, diags);
  if (!d) return diags;
  ++documents;
  const style::Sheet sheet = sheet_for(env, style, d->meta, file.parent_path(), sheet_diags);
  doc::Diagnostics found =
      check_documents(std::span(&*d, 1), sheet, file.parent_path(), args, fonts);
  diags.items.insert(diags.items.end(), found.items.begin(), found.items.end());
  return diags;
}

int run_check(const CheckArgs& args) {
  std::vector<fs::path> files;
  bool input_error = false;  // an input missing or unreadable: exit status 1
  for (const std::string& p : args.paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found = markdown_files(p, ec);
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      files.emplace_back(p);
    } else {
      std::fprintf(stderr, "%s: error: no such file or folder\n", p.c_str());
      input_error = true;
    }
  }
  doc::Diagnostics env_diags;
  const Environment env = read_environment(env_diags);
  print_diagnostics(env_diags);
  std::optional<font::FontLibrary> fonts;
  if (std::find(args.disabled.begin(), args.disabled.end(), "no-font") == args.disabled.end() &&
      !files.empty()) {
    doc::Diagnostics font_diags;
    fonts = load_fonts(env, args.fonts_yaml.empty() ? env.fonts_yaml : fs::path(args.fonts_yaml),
                       font_diags);
    print_diagnostics(font_diags);
  }
  size_t findings = 0, documents = 0;
  ReportPolicy policy;
  policy.warnings_per_kind = 0;  // a checker prints every finding
  for (const fs::path& f : files) {
    doc::Diagnostics d = check_input(env, f, args, fonts ? &*fonts : nullptr, documents);
    findings += d.items.size();
    if (d.has_errors()) input_error = true;  // an input (or a book's chapter) could not be read
    print_diagnostics(d, stdout, policy);
  }
  std::fprintf(stderr, "moyin: %zu file%s checked, %zu finding%s\n", documents,
               documents == 1 ? "" : "s", findings, findings == 1 ? "" : "s");
  if (input_error) return 1;
  return args.strict && findings > 0 ? 1 : 0;
}

}  // namespace

void add_check(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "check", "Report broken links, missing images, structure and punctuation mistakes");
  std::string rules;
  for (const std::string& r : kRules) rules += "  " + r + "\n";
  cmd->footer(
      "Rules (each finding ends with its [rule-name]):\n" + rules +
      "\nExamples:\n"
      "  moyin check posts/\n"
      "  moyin check post.md --disable no-font --strict\n"
      "  moyin check book.yaml                    # every chapter, links between them resolved\n\n"
      "Exit status: 0 done (findings are warnings), 1 findings with --strict or an input missing,\n"
      "2 wrong usage. Nothing is written.");
  auto args = std::make_shared<CheckArgs>();
  cmd->add_option("PATH", args->paths, "Markdown file, folder of .md files, or book.yaml")
      ->required();
  cmd->add_option("--disable", args->disabled, "Leave a rule out (repeatable)")
      ->check(CLI::IsMember(std::vector<std::string>(kRules.begin(), kRules.end())));
  cmd->add_flag("--strict", args->strict, "Exit with status 1 when anything is found");
  cmd->add_option("--style", args->style, "Style sheet (decides the fonts for no-font)");
  cmd->add_option("--set", args->sets, "Override a style key: key=value")->allow_extra_args(false);
  cmd->add_option("--fonts", args->fonts_yaml, "Font configuration");
  add_resource_path_option(cmd, args->resource_path);
  cmd->callback([args, &exit_code] { exit_code = run_check(*args); });
}

}  // namespace moyin::cli
