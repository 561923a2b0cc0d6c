// `moyin build PATH... [--to pdf|epub|all] [-o DIR] [--style NAME|FILE]
//  [--set key=value]... [-j N] [--quiet]`
// Plans one job per Markdown file (a folder: every .md under it; a book.yaml:
// one book), runs the jobs on a thread pool, writes each output through a
// temporary file renamed into place, and prints diagnostics in input order.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <tuple>
#include <variant>
#include <vector>

#include "base/atomic_file.h"
#include "base/file.h"
#include "base/parallel.h"
#include "base/shared_library.h"
#if MOYIN_MIMALLOC_HEADER
#include <mimalloc.h>
#endif
#include "base/timings.h"
#include "cli/cache.h"
#include "cli/commands.h"
#include "cli/data_dir.h"
#include "cli/environment.h"
#include "cli/inputs.h"
#include "cli/interrupt.h"
#include "cli/remote.h"
#include "cli/report.h"
#include "cli/sheet.h"
#include "cli/watch.h"
#include "epub/epub.h"
#include "font/font.h"
#include "image/catalog.h"
#include "math/math.h"
#include "pdf/pdf.h"
#include "pdf/reuse.h"
#include "source/badges.h"
#include "source/source.h"
#include "style/style.h"
#include "typeset/book.h"
#include "typeset/numbering.h"

namespace moyin::cli {
namespace fs = std::filesystem;

namespace {

enum class Target { Pdf, Epub, All };

struct Kept;

struct Settings {
  Target to = Target::All;
  std::optional<fs::path> out_dir;
  std::string style;              // --style NAME|FILE
  std::vector<std::string> sets;  // --set key=value
  std::string fonts_yaml;         // --fonts FILE (empty: the default configuration)
  int jobs = 1;
  bool quiet = false;
  bool force = false;  // --force: rebuild inputs the cache says are up to date
  bool prune = false;  // --prune: remove outputs whose source was deleted
  int shard = 1;       // --shard K/N: convert the K-th of N slices
  int shards = 1;
  std::string context;       // the build cache's hash of everything not tied to one input
  bool drop_badges = false;  // --drop-badges: leave out paragraphs of status badges
  std::vector<fs::path> resource_path;  // --resource-path: where site-root images are
  bool fetch = false;                   // --fetch: download remote images
  bool fetch_private = false;           // --fetch-private: the URL as written may be private
  bool refetch = false;                 // --refetch: download every remote image again
  // Remote images downloaded for this run (--fetch), shared by the jobs.
  RemoteImages* remote = nullptr;
  ReportPolicy report;
  const Environment* env = nullptr;  // read once in run_build
  // Loaded once per process and shared read-only by every job's thread.
  const font::FontLibrary* fonts = nullptr;
  // Every formula of the run, converted by one MathJax process before any
  // output (job_formulas: a job's own).
  const math::Converted* formulas = nullptr;
  // What converts them (formula_engine): tags the formulas kept beside each
  // job's outputs; empty: none kept.
  std::string formula_engine;
  // Loaded on first use, once per process, shared by every job's thread.
  const highlight::Highlighter* highlighter = nullptr;
  // --timings: wall time per stage, summed over the jobs (null: not timed).
  base::Timings* timings = nullptr;
  // English hyphenation patterns, loaded once per process (null: not installed).
  const typeset::Hyphenator* hyphenator = nullptr;
  // PDF and EPUB of a job on two threads (a single input: the other core is idle).
  bool overlap = false;
  // `watch`: what is kept from one rebuild to the next (null: a single build).
  Kept* keep = nullptr;
  // `watch`: gets every file the outputs were made from (null: not asked).
  std::vector<fs::path>* used = nullptr;
  // The run's outputs and cache entries, synced together (base/atomic_file.h).
  base::CommitGroup* commits = nullptr;
  // `build`: the process ends with this run (not `watch`).
  bool exits_after = false;
};

// What `watch` loads once and keeps across rebuilds, besides the fonts, the
// cache context and the highlighter: the hyphenation patterns, every
// formula MathJax converted (results by TeX and preamble, which never go
// stale), MathJax itself running, and the PDF's font subsets and compressed
// streams of the last rebuild (pdf/reuse.h).
struct Kept {
  std::optional<typeset::Hyphenator> hyphenator;
  math::Converted formulas;
  math::Server engine;  // MathJax kept running: a new formula costs no engine start
  // What each kept formulas file holds, as this session last read or wrote
  // it: a rebuild whose formulas are these does not read it again.
  std::map<fs::path, math::Collected> formula_files;
  pdf::Reuse pdf;
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
  std::optional<doc::Book> book;
  bool up_to_date = false;     // the cache says the outputs are current: nothing run
  std::vector<fs::path> used;  // what the outputs were made from besides the input
  std::string kept_formulas;   // what its formulas file held (math::store), "" when none
  bool kept_exactly = false;   // that file holds its formulas and no other: not rewritten
  math::Collected formulas;    // its formulas, collected once read (collect_formulas)
};

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

// Writes `bytes` through base::write_atomic (temporary file beside
// `target`, renamed into place at the run's commit group's flush), reporting
// a failure against `input`.
bool write_atomic(const fs::path& target, std::string_view bytes, const std::string& input,
                  base::CommitGroup* commits, doc::Diagnostics& diags) {
  if (!ensure_parent(target, input, diags)) return false;
  const std::string error = base::write_atomic(target, bytes, commits);
  if (!error.empty()) diags.error(input, {}, error);
  return error.empty();
}

style::Sheet sheet_for(const Settings& s, const doc::Metadata& meta, const fs::path& doc_dir,
                       doc::Diagnostics& diags) {
  return sheet_for(*s.env, StyleArgs{s.style, s.sets}, meta, doc_dir, diags);
}

// The faces the sheet's roles draw with (first family of each font set, or
// the family the sheet's `fonts:` names; regular and bold), for
// epub.embed-fonts: the same faces the PDF uses.
std::vector<epub::FontFace> faces_to_embed(const style::Sheet& sheet,
                                           const font::FontLibrary* fonts, const fs::path& doc_dir,
                                           const std::string& input) {
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
      out.push_back(
          {info.path, info.index, info.family, id == family.bold, false, &fonts->face(id)});
    }
  }
  return out;
}

// The EPUB's CSS font stacks name the families the PDF used: a font file the
// sheet's `fonts:` names becomes its family name (the face's name table).
void name_font_files(style::Sheet& sheet, const font::FontLibrary* fonts, const fs::path& doc_dir,
                     const std::string& input) {
  if (!fonts) return;
  for (auto [role, named] : {std::pair{style::Role::Body, &sheet.fonts.body},
                             std::pair{style::Role::H1, &sheet.fonts.heading},
                             std::pair{style::Role::Code, &sheet.fonts.code}}) {
    const font::FontSet* base = fonts->find_set(sheet.role(role).font);
    if (named->empty() || !base) continue;
    doc::Diagnostics ignored;  // the typesetter reports unusable names once
    const font::FontSet& set = fonts->named_set(*named, doc_dir, *base, ignored, input);
    if (&set == base || set.faces.empty() || set.faces.front().regular < 0) continue;
    *named = font::info(fonts->face(set.faces.front().regular)).family;
  }
}

void note_images(const std::vector<doc::Inline>& inlines, const std::string& doc_path,
                 image::Catalog& images, JobResult& r) {
  for (const doc::Inline& in : inlines) {
    if (in.kind == doc::InlineKind::Image) {
      const image::Entry e = images.resolve(in.url, doc_path);
      if (!e.key.empty()) r.used.emplace_back(e.key);
      // Where the URL could name a file that is not there yet: one appearing makes the output
      // stale.
      for (const std::string& tried : e.tried) r.used.emplace_back(tried);
    }
    note_images(in.children, doc_path, images, r);
  }
}

void note_images(const std::vector<doc::Block>& blocks, const std::string& doc_path,
                 image::Catalog& images, JobResult& r) {
  for (const doc::Block& b : blocks) {
    note_images(b.inlines, doc_path, images, r);
    for (const doc::TableRow& row : b.rows)
      for (const doc::TableCell& cell : row.cells) note_images(cell.inlines, doc_path, images, r);
    note_images(b.children, doc_path, images, r);
  }
}

