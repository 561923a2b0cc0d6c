// Mathematics: the formulas of a run, converted once by MathJax (a Node.js
// process, math/engine.js) into SVG for print and MathML for EPUB; SVG
// turned into vector paths; equation numbers and references.
//
//   math::Converted run;                            // every document's, by preamble
//   math::Engine engine{.node = "/usr/bin/node", .script = home / "math/engine.js"};
//   const math::Collected mine = math::collect(docs);  // one document, or a book's chapters
//   std::string error;
//   if (!math::convert(engine, std::span(&mine, 1), run, error)) report(error);
//   const math::Formulas& formulas = *run.find(mine.preamble);
//   math::report(doc, formulas, diags);             // path:line:col: warning: math: …
//   const math::Formula* f = formulas.find(tex, display);
//   std::optional<math::Drawing> d = math::drawing(f->svg);
#pragma once

#include <compare>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/string_map.h"
#include "doc/diagnostics.h"
#include "doc/document.h"
#include "layout/book.h"

namespace moyin::math {

struct Key {
  std::string tex;
  bool display = false;
  auto operator<=>(const Key&) const = default;
};

// MathJax's answer for one formula.
struct Formula {
  std::string error;   // MathJax's message ("Missing argument for \frac"); empty when converted
  std::string svg;     // <svg …> with paths (fontCache none) and <text> for CJK
  std::string mathml;  // <math …> with alttext and display
};

// One document's (or book's) results by (TeX, display): a formula written
// twice is converted once.
struct Formulas {
  std::map<Key, Formula> results;
  const Formula* find(const std::string& tex, bool display) const;
  bool empty() const { return results.empty(); }
};

// The formulas of a document (or of a book) that define macros (\newcommand,
// \def, \DeclareMathOperator…), in the order they are written. Their macros
// apply to every formula of that document, wherever defined, and reach no
// other document of a run: each formula is converted after them, by an
// engine that has seen no other document's. Empty for most documents.
using Preamble = std::vector<std::string>;

// A document's (or a book's) formulas: each (TeX, display) once, in a stable
// order, and its preamble.
struct Collected {
  Preamble preamble;
  std::vector<Key> keys;
  bool empty() const { return keys.empty(); }
  friend bool operator==(const Collected&, const Collected&) = default;
};

// Every formula of the run, by the preamble it was converted after
// (documents with none share theirs).
struct Converted {
  std::map<Preamble, Formulas> by_preamble;
  const Formulas* find(const Preamble& preamble) const;
};

Collected collect(std::span<const doc::Document> docs);
bool has_math(const doc::Document& d);
// The formulas of `written` (in document order) that define macros, each once.
Preamble preamble_of(std::span<const Key> written);

struct Engine {
  std::string node;    // the Node.js executable (a path)
  std::string script;  // math/engine.js
  double timeout = 0;  // seconds for the whole batch; 0: 20 s + 20 ms per formula
  // The engine with MathJax loaded, as a V8 start-up snapshot of `script`
  // (src/math/CMakeLists.txt); empty: none. Run first when there is one; a
  // snapshot that is not of `script` and its MathJax, or that this Node.js
  // cannot load, is left for the script itself.
  std::string snapshot;
};

// The snapshot this build made, or empty when it made none.
std::string built_snapshot();

// The engine kept running between batches (`moyin watch`): a formula added
// costs its conversion, a few milliseconds, not the engine's start. Started
// by the first batch given to `convert`; after a failure (the process ended,
// a timeout, an answer not understood) it is stopped and later batches go to
// an engine of their own, as without it.
struct Server {
  Server();
  ~Server();  // the engine stopped
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  struct Running;
  std::unique_ptr<Running> running;  // null: not started, or stopped
  bool failed = false;
  int pid() const;  // the engine's process id; -1 when none runs
};

// Runs the engine once with every formula of `docs` not yet in `out` (under
// its document's preamble), or asks `server` when given, and stores the
// results. False (with `error` saying what to install or what failed) when
// the engine could not run; formulas MathJax refuses are results with an
// error.
bool convert(const Engine& engine, std::span<const Collected> docs, Converted& out,
             std::string& error, Server* server = nullptr);

// ---- Formulas kept between runs (the CLI keeps a document's beside its outputs)

// The formulas of `mine` that `from` (converted after its preamble) holds,
// MathJax's refusals included, as bytes for restore() (MessagePack).
// `engine` names what made them (the CLI hashes the engine's script and
// MathJax's pinned version): restore() takes them back only for the same
// engine and preamble. Deterministic: the same formulas give the same bytes.
std::string store(const Collected& mine, const Formulas& from, std::string_view engine);
// Adds the formulas `bytes` holds to `into`, each one not there yet. False,
// and nothing added, when `bytes` is not such a store, or is another
// engine's, or was converted after another preamble.
bool restore(std::string_view bytes, std::string_view engine, const Preamble& preamble,
             Formulas& into);

// `path:line:col: warning: math: <MathJax's message>` for every formula of
// `d` that did not convert (they print as their TeX source in code style).
void report(const doc::Document& d, const Formulas& formulas, doc::Diagnostics& diags);

// Takes out of `docs` the display formulas that draw nothing, unlabelled and
// untagged: those that only define macros ($$\newcommand{\R}{\mathbb{R}}$$,
// which is in the preamble). They would print an empty line, or a number
// alone when equations are numbered.
void drop_definitions(std::span<doc::Document> docs, const Formulas& formulas);

// ---- Numbers and references

// Given: the caller has numbered the formulas (typeset::number_blocks with
// numbering.equation): only the \eqref/\ref links are filled.
enum class Numbering { None, All, Chapter, Given };

// Gives display formulas their printed number (Block::equation): a \tag as
// written; with `All` every display formula "1", "2", …; with `Chapter`
// "c.n" where c counts level-1 headings (and documents of a book); with
// `None` only labelled formulas (so \eqref has something to print). Fills
// \eqref/\ref links with the number; unknown labels warn.
void number_equations(std::span<doc::Document> docs, Numbering numbering, doc::Diagnostics& diags);

// ---- SVG -> vector drawing

// A text element of MathJax's SVG (CJK in \text{}): drawn with Moyin's fonts.
struct Text {
  std::string text;
  double x = 0, y = 0;  // em, baseline start, y down from the formula's baseline
  double size = 1;      // em
};

// A formula as outlines in em units: x from its left edge, y down with the
// baseline at 0 (multiply by the text size in pt and translate). A glyph's
// path keeps MathJax's outline in its own units, placed by its transform
// (layout::Path): one glyph is one path wherever it appears.
struct Drawing {
  double width = 0;                 // em
  double ascent = 0;                // em above the baseline
  double descent = 0;               // em below the baseline (positive)
  std::vector<layout::Path> paths;  // fill/stroke colours black
  std::vector<Text> texts;
};

// Glyph outlines parsed, by their path data: a glyph used by many formulas
// is parsed once and its segments held once (layout::Outline is shared).
// Used by one thread.
using Glyphs = base::StringMap<std::shared_ptr<const layout::Outline>>;

// Each formula's drawing, parsed once for all the threads that set one
// document: the thread that sets a paragraph ahead and the one that places
// its lines both ask for its formulas (thread-safe; drawings are never
// changed once made, and stay where they are while this lives).
class SharedDrawings {
 public:
  explicit SharedDrawings(const Formulas& formulas) : formulas_(formulas) {}
  // The drawing of `tex`, or nullptr when MathJax refused it (or no engine
  // converted it).
  const Drawing* find(const std::string& tex, bool display);

 private:
  const Formulas& formulas_;
  std::mutex mutex_;  // guards both below
  std::map<Key, std::optional<Drawing>> drawings_;
  Glyphs glyphs_;
};

// Parses MathJax's SVG (g/path/rect/line/text with translate/scale/matrix
// transforms; path data M L H V C S Q T Z, absolute and relative), taking
// glyphs from `glyphs` and adding new ones to it when given.
// Nothing when it is not such an SVG.
std::optional<Drawing> drawing(std::string_view svg, Glyphs* glyphs = nullptr);

// Whether `svg` is MathJax's SVG of a formula that draws nothing (one that
// only defines macros). Reads the whole drawing only when it holds none of
// the elements that draw.
bool draws_nothing(std::string_view svg);

// Path data ("M0 0L10 0Z") -> segments in the path's own coordinates;
// false on malformed data.
bool parse_path_data(std::string_view d, layout::Outline& out);

}  // namespace moyin::math
