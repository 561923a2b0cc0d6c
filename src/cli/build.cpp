// `moyin build PATH... [--to pdf|epub|all] [-o DIR] [--style NAME|FILE]
//  [--set key=value]... [-j N] [--quiet]`
// Plans one job per Markdown file (a folder: every .md under it; a book.yaml:
// one book), runs the jobs on a thread pool, writes each output through a
// temporary file renamed into place, and prints diagnostics in input order.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <map>
#include <set>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "base/atomic_file.h"
#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/jobs.h"
#include "cli/report.h"
#include "cli/sheet.h"
#include "epub/epub.h"
#include "math/math.h"
#include "font/font.h"
#include "image/catalog.h"
#include "pdf/pdf.h"
#include "source/source.h"
#include "style/style.h"
#include "typeset/book.h"

namespace moyin::cli {
namespace fs = std::filesystem;

namespace {

enum class Target { Pdf, Epub, All };

struct Settings {
  Target to = Target::All;
  std::optional<fs::path> out_dir;
  std::string style;                 // --style NAME|FILE
  std::vector<std::string> sets;     // --set key=value
  std::string fonts_yaml;            // --fonts FILE (empty: the default configuration)
  int jobs = 1;
  bool quiet = false;
  ReportPolicy report;
  std::optional<int64_t> source_date_epoch;
  // Loaded once per process and shared read-only by every job's thread.
  const font::FontLibrary* fonts = nullptr;
  // Every formula of the run, converted by one MathJax process before any output.
  const math::Formulas* formulas = nullptr;
  // Loaded on first use, once per process, shared by every job's thread.
  const highlight::Highlighter* highlighter = nullptr;
  // English hyphenation patterns, loaded once per process (null: not installed).
  const typeset::Hyphenator* hyphenator = nullptr;
};

struct Job {
  bool book = false;
  fs::path input;        // a .md file or a book.yaml
  fs::path output_base;  // output path without extension
};

struct JobResult {
  doc::Diagnostics diags;
  bool ok = true;
  bool started = false;  // false: the batch was interrupted before this job
  // What the first pass read: one document, or a book's chapters.
  std::optional<doc::Document> document;
  std::optional<epub::Book> book;
};

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return s;
}

bool is_markdown(const fs::path& p) {
  std::string ext = lower(p.extension().string());
  return ext == ".md" || ext == ".markdown";
}
bool is_book(const fs::path& p) {
  std::string ext = lower(p.extension().string());
  return ext == ".yaml" || ext == ".yml";
}

// Creates the folder an output goes into (-o DIR, a folder's sub-paths).
bool ensure_parent(const fs::path& target, const std::string& input, doc::Diagnostics& diags) {
  std::error_code ec;
  fs::path dir = target.parent_path();
  if (!dir.empty()) fs::create_directories(dir, ec);
  if (ec) {
    diags.error(input, {}, "cannot create folder " + dir.string() + ": " + ec.message());
    return false;
  }
  return true;
}

// Writes `bytes` to a temporary file beside `target` and renames it into
// place, so a failure never leaves a partial file or destroys an old one.
bool write_atomic(const fs::path& target, std::string_view bytes, const std::string& input,
                  doc::Diagnostics& diags) {
  if (!ensure_parent(target, input, diags)) return false;
  base::AtomicFile file(target);
  if (file.write(bytes) && file.commit()) return true;
  diags.error(input, {}, "cannot write " + target.string() + ": " + file.error());
  return false;
}

style::Sheet sheet_for(const Settings& s, const doc::Metadata& meta, const fs::path& doc_dir,
                       doc::Diagnostics& diags) {
  return sheet_for(StyleArgs{s.style, s.sets}, meta, doc_dir, diags);
}

// The faces the sheet's roles draw with (first family of each font set, or
// the family the sheet's `fonts:` names; regular and bold), for
// epub.embed-fonts: the same faces the PDF uses.
std::vector<epub::FontFace> faces_to_embed(const style::Sheet& sheet, const font::FontLibrary* fonts,
                                           const fs::path& doc_dir, const std::string& input) {
  std::vector<epub::FontFace> out;
  if (!fonts) return out;
  std::vector<const font::FontSet*> sets;
  for (int r = 0; r < style::kRoleCount; ++r) {
    const auto role = static_cast<style::Role>(r);
    const font::FontSet* set = fonts->find_set(sheet.role(role).font);
    if (!set) continue;
    if (const std::string& named = sheet.named_font(role); !named.empty()) {
      doc::Diagnostics ignored;  // the typesetter reports unusable names once
      set = &fonts->named_set(named, doc_dir, *set, ignored, input);
    }
    if (std::find(sets.begin(), sets.end(), set) == sets.end()) sets.push_back(set);
  }
  for (const font::FontSet* set : sets) {
    if (set->faces.empty()) continue;
    const font::FontFamilyEntry& family = set->faces.front();
    for (int id : {family.regular, family.bold}) {
      if (id < 0) continue;
      const font::FaceInfo& info = font::info(fonts->face(id));
      out.push_back({info.path, info.index, info.family, id == family.bold, false});
    }
  }
  return out;
}

// One image catalog per job, shared by both outputs: images are read,
// checked and decoded once, and each problem is reported once. `root` bounds
// where images may come from (the document's folder, or the book's).
image::CatalogOptions catalog_options(const Settings& s, const style::Sheet& sheet, const fs::path& root) {
  image::CatalogOptions o;
  o.limits.max_pixels = int64_t{sheet.image.max_megapixels} * 1'000'000;
  o.boundary = root.empty() ? fs::path(".") : root;
  o.keep_pixels = s.to != Target::Epub;  // only the PDF needs pixels
  return o;
}

epub::Options epub_options(const Settings& s, const style::Sheet& sheet, const Job& job,
                           image::Catalog& images) {
  epub::Options o;
  o.images = &images;
  if (sheet.epub.embed_fonts)
    o.fonts = faces_to_embed(sheet, s.fonts, job.input.parent_path(), job.input.string());
  o.split_level = sheet.epub.split_level;
  // The nav lists levels 1–3 at least (readers collapse it); a deeper print TOC deepens it.
  o.toc_depth = std::max(3, sheet.toc.depth);
  o.embed_fonts = sheet.epub.embed_fonts;
  o.title_page = sheet.title_page.enabled;
  o.sheet = sheet;
  o.source_date_epoch = s.source_date_epoch;
  o.formulas = s.formulas;
  return o;
}

// ---- The back ends: one call site each.

bool write_epub(const std::optional<std::string>& bytes, const fs::path& out,
                const std::string& input, doc::Diagnostics& diags) {
  if (!bytes) return false;
  return write_atomic(out, *bytes, input, diags);
}

// The PDF back end: typeset into pages, write them with libharu.
bool write_pdf(const layout::Book& pages, const fs::path& out, const std::string& input,
               const Settings& s, image::Catalog& images, doc::Diagnostics& diags) {
  if (!ensure_parent(out, input, diags)) return false;
  pdf::WriteOptions options;
  options.images = &images;
  options.source_path = input;
  options.source_date_epoch = s.source_date_epoch;
  return pdf::write(pages, out, options, diags);
}

// ---- Jobs.

// Writes the formats the user asked for: the EPUB from `make_epub`, the PDF
// from the pages `make_pages` typesets. The one place both back ends are called.
template <typename MakeEpub, typename MakePages>
void write_outputs(const Job& job, const Settings& s, MakeEpub make_epub, MakePages make_pages,
                   image::Catalog& images, JobResult& r) {
  const std::string input = job.input.string();
  if (s.to != Target::Pdf) {
    fs::path out = job.output_base;
    out += ".epub";
    if (!write_epub(make_epub(), out, input, r.diags)) r.ok = false;
  }
  if (s.to != Target::Epub) {
    fs::path out = job.output_base;
    out += ".pdf";
    if (!write_pdf(make_pages(), out, input, s, images, r.diags)) r.ok = false;
  }
}

void load_file(const Job& job, const Settings& s, JobResult& r) {
  r.document = source::read_file(job.input, r.diags);
  if (!r.document) r.ok = false;
  else s.highlighter->annotate(*r.document, r.diags);
}

// Equation numbers and MathJax's complaints, once the sheet is known.
void finish_math(std::span<doc::Document> docs, const style::Sheet& sheet, const Settings& s, doc::Diagnostics& diags) {
  math::number_equations(docs, numbering(sheet), diags);
  if (s.formulas)
    for (const doc::Document& d : docs) math::report(d, *s.formulas, diags);
}

void run_file(const Job& job, const Settings& s, JobResult& r) {
  doc::Document& document = *r.document;
  style::Sheet sheet = sheet_for(s, document.meta, job.input.parent_path(), r.diags);
  finish_math(std::span(&document, 1), sheet, s, r.diags);
  image::Catalog images(catalog_options(s, sheet, job.input.parent_path()));
  write_outputs(
      job, s, [&] { return epub::make_epub(document, epub_options(s, sheet, job, images), r.diags); },
      [&] { return typeset::typeset(document, sheet, *s.fonts, r.diags, s.formulas, &images, s.hyphenator); },
      images, r);
}

// book.yaml: front-matter keys (title, author, date, lang, id, cover, tags,
// …) plus `chapters:`, a list of Markdown files relative to the book.yaml.
void load_book(const Job& job, const Settings& s, JobResult& r) {
  std::string input = job.input.string();
  std::error_code ec;
  std::string text;
  {
    std::FILE* f = std::fopen(input.c_str(), "rb");
    if (!f) {
      r.diags.error(input, {}, "cannot read the book file");
      r.ok = false;
      return;
    }
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && text.size() < (16u << 20)) text.append(buf, n);
    std::fclose(f);
  }
  // The book file is YAML with the same keys as a front matter: parse it as
  // one (positions shift by the added "---" line, corrected below).
  doc::Diagnostics meta_diags;
  std::optional<doc::Document> meta_doc = source::parse("---\n" + text + "\n---\n", input, meta_diags);
  for (doc::Diagnostic d : meta_diags.items) {
    if (d.path == input && d.pos.line > 1) --d.pos.line;
    r.diags.items.push_back(std::move(d));
  }
  if (!meta_doc) {
    r.ok = false;
    return;
  }
  epub::Book book;
  book.meta = meta_doc->meta;
  book.meta_path = input;
  book.root = job.input.parent_path();
  fs::path dir = job.input.parent_path();
  const doc::MetaValue* chapters = nullptr;
  for (auto& [key, value] : book.meta.extra)
    if (key == "chapters") chapters = &value;
  if (!chapters || chapters->kind != doc::MetaValue::Kind::List || chapters->items.empty()) {
    r.diags.error(input, {}, "a book file needs `chapters:`, a list of Markdown files");
    r.ok = false;
    return;
  }
  for (const doc::MetaValue& item : chapters->items) {
    if (item.kind != doc::MetaValue::Kind::Scalar || item.scalar.empty()) {
      r.diags.error(input, {}, "every entry of `chapters:` must be a file name");
      r.ok = false;
      continue;
    }
    std::optional<doc::Document> chapter = source::read_file(dir / item.scalar, r.diags);
    if (!chapter) {
      r.ok = false;
      continue;
    }
    s.highlighter->annotate(*chapter, r.diags);
    book.chapters.push_back(std::move(*chapter));
  }
  if (!r.ok) return;
  r.book = std::move(book);
}

