// Internal pieces of the EPUB back end (not part of the public API).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "doc/diagnostics.h"
#include "doc/document.h"
#include "epub/epub.h"
#include "image/catalog.h"

namespace pugi {
class xml_node;
class xml_document;
}  // namespace pugi

namespace moyin::epub::detail {

// ---- archive.cpp: a deterministic zip (mimetype first and stored).
struct FileEntry {
  std::string name;
  std::string data;
};
// `entries` must start with "mimetype"; all get the same DOS time from `epoch`.
// The others are deflated with libdeflate on up to `threads` threads; the
// bytes do not depend on `threads`.
std::optional<std::string> zip_package(const std::vector<FileEntry>& entries, int64_t epoch,
                                       std::string& error, int threads = 1);

// ---- util.cpp
std::string uuid_from_name(std::string_view name);  // RFC 4122 v5 uuid, without "urn:uuid:"
std::string escape_html(std::string_view text, bool attribute);
void append_escaped_html(std::string& out, std::string_view text, bool attribute);
std::string valid_utf8_xml(std::string_view text);  // drops chars XML 1.0 forbids
// True when text known to be valid UTF-8 has only characters XML 1.0 allows
// (valid_utf8_xml would return it unchanged); a byte scan, nothing decoded.
bool xml_chars_only(std::string_view valid_utf8);
bool valid_language_tag(std::string_view tag);
using image::percent_decode;
std::string uri_escape(std::string_view text);  // spaces, quotes, controls -> %XX

// ---- html_writer.cpp: blocks -> HTML5 text (parsed again by the sanitizer).
// Comments "<!--@L:C-->" mark the source position of what follows.
struct FootnoteTarget {
  std::string id;  // id of the footnote's <aside>
};
// Markup the style sheet asks of the text (none for the conformance tests):
// an empty <span class="hl-sp"/> at each Han–Latin boundary (the CSS gives it
// the cjk.latin-spacing margin), fullwidth marks that cjk.punctuation
// compresses in <span class="pc|po|pk"> (negative margins in the CSS), runs
// of one or two digits in <span class="tcy"> in vertical text. The text
// itself (search, read-aloud) is unchanged.
enum class Squeeze { None, Pairs, AllButStops, All };  // plain, quanjiao, kaiming, banjiao
struct TextMarkup {
  bool latin_spacing = false;
  Squeeze punctuation = Squeeze::None;
  bool vertical = false;
};
TextMarkup text_markup(const style::Sheet& sheet);

struct HtmlWriter {
  const doc::Document* doc = nullptr;
  TextMarkup markup;
  // label -> def id (from doc.footnotes)
  std::map<std::string, std::string> footnote_ids;
  std::map<std::string, int> ref_counts;  // label -> refs written so far
  // Note marks as in the PDF (footnote.marks); `note_offset` is added to each
  // note's number (footnote.numbering: document, the notes of the chapters before).
  style::NoteMarks note_marks = style::NoteMarks::Superscript;
  int note_offset = 0;
  const math::Formulas* formulas = nullptr;
  // MathML of the formulas written, in order: the HTML holds a placeholder
  // <code class="moyin-mathml">N</code> per formula that insert_mathml
  // replaces after sanitizing (MathJax's MathML is trusted, raw HTML's is not).
  std::vector<std::string> mathml;
  void math(const std::string& tex, bool display, const doc::Block* block, std::string& out);
  char32_t prev = 0;               // last character written in this block; 0 = none or not text
  bool code_line_numbers = false;  // style code.line-numbers
  // Captions under image blocks (<figure>), as the sheet says; none = a bare <p class="image">.
  std::optional<style::FigureStyle> figures;
  // When the print edition's pages will be known (mark_positions), each
  // block with a source position not marked yet writes a comment
  // <!--page@LINE:COLUMN--> before itself (the outermost block at a position
  // takes its pages); insert_pagebreaks puts the pagebreaks of the pages
  // beginning there in place of these marks after sanitizing, and drops the
  // others. (Comments, not elements: cheap for the HTML parser, which sees
  // one before every block.)
  bool mark_positions = false;
  std::set<std::pair<int, int>> marked;
  // Set when the manuscript's raw HTML was written (then gumbo must read it).
  bool wrote_raw_html = false;
  void page_breaks(const doc::Block& b, std::string& out);
  void blocks(const std::vector<doc::Block>& blocks, std::string& out, bool tight = false);
  void block(const doc::Block& b, std::string& out, bool tight);
  void inlines(const std::vector<doc::Inline>& in, std::string& out);
  void element(const char* tag, const doc::Inline& in, std::string& out);  // <tag>children</tag>
  void footnote(const doc::Block& def, std::string& out, bool epub_markup);
  void text(std::string_view s, std::string& out, char32_t after_text = 0);
  void space_before(char32_t next, std::string& out);
  const char* squeeze_class(char32_t c, char32_t before, char32_t after) const;
};
HtmlWriter make_writer(const doc::Document& doc, const TextMarkup& markup = {});
// A CSS length for an image size attribute as written ("60%", "3cm", bare
// numbers in px); "" when it is not one.
std::string css_length(std::string_view v);
// The MathML placeholders under `root` in document order (not those inside another).
std::vector<pugi::xml_node> find_mathml_placeholders(pugi::xml_node root);
// Replaces the writer's MathML placeholders (as found, or as the sanitizer
// listed them); true when any formula was inserted.
bool insert_mathml(const std::vector<pugi::xml_node>& placeholders,
                   const std::vector<std::string>& mathml);
// The writer's page marks (comments "page@L:C") under `root`, in document order.
std::vector<pugi::xml_node> find_page_marks(pugi::xml_node root);
// Replaces the writer's page marks (as found, or as the sanitizer listed
// them) with
// <span epub:type="pagebreak" role="doc-pagebreak" id="page-N" aria-label="L"/>
// and returns, in order, the print page index and the id of each.
// Print pages by the source position they begin at, for one chapter: the
// indexes into `pages`, in order.
using PageStarts = std::map<std::pair<int, int>, std::vector<int>>;
PageStarts page_starts(const std::vector<PrintPage>& pages, int chapter);
std::vector<std::pair<int, std::string>> insert_pagebreaks(const std::vector<pugi::xml_node>& marks,
                                                           const std::vector<PrintPage>& pages,
                                                           const PageStarts& starts,
                                                           std::set<std::string>& ids);

// ---- sanitize.cpp: HTML5 text -> XHTML nodes appended to `parent`.
struct SanitizeContext {
  doc::Diagnostics* diags = nullptr;
  std::string path;
  // Returns the package href for an image URL, or nullopt (then alt text is used).
  std::function<std::optional<std::string>(std::string_view url, doc::Position pos)> resolve_image;
  std::set<std::string> ids;  // ids used in the current file
  // Keep the writer's block-start marks (HtmlWriter::mark_positions) as
  // comments, for insert_pagebreaks.
  bool keep_page_marks = false;
  // What the sanitizer wrote that later passes look for, listed as it is
  // written (in document order, the sanitizer writing each element before
  // its content), so they need not walk the tree again: each <a href> with
  // its source position (for link diagnostics), the page marks kept, the
  // MathML placeholders (not those inside another), and the images.
  std::vector<std::pair<pugi::xml_node, doc::Position>> links;
  std::vector<pugi::xml_node> page_marks;
  std::vector<pugi::xml_node> mathml_placeholders;
  int images = 0;
  int images_without_alt = 0;
};
void html_to_xhtml(std::string_view html, pugi::xml_node parent, SanitizeContext& ctx);
// The same for our writer's HTML (`has_raw_html`: the manuscript's raw HTML
// is in it): read as XML where the HTML5 parser provably builds the same
// tree (read_writer_html), through gumbo (html_to_xhtml) otherwise; the
// result is the same either way.
void writer_html_to_xhtml(std::string_view html, bool has_raw_html, pugi::xml_node parent,
                          SanitizeContext& ctx);
// Parses `html` into `tree` and returns true when an HTML5 parser would build
// the same tree from it; false (with `tree` unspecified) otherwise.
bool read_writer_html(std::string_view html, pugi::xml_document& tree);

// Serializes an XHTML document node-tree rooted at `root` (the <html> element).
std::string serialize_xhtml(const pugi::xml_node& doc_node);
// Serializes children of `node` (no declaration).
std::string serialize_children(const pugi::xml_node& node);

// ---- images.cpp
struct Resource {
  std::string href;  // path inside EPUB/ ("images/001-photo.png")
  std::string media_type;
  std::string data;
};
// The images packed into the EPUB, as the run's image catalog resolved them
// (the same files, checks and warnings as the PDF's).
class ImageStore {
 public:
  explicit ImageStore(image::Catalog& catalog) : catalog_(catalog) {}
  // url as written in the manuscript `path`; nullopt after a warning.
  std::optional<std::string> resolve(std::string_view url, std::string_view path, doc::Position pos,
                                     doc::Diagnostics& diags);
  const std::vector<Resource>& resources() const { return resources_; }
  // Problems found while deferring are reported by report_deferred (through
  // the catalog, which says each once: after the typesetter, nothing twice).
  bool defer_reports = false;
  void report_deferred(doc::Diagnostics& diags);

 private:
  struct Deferred {
    std::string url, path;
    doc::Position pos;
  };
  image::Catalog& catalog_;
  std::vector<Deferred> deferred_;
  std::map<std::string, size_t> by_file_;
  std::set<std::string> names_;
  std::vector<Resource> resources_;
};

}  // namespace moyin::epub::detail