// The files besides the input that a job's outputs were made from: the
// style sheets layered, the snippets included and the images referenced
// (found, or missing: adding the file makes the output stale).
void note_used(const style::Sheet& sheet, std::span<const doc::Document> docs,
               image::Catalog& images, JobResult& r) {
  for (const std::string& f : sheet.sources) r.used.emplace_back(f);
  for (const doc::Document& d : docs) {
    for (const std::string& f : d.includes) r.used.emplace_back(f);
    note_images(d.blocks, d.path, images, r);
    note_images(d.footnotes, d.path, images, r);
    if (!d.meta.cover.empty()) {
      doc::Inline cover;
      cover.kind = doc::InlineKind::Image;
      cover.url = d.meta.cover;
      note_images(std::vector<doc::Inline>{cover}, d.path, images, r);
    }
  }
}

// The job's image catalog (sheet.h) with this run's --resource-path and --fetch.
image::CatalogOptions job_catalog(const Settings& s, const style::Sheet& sheet,
                                  const fs::path& root) {
  image::CatalogOptions o = catalog_options(sheet, root, s.to != Target::Epub);
  o.resource_path = s.resource_path;
  if (s.remote) o.fetch = s.remote->fetcher();
  return o;
}

// The formulas a job's pages and chapters show: converted after its preamble.
const math::Formulas* job_formulas(const Settings& s, const JobResult& r) {
  return s.formulas ? s.formulas->find(r.formulas.preamble) : nullptr;
}

typeset::Resources resources(const Settings& s, const math::Formulas* formulas,
                             image::Catalog& images, std::span<const doc::Document> docs) {
  // One long input: its paragraphs are set on the other cores too (a batch
  // already keeps every core busy with its jobs).
  const int ahead = s.overlap && typeset::worth_setting_ahead(docs)
                        ? static_cast<int>(std::max(2u, std::thread::hardware_concurrency())) - 1
                        : 0;
  return {.formulas = formulas,
          .images = &images,
          .hyphenator = s.hyphenator,
          .timings = s.timings,
          .set_ahead_threads = ahead};
}

epub::Options epub_options(const Settings& s, const style::Sheet& sheet, const Job& job,
                           const math::Formulas* formulas, image::Catalog& images) {
  // The sheet given at once: a default Options would read the built-in defaults for nothing.
  epub::Options o{.sheet = sheet};
  o.images = &images;
  if (sheet.epub.embed_fonts)
    o.fonts = faces_to_embed(sheet, s.fonts, job.input.parent_path(), job.input.string());
  o.split_level = sheet.epub.split_level;
  // The nav lists levels 1–3 at least (readers collapse it); a deeper print TOC deepens it.
  o.toc_depth = std::max(3, sheet.toc.depth);
  o.embed_fonts = sheet.epub.embed_fonts;
  // A single document's package work on both cores (each CJK face to embed
  // keeps its layout tables: tens of milliseconds to subset; its files
  // compressed); a batch's jobs fill the cores.
  o.threads = s.overlap ? 2 : 1;
  o.title_page = sheet.title_page.enabled;
  name_font_files(o.sheet, s.fonts, job.input.parent_path(), job.input.string());
  o.source_date_epoch = s.env->source_date_epoch;
  o.formulas = formulas;
  return o;
}

// ---- The back ends: one call site each.

bool write_epub(const std::optional<std::string>& bytes, const fs::path& out,
                const std::string& input, const Settings& s, doc::Diagnostics& diags) {
  if (!bytes) return false;
  base::StageTimer timer(s.timings, base::Stage::Write);
  return write_atomic(out, *bytes, input, s.commits, diags);
}

// An ICC profile's bytes (for the PDF's OutputIntent and CMYK conversion);
// null after a warning when it cannot be read.
std::shared_ptr<const std::string> read_profile(const fs::path& path, const std::string& input,
                                                JobResult& r) {
  std::string error;
  std::optional<std::string> bytes = base::read_bounded(path, error);
  if (!bytes) {
    r.diags.warn(input, {}, "ICC profile " + path.string() + ": " + error);
    return nullptr;
  }
  r.used.push_back(path);
  return std::make_shared<const std::string>(std::move(*bytes));
}

pdf::Standard pdf_standard(style::PdfStandard s) {
  switch (s) {
    case style::PdfStandard::A2b: return pdf::Standard::A2b;
    case style::PdfStandard::A2u: return pdf::Standard::A2u;
    case style::PdfStandard::A2a: return pdf::Standard::A2a;
    case style::PdfStandard::X4: return pdf::Standard::X4;
    case style::PdfStandard::None: break;
  }
  return pdf::Standard::None;
}

// Memory the process exits with is left for the exit to reclaim
// (pdf::WriteOptions::reclaimed_at_exit), except under the sanitizers:
// their leak check must see everything freed.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kExitReclaims = false;
#else
constexpr bool kExitReclaims = true;
#endif

// The PDF back end: typeset into pages, write them with libharu. The
// sheet's standard and colour model; the ICC profiles they need read here.
bool write_pdf(layout::Book&& pages, const fs::path& out, const Job& job, const style::Sheet& sheet,
               const Settings& s, image::Catalog& images, JobResult& r) {
  const std::string input = job.input.string();
  if (!ensure_parent(out, input, r.diags)) return false;
  pdf::WriteOptions options;
  options.images = &images;
  options.source_path = input;
  options.source_date_epoch = s.env->source_date_epoch;
  options.timings = s.timings;
  // One input: its subsets and streams use the machine's cores.
  options.threads =
      s.overlap ? static_cast<int>(std::max(2u, std::thread::hardware_concurrency())) : 1;
  options.tagged = sheet.pdf.tagged;
  options.ua = sheet.pdf.ua;
  options.standard = pdf_standard(sheet.pdf.standard);
  options.cmyk = sheet.color.cmyk;
  options.output_condition = sheet.color.condition;
  if (s.keep) options.reuse = &s.keep->pdf;
  // A batch cuts hundreds of subsets from the same few faces: from the
  // faces the library holds, not a mapping of the font file per subset
  // (docs/performance.md). One document cuts one subset per face, and a
  // mapping of its own leaves the resident set once it is cut (20× the
  // seed: 96 MB at the peak, against 116 MB from the library's faces).
  options.fonts = s.overlap ? nullptr : s.fonts;
  options.commit = s.commits;
  options.reclaimed_at_exit = s.exits_after && s.overlap && kExitReclaims;
  const bool cmyk = sheet.color.cmyk || options.standard == pdf::Standard::X4;
  if (cmyk) {
    fs::path profile = s.env->cmyk_profile;
    if (!sheet.color.profile.empty()) profile = job.input.parent_path() / sheet.color.profile;
    if (!profile.empty()) options.cmyk_profile = read_profile(profile, input, r);
  } else if (options.standard != pdf::Standard::None && !s.env->srgb_profile.empty()) {
    options.srgb_profile = read_profile(s.env->srgb_profile, input, r);
  }
  return pdf::write(std::move(pages), out, options, r.diags);
}

// ---- Jobs.

// Where each page of the typeset book begins in the source, for the EPUB's
// page list: the first block (structure element with a source position)
// that begins on the page, notes left out. A page that only continues a
// block begun earlier is listed at that block, after the page before it.
// Front matter (title page, table of contents) has no source block: not listed.
std::vector<epub::PrintPage> print_pages(const layout::Book& book) {
  const auto& st = book.structure;
  auto in_note = [&](int e) {
    for (; e >= 0 && static_cast<size_t>(e) < st.size(); e = st[e].parent < e ? st[e].parent : -1)
      if (st[e].type == "Note") return true;
    return false;
  };
  std::set<std::tuple<int, int, int>> seen;
  std::vector<epub::PrintPage> out;
  for (size_t i = 0; i < book.pages.size(); ++i) {
    std::optional<epub::PrintPage> start;
    for (const layout::Item& item : book.pages[i].items) {
      const auto* tag = std::get_if<layout::Tag>(&item);
      if (!tag || tag->end || tag->element < 0 || static_cast<size_t>(tag->element) >= st.size())
        continue;
      const layout::StructElement& e = st[tag->element];
      if (e.pos.line <= 0 || !seen.insert({e.chapter, e.pos.line, e.pos.column}).second) continue;
      if (!start && !in_note(tag->element))
        start = epub::PrintPage{book.pages[i].label, static_cast<int>(i), e.chapter, e.pos};
    }
    if (!start && !out.empty()) {
      start = out.back();
      start->label = book.pages[i].label;
      start->index = static_cast<int>(i);
    }
    if (start && !start->label.empty()) out.push_back(*start);
  }
  return out;
}

