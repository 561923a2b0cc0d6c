// Style sheets: what every element looks like, for both the PDF and the EPUB.
// A sheet is YAML with units (pt, mm, cm, in, em, %, bare numbers = ratios),
// layered: built-in defaults <- styles/<name>.yaml <- the front matter's
// `style:` <- `--style FILE` <- `--set key=value`. Unknown keys and bad values
// are warnings naming file, line and key; the default is kept.
// Resolved values are plain structs, lengths in points.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doc/diagnostics.h"
#include "doc/document.h"

namespace moyin::style {

struct Color {
  double r = 0, g = 0, b = 0;  // 0..1
  friend bool operator==(const Color&, const Color&) = default;
};

enum class Align { Justify, Left, Center, Right };

enum class Role {
  Body,
  H1,
  H2,
  H3,
  H4,
  H5,
  H6,
  Code,
  Quote,
  Table,
  Caption,
  Footnote,
  Header,
  Footer,
  Title,
};
inline constexpr int kRoleCount = 15;
std::string_view role_name(Role r);  // "body", "h1", …, "title"
Role heading_role(int level);        // 1..6 -> H1..H6 (clamped)

struct RoleStyle {
  std::string font;     // font set name in fonts.yaml ("serif-zh", …)
  double size = 10.5;   // pt
  double leading = 18;  // baseline-to-baseline distance, pt
  Color color;
  Color background{1, 1, 1};  // block background (code)
  bool has_background = false;
  Align align = Align::Justify;
  double space_before = 0;  // pt
  double space_after = 0;   // pt
  double indent = 0;        // first-line indent, pt
  double margin_left = 0;   // block indent from the text area's left, pt
  bool keep_with_next = false;
  bool bold = false;
  bool italic = false;
  bool page_break_before = false;  // start on a new page
};

struct PageStyle {
  std::string size_name = "A4";  // as given ("A4", "16K", "大32开", "custom")
  double width = 595.276;        // pt (trim size)
  double height = 841.89;
  double top = 72, bottom = 72;   // margins, pt
  double inner = 72, outer = 72;  // inner = left on recto (odd) pages
  bool mirrored = false;          // verso pages swap inner/outer
  double bleed = 0;               // pt on each side
  bool crop_marks = false;
};

enum class LineBreak { Basic, Gb, Strict, Loose };
enum class Punctuation { Quanjiao, Kaiming, Banjiao, Plain };

struct CjkStyle {
  LineBreak line_break = LineBreak::Gb;
  Punctuation punctuation = Punctuation::Quanjiao;
  double latin_spacing = 0.25;  // em of the role's size at Han–Latin boundaries; 0 = none
  bool hanging = false;
  bool synthetic_slant = false;  // slant Han in italic spans (default upright)
};

struct ParagraphStyle {
  int min_last_line = 2;  // characters on a paragraph's last line, at least
  int widows = 2;         // lines kept together at a page top / bottom
  int orphans = 2;
};

// One running line (header or footer). Text templates may use {title},
// {chapter}, {section}, {page}, {author}, {date}. On mirrored pages, left and
// right swap on verso (even) pages so "right" is always the outer edge.
struct RunningLine {
  std::string left, center, right;
  bool rule = false;  // a hairline under a header / over a footer
};

struct RunningStyle {
  RunningLine header;
  RunningLine footer;
  // On the verso (even) pages of a mirrored book, when set, these replace
  // header / footer (still swapped: "right" is the outer edge), so a book can
  // carry its title on the left-hand page and the chapter on the right.
  std::optional<RunningLine> verso_header;
  std::optional<RunningLine> verso_footer;
  bool on_chapter_pages = false;  // also on the first page of a chapter
  double header_gap = 14;         // pt between header baseline and text area top
  double footer_gap = 24;         // pt between text area bottom and footer baseline
};

struct ChapterStyle {
  int level = 1;            // heading level that starts a chapter
  bool new_page = false;    // chapters start on a new page
  bool open_right = false;  // … on a recto (odd) page
};

struct TocStyle {
  bool enabled = true;  // PDF: a table of contents after the title page
  int depth = 3;        // heading levels listed
  std::string title;    // empty: by the document's language (目录 / Contents)
};

struct TitlePageStyle {
  bool enabled = true;  // a title page from the front matter (when it has a title)
};

// The EPUB's writing direction (the PDF stays horizontal).
enum class WritingMode { HorizontalTb, VerticalRl };
// Latin letters in vertical text: rotated sideways (mixed) or upright.
enum class TextOrientation { Mixed, Upright };

struct EpubStyle {
  int split_level = 1;       // headings of this level start a new XHTML file (0 = one file)
  bool embed_fonts = false;  // embed subset fonts in the EPUB
  WritingMode writing_mode = WritingMode::HorizontalTb;  // vertical-rl: 竖排, pages right to left
  TextOrientation text_orientation = TextOrientation::Mixed;
};

// Families or font files named directly instead of a fonts.yaml set:
// `fonts: { body: "Source Han Serif SC", heading: "Source Han Sans SC",
// code: "…" }`. Each goes in front of the set its roles use (so characters
// it lacks still come from that set). A value with '/' or a font file
// extension is a file, relative to the manuscript's folder.
struct FontsStyle {
  std::string body;     // body, quote, table, caption, footnote, header, footer
  std::string heading;  // h1–h6 and the title
  std::string code;     // code blocks and inline code
};

enum class CjkEmphasis { Bold, Dots };  // how *em* shows on Han text (no italics for Han)

struct EmphasisStyle {
  CjkEmphasis cjk = CjkEmphasis::Bold;
};

enum class FigureCaption { Title, Alt, None };

struct FigureStyle {
  // alt: the image's alt text; title: its title; none. A raw-HTML
  // <figcaption> is the caption in both alt and title.
  FigureCaption caption = FigureCaption::Alt;
  double max_height = 0.45;  // fraction of the type area height for images without a size
  double min_scale = 0.5;    // shrink to the rest of a page down to this, else move on
};

struct TableStyle {
  // A table wider than the measure even at its columns' minimum widths is
  // set in smaller type down to this fraction of the table size; below it,
  // its columns are split into several tables one after another.
  double shrink = 0.7;
};

struct ImageStyle {
  int max_megapixels = 100;  // larger images are not decoded (a placeholder prints)
  bool drop_badges = false;  // leave out paragraphs of status badges (source/badges.h)
};

// Footnotes (docs/typesetting.md): at the foot of the citing page or
// gathered after each chapter; numbered through the document (book: through
// the book), per chapter, or per page; marks as superscript digits or ①②.
enum class NotePlacement { Page, End };
enum class NoteNumbering { Document, Chapter, Page };
enum class NoteMarks { Superscript, Circled };

struct NoteStyle {
  NotePlacement placement = NotePlacement::Page;
  NoteNumbering numbering = NoteNumbering::Chapter;
  NoteMarks marks = NoteMarks::Superscript;
};

// The mark a note reference prints: "3", or "③" (circled up to 50, then
// "(51)"). Both outputs use it.
std::string note_mark(int n, NoteMarks marks);
// The number in front of the note itself: "3." or "③".
std::string note_marker(int n, NoteMarks marks);

// Cross-references (docs/numbering.md): `xref.page` is appended to a link to
// an id in the PDF, with {page} the page the target is printed on
// ("（见第 {page} 页）"); empty: no page references. By default a reference
// on its target's own page gets none (xref.page-when: other-page | always).
// A target on the next, previous or facing page (two-sided books) gets the
// wording of that key instead, as LaTeX's varioref does ("（见下页）"), and
// one on the reference's own page `this-page` when set; empty: the page
// number. "auto" in any of them: the document language's words
// (typeset::resolve_xref).
struct XrefStyle {
  std::string page;
  std::string this_page, facing_page, next_page, previous_page;
  bool page_always = false;
};

// Numbering templates (docs/numbering.md). A template is text with fields in
// braces: {1}…{6} the counter of that heading level, {n} the element's own
// counter (a heading's own level; the figure or table count), each with an
// optional format after a colon: arabic (default), zh (一、十二, ICU's
// spellout), zh-financial (壹), roman, Roman, alpha, Alpha. "第{1:zh}章",
// "{1}.{2}", "{2:zh}、", "（{3:zh}）", "图 {1}-{n}". Empty: not numbered.
enum class NumberFormat { Arabic, Chinese, ChineseFinancial, Roman, RomanUpper, Alpha, AlphaUpper };

struct NumberField {
  std::string literal;  // text before the field (or the template's tail when counter < 0)
  int counter = -1;     // 1..6: a heading level's counter, 0: {n}, -1: no field
  NumberFormat format = NumberFormat::Arabic;
};

// Parses a template into literal/field pieces; false (with `error` saying
// why) when a brace is unmatched or a field or format is unknown. "{{" and
// "}}" are literal braces.
bool parse_number_template(std::string_view text, std::vector<NumberField>& out,
                           std::string& error);

struct NumberingStyle {
  std::array<std::string, 6> headings;  // numbering.h1 … numbering.h6
  std::string figure;                   // numbering.figure: "图 {1}-{n}" (reset per chapter)
  std::string table;                    // numbering.table: "表 {n}" (through the document)
  // numbering.equation: the number inside a display formula's parentheses, "{1}.{n}" -> (2.1).
  // Empty: only \tag and labelled formulas get a number. (math.numbering is its old spelling.)
  std::string equation;
  // A figure's caption, a table's caption: the number and the caption text.
  bool table_caption_above = true;  // numbering.table-caption: above | below
};

// Highlighted code (docs/code.md): a built-in palette chosen by `code.theme`,
// each entry overridable under `code.palette`. Both outputs use it: the PDF
// draws tokens in these colours, the EPUB gets one CSS class per token class.
enum class CodeTheme { Light, Dark };

struct TokenStyle {
  Color color;
  bool bold = false;
  bool italic = false;
  friend bool operator==(const TokenStyle&, const TokenStyle&) = default;
};

struct CodeStyle {
  CodeTheme theme = CodeTheme::Light;
  bool line_numbers = false;                 // a gutter with line numbers
  Color background{0.957, 0.957, 0.957};     // block background (light: code.background)
  Color line_number{0.55, 0.55, 0.55};       // gutter numbers
  Color title_background{0.89, 0.89, 0.89};  // the bar holding a fence's title="…"
  std::array<TokenStyle, doc::kTokenClassCount> tokens;  // by doc::TokenClass; [Text] = plain code

