// The layout tree: what a manuscript says, independent of any library.
// source/ builds it; typeset/ and epub/ read it. Plain data that owns
// everything it holds, each node with the source position it came from.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moyin::doc {

// 1-based line and column (column counts bytes, as compilers do);
// 0 means "unknown".
struct Position {
  int line = 0;
  int column = 0;
  friend bool operator==(const Position&, const Position&) = default;
};

// A front-matter value Moyin does not interpret, kept as YAML gave it.
struct MetaValue {
  enum class Kind { Null, Scalar, List, Map };
  Kind kind = Kind::Null;
  std::string scalar;
  std::vector<MetaValue> items;                            // Kind::List
  std::vector<std::pair<std::string, MetaValue>> entries;  // Kind::Map, in source order

  // Defined out of line: std::pair needs MetaValue complete, which it is
  // only after this class (clang checks that eagerly, gcc does not).
  MetaValue();
  MetaValue(const MetaValue&);
  MetaValue(MetaValue&&) noexcept;
  MetaValue& operator=(const MetaValue&);
  MetaValue& operator=(MetaValue&&) noexcept;
  ~MetaValue();
};

struct Metadata {
  std::string title;
  std::string date;  // ISO 8601 as written: "2025-10-28T05:54:14.065Z" or "2025-10-28"
  std::vector<std::string> tags;
  std::vector<std::string> categories;
  std::vector<std::string> authors;
  std::string description;
  std::string lang = "zh-CN";
  std::string id;
  std::string style;       // front-matter `style:` (a sheet name or path), empty if none
  std::string cover;       // front-matter `cover:` image path, empty if none
  std::string back_cover;  // `back-cover:` image path: the PDF's last page, empty if none
  // Publication data: the title page, the PDF Info dictionary (and XMP), the EPUB OPF.
  std::string subtitle;
  std::string publisher;
  std::string rights;
  std::string isbn;  // as written ("978-7-111-12345-6"); the EPUB adds urn:isbn: to it
  std::string series;
  std::string edition;
  bool has_front_matter = false;
  // Every key not named above, in source order.
  std::vector<std::pair<std::string, MetaValue>> extra;
};

enum class InlineKind {
  Text,         // text
  Code,         // text
  Emphasis,     // children
  Strong,       // children
  Strike,       // children
  Link,         // url, title, children; autolink = true for bare URLs / <url>
  Image,        // url, title, children = alt text; width, height as written
  SoftBreak,    // a source line break inside a paragraph (between Han: already removed)
  LineBreak,    // hard break
  FootnoteRef,  // label, number
  RawHtml,      // text
  Math,         // text = TeX source (delimiters removed); display = true for $$…$$ / \[…\]
                // inside a line (a display formula alone in a paragraph becomes a Math block)
  // From inline HTML (source/inline_html.h); <b>/<i>/<s>/<br> become
  // Strong/Emphasis/Strike/LineBreak.
  Superscript,  // children (<sup>)
  Subscript,    // children (<sub>)
  Underline,    // children (<u>, <ins>)
  Mark,         // children (<mark>): highlighted
  Kbd,          // children (<kbd>): a key cap
  Color,        // children; text = the CSS colour as written (<span style="color:…">)
  Ruby,  // children = the base; text = the annotation (<ruby>…<rt>…</rt></ruby>, {base|annotation})
};

struct Inline {
  InlineKind kind = InlineKind::Text;
  Position pos;
  std::string text;
  std::string url;
  std::string title;
  std::string
      label;       // footnote label as written; Link from \eqref{x} / \ref{x}: the equation label x
  int number = 0;  // footnote number, 1-based in order of first reference
  bool autolink = false;
  bool display = false;  // Math: display style
  // Image: the size asked for, as written ("60%", "300", "300px", "5cm",
  // "2in"; bare numbers are CSS px), from `{width=…}` or <img width>; empty = natural.
  std::string width;
  std::string height;
  std::string caption;   // Image: the text of a raw-HTML <figcaption>, empty if none
  std::string id;        // Image: `{#id}` after it, empty if none
  bool no_page = false;  // Link: `{.nopage}` after it: no page reference in print (xref.page)
  std::vector<Inline> children;
};

enum class BlockKind {
  Paragraph,  // inlines
  Heading,    // level, id, inlines
  List,       // ordered, start, tight, children = Items
  Item,       // task, children
  Quote,      // children
  Code,       // info (language), text
  Table,      // aligns, rows
  Rule,
  Image,        // a paragraph holding one image and nothing else: inlines = {Image}
  RawHtml,      // text
  FootnoteDef,  // label, number, id, children
  Math,         // display formula: text = TeX (\tag and \label taken out), info = its label key
                // (\label{key} or {#eq:key}), id = anchor ("eq-key"), label = \tag{…} as written,
                // equation = the number printed at the right margin
  Callout,      // info = kind ("note", "tip", "warning", … as written, lower case; "tab" for a
                // MkDocs content tab), title (empty: the kind's default title unless untitled),
  // children. From GitHub alerts, ::: containers, MkDocs !!!/??? admonitions, === tabs.
};

enum class Align { None, Left, Center, Right };
// A MkDocs admonition that folds on the web: `??? note` (Closed), `???+ note` (Open).
enum class Fold { None, Closed, Open };
enum class TaskState { None, Unchecked, Checked };