#if MOYIN_MIMALLOC_HEADER
// One of mimalloc's options, set while it lives and restored after (`watch`
// typesets again in the same process). Through the process's symbols:
// mimalloc is linked into the moyin binary, not into the tests.
class MimallocOption {
 public:
  MimallocOption(mi_option_t option, long value) : option_(option) {
    if (!set_ || !get_) return;
    before_ = get_(option);
    set_(option, value);
  }
  ~MimallocOption() {
    if (set_ && get_) set_(option_, before_);
  }
  MimallocOption(const MimallocOption&) = delete;
  MimallocOption& operator=(const MimallocOption&) = delete;

 private:
  using Set = decltype(mi_option_set);
  using Get = decltype(mi_option_get);
  Set* set_ = reinterpret_cast<Set*>(base::process_symbol("mi_option_set"));
  Get* get_ = reinterpret_cast<Get*>(base::process_symbol("mi_option_get"));
  mi_option_t option_;
  long before_ = 0;
};
#endif

// While it lives, the allocator gives freed memory back to the system at
// once, when it is mimalloc, which otherwise keeps freed pages about 25 ms:
// the PDF writer frees each page's items once drawn while libharu's objects
// and the EPUB grow beside it, and those pages would add to the run's peak.
// Only for the writing of one document (decommitting for the whole run cost
// about 18 % more CPU). Only for a long document, whose peak it is about: a
// short one's few megabytes would be given back and faulted in again (each
// `madvise` of a run with two threads also interrupts the other core). No
// huge pages meanwhile: mimalloc never gives those back.
struct FreedMemoryReturnedAtOnce {
#if MOYIN_MIMALLOC_HEADER
  MimallocOption decommit_delay{mi_option_decommit_delay, 0};
  MimallocOption large_os_pages{mi_option_large_os_pages, 0};
#endif
};

// While it lives, the allocator takes its memory from the system in huge
// pages where the kernel gives them (transparent huge pages: Debian's default
// is on madvise): one page fault per 2 MB instead of per 4 KB. A short
// document's run spends about a third of its CPU in the kernel, mostly
// faulting in fresh heap pages (80 % of the seed's 4,500 faults). Only for
// one short document (`one_short_document`): mimalloc keeps huge pages to
// the end, so the peak grows (the seed 44 → 61 MB; 20 copies of it would
// pass 100 MB), and a batch reuses its pages from one document to the next.
struct HugePages {
#if MOYIN_MIMALLOC_HEADER
  MimallocOption large_os_pages{mi_option_large_os_pages, 1};
  // Each thread's first segment too: mimalloc commits it lazily, in small
  // pages, and a short run's threads rarely need a second one.
  MimallocOption eager_commit_delay{mi_option_eager_commit_delay, 0};
#endif
};

// One Markdown file under 256 KiB, built once (not `watch`): short enough
// for huge pages. Its run's page faults are a third of its CPU (the seed,
// 19 KiB); with huge pages its peak grows by about a fifth (the seed 44 →
// 61 MB, 10 copies of it, 190 KiB, 66 → 84 MB), and 20 copies (381 KiB)
// would pass 100 MB (116–120 MB).
bool one_short_document(const std::vector<std::string>& paths, const Settings& s) {
  constexpr uintmax_t kShort = 256 * 1024;
  if (paths.size() != 1 || s.keep) return false;
  const fs::path path(paths.front());
  std::error_code ec;
  if (is_book(path) || !fs::is_regular_file(path, ec)) return false;
  const uintmax_t size = fs::file_size(path, ec);
  return !ec && size < kShort;
}

// Runs `work` on a thread of its own and returns what it returns (or
// throws what it throws). SIGINT and SIGTERM go to that thread as they
// would to the calling one, which blocks them meanwhile (one that came is
// delivered once the work is done). With huge pages: the calling thread's
// heap was set up before main() in small pages, and mimalloc keeps serving
// a thread from its first segment, so the main thread would take most of a
// short run's faults still; a thread started now starts its heap in huge
// pages (the seed's faults 2,550 -> 1,130).
int on_own_thread(const std::function<int()>& work) {
  sigset_t set{};
  sigset_t old{};
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, &old);
  int status = 0;
  std::exception_ptr failed;
  std::thread([&] {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    try {
      status = work();
    } catch (...) {
      failed = std::current_exception();
    }
  }).join();
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (failed) std::rethrow_exception(failed);
  return status;
}

// Writes the formats the user asked for: the PDF from the pages
// `make_pages` typesets, and the EPUB from the draft `draft_epub(pages_follow,
// diags)` makes, finished with those pages for its page list when both are
// made. The one place both back ends are called. With `s.overlap` and both
// formats, the EPUB is drafted on a second thread while the pages are
// typeset and finished while the PDF is written; it reports image problems
// only once the pages are typeset (epub::Options::pages_follow), so the
// typesetter has reported them in document order, and the EPUB's own
// diagnostics are kept apart and added after the PDF's.
template <typename DraftEpub, typename MakePages>
void write_outputs(const Job& job, const Settings& s, const style::Sheet& sheet,
                   DraftEpub draft_epub, MakePages make_pages, image::Catalog& images,
                   JobResult& r) {
  const std::string input = job.input.string();
  auto draft = [&](bool pages_follow, doc::Diagnostics& diags) {
    base::StageTimer timer(s.timings, base::Stage::Epub);
    return draft_epub(pages_follow, diags);
  };
  auto epub_output = [&](epub::DraftPtr d, std::vector<epub::PrintPage> print,
                         doc::Diagnostics& diags) {
    fs::path out = job.output_base;
    out += ".epub";
    base::StageTimer timer(s.timings, base::Stage::Epub);
    std::optional<std::string> epub = epub::finish(std::move(d), std::move(print));
    timer.stop();
    return write_epub(epub, out, input, s, diags);
  };
  auto pages = [&] {
    // Shaping and line breaking are timed inside; the rest of typesetting is "pages".
    base::StageTimer timer(s.timings, base::Stage::Pages);
    return make_pages();
  };
  fs::path pdf_out = job.output_base;
  pdf_out += ".pdf";
  if (s.to == Target::Epub) {
    if (!epub_output(draft(false, r.diags), {}, r.diags)) r.ok = false;
    return;
  }
  if (s.to == Target::Pdf) {
    if (!write_pdf(pages(), pdf_out, job, sheet, s, images, r)) r.ok = false;
    return;
  }
  if (!s.overlap) {  // one core per job: one thing at a time, the least memory
    // The PDF writer consumes the pages (frees each once drawn): the EPUB's
    // page list is read from them first.
    layout::Book book = pages();
    std::vector<epub::PrintPage> print = print_pages(book);
    const bool pdf_ok = write_pdf(std::move(book), pdf_out, job, sheet, s, images, r);
    if (!pdf_ok) r.ok = false;
    doc::Diagnostics epub_diags;
    epub::DraftPtr d = draft(true, epub_diags);
    const bool epub_ok = epub_output(
        std::move(d), pdf_ok ? std::move(print) : std::vector<epub::PrintPage>{}, epub_diags);
    for (doc::Diagnostic& diag : epub_diags.items) r.diags.items.push_back(std::move(diag));
    if (!epub_ok) r.ok = false;
    return;
  }
  doc::Diagnostics epub_diags;
  bool epub_ok = false;
  std::exception_ptr failed;
  std::promise<std::vector<epub::PrintPage>> print;
  std::thread epub_thread([&, pages_known = print.get_future()]() mutable {
    try {
      epub::DraftPtr d = draft(true, epub_diags);
      epub_ok = epub_output(std::move(d), pages_known.get(), epub_diags);
    } catch (...) {
      failed = std::current_exception();
    }
  });
  bool pdf_ok = false;
  std::optional<FreedMemoryReturnedAtOnce> writing;  // from the end of typesetting to the end
  try {
    layout::Book book = pages();
    constexpr size_t kLongBook = 64;  // pages: the seed is 10, 20 copies of it 206
    if (book.pages.size() >= kLongBook) writing.emplace();
    print.set_value(print_pages(book));
    pdf_ok = write_pdf(std::move(book), pdf_out, job, sheet, s, images, r);
  } catch (...) {
    // The EPUB thread is given no pages (a broken promise ends its wait).
    std::promise<std::vector<epub::PrintPage>>().swap(print);
    epub_thread.join();
    throw;
  }
  epub_thread.join();
  if (failed) std::rethrow_exception(failed);
  for (doc::Diagnostic& d : epub_diags.items) r.diags.items.push_back(std::move(d));
  if (!epub_ok || !pdf_ok) r.ok = false;
}