  const TokenStyle& token(doc::TokenClass c) const { return tokens[static_cast<size_t>(c)]; }
  TokenStyle& token(doc::TokenClass c) { return tokens[static_cast<size_t>(c)]; }
};

// The built-in palette of a theme (text and background included).
CodeStyle code_theme(CodeTheme theme);

// The EPUB class of a token class ("hl-kw", …; empty for plain text). The
// stylesheet (to_css) and the XHTML writer both use it.
std::string_view css_class(doc::TokenClass c);

// Callouts (GitHub alerts, ::: containers, MkDocs admonitions): a bar in
// the family's colour at the left, a tint of it behind (unless tint is off)
// and the title in it. Tabs take the note colour without the tint.
struct CalloutStyle {
  bool tint = true;
  std::array<Color, 5> colors{Color{0.035, 0.412, 0.855}, Color{0.102, 0.498, 0.216},
                              Color{0.510, 0.314, 0.875}, Color{0.604, 0.404, 0.0},
                              Color{0.820, 0.141, 0.184}};
  // note, tip, important, warning, caution (doc::callout_family's names)
  const Color& color(std::string_view family) const;
  Color tint_color(std::string_view family) const;  // the colour at 10% on white
};
// What the PDF claims to conform to (docs/standards.md): PDF/A-2 level b
// (visual appearance), u (and Unicode text), a (and tagged); PDF/X-4 (print).
enum class PdfStandard { None, A2b, A2u, A2a, X4 };

struct PdfStyle {
  PdfStandard standard = PdfStandard::None;
  bool tagged = true;  // a structure tree and marked content (tagged PDF)
  bool ua = false;     // claim PDF/UA-1 (ISO 14289-1) when the file keeps its rules
};

// The PDF's colours: rgb as written, or cmyk for print (DeviceCMYK, greys and
// black as K only, images converted through `profile`).
struct ColorStyle {
  bool cmyk = false;
  std::string profile;    // a CMYK output ICC profile (file; relative to the manuscript)
  std::string condition;  // the OutputIntent's OutputConditionIdentifier ("" = the profile's name)
};

inline constexpr std::array<std::string_view, 5> kCalloutFamilies = {"note", "tip", "important",
                                                                     "warning", "caution"};

struct Sheet {
  std::string name = "article";      // the last sheet layered (name or file stem)
  std::vector<std::string> sources;  // files layered, in order (for messages)
  PageStyle page;
  std::array<RoleStyle, kRoleCount> roles;
  CjkStyle cjk;
  ParagraphStyle paragraph;
  RunningStyle running;
  ChapterStyle chapter;
  TocStyle toc;
  TitlePageStyle title_page;
  EpubStyle epub;
  EmphasisStyle emphasis;
  FigureStyle figure;
  TableStyle table;
  ImageStyle image;
  NumberingStyle numbering;
  XrefStyle xref;
  NoteStyle notes;
  CodeStyle code;
  CalloutStyle callout;
  FontsStyle fonts;
  PdfStyle pdf;
  ColorStyle color;