void run_book(const Job& job, const Settings& s, JobResult& r) {
  epub::Book& book = *r.book;
  const std::string input = job.input.string();
  style::Sheet sheet = sheet_for(s, book.meta, job.input.parent_path(), r.diags);
  finish_math(book.chapters, sheet, s, r.diags);
  image::Catalog images(catalog_options(s, sheet, book.root));
  write_outputs(
      job, s, [&] { return epub::make_book(book, epub_options(s, sheet, job, images), r.diags); },
      [&] {
        return typeset::typeset_book(book.meta, book.chapters, sheet, *s.fonts, r.diags, input, s.formulas,
                                     &images, s.hyphenator);
      },
      images, r);
}

// One MathJax process for every formula of the run; started only when there are formulas.
bool convert_math(const std::vector<JobResult>& results, math::Formulas& formulas, doc::Diagnostics& diags) {
  std::vector<math::Key> keys;
  for (const JobResult& r : results) {
    std::vector<math::Key> k;
    if (r.document) k = math::collect(std::span(&*r.document, 1));
    else if (r.book) k = math::collect(r.book->chapters);
    keys.insert(keys.end(), k.begin(), k.end());
  }
  if (keys.empty()) return true;
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::string error;
  if (math::convert(math_engine(), keys, formulas, error)) return true;
  diags.error("moyin", {}, "math: " + error + "; formulas print as their TeX source");
  return false;
}