void load_file(const Job& job, const Settings& s, JobResult& r) {
  r.document = source::read_file(job.input, r.diags, s.timings);
  if (!r.document) r.ok = false;
  else {
    base::StageTimer timer(s.timings, base::Stage::Parse);
    s.highlighter->annotate(*r.document, r.diags);
  }
}

// Equation, heading, figure and table numbers, cross-reference texts and
// MathJax's complaints, once the sheet is known.
void finish_math(std::span<doc::Document> docs, const style::Sheet& sheet,
                 const math::Formulas* formulas, doc::Diagnostics& diags) {
  if (formulas) math::drop_definitions(docs, *formulas);
  number_all(docs, sheet, diags);
  if (formulas)
    for (const doc::Document& d : docs) math::report(d, *formulas, diags);
}

// A single document (s.overlap): HarfBuzz's tables and shape plans for the
// body's faces are made on the idle core while the typesetter sets what
// comes first (the title, in its own face), instead of by the first
// paragraphs' shaping (typeset::prepare_body_shaping; about 1.5 M
// instructions per Noto CJK face, and 0.5–0.8 M per plan).
std::jthread prepare_body_faces(const Settings& s, const style::Sheet& sheet,
                                const std::string& lang) {
  if (!s.overlap || !s.fonts) return {};
  return std::jthread(
      [&sheet, &fonts = *s.fonts, lang] { typeset::prepare_body_shaping(sheet, fonts, lang); });
}

void run_file(const Job& job, const Settings& s, JobResult& r) {
  doc::Document& document = *r.document;
  style::Sheet sheet = sheet_for(s, document.meta, job.input.parent_path(), r.diags);
  const std::jthread body_faces = prepare_body_faces(s, sheet, document.meta.lang);
  if (s.drop_badges || sheet.image.drop_badges) source::drop_badges(document);
  const math::Formulas* formulas = job_formulas(s, r);
  finish_math(std::span(&document, 1), sheet, formulas, r.diags);
  image::Catalog images(job_catalog(s, sheet, job.input.parent_path()));
  write_outputs(
      job, s, sheet,
      [&](bool pages_follow, doc::Diagnostics& diags) {
        epub::Options o = epub_options(s, sheet, job, formulas, images);
        o.pages_follow = pages_follow;
        return epub::draft_epub(document, std::move(o), diags);
      },
      [&] {
        return typeset::typeset(document, sheet, *s.fonts, r.diags,
                                resources(s, formulas, images, std::span(&document, 1)));
      },
      images, r);
  note_used(sheet, std::span(&document, 1), images, r);
}

// book.yaml: front-matter keys (title, author, date, lang, id, cover, tags,
// …) plus `chapters:`, a list of Markdown files relative to the book.yaml.
void load_book(const Job& job, const Settings& s, JobResult& r) {
  r.book = source::read_book(job.input, r.diags);
  if (!r.book) {
    r.ok = false;
    return;
  }
  for (doc::Document& chapter : r.book->chapters) {
    s.highlighter->annotate(chapter, r.diags);
    r.used.emplace_back(chapter.path);
  }
}

void run_book(const Job& job, const Settings& s, JobResult& r) {
  doc::Book& book = *r.book;
  const std::string input = job.input.string();
  style::Sheet sheet = sheet_for(s, book.meta, job.input.parent_path(), r.diags);
  const std::jthread body_faces = prepare_body_faces(s, sheet, book.meta.lang);
  if (s.drop_badges || sheet.image.drop_badges)
    for (doc::Document& chapter : book.chapters) source::drop_badges(chapter);
  const math::Formulas* formulas = job_formulas(s, r);
  finish_math(book.chapters, sheet, formulas, r.diags);
  image::Catalog images(job_catalog(s, sheet, book.root));
  write_outputs(
      job, s, sheet,
      [&](bool pages_follow, doc::Diagnostics& diags) {
        epub::Options o = epub_options(s, sheet, job, formulas, images);
        o.pages_follow = pages_follow;
        return epub::draft_book(book, std::move(o), diags);
      },
      [&] {
        return typeset::typeset_book(book.meta, book.chapters, sheet, *s.fonts, r.diags, input,
                                     resources(s, formulas, images, book.chapters));
      },
      images, r);
  note_used(sheet, book.chapters, images, r);
}

// The formulas of each job to convert: its document's, or its book's
// chapters'. True when there is any.
bool collect_formulas(std::vector<JobResult>& results) {
  bool any = false;
  for (JobResult& r : results) {
    if (!r.ok || r.up_to_date) continue;
    if (r.document) r.formulas = math::collect(std::span(&*r.document, 1));
    else if (r.book) r.formulas = math::collect(r.book->chapters);
    any |= !r.formulas.empty();
  }
  return any;
}

// ---- Formulas kept beside each job's outputs (math::store), so that a
// rebuild whose formulas did not change starts neither Node.js nor MathJax
// (about 190 ms a run, docs/performance.md).

// What converts the formulas: the engine's script and the MathJax it pins
// (math/package-lock.json beside it, the installed mathjax-full's
// package.json). Empty, and nothing kept, when neither can be read: another
// MathJax could answer differently.
std::string formula_engine(const math::Engine& e) {
  const fs::path dir = fs::path(e.script).parent_path();
  const std::optional<std::string> script = cache::hash_file(e.script);
  const std::optional<std::string> lock = cache::hash_file(dir / "package-lock.json");
  const std::optional<std::string> installed =
      cache::hash_file(dir / "node_modules" / "mathjax-full" / "package.json");
  if (!script || (!lock && !installed)) return {};
  return cache::hash_bytes(*script + lock.value_or("") + installed.value_or(""));
}

// `watch`: whether the file holds `mine` as this session last read or wrote
// it, and every formula of `mine` is in memory.
bool held_in_memory(const Settings& s, const math::Converted& formulas, const fs::path& file,
                    const math::Collected& mine) {
  if (!s.keep || s.force) return false;
  auto held = s.keep->formula_files.find(file);
  const math::Formulas* known = formulas.find(mine.preamble);
  return held != s.keep->formula_files.end() && held->second == mine && known &&
         std::all_of(mine.keys.begin(), mine.keys.end(),
                     [&](const math::Key& k) { return known->find(k.tex, k.display); });
}

// `watch`: remembers what each job's formulas file now holds (keep_formulas
// wrote it, or found it right).
void note_formula_files(const std::vector<Job>& jobs, const std::vector<JobResult>& results,
                        const Settings& s) {
  if (!s.keep) return;
  for (size_t i = 0; i < jobs.size(); ++i) {
    const JobResult& r = results[i];
    if (!r.started || r.up_to_date || !r.ok) continue;
    const fs::path file = cache::formulas_path(jobs[i].output_base);
    if (r.formulas.empty() || s.formula_engine.empty()) s.keep->formula_files.erase(file);
    else s.keep->formula_files[file] = r.formulas;
  }
}