  const RoleStyle& role(Role r) const { return roles[static_cast<int>(r)]; }
  // The family or file `fonts:` names for role `r` (empty: none).
  const std::string& named_font(Role r) const {
    if (r == Role::Code) return fonts.code;
    if (r == Role::Title || (r >= Role::H1 && r <= Role::H6)) return fonts.heading;
    return fonts.body;
  }
  RoleStyle& role(Role r) { return roles[static_cast<int>(r)]; }
  // Text area width of a page (page width minus inner and outer margins).
  double text_width() const { return page.width - page.inner - page.outer; }
  double text_height() const { return page.height - page.top - page.bottom; }
};

// What to layer over the built-in defaults, lowest priority first:
//   built-in defaults
//   <- styles/<name>.yaml: the front matter's `style:` when it is a name,
//      else `base` when it is a name and the front matter names no style,
//      else styles/article.yaml
//   <- the front matter's `style:` when it is a path (relative to document_dir)
//   <- `base` when given (`--style NAME` or a sheet file chosen by the caller)
//   <- `files` (`--style FILE`), in order
//   <- `settings` (`--set key=value`), in order
// A name is a value without '/' that does not end in .yaml/.yml.
// Sheet files already parsed, by path and bytes: a batch resolves the same
// shipped sheet for every document, and yaml-cpp takes about 9 M
// instructions for article.yaml. Thread-safe; a file that gave any
// diagnostic is not kept (its warnings are reported for each document).
//
// They are also remembered between runs (README.md, style sheets;
// docs/performance.md): `saved()` gives what a run parsed as bytes the CLI keeps in
// its cache folder, and the next run's ParsedSheets starts from them. An
// entry holds the sheet's whole text and is used only for the same path with
// the same bytes, so any edit of a sheet parses it again; the CLI drops the
// saved bytes of another build of Moyin (whose keys or checks may differ).
class ParsedSheets {
 public:
  ParsedSheets();
  // Starts from `saved()`'s bytes of an earlier run; bytes that are not such
  // (truncated, another format) are ignored and everything is parsed again.
  explicit ParsedSheets(std::string_view saved);
  ~ParsedSheets();
  ParsedSheets(const ParsedSheets&) = delete;
  ParsedSheets& operator=(const ParsedSheets&) = delete;