// Expands the command line's paths into jobs; problems go to `diags`.
std::vector<Job> plan(const std::vector<std::string>& paths, const Settings& s,
                      doc::Diagnostics& diags) {
  std::vector<Job> jobs;
  auto output_for = [&](const fs::path& input, const fs::path& relative) {
    fs::path base = s.out_dir ? *s.out_dir / relative : input;
    return base.replace_extension();
  };
  for (const std::string& p : paths) {
    fs::path path(p);
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      diags.error(p, {}, "no such file or folder");
      continue;
    }
    if (fs::is_directory(st)) {
      std::vector<fs::path> found;
      fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
      for (; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {  // hidden files and folders (.git)
          if (it->is_directory(ec)) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file(ec) && is_markdown(it->path())) found.push_back(it->path());
      }
      if (ec) diags.warn(p, {}, "could not read the whole folder: " + ec.message());
      std::sort(found.begin(), found.end());
      if (found.empty()) diags.warn(p, {}, "no Markdown files in this folder");
      for (const fs::path& f : found)
        jobs.push_back({false, f, output_for(f, fs::relative(f, path, ec))});
    } else if (is_book(path)) {
      jobs.push_back({true, path, output_for(path, path.filename())});
    } else {
      jobs.push_back({false, path, output_for(path, path.filename())});
    }
  }
  // Two inputs must not write the same output.
  std::map<std::string, std::string> owner;
  std::vector<Job> unique;
  for (Job& j : jobs) {
    std::error_code ec;
    fs::path key = fs::weakly_canonical(j.output_base, ec);
    std::string k = (ec ? j.output_base : key).string();
    auto [it, fresh] = owner.emplace(k, j.input.string());
    if (!fresh) {
      if (it->second != j.input.string())
        diags.error(j.input.string(), {}, "its output would overwrite the output of " + it->second);
      continue;  // the same input named twice is converted once
    }
    unique.push_back(std::move(j));
  }
  return unique;
}