// Adds to `formulas` what each job to convert kept under its current
// preamble (a formula's drawing depends only on its TeX, its style and the
// preamble: MathJax converts it after the preamble alone); the others are
// converted. --force: none is read.
void restore_formulas(const std::vector<Job>& jobs, std::vector<JobResult>& results,
                      const Settings& s, math::Converted& formulas) {
  if (s.formula_engine.empty()) return;
  for (size_t i = 0; i < jobs.size(); ++i) {
    JobResult& r = results[i];
    if (!r.ok || r.up_to_date) continue;
    const math::Collected& mine = r.formulas;
    if (mine.empty()) continue;
    const fs::path file = cache::formulas_path(jobs[i].output_base);
    if (held_in_memory(s, formulas, file, mine)) {
      r.kept_exactly = true;
      continue;
    }
    std::string ignored;  // no file (the first build) or an unreadable one: converted again
    std::optional<std::string> text = base::read_bounded(file, ignored);
    if (!text) continue;
    r.kept_formulas = std::move(*text);
    math::Formulas kept;
    if (s.force || !math::restore(r.kept_formulas, s.formula_engine, mine.preamble, kept)) continue;
    r.kept_exactly = kept.results.size() == mine.keys.size() &&
                     std::all_of(mine.keys.begin(), mine.keys.end(), [&](const math::Key& k) {
                       return kept.find(k.tex, k.display) != nullptr;
                     });
    math::Formulas& into = formulas.by_preamble[mine.preamble];
    for (auto& [key, formula] : kept.results) into.results.emplace(key, std::move(formula));
  }
}

// Keeps a converted job's formulas for the next build (only when they
// changed); a file that cannot be written is no error: the next build
// converts them again.
void keep_formulas(const Job& job, const Settings& s, const JobResult& r) {
  const fs::path file = cache::formulas_path(job.output_base);
  if (r.formulas.empty()) {  // none (any more): the file of earlier formulas goes
    std::error_code ec;
    fs::remove(file, ec);
    return;
  }
  if (s.formula_engine.empty()) return;
  const math::Formulas* formulas = job_formulas(s, r);
  if (!formulas || r.kept_exactly) return;  // math::store would give the file's text again
  const std::string text = math::store(r.formulas, *formulas, s.formula_engine);
  if (text != r.kept_formulas) base::write_atomic(file, text, s.commits);
}

// One MathJax process for every formula of the run not yet in `formulas`,
// started only when there is one; `watch` asks the one it keeps (`server`).
bool convert_math(const math::Engine& engine, const std::vector<JobResult>& results,
                  math::Converted& formulas, math::Server* server, doc::Diagnostics& diags) {
  std::vector<math::Collected> docs;
  for (const JobResult& r : results)
    if (!r.formulas.empty()) docs.push_back(r.formulas);
  std::string error;
  if (math::convert(engine, docs, formulas, error, server)) return true;
  diags.error("moyin", {}, "math: " + error + "; formulas print as their TeX source");
  return false;
}

fs::path absolute_normal(const fs::path& p) {
  std::error_code ec;
  return fs::absolute(p, ec).lexically_normal();
}