  // The parsed sheets (and the built-in defaults) as bytes for the next
  // run; nothing when every entry came from the saved bytes.
  std::optional<std::string> saved() const;
  // Whether the built-in defaults are parsed already (remembered or read
  // in this run): when not, the CLI reads them on an idle core early.
  bool has_builtin() const;
  // Reads the built-in defaults into the memo unless they are in it.
  void prepare_builtin() const;

  struct Impl;
  Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

struct Layers {
  std::string base;                          // --style NAME or path; empty = none
  std::string front_matter;                  // doc::Metadata::style: a name or a path
  std::filesystem::path document_dir;        // relative front-matter paths resolve here
  std::string document_path;                 // names the document in messages about `style:`
  std::vector<std::filesystem::path> files;  // --style FILE (in order)
  std::vector<std::string> settings;         // --set key=value (in order)
  // Where shipped sheets (styles/NAME.yaml) are found: the CLI's data folder
  // (cli/environment.h). Empty: only the built-in defaults and files.
  std::filesystem::path styles_dir;
  // Parsed sheet files shared by the resolutions of a run (null: none).
  const ParsedSheets* parsed = nullptr;
};

// Resolves a sheet. A sheet file may say `extends: <name>` to layer itself
// over a shipped sheet. Missing files and unknown sheet names are errors
// (the sheet is still usable: that layer is left out); everything else wrong
// is a warning and keeps the earlier value. Sheet::name is the last sheet
// name (or file stem) layered.
Sheet resolve(const Layers& layers, doc::Diagnostics& diags);

// Convenience: base sheet `name_or_path` (a shipped name or a file) plus
// `--set`-style overrides.
Sheet resolve(std::string_view name_or_path, const std::vector<std::string>& overrides,
              const std::filesystem::path& styles_dir, doc::Diagnostics& diags);

// The built-in defaults alone (no file read).
Sheet defaults();

// styles_dir/<name>.yaml, or empty when there is no such sheet.
std::filesystem::path find_sheet(std::string_view name, const std::filesystem::path& styles_dir);

// Parses a length ("12pt", "20mm", "2cm", "1in", "2em", "150%", "1.5").
// em and % and bare numbers are relative to `em_pt`. Returns false on a bad value.
bool parse_length(std::string_view text, double em_pt, double& out_pt);
// "#336699", "#369", "black", "rgb(51,102,153)".
bool parse_color(std::string_view text, Color& out);

// The caption under an image block (both outputs): a raw-HTML <figcaption>
// when it has one, else its alt text or its title as figure.caption says;
// "" for none.
std::string figure_caption(const FigureStyle& figure, const doc::Inline& image);

// The EPUB's CSS for this sheet (one function, used by epub/).
std::string to_css(const Sheet& sheet);

}  // namespace moyin::style