// What a piece of highlighted code is, as both outputs colour it (the style
// sheet's code.palette maps each class to a colour and bold/italic). Fixed
// and small on purpose: every highlighter's categories map onto these.
enum class TokenClass : uint8_t {
  Text,  // anything else (identifiers, punctuation)
  Keyword,
  Type,
  String,
  Number,
  Comment,
  Preprocessor,
  Function,
  Variable,
  Constant,   // true/null, symbols, CSS values
  Tag,        // markup tag names, CSS selectors
  Attribute,  // markup attributes, JSON/YAML keys, CSS properties
  Inserted,
  Deleted,
  Meta,  // diff lines and hunk headers
};
inline constexpr int kTokenClassCount = 15;
// "text", "keyword", … as the style sheet and dumps spell them.
std::string_view token_class_name(TokenClass c);

// A highlighted byte range [begin, end) of a code block's text. Ranges are
// ordered, do not overlap and never span a newline; text not covered is Text.
struct CodeSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
  TokenClass cls = TokenClass::Text;
  friend bool operator==(const CodeSpan&, const CodeSpan&) = default;
};

struct TableCell {
  Position pos;
  std::vector<Inline> inlines;
};

struct TableRow {
  bool header = false;
  std::vector<TableCell> cells;
};

struct Block {
  BlockKind kind = BlockKind::Paragraph;
  Position pos;
  std::vector<Inline> inlines;
  std::vector<Block> children;
  int level = 0;     // Heading: 1..6
  std::string id;    // Heading: `{#id}` or a unique slug; FootnoteDef: "fn-<label>"; Image, Table:
                     // `{#id}`, else "fig-"/"tbl-" + the caption's slug (auto_id)
  std::string text;  // Code, RawHtml: literal content
  std::string info;  // Code: the info string's first word (language); Math: label key
  std::string
      title;  // Code: the info string's title="…" attribute; Table: its caption (plain text)
  // Code: the info string's key=value attributes after the language, as written
  // (```python title="main.py" linenos=true or {.python title="main.py"}).
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<CodeSpan> spans;       // Code: highlighting (filled by highlight/, empty = plain)
  bool ordered = false;              // List
  int start = 1;                     // List (ordered)
  bool tight = true;                 // List
  TaskState task = TaskState::None;  // Item
  std::vector<Align> aligns;         // Table: one per column
  std::vector<TableRow> rows;        // Table: header row first
  std::string label;                 // FootnoteDef; Math: \tag{…} text
  int number = 0;                    // FootnoteDef
  std::string
      equation;  // Math: the number printed at the right margin ("3", "2.1", a tag), empty: none
  bool continues =
      false;  // Paragraph right after a display formula, in the same source paragraph (no indent)
  bool untitled = false;    // Callout: written with an empty title (`!!! note ""`): no title line
  Fold fold = Fold::None;   // Callout: `???` / `???+` (print: as `!!!`; EPUB: <details>)
  bool unnumbered = false;  // Heading: `{.unnumbered}` or `{-}`: no number, counters unchanged
  // Heading: its number as printed ("第一章", "1.2", "（一）"); Image, Table: the figure's or
  // table's ("图 2-3", "表 1"). Empty: not numbered. Set by typeset::number_blocks from the
  // sheet's numbering.* keys; both outputs print it.
  std::string number_text;
  // Image, Table: `id` was made from the caption ("fig-…", "tbl-…"), not written as `{#id}`:
  // a link can reach it, but it does not make an image a numbered figure.
  bool auto_id = false;
};

struct Document {
  std::string path;  // the file it came from, as given
  Metadata meta;
  std::vector<Block> blocks;
  std::vector<Block> footnotes;  // FootnoteDef blocks, ordered by number
  // Files whose text went into the body (MkDocs snippets) or would have,
  // had they existed: the build cache watches them.
  std::vector<std::string> includes;
};

// A book (book.yaml): its metadata, the folder its chapters' resources
// resolve inside, and its chapters in reading order. Ids are unique across
// the chapters (source::read_book renames repeats).
struct Book {
  Metadata meta;
  std::string meta_path;       // the book file, for messages about the metadata
  std::filesystem::path root;  // the book's folder
  std::vector<Document> chapters;
};

// Concatenated plain text of inlines (alt text, heading titles, TOC entries).
std::string plain_text(const std::vector<Inline>& inlines);

// A numbered block's number and text together, as a TOC, bookmark or caption shows them:
// "第一章 绪论", "（一）背景", "1.2 Scope". A number ending in CJK punctuation (、）．)
// needs no space after it.
std::string numbered(std::string_view number, std::string_view text);
// What goes before the text: the number and its space, if any ("第一章 ", "一、"; "" for none).
std::string number_prefix(std::string_view number);
// A heading's title with its number (plain text).
std::string heading_title(const Block& heading);

// Whether the document has a level-1 heading (a chapter title).
bool has_title_heading(const Document& d);
// What names a chapter without a level-1 heading in the TOC, the EPUB nav
// and the PDF outline: its front-matter title, else its file name without
// the extension.
std::string untitled_chapter_name(const Document& d);
// The title a callout shows: its own, else its kind's in the document's
// language ("提示" for tip in Chinese, "Tip" otherwise); empty when untitled.
std::string callout_title(const Block& callout, std::string_view lang);

// The family a callout kind belongs to, which decides its colour:
// "note", "tip", "important", "warning" or "caution" (MkDocs and VitePress kinds map onto these).
std::string_view callout_family(std::string_view kind);

}  // namespace moyin::doc