// The deepest folder holding every input (a folder argument itself, a file's
// folder). When two inputs would write the same output under -o (`a/index.md`
// and `b/index.md`, or two folders holding `index.md`), every output mirrors
// its input's folders below it instead: `a/index.pdf` and `b/index.pdf`.
fs::path common_folder(const std::vector<std::string>& paths) {
  std::optional<fs::path> common;
  for (const std::string& p : paths) {
    std::error_code ec;
    fs::path abs = absolute_normal(p);
    if (!fs::is_directory(abs, ec)) abs = abs.parent_path();
    if (!abs.has_filename() && abs.has_parent_path() && abs != abs.root_path())
      abs = abs.parent_path();
    if (!common) {
      common = abs;
      continue;
    }
    fs::path shared;
    for (auto a = common->begin(), b = abs.begin();
         a != common->end() && b != abs.end() && *a == *b; ++a, ++b)
      shared /= *a;
    common = shared;
  }
  return common.value_or(fs::path("."));
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
      std::vector<fs::path> found = markdown_files(path, ec);
      if (ec) diags.warn(p, {}, "could not read the whole folder: " + ec.message());
      if (found.empty()) diags.warn(p, {}, "no Markdown files in this folder");
      for (const fs::path& f : found)
        jobs.push_back({false, f, output_for(f, fs::relative(f, path, ec))});
    } else if (is_book(path)) {
      jobs.push_back({true, path, output_for(path, path.filename())});
    } else {
      jobs.push_back({false, path, output_for(path, path.filename())});
    }
  }
  if (s.out_dir) {
    std::map<fs::path, fs::path> bases;  // output → input
    bool collide = false;
    for (const Job& j : jobs) {
      auto [it, fresh] = bases.emplace(j.output_base, absolute_normal(j.input));
      collide |= !fresh && it->second != absolute_normal(j.input);
    }
    const fs::path common = common_folder(paths);
    if (collide)
      for (Job& j : jobs)
        j.output_base =
            (*s.out_dir / absolute_normal(j.input).lexically_relative(common)).replace_extension();
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

// --timings: one line per stage on stderr. Typesetting was timed as a whole
// under "pages", shaping and line breaking inside it: they are taken out.
void print_timings(const base::Timings& t, size_t documents,
                   std::chrono::steady_clock::time_point started) {
  using base::Stage;
  auto ms = [](std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1e6; };
  std::fprintf(stderr, "moyin: timings (wall, ms, summed over %zu document%s):\n", documents,
               documents == 1 ? "" : "s");
  double sum = 0;
  for (size_t i = 0; i < base::kStageCount; ++i) {
    const auto stage = static_cast<Stage>(i);
    double v = ms(t.get(stage));
    if (stage == Stage::Pages) v -= ms(t.get(Stage::Shape)) + ms(t.get(Stage::Break));
    sum += v;
    std::fprintf(stderr, "  %-6s %9.1f\n", std::string(base::stage_name(stage)).c_str(), v);
  }
  std::fprintf(stderr, "  %-6s %9.1f  (stages above)\n", "sum", sum);
  std::fprintf(stderr, "  %-6s %9.1f  (the whole build command, start-up excluded)\n", "total",
               ms(std::chrono::steady_clock::now() - started));
}

// --shard K/N: the jobs of slice K, chosen by a hash of the input's path
// below the inputs' common folder, so every shard run with the same
// arguments agrees (wherever the corpus is mounted) and a new post moves no
// other post to another shard.
void keep_shard(std::vector<Job>& jobs, const std::vector<std::string>& paths, const Settings& s) {
  if (s.shards <= 1) return;
  const fs::path common = common_folder(paths);
  std::erase_if(jobs, [&](const Job& j) {
    const std::string key = absolute_normal(j.input).lexically_relative(common).generic_string();
    return cache::hash64(key) % static_cast<uint64_t>(s.shards) !=
           static_cast<uint64_t>(s.shard - 1);
  });
}

// The build cache's context: what every output depends on besides its own
// input and the files it used — this Moyin (version and executable), the
// options that change the bytes, the fonts configuration and the faces it
// resolved (their content), the math engine.
std::string cache_context(const Settings& s, const Environment& env, const fs::path& fonts_yaml,
                          const font::FontLibrary& fonts) {
  auto file = [](const fs::path& p) {
    return cache::hash_file(p).value_or(std::string(cache::kMissing));
  };
  // Large files (the executable, font files of 20–30 MB each) by size and
  // modification time: hashing their content cost 0.4 s on every run.
  const auto stamp = file_stamp;
  std::string key = std::string("moyin ") + MOYIN_VERSION + "\nexe " + env.program;
  key += "\nto " + std::to_string(static_cast<int>(s.to)) + "\nstyle " + s.style;
  for (const std::string& set : s.sets) key += "\nset " + set;
  for (const fs::path& dir : s.resource_path)
    key += "\nresource-path " + absolute_normal(dir).string();
  if (s.fetch) key += s.fetch_private ? "\nfetch private" : "\nfetch";
  key += "\nfonts " + file(fonts_yaml);
  std::map<std::string, std::string> stamps;  // by file: a collection's faces share theirs
  for (int id = 0; id < fonts.face_count(); ++id) {
    const font::FaceInfo& info = font::info(fonts.face(id));
    auto [at, added] = stamps.try_emplace(info.path);
    if (added) at->second = stamp(info.path);
    key += "\nface " + info.path + " " + std::to_string(info.index) + " " + at->second;
  }
  key += "\nmath " + file(env.math.script);
  key += "\nepoch " +
         (env.source_date_epoch ? std::to_string(*env.source_date_epoch) : std::string("-"));
  return cache::hash_bytes(key);
}

// The output formats a job writes, as extensions.
std::vector<std::string> output_extensions(Target to) {
  if (to == Target::Pdf) return {".pdf"};
  if (to == Target::Epub) return {".epub"};
  return {".epub", ".pdf"};
}

// True when the cache says the job's outputs are current; its recorded
// warnings are then the job's diagnostics.
bool up_to_date(const Job& job, const Settings& s, JobResult& r) {
  if (s.force) return false;
  const fs::path file = cache::entry_path(job.output_base);
  std::optional<cache::Entry> e = cache::read(file);
  if (!e || e->context != s.context ||
      e->source != cache::stored_path(job.input, file.parent_path()))
    return false;
  // --fetch: the remote images it used are revalidated first (when stale), so
  // an image changed on its server makes the output stale.
  if (s.remote)
    for (const auto& dep : e->deps)
      s.remote->refresh(cache::loaded_path(dep.first, file.parent_path()));
  if (!cache::fresh(*e, s.context, file.parent_path())) return false;
  r.diags.items = std::move(e->warnings);
  for (const auto& dep : e->deps)
    r.used.push_back(cache::loaded_path(dep.first, file.parent_path()));
  return true;
}

// Writes the cache entry of a job whose outputs were just made.
void record(const Job& job, const Settings& s, JobResult& r) {
  const fs::path file = cache::entry_path(job.output_base);
  const fs::path dir = file.parent_path();
  cache::Entry e;
  e.context = s.context;
  e.source = cache::stored_path(job.input, dir);
  for (const std::string& ext : output_extensions(s.to))
    e.outputs.push_back(job.output_base.filename().string() + ext);
  std::map<std::string, fs::path> deps;  // by stored path: sorted, each once
  deps.emplace(e.source, job.input);
  for (const fs::path& f : r.used) deps.emplace(cache::stored_path(f, dir), f);
  for (const auto& [stored, path] : deps)
    e.deps.emplace_back(stored, cache::hash_file(path).value_or(std::string(cache::kMissing)));
  e.warnings = r.diags.items;
  write_atomic(file, cache::format(e), job.input.string(), s.commits, r.diags);
}

// Outputs under `roots` whose source no longer exists: reported, and with
// --prune removed together with their cache entry.
size_t report_orphans(const std::vector<fs::path>& roots, const Settings& s,
                      doc::Diagnostics& diags) {
  size_t found = 0;
  for (const fs::path& root : roots) {
    for (const fs::path& file : cache::find_entries(root)) {
      std::optional<cache::Entry> e = cache::read(file);
      const fs::path dir = file.parent_path();
      std::error_code ec;
      if (!e) continue;
      const fs::path source = cache::loaded_path(e->source, dir);
      if (fs::exists(source, ec)) continue;
      ++found;
      for (const std::string& o : e->outputs) {
        const fs::path out = dir.parent_path() / o;
        if (!fs::exists(out, ec)) continue;
        if (s.prune) {
          fs::remove(out, ec);
          diags.warn(out.string(), {}, "removed: its source " + source.string() + " was deleted");
        } else {
          diags.warn(out.string(), {},
                     "its source " + source.string() + " was deleted (--prune removes it)");
        }
      }
      if (s.prune) {
        fs::remove(file, ec);
        fs::remove(fs::path(file).replace_extension(".math"), ec);  // cache::formulas_path
      }
    }
  }
  return found;
}

// Progress while the jobs run: on a terminal a bar redrawn in place with
// done/total, rate and the time left; elsewhere (CI logs) a plain line at
// every tenth, only for runs long enough to want one.
void print_progress(size_t done, size_t total, std::chrono::steady_clock::time_point start,
                    bool tty) {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
  const double left = rate > 0 ? static_cast<double>(total - done) / rate : 0;
  if (!tty) {
    if (total < 20 || (done * 10 / total) == ((done - 1) * 10 / total)) return;
    std::fprintf(stderr, "moyin: %zu/%zu converted, %.1f/s\n", done, total, rate);
    return;
  }
  constexpr int kWidth = 30;
  int filled = total ? static_cast<int>(done * kWidth / total) : kWidth;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r[%s] %zu/%zu  %.1f/s  ETA %ds ", bar.c_str(), done, total, rate,
               static_cast<int>(left + 0.5));
  std::fflush(stderr);
}

// Whether a job is long enough (8 KB of Markdown: a few screens of text)
// that its paragraphs will likely need English hyphenation.
bool worth_preloading(const Job& job) {
  constexpr std::uintmax_t kLongInput = 8 << 10;
  std::error_code ec;
  if (job.book) return true;
  const std::uintmax_t size = fs::file_size(job.input, ec);
  return !ec && size >= kLongInput;
}