void print_progress(size_t done, size_t total) {
  constexpr int kWidth = 30;
  int filled = total ? static_cast<int>(done * kWidth / total) : kWidth;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r[%s] %zu/%zu", bar.c_str(), done, total);
  std::fflush(stderr);
}

int run_build(const std::vector<std::string>& paths, Settings s) {
  if (const char* sde = std::getenv("SOURCE_DATE_EPOCH")) {
    int64_t v = 0;
    std::string_view t(sde);
    auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    if (r.ec == std::errc() && r.ptr == t.data() + t.size()) s.source_date_epoch = v;
    else std::fprintf(stderr, "moyin: warning: SOURCE_DATE_EPOCH is not a number; ignored\n");
  }
  doc::Diagnostics planning;
  std::vector<Job> jobs = plan(paths, s, planning);
  std::optional<font::FontLibrary> fonts;
  if (!jobs.empty()) {
    fonts = font::FontLibrary::load(
        s.fonts_yaml.empty() ? font::default_fonts_yaml() : fs::path(s.fonts_yaml), planning);
    if (!fonts) {
      print_diagnostics(planning);
      return 1;  // no input can be typeset without fonts
    }
    s.fonts = &*fonts;
  }
  const highlight::Highlighter highlighter(highlight_dirs());
  s.highlighter = &highlighter;
  const std::optional<typeset::Hyphenator> hyphenator =
      typeset::Hyphenator::load(typeset::default_hyphenation_dictionary());
  s.hyphenator = hyphenator ? &*hyphenator : nullptr;
  print_diagnostics(planning);
  std::vector<JobResult> results(jobs.size());
  // First pass: read every input (in parallel), so the math engine runs once for all.
  run_parallel(
      jobs.size(), s.jobs,
      [&](size_t i) {
        try {
          if (jobs[i].book) load_book(jobs[i], s, results[i]);
          else load_file(jobs[i], s, results[i]);
        } catch (const std::exception& e) {
          results[i].diags.error(jobs[i].input.string(), {}, std::string("internal error: ") + e.what());
          results[i].ok = false;
        }
      },
      [](size_t) {});
  math::Formulas formulas;
  doc::Diagnostics math_diags;
  convert_math(results, formulas, math_diags);
  print_diagnostics(math_diags);
  s.formulas = &formulas;
  bool tty = ::isatty(STDERR_FILENO) == 1;
  bool progress = tty && !s.quiet && jobs.size() > 1;
  std::mutex progress_mutex;  // only guards the progress line on stderr
  // From here on outputs are written: SIGINT/SIGTERM let the documents in
  // flight finish and start no new one.
  InterruptGuard interrupt;
  run_parallel(
      jobs.size(), s.jobs,
      [&](size_t i) {
        results[i].started = true;
        try {  // an exception must not escape a worker thread (std::terminate)
          if (!results[i].ok) return;
          if (jobs[i].book) run_book(jobs[i], s, results[i]);
          else run_file(jobs[i], s, results[i]);
        } catch (const std::exception& e) {
          results[i].diags.error(jobs[i].input.string(), {}, std::string("internal error: ") + e.what());
          results[i].ok = false;
        }
        if (results[i].diags.has_errors()) results[i].ok = false;
      },
      [&](size_t done) {
        if (!progress) return;
        std::lock_guard<std::mutex> lock(progress_mutex);
        print_progress(done, jobs.size());
      },
      [&] { return interrupt.signal() != 0; });
  if (progress) std::fputc('\n', stderr);
  if (const int sig = interrupt.signal()) {
    for (const JobResult& r : results) print_diagnostics(r.diags, stderr, s.report);
    size_t skipped = 0;
    for (size_t i = 0; i < jobs.size(); ++i)
      if (!results[i].started) {
        ++skipped;
        if (!s.quiet) std::fprintf(stderr, "moyin: %s: not converted (interrupted)\n", jobs[i].input.c_str());
      }
    std::fprintf(stderr, "moyin: interrupted: %zu of %zu inputs not converted; their old outputs are kept\n",
                 skipped, jobs.size());
    return 128 + sig;
  }
  size_t failed = 0;
  size_t warnings = planning.count(doc::Severity::Warning);
  for (JobResult& r : results) {
    print_diagnostics(r.diags, stderr, s.report);
    warnings += r.diags.count(doc::Severity::Warning);
    if (!r.ok) ++failed;
  }
  if (!s.quiet && !progress && jobs.size() > 1)
    std::fprintf(stderr, "moyin: %zu of %zu inputs converted, %zu failed\n", jobs.size() - failed,
                 jobs.size(), failed);
  if (planning.has_errors() || math_diags.has_errors()) return 1;
  if (failed > 0) return 1;
  if ((s.report.warnings_are_errors && warnings > 0) ||
      (s.report.max_warnings >= 0 && warnings > static_cast<size_t>(s.report.max_warnings))) {
    std::fprintf(stderr, "moyin: error: %zu warning%s (%s)\n", warnings, warnings == 1 ? "" : "s",
                 s.report.warnings_are_errors ? "-W error"
                                              : ("--max-warnings " +
                                                 std::to_string(s.report.max_warnings)).c_str());
    return 1;
  }
  return 0;
}

}  // namespace