int build_inputs(const std::vector<std::string>& paths, Settings s) {
  const auto started = std::chrono::steady_clock::now();
  doc::Diagnostics planning;
  const Environment env = read_environment(planning);
  s.env = &env;
  std::vector<Job> jobs = plan(paths, s, planning);
  keep_shard(jobs, paths, s);
  // Every sheet starts from the built-in defaults, which yaml-cpp takes
  // about 9 million instructions to read: unless an earlier run left them
  // parsed (Environment::sheet_cache), read on the idle core while the fonts
  // are loaded and the inputs parsed (the first sheet_for waits for it).
  std::jthread warm_defaults;
  if (!jobs.empty() && !env.parsed_sheets->has_builtin())
    warm_defaults = std::jthread([&env] { env.parsed_sheets->prepare_builtin(); });
  // So is libzip, when an EPUB will be written: it is loaded at run time, and
  // mapping it with the libcrypto it needs costs about 8.5 M instructions.
  std::jthread warm_zip;
  if (!jobs.empty() && s.to != Target::Pdf)
    warm_zip = std::jthread([] { epub::load_zip_library(); });
  std::optional<font::FontLibrary> fonts;
  if (!jobs.empty() && !s.fonts) {  // `watch` hands in the fonts and the context it keeps
    base::StageTimer timer(s.timings, base::Stage::Fonts);
    const fs::path fonts_yaml = s.fonts_yaml.empty() ? env.fonts_yaml : fs::path(s.fonts_yaml);
    fonts = load_fonts(env, fonts_yaml, planning);
    timer.stop();
    if (!fonts) {
      print_diagnostics(planning);
      return 1;  // no input can be typeset without fonts
    }
    s.fonts = &*fonts;
    s.context = cache_context(s, env, fonts_yaml, *fonts);
  }
  // Deleted sources are looked for once, by the first shard.
  if (s.shard == 1) {
    std::vector<fs::path> roots;
    if (s.out_dir) roots.push_back(*s.out_dir);
    else
      for (const std::string& p : paths)
        if (std::error_code ec; fs::is_directory(p, ec)) roots.emplace_back(p);
    report_orphans(roots, s, planning);
  }
  // --fetch: downloads go into the output folder's cache (or the inputs' folder's).
  std::optional<RemoteImages> remote;
  if (s.fetch && !jobs.empty()) {
    const fs::path root = s.out_dir ? *s.out_dir : common_folder(paths);
    fetch::Limits limits;
    limits.private_origin = s.fetch_private;
    // The clock, read once: until when a download stays fresh (remote.h).
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    s.remote = &remote.emplace(root / ".moyin-cache" / "fetch", limits, now, s.refetch);
    if (!remote->error().empty()) {  // libcurl is not installed: said once, not per image
      planning.error("moyin", {},
                     "--fetch: " + remote->error() + "; remote images are not downloaded");
      s.remote = nullptr;
    }
  }
  std::optional<highlight::Highlighter> highlighter;
  if (!s.highlighter) s.highlighter = &highlighter.emplace(highlight_dirs(env));
  std::optional<typeset::Hyphenator> hyphenator;
  if (!s.keep) {  // `watch` keeps the patterns loaded
    hyphenator = load_hyphenator(env);
    s.hyphenator = hyphenator ? &*hyphenator : nullptr;
  }
  print_diagnostics(planning);
  std::vector<JobResult> results(jobs.size());
  s.overlap = jobs.size() == 1;

  // First pass: read every input (in parallel), so the math engine runs once for all.
  base::run_parallel(
      jobs.size(), s.jobs,
      [&](size_t i) {
        try {
          if (up_to_date(jobs[i], s, results[i])) {
            results[i].up_to_date = true;
            return;
          }
          if (jobs[i].book) load_book(jobs[i], s, results[i]);
          else load_file(jobs[i], s, results[i]);
        } catch (const std::exception& e) {
          results[i].diags.error(jobs[i].input.string(), {},
                                 std::string("internal error: ") + e.what());
          results[i].ok = false;
        }
      },
      [](size_t) {});
  // `watch` keeps the formulas converted so far: a rebuild starts MathJax
  // only for formulas it has not seen.
  // A single long input to convert nearly always has a loose line that
  // asks for English hyphenation: its patterns are read on the idle core
  // while the input is set (joined before the hyphenator goes).
  std::jthread preload;
  if (s.overlap && s.hyphenator && !s.keep && results.front().ok && !results.front().up_to_date &&
      worth_preloading(jobs.front()))
    preload = std::jthread([h = s.hyphenator] { h->preload(); });
  math::Converted run_formulas;
  math::Converted& formulas = s.keep ? s.keep->formulas : run_formulas;
  doc::Diagnostics math_diags;
  base::StageTimer math_timer(s.timings, base::Stage::Math);
  if (collect_formulas(results)) s.formula_engine = formula_engine(env.math);
  restore_formulas(jobs, results, s, formulas);
  convert_math(env.math, results, formulas, s.keep ? &s.keep->engine : nullptr, math_diags);
  math_timer.stop();
  print_diagnostics(math_diags);
  s.formulas = &formulas;
  bool tty = ::isatty(STDERR_FILENO) == 1;
  const bool progress = !s.quiet && jobs.size() > 1;
  const auto progress_started = std::chrono::steady_clock::now();
  std::mutex progress_mutex;  // only guards the progress line on stderr
  // From here on outputs are written: SIGINT/SIGTERM let the documents in
  // flight finish and start no new one.
  base::CommitGroup commits(64, std::chrono::seconds(1), /*early_writeback=*/jobs.size() == 1);
  s.commits = &commits;
  InterruptGuard interrupt;
  base::run_parallel(
      jobs.size(), s.jobs,
      [&](size_t i) {
        results[i].started = true;
        try {  // an exception must not escape a worker thread (std::terminate)
          if (!results[i].ok || results[i].up_to_date) return;
          if (jobs[i].book) run_book(jobs[i], s, results[i]);
          else run_file(jobs[i], s, results[i]);
          if (!results[i].diags.has_errors()) record(jobs[i], s, results[i]);
          keep_formulas(jobs[i], s, results[i]);
        } catch (const std::exception& e) {
          results[i].diags.error(jobs[i].input.string(), {},
                                 std::string("internal error: ") + e.what());
          results[i].ok = false;
        }
        if (results[i].diags.has_errors()) results[i].ok = false;
      },
      [&](size_t done) {
        if (!progress) return;
        std::lock_guard<std::mutex> lock(progress_mutex);
        print_progress(done, jobs.size(), progress_started, tty);
      },
      [&] { return interrupt.signal() != 0; });
  if (progress && tty) std::fputc('\n', stderr);
  note_formula_files(jobs, results, s);
  // The finished documents' outputs go into place, even when interrupted.
  commits.flush();
  doc::Diagnostics committing;
  for (const std::string& error : commits.errors()) committing.error("moyin", {}, error);
  print_diagnostics(committing);
  if (const int sig = interrupt.signal()) {
    for (const JobResult& r : results) print_diagnostics(r.diags, stderr, s.report);
    size_t skipped = 0;
    for (size_t i = 0; i < jobs.size(); ++i)
      if (!results[i].started) {
        ++skipped;
        if (!s.quiet)
          std::fprintf(stderr, "moyin: %s: not converted (interrupted)\n", jobs[i].input.c_str());
      }
    std::fprintf(
        stderr, "moyin: interrupted: %zu of %zu inputs not converted; their old outputs are kept\n",
        skipped, jobs.size());
    return 128 + sig;
  }
  if (s.timings) print_timings(*s.timings, jobs.size(), started);
  if (fonts) fonts->save_resolution_cache();  // families the documents' styles named
  save_parsed_sheets(env);
  if (preload.joinable()) preload.join();  // before its tables are read
  if (hyphenator) save_hyphenation(env, *hyphenator);
  if (s.used)
    for (size_t i = 0; i < jobs.size(); ++i) {
      s.used->push_back(jobs[i].input);
      s.used->insert(s.used->end(), results[i].used.begin(), results[i].used.end());
    }
  size_t failed = 0, current = 0;
  size_t warnings = planning.count(doc::Severity::Warning);
  for (JobResult& r : results) {
    print_diagnostics(r.diags, stderr, s.report);
    warnings += r.diags.count(doc::Severity::Warning);
    if (!r.ok) ++failed;
    if (r.up_to_date) ++current;
  }
  if (!s.quiet && (jobs.size() > 1 || current > 0)) {
    std::string up = current ? ", " + std::to_string(current) + " up to date" : std::string();
    std::fprintf(stderr, "moyin: %zu of %zu inputs converted%s, %zu failed\n",
                 jobs.size() - failed - current, jobs.size(), up.c_str(), failed);
  }
  if (planning.has_errors() || math_diags.has_errors() || committing.has_errors()) return 1;
  if (failed > 0) return 1;
  if ((s.report.warnings_are_errors && warnings > 0) ||
      (s.report.max_warnings >= 0 && warnings > static_cast<size_t>(s.report.max_warnings))) {
    std::fprintf(stderr, "moyin: error: %zu warning%s (%s)\n", warnings, warnings == 1 ? "" : "s",
                 s.report.warnings_are_errors
                     ? "-W error"
                     : ("--max-warnings " + std::to_string(s.report.max_warnings)).c_str());
    return 1;
  }
  return 0;
}

// One short document is built on a thread of its own, its heap in huge
// pages (HugePages, on_own_thread); anything else on this thread.
int run_build(const std::vector<std::string>& paths, Settings s) {
  if (!one_short_document(paths, s)) return build_inputs(paths, std::move(s));
  [[maybe_unused]] const HugePages huge_pages;  // empty without mimalloc (sanitizer builds)
  return on_own_thread([&] { return build_inputs(paths, std::move(s)); });
}

// "K/N" with 1 <= K <= N.
bool parse_shard(std::string_view v, int& k, int& n) {
  size_t slash = v.find('/');
  if (slash == std::string_view::npos) return false;
  auto a = std::from_chars(v.data(), v.data() + slash, k);
  auto b = std::from_chars(v.data() + slash + 1, v.data() + v.size(), n);
  return a.ec == std::errc() && a.ptr == v.data() + slash && b.ec == std::errc() &&
         b.ptr == v.data() + v.size() && n >= 1 && k >= 1 && k <= n;
}

}  // namespace