void add_build(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("build", "Convert Markdown files, folders or a book.yaml to EPUB (and PDF)");
  struct Args {
    std::vector<std::string> paths;
    std::string to = "all";
    std::string out;
    std::string style;
    std::vector<std::string> sets;
    std::string fonts_yaml;
    int jobs = 0;
    bool quiet = false;
    ReportPolicy report;
    std::string werror;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("PATH", args->paths, "Markdown file, folder of .md files, or book.yaml")->required();
  cmd->add_option("--to", args->to, "Output format")
      ->check(CLI::IsMember({"pdf", "epub", "all"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", args->out, "Write outputs into this folder");
  cmd->add_option("--style", args->style, "Style sheet name (styles/NAME.yaml) or file");
  cmd->add_option("--set", args->sets, "Override a style key: key=value")->allow_extra_args(false);
  cmd->add_option("--fonts", args->fonts_yaml,
                  "Font configuration (default: $MOYIN_HOME/fonts/fonts.yaml or the shipped one)");
  cmd->add_option("-j,--jobs", args->jobs, "Parallel jobs (default: CPU count)")
      ->check(CLI::Range(1, 256));
  cmd->add_flag("-q,--quiet", args->quiet, "Print errors only");
  cmd->add_option("--warnings-per-kind", args->report.warnings_per_kind,
                  "Print at most N warnings of one kind per document, then a count (0: all)")
      ->capture_default_str();
  cmd->add_option("--max-warnings", args->report.max_warnings,
                  "Exit with status 1 when there are more than N warnings (outputs are still written)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("-W", args->werror, "-W error: any warning makes the exit status 1")
      ->check(CLI::IsMember({"error"}));
  cmd->callback([args, &exit_code] {
    Settings s;
    s.to = args->to == "pdf" ? Target::Pdf : args->to == "epub" ? Target::Epub : Target::All;
    if (!args->out.empty()) s.out_dir = fs::path(args->out);
    s.style = args->style;
    s.sets = args->sets;
    s.fonts_yaml = args->fonts_yaml;
    s.quiet = args->quiet;
    s.report = args->report;
    s.report.errors_only = args->quiet;
    s.report.warnings_are_errors = args->werror == "error";
    unsigned hw = std::thread::hardware_concurrency();
    s.jobs = args->jobs > 0 ? args->jobs : static_cast<int>(hw ? hw : 1);
    exit_code = run_build(args->paths, s);
  });
}

}  // namespace moyin::cli