namespace {

struct BuildArgs {
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
  bool force = false;
  bool prune = false;
  std::string shard;
  bool drop_badges = false;
  std::vector<std::string> resource_path;
  bool fetch = false;
  bool fetch_private = false;
  bool refetch = false;
  int max_rebuilds = 0;  // watch: stop after N rebuilds (0: never)
  bool timings = false;  // build --timings
};

// The options `build` and `watch` share (`watch` has no --shard/--prune).
void add_build_options(CLI::App* cmd, BuildArgs& a, bool watch) {
  cmd->add_option("PATH", a.paths, "Markdown file, folder of .md files, or book.yaml")->required();
  cmd->add_option("--to", a.to, "Output format")
      ->check(CLI::IsMember({"pdf", "epub", "all"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", a.out, "Write outputs into this folder");
  cmd->add_option("--style", a.style, "Style sheet name (styles/NAME.yaml) or file");
  cmd->add_option("--set", a.sets, "Override a style key: key=value")->allow_extra_args(false);
  cmd->add_option("--fonts", a.fonts_yaml,
                  "Font configuration (default: $MOYIN_HOME/fonts/fonts.yaml or the shipped one)");
  cmd->add_option("-j,--jobs", a.jobs, "Parallel jobs (default: CPU count)")
      ->check(CLI::Range(1, 256));
  cmd->add_flag("-q,--quiet", a.quiet, "Print errors only");
  cmd->add_option("--warnings-per-kind", a.report.warnings_per_kind,
                  "Print at most N warnings of one kind per document, then a count (0: all)")
      ->capture_default_str();
  cmd->add_option(
         "--max-warnings", a.report.max_warnings,
         "Exit with status 1 when there are more than N warnings (outputs are still written)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("-W", a.werror, "-W error: any warning makes the exit status 1")
      ->check(CLI::IsMember({"error"}));
  cmd->add_flag(
      "--drop-badges", a.drop_badges,
      "Leave out paragraphs made only of status badges (shields.io, CI, coverage images); "
      "the style key image.drop-badges does it for every run");
  cmd->add_flag("--force", a.force,
                "Rebuild every input, even those the build cache says are up to date");
  add_resource_path_option(cmd, a.resource_path);
  cmd->add_flag("--fetch", a.fetch,
                "Download http(s) images (cached in .moyin-cache/fetch/ beside the outputs; "
                "32 MB and 30 s at most each)");
  cmd->add_flag("--fetch-private", a.fetch_private,
                "With --fetch: an image URL as written may name a loopback or private-network "
                "address (an intranet server); redirects never may")
      ->needs("--fetch");
  cmd->add_flag("--refetch", a.refetch,
                "With --fetch: download every remote image again, even a copy still fresh "
                "(watch: on its first build)")
      ->needs("--fetch");
  cmd->add_flag("--timings", a.timings,
                "Print the wall time of each stage (read, parse, fonts, shape, break, pages, pdf, "
                "epub, write); watch: of every rebuild");
  if (watch) {
    cmd->add_option("--max-rebuilds", a.max_rebuilds, "Stop after N rebuilds (scripts and tests)")
        ->check(CLI::NonNegativeNumber);
    return;
  }
  cmd->add_flag("--prune", a.prune,
                "Remove outputs whose source was deleted (they are reported anyway)");
  cmd->add_option("--shard", a.shard,
                  "Convert only the K-th of N deterministic slices of the inputs (K/N)")
      ->check([](const std::string& v) {
        int k = 0, n = 0;
        return parse_shard(v, k, n) ? std::string() : std::string("expected K/N with 1 <= K <= N");
      });
}

Settings settings_from(const BuildArgs& a) {
  Settings s;
  s.to = a.to == "pdf" ? Target::Pdf : a.to == "epub" ? Target::Epub : Target::All;
  if (!a.out.empty()) s.out_dir = fs::path(a.out);
  s.style = a.style;
  s.sets = a.sets;
  s.fonts_yaml = a.fonts_yaml;
  s.quiet = a.quiet;
  s.report = a.report;
  s.report.errors_only = a.quiet;
  s.report.warnings_are_errors = a.werror == "error";
  s.force = a.force;
  s.prune = a.prune;
  s.drop_badges = a.drop_badges;
  s.resource_path.assign(a.resource_path.begin(), a.resource_path.end());
  s.fetch = a.fetch;
  s.fetch_private = a.fetch_private;
  s.refetch = a.refetch;
  if (!a.shard.empty()) parse_shard(a.shard, s.shard, s.shards);
  const unsigned hw = std::thread::hardware_concurrency();
  s.jobs = a.jobs > 0 ? a.jobs : static_cast<int>(hw ? hw : 1);
  return s;
}

}  // namespace

void add_resource_path_option(CLI::App* cmd, std::vector<std::string>& dirs) {
  cmd->add_option("--resource-path", dirs,
                  "Folders (DIR[:DIR...], repeatable) searched in order for site-root images "
                  "(/images/x.png) and for relative ones not beside the document")
      ->allow_extra_args(false)
      ->delimiter(':')
      ->check(CLI::ExistingDirectory);
}

void add_build(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "build", "Convert Markdown files, folders or a book.yaml to EPUB (and PDF)");
  cmd->footer(
      "Examples:\n"
      "  moyin build post.md                        # post.epub and post.pdf beside it\n"
      "  moyin build posts/ -o site/ --to pdf       # a folder; unchanged posts are skipped\n"
      "  moyin build book.yaml --style book\n"
      "  moyin build posts/ -o out/ --shard 2/4     # the 2nd of 4 slices (docs/scaling.md)\n\n"
      "Exit status: 0 success, 1 an input failed (or -W error / --max-warnings), 2 wrong usage.");
  auto args = std::make_shared<BuildArgs>();
  add_build_options(cmd, *args, false);
  cmd->callback([args, &exit_code] {
    Settings s = settings_from(*args);
    base::Timings timings;
    if (args->timings) s.timings = &timings;
    s.exits_after = true;
    exit_code = run_build(args->paths, s);
  });
}

void add_watch(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "watch", "Build, then rebuild what changed whenever a file is saved (inotify)");
  cmd->footer(
      "Examples:\n"
      "  moyin watch post.md --to pdf\n"
      "  moyin watch posts/ -o site/\n"
      "  moyin watch book.yaml\n\n"
      "Runs until interrupted (Ctrl-C), printing one line per rebuild with its wall and CPU time.\n"
      "The folders of the snippets, images and style sheets a build used are watched too.\n"
      "Exit status: 0 stopped after --max-rebuilds, 1 the files cannot be watched, 2 wrong usage.");
  auto args = std::make_shared<BuildArgs>();
  add_build_options(cmd, *args, true);
  cmd->callback([args, &exit_code] {
    Settings s = settings_from(*args);
    // Loaded once for every rebuild: the fonts, the cache context (it hashes
    // the fonts and Moyin itself) and the highlighter's language definitions.
    // A changed fonts.yaml or font file needs a restart of `watch`.
    doc::Diagnostics diags;
    const Environment env = read_environment(diags);
    const fs::path fonts_yaml = s.fonts_yaml.empty() ? env.fonts_yaml : fs::path(s.fonts_yaml);
    std::optional<font::FontLibrary> fonts = load_fonts(env, fonts_yaml, diags);
    print_diagnostics(diags);
    if (!fonts) {
      exit_code = 1;
      return;
    }
    s.fonts = &*fonts;
    s.context = cache_context(s, env, fonts_yaml, *fonts);
    const highlight::Highlighter highlighter(highlight_dirs(env));
    s.highlighter = &highlighter;
    Kept kept;
    kept.hyphenator = load_hyphenator(env);
    s.hyphenator = kept.hyphenator ? &*kept.hyphenator : nullptr;
    s.keep = &kept;
    // The folders of the images, snippets and sheets each build used are
    // watched too (watch.h): a site-root image saved there rebuilds its posts.
    exit_code = watch(args->paths, args->max_rebuilds, [&s, args](std::vector<fs::path>& used) {
      Settings run = s;
      run.used = &used;
      s.refetch = false;      // --refetch: the first build only
      base::Timings timings;  // --timings: each rebuild's own
      if (args->timings) run.timings = &timings;
      const int status = run_build(args->paths, run);
      s.keep->pdf.sweep();  // keep only what this build used
      return status;
    });
  });
}

}  // namespace moyin::cli
