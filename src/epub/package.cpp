// Assembling the package: chapters (split at headings or one per book
// file), footnotes placed with the chapter that first cites them, links
// resolved to file#id, title page, cover, nav + NCX, OPF, CSS, zip.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <pugixml.hpp>

#include "base/date.h"
#include "base/number.h"
#include "base/parallel.h"
#include "base/utf8.h"
#include "epub/internal.h"
#include "font/font.h"
#include "font/subset.h"

namespace moyin::epub {
namespace fs = std::filesystem;
using namespace detail;

namespace {

constexpr const char* kXhtmlNs = "http://www.w3.org/1999/xhtml";
constexpr const char* kOpsNs = "http://www.idpf.org/2007/ops";

struct StringWriter : pugi::xml_writer {
  std::string out;
  void write(const void* data, size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
};

std::string save_xml(const pugi::xml_document& d) {
  StringWriter w;
  d.save(w, "  ", pugi::format_indent, pugi::encoding_utf8);
  return w.out;
}

// One source document of the EPUB (the document, or one book chapter).
struct Unit {
  const doc::Document* doc = nullptr;
  fs::path dir;
  fs::path canonical;  // for links between book files
  int first_file = 0;  // index of its first ChapterFile
};

}  // namespace

namespace detail {

namespace {

void add_mathml_placeholders(pugi::xml_node n, std::vector<pugi::xml_node>& out) {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (std::strcmp(c.name(), "code") == 0 &&
        std::strcmp(c.attribute("class").value(), "moyin-mathml") == 0)
      out.push_back(c);
    else add_mathml_placeholders(c, out);
  }
}

void add_page_marks(pugi::xml_node n, std::vector<pugi::xml_node>& out) {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_comment) {
      if (std::string_view(c.value()).starts_with("page@")) out.push_back(c);
    } else if (c.type() == pugi::node_element) {
      add_page_marks(c, out);
    }
  }
}

}  // namespace

std::vector<pugi::xml_node> find_mathml_placeholders(pugi::xml_node root) {
  std::vector<pugi::xml_node> found;
  add_mathml_placeholders(root, found);
  return found;
}

std::vector<pugi::xml_node> find_page_marks(pugi::xml_node root) {
  std::vector<pugi::xml_node> found;
  add_page_marks(root, found);
  return found;
}

bool insert_mathml(const std::vector<pugi::xml_node>& placeholders,
                   const std::vector<std::string>& mathml) {
  bool any = false;
  for (pugi::xml_node code : placeholders) {
    const size_t k = static_cast<size_t>(std::atoi(code.child_value()));
    pugi::xml_document m;
    if (k >= mathml.size() || !m.load_string(mathml[k].c_str())) {
      code.attribute("class").set_value("math-tex");
      continue;
    }
    code.parent().insert_copy_before(m.document_element(), code);
    code.parent().remove_child(code);
    any = true;
  }
  return any;
}

PageStarts page_starts(const std::vector<PrintPage>& pages, int chapter) {
  PageStarts out;
  for (size_t k = 0; k < pages.size(); ++k)
    if (pages[k].chapter == chapter && pages[k].pos.line > 0)
      out[{pages[k].pos.line, pages[k].pos.column}].push_back(static_cast<int>(k));
  return out;
}

std::vector<std::pair<int, std::string>> insert_pagebreaks(const std::vector<pugi::xml_node>& marks,
                                                           const std::vector<PrintPage>& pages,
                                                           const PageStarts& starts,
                                                           std::set<std::string>& ids) {
  std::vector<std::pair<int, std::string>> out;
  for (pugi::xml_node mark : marks) {
    int line = 0, column = 0;
    const std::string_view at = std::string_view(mark.value()).substr(5);  // after "page@"
    const size_t colon = at.find(':');
    if (colon != std::string_view::npos) {
      std::from_chars(at.data(), at.data() + colon, line);
      std::from_chars(at.data() + colon + 1, at.data() + at.size(), column);
    }
    // One marker per page beginning here, in page order, where the placeholder was.
    if (auto it = starts.find({line, column}); it != starts.end())
      for (int k : it->second) {
        std::string id = "page-" + base::integer(pages[static_cast<size_t>(k)].index + 1);
        while (ids.count(id)) id += "-p";  // a heading may have taken the id
        ids.insert(id);
        pugi::xml_node span = mark.parent().insert_child_before("span", mark);
        span.append_attribute("epub:type") = "pagebreak";
        span.append_attribute("role") = "doc-pagebreak";
        span.append_attribute("id") = id.c_str();
        span.append_attribute("aria-label") = pages[static_cast<size_t>(k)].label.c_str();
        out.emplace_back(k, id);
      }
    mark.parent().remove_child(mark);
  }
  return out;
}

}  // namespace detail

namespace {

// An ISBN as written ("978-7-…") as a URN of its digits.
std::string isbn_urn(std::string_view isbn) {
  std::string digits;
  for (char c : isbn)
    if ((c >= '0' && c <= '9') || c == 'X' || c == 'x') digits += c;
  return "urn:isbn:" + digits;
}

// Subtitle (a second title refined as one), publisher, rights, the ISBN as
// a urn:isbn: identifier, the series as a collection (EPUB 3.0.1 `belongs-to-collection`).
void publication_metadata(const doc::Metadata& meta, pugi::xml_node title, pugi::xml_node md) {
  auto refine = [&](const char* refines, const char* property, const std::string& value) {
    pugi::xml_node m = md.append_child("meta");
    m.append_attribute("refines") = refines;
    m.append_attribute("property") = property;
    m.text() = value.c_str();
  };
  if (!meta.subtitle.empty()) {
    title.append_attribute("id") = "title-main";
    refine("#title-main", "title-type", "main");
    pugi::xml_node sub = md.append_child("dc:title");
    sub.append_attribute("id") = "title-sub";
    sub.text() = meta.subtitle.c_str();
    refine("#title-sub", "title-type", "subtitle");
  }
  if (!meta.publisher.empty()) md.append_child("dc:publisher").text() = meta.publisher.c_str();
  if (!meta.rights.empty()) md.append_child("dc:rights").text() = meta.rights.c_str();
  if (!meta.isbn.empty()) {
    pugi::xml_node isbn = md.append_child("dc:identifier");
    isbn.append_attribute("id") = "isbn";
    isbn.text() = isbn_urn(meta.isbn).c_str();
  }
  if (!meta.series.empty()) {
    pugi::xml_node series = md.append_child("meta");
    series.append_attribute("property") = "belongs-to-collection";
    series.append_attribute("id") = "series";
    series.text() = meta.series.c_str();
    refine("#series", "collection-type", "series");
  }
}

struct ChapterFile {
  std::string name;  // "chapter-001.xhtml"
  std::string title;
  int unit = 0;
  std::vector<const doc::Block*> blocks;
  std::vector<const doc::Block*> footnotes;
  std::unique_ptr<pugi::xml_document> dom;
  std::set<std::string> ids;
  std::set<std::string> taken;  // ids given while sanitizing, which page markers avoid
  // As the sanitizer listed them (SanitizeContext): valid while `mathml` is
  // false; a formula inserted may have removed nodes of a placeholder and
  // added others, so then the tree is searched again.
  std::vector<std::pair<pugi::xml_node, doc::Position>> links;
  std::vector<pugi::xml_node> page_marks;
  int images = 0;
  int images_without_alt = 0;
  bool mathml = false;  // the manifest item gets properties="mathml"
  bool untitled =
      false;  // a book chapter with no level-1 heading: its nav entry comes from its title
};

struct TocEntry {
  int level = 1;
  std::string text;
  std::string href;
};

struct TocNode {
  TocEntry entry;
  std::vector<TocNode> children;
};

void collect_refs(const std::vector<doc::Inline>& in, std::vector<std::string>& labels) {
  for (const doc::Inline& i : in) {
    if (i.kind == doc::InlineKind::FootnoteRef) labels.push_back(i.label);
    collect_refs(i.children, labels);
  }
}
void collect_refs(const doc::Block& b, std::vector<std::string>& labels) {
  collect_refs(b.inlines, labels);
  for (const doc::TableRow& r : b.rows)
    for (const doc::TableCell& c : r.cells) collect_refs(c.inlines, labels);
  for (const doc::Block& c : b.children) collect_refs(c, labels);
}

void collect_ids(pugi::xml_node n, std::set<std::string>& ids) {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    if (pugi::xml_attribute id = c.attribute("id")) ids.insert(id.value());
    collect_ids(c, ids);
  }
}

// An id as a URL fragment: '%' and '#' must be escaped too.
std::string fragment(std::string_view id) {
  std::string pre;
  for (char c : id) {
    if (c == '%') pre += "%25";
    else if (c == '#') pre += "%23";
    else pre += c;
  }
  return uri_escape(pre);
}

bool zh(std::string_view lang) { return lang.size() >= 2 && lang.substr(0, 2) == "zh"; }

std::vector<TocNode> build_tree(const std::vector<TocEntry>& entries) {
  std::vector<TocNode> roots;
  // Path of (level, list) frames; each new entry nests under the last entry
  // of a shallower level.
  struct Frame {
    int level;
    std::vector<TocNode>* list;
  };
  std::vector<Frame> stack;
  for (const TocEntry& e : entries) {
    while (!stack.empty() && stack.back().level >= e.level) stack.pop_back();
    std::vector<TocNode>* list = stack.empty() ? &roots : &stack.back().list->back().children;
    list->push_back({e, {}});
    stack.push_back({e.level, list});
  }
  return roots;
}

void nav_list(pugi::xml_node ol, const std::vector<TocNode>& nodes) {
  for (const TocNode& n : nodes) {
    pugi::xml_node li = ol.append_child("li");
    pugi::xml_node a = li.append_child("a");
    a.append_attribute("href") = n.entry.href.c_str();
    a.text() = n.entry.text.c_str();
    if (!n.children.empty()) nav_list(li.append_child("ol"), n.children);
  }
}

void ncx_points(pugi::xml_node parent, const std::vector<TocNode>& nodes, int& order, int depth,
                int& max_depth) {
  max_depth = std::max(max_depth, depth);
  for (const TocNode& n : nodes) {
    pugi::xml_node p = parent.append_child("navPoint");
    p.append_attribute("id") = ("navpoint-" + base::integer(order)).c_str();
    p.append_attribute("playOrder") = base::integer(order).c_str();
    ++order;
    p.append_child("navLabel").append_child("text").text() = n.entry.text.c_str();
    p.append_child("content").append_attribute("src") = n.entry.href.c_str();
    ncx_points(p, n.children, order, depth + 1, max_depth);
  }
}

// A chapter that opens with a heading (after its page-break markers) is
// named by it for assistive technology (aria-labelledby).
void name_by_heading(pugi::xml_node section) {
  for (pugi::xml_node c = section.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    const std::string_view name = c.name();
    if (name == "span") continue;  // a page-break marker
    if (name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6' &&
        !c.attribute("id").empty())
      section.append_attribute("aria-labelledby") = c.attribute("id").value();
    return;
  }
}

pugi::xml_node xhtml_skeleton(pugi::xml_document& d, std::string_view lang, std::string_view title,
                              bool link_css) {
  pugi::xml_node html = d.append_child("html");
  html.append_attribute("xmlns") = kXhtmlNs;
  html.append_attribute("xmlns:epub") = kOpsNs;
  html.append_attribute("lang") = std::string(lang).c_str();
  html.append_attribute("xml:lang") = std::string(lang).c_str();
  pugi::xml_node head = html.append_child("head");
  head.append_child("meta").append_attribute("charset") = "utf-8";
  head.append_child("title").text() = std::string(title).c_str();
  if (link_css) {
    pugi::xml_node link = head.append_child("link");
    link.append_attribute("rel") = "stylesheet";
    link.append_attribute("type") = "text/css";
    link.append_attribute("href") = "style.css";
  }
  return html.append_child("body");
}

bool has_scheme(std::string_view url) {
  size_t i = 0;
  while (i < url.size() && (std::isalnum(static_cast<unsigned char>(url[i])) || url[i] == '+' ||
                            url[i] == '-' || url[i] == '.'))
    ++i;
  return i >= 2 && i < url.size() && url[i] == ':' &&
         std::isalpha(static_cast<unsigned char>(url[0]));
}

struct Builder {
  const Options& options;
  doc::Diagnostics& diags;
  doc::Metadata meta;
  std::string meta_path;
  std::string lang = "zh-CN";
  std::vector<Unit> units;
  std::vector<ChapterFile> files;
  std::optional<image::Catalog> own_catalog;
  ImageStore images;
  std::vector<TocEntry> toc;
  // The page list: each print page marked, with its href, in reading order.
  std::vector<PrintPage> print_pages;
  std::vector<std::pair<int, std::string>> page_targets;

  Builder(const Options& o, doc::Diagnostics& d, fs::path root)
      : options(o),
        diags(d),
        own_catalog(o.images ? std::nullopt
                             : std::optional<image::Catalog>(
                                   std::in_place, image::CatalogOptions{.boundary = std::move(root),
                                                                        .keep_pixels = false})),
        images(o.images ? *o.images : *own_catalog) {
    images.defer_reports = o.pages_follow;
  }

  void plan_single(const doc::Document& d) {
    Unit u{&d, fs::path(d.path).parent_path(), {}, 0};
    units.push_back(u);
    ChapterFile* current = nullptr;
    for (const doc::Block& b : d.blocks) {
      bool split = options.split_level > 0 && b.kind == doc::BlockKind::Heading &&
                   b.level <= options.split_level;
      if (!current || (split && !current->blocks.empty())) {
        files.emplace_back();
        current = &files.back();
        current->unit = 0;
      }
      if (split && current->title.empty()) current->title = doc::heading_title(b);
      current->blocks.push_back(&b);
    }
    if (files.empty()) files.emplace_back();
  }

  void plan_book(const Book& book) {
    for (size_t i = 0; i < book.chapters.size(); ++i) {
      const doc::Document& d = book.chapters[i];
      std::error_code ec;
      fs::path canon = fs::weakly_canonical(d.path, ec);
      units.push_back({&d, fs::path(d.path).parent_path(), ec ? fs::path(d.path) : canon,
                       static_cast<int>(files.size())});
      ChapterFile f;
      f.unit = static_cast<int>(i);
      for (const doc::Block& b : d.blocks) {
        if (f.title.empty() && b.kind == doc::BlockKind::Heading) f.title = doc::heading_title(b);
        f.blocks.push_back(&b);
      }
      if (f.title.empty()) f.title = d.meta.title;
      f.untitled = !doc::has_title_heading(d);
      files.push_back(std::move(f));
    }
    if (files.empty()) files.emplace_back();
  }

  void name_files() {
    for (size_t i = 0; i < files.size(); ++i) {
      files[i].name = "chapter-" + base::integer(static_cast<int>(i) + 1, 3) + ".xhtml";
      if (files[i].title.empty()) files[i].title = meta.title;
    }
  }

  // Each footnote goes to the first file of its document that cites it.
  void place_footnotes() {
    for (size_t u = 0; u < units.size(); ++u) {
      if (!units[u].doc) continue;
      std::set<std::string> placed;
      ChapterFile* last = nullptr;
      for (ChapterFile& f : files) {
        if (f.unit != static_cast<int>(u)) continue;
        last = &f;
        std::vector<std::string> labels;
        for (const doc::Block* b : f.blocks) collect_refs(*b, labels);
        for (const std::string& label : labels) {
          if (placed.count(label)) continue;
          for (const doc::Block& def : units[u].doc->footnotes)
            if (def.label == label) {
              f.footnotes.push_back(&def);
              placed.insert(label);
              break;
            }
        }
      }
      if (!last) continue;
      for (const doc::Block& def : units[u].doc->footnotes)
        if (!placed.count(def.label)) last->footnotes.push_back(&def);
    }
  }

  void render() {
    int notes_before = 0;  // notes of the chapters before (footnote.numbering: document)
    for (size_t u = 0; u < units.size(); ++u) {
      if (!units[u].doc) continue;
      const doc::Document& d = *units[u].doc;
      HtmlWriter writer = make_writer(d, text_markup(options.sheet));
      // As the PDF numbers them; per page has no pages here: per chapter.
      writer.note_marks = options.sheet.notes.marks;
      if (options.sheet.notes.numbering == style::NoteNumbering::Document)
        writer.note_offset = notes_before;
      notes_before += static_cast<int>(d.footnotes.size());
      writer.code_line_numbers = options.sheet.code.line_numbers;
      writer.figures = options.sheet.figure;  // captions as in the PDF
      writer.formulas = options.formulas;
      writer.mark_positions = options.pages_follow;
      for (ChapterFile& f : files) {
        if (f.unit != static_cast<int>(u)) continue;
        std::string html;
        writer.wrote_raw_html = false;
        for (const doc::Block* b : f.blocks) writer.block(*b, html, false);
        const bool html_raw = writer.wrote_raw_html;
        std::string notes;
        writer.wrote_raw_html = false;
        if (!f.footnotes.empty()) {
          notes += "<section epub:type=\"footnotes\" class=\"footnotes\">\n";
          for (const doc::Block* def : f.footnotes) writer.footnote(*def, notes, true);
          notes += "</section>\n";
        }
        const bool notes_raw = writer.wrote_raw_html;
        f.dom = std::make_unique<pugi::xml_document>();
        pugi::xml_node body =
            xhtml_skeleton(*f.dom, lang, f.title.empty() ? meta.title : f.title, true);
        SanitizeContext ctx;
        ctx.diags = &diags;
        ctx.path = d.path;
        ctx.keep_page_marks = writer.mark_positions;
        ctx.resolve_image = [this, &d](std::string_view url, doc::Position pos) {
          return images.resolve(url, d.path, pos, diags);
        };
        // Every content file is one chapter (a book's chapter, or a part of
        // a document split at its headings); its notes follow it.
        pugi::xml_node chapter = body.append_child("section");
        chapter.append_attribute("epub:type") = "chapter";
        chapter.append_attribute("role") = "doc-chapter";
        writer_html_to_xhtml(html, html_raw, chapter, ctx);
        name_by_heading(chapter);
        if (!notes.empty()) writer_html_to_xhtml(notes, notes_raw, body, ctx);
        f.mathml = insert_mathml(ctx.mathml_placeholders, writer.mathml);
        f.links = std::move(ctx.links);
        f.page_marks = std::move(ctx.page_marks);
        f.images = ctx.images;
        f.images_without_alt = ctx.images_without_alt;
        f.taken = std::move(ctx.ids);
        // Without a formula inserted the file holds exactly the ids the sanitizer gave.
        if (f.mathml) collect_ids(f.dom->document_element(), f.ids);
        else f.ids = f.taken;
        // TOC entries: top-level headings of this file.
        if (f.untitled) toc.push_back({1, doc::untitled_chapter_name(d), f.name});
        for (const doc::Block* b : f.blocks) {
          if (b->kind != doc::BlockKind::Heading || b->level > options.toc_depth) continue;
          std::string text = doc::heading_title(*b);
          if (text.empty()) text = b->id.empty() ? "—" : b->id;
          std::string href = f.name;
          if (!b->id.empty() && f.ids.count(b->id)) href += "#" + fragment(b->id);
          toc.push_back({b->level, text, href});
        }
      }
    }
  }

  // Where an id of unit `u` lives.
  const ChapterFile* file_with_id(int u, const std::string& id) const {
    for (const ChapterFile& f : files)
      if (f.unit == u && f.ids.count(id)) return &f;
    return nullptr;
  }

  // Every <a href> under `n`, in document order, with its source position.
  static void find_links(pugi::xml_node n,
                         const std::map<pugi::xml_node_struct*, doc::Position>& positions,
                         std::vector<std::pair<pugi::xml_node, doc::Position>>& out) {
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      if (std::string_view(c.name()) == "a" && c.attribute("href")) {
        auto it = positions.find(c.internal_object());
        out.emplace_back(c, it == positions.end() ? doc::Position{} : it->second);
      }
      find_links(c, positions, out);
    }
  }

  void resolve_links_in(ChapterFile& f) {
    if (f.mathml) {  // the sanitizer's list may be out of date: search the tree
      std::map<pugi::xml_node_struct*, doc::Position> positions;
      for (const auto& [a, pos] : f.links) positions[a.internal_object()] = pos;
      std::vector<std::pair<pugi::xml_node, doc::Position>> found;
      find_links(f.dom->document_element(), positions, found);
      f.links = std::move(found);
    }
    for (auto& [a, pos] : f.links) {
      pugi::xml_attribute href = a.attribute("href");
      std::optional<std::string> target = resolve_link(f, href.value(), pos);
      if (target) href.set_value(target->c_str());
      else a.remove_attribute(href);
    }
  }

  std::optional<std::string> resolve_link(const ChapterFile& f, std::string_view url,
                                          doc::Position pos) {
    const Unit& unit = units[f.unit];
    std::string path = unit.doc ? unit.doc->path : meta_path;
    if (url.empty()) return std::nullopt;
    if (has_scheme(url)) return std::string(url);
    if (url.substr(0, 2) == "//") return "https:" + std::string(url);
    std::string_view file_part = url, frag;
    if (size_t hash = url.find('#'); hash != std::string_view::npos) {
      file_part = url.substr(0, hash);
      frag = url.substr(hash + 1);
    }
    if (size_t q = file_part.find('?'); q != std::string_view::npos)
      file_part = file_part.substr(0, q);
    std::string id = percent_decode(frag);
    int target_unit = f.unit;
    if (!file_part.empty()) {
      // A link to another source file of the book.
      std::error_code ec;
      fs::path target = fs::weakly_canonical(unit.dir / fs::path(percent_decode(file_part)), ec);
      target_unit = -1;
      for (size_t u = 0; u < units.size(); ++u)
        if (!ec && !units[u].canonical.empty() && units[u].canonical == target)
          target_unit = static_cast<int>(u);
      if (target_unit < 0) {
        diags.warn(path, pos,
                   "link to " + std::string(url) +
                       ": not part of this EPUB; the link is removed (text kept)");
        return std::nullopt;
      }
      if (id.empty()) return files[static_cast<size_t>(units[target_unit].first_file)].name;
    }
    if (id.empty()) return f.name;
    if (f.unit == target_unit && f.ids.count(id)) return "#" + fragment(id);
    if (const ChapterFile* other = file_with_id(target_unit, id))
      return other->name + "#" + fragment(id);
    diags.warn(path, pos,
               "link target #" + id + " does not exist; the link is removed (text kept)");
    return std::nullopt;
  }

  // The print edition's page markers, where its pages begin (the placeholders
  // render left), and the page list's targets in reading order.
  void mark_pages(std::vector<PrintPage> pages) {
    print_pages = std::move(pages);
    if (!options.pages_follow) return;
    for (size_t u = 0; u < units.size(); ++u) {
      const PageStarts starts = page_starts(print_pages, static_cast<int>(u));
      for (ChapterFile& f : files) {
        if (f.unit != static_cast<int>(u) || !f.dom) continue;
        const std::vector<pugi::xml_node> marks =
            f.mathml ? find_page_marks(f.dom->document_element()) : std::move(f.page_marks);
        for (auto& [k, id] : insert_pagebreaks(marks, print_pages, starts, f.taken)) {
          page_targets.emplace_back(k, f.name + "#" + fragment(id));
          f.ids.insert(id);
        }
      }
    }
  }

  void resolve_links() {
    for (ChapterFile& f : files)
      if (f.dom) resolve_links_in(f);
  }
};

// What the accessibility metadata must be true to: found in the finished
// chapter files, not assumed.
struct AccessibilityFacts {
  int images = 0;
  int images_without_alt = 0;
  bool mathml = false;
  bool page_list = false;   // pagebreak markers and a page-list nav from the print edition
  std::string page_source;  // what the page numbers come from (dc:source)
};

AccessibilityFacts accessibility_facts(const std::vector<ChapterFile>& files) {
  AccessibilityFacts f;
  for (const ChapterFile& file : files) {
    f.mathml = f.mathml || file.mathml;
    if (!file.dom) continue;
    if (!file.mathml) {  // the sanitizer counted them
      f.images += file.images;
      f.images_without_alt += file.images_without_alt;
      continue;
    }
    for (const pugi::xpath_node& n : file.dom->select_nodes("//img")) {
      ++f.images;
      if (std::string_view(n.node().attribute("alt").value()).empty()) ++f.images_without_alt;
    }
  }
  return f;
}

// EPUB Accessibility 1.1 (schema.org access modes, features, hazards, a
// summary in the book's language) and the conformance claim, made only when
// every image has a text alternative.
void accessibility_metadata(pugi::xml_node md, const AccessibilityFacts& f, const std::string& lang,
                            const std::string& path, doc::Diagnostics& diags) {
  auto meta = [&](const char* property, const std::string& value) {
    pugi::xml_node m = md.append_child("meta");
    m.append_attribute("property") = property;
    m.text() = value.c_str();
  };
  const bool all_alt = f.images_without_alt == 0;
  meta("schema:accessMode", "textual");
  if (f.images) meta("schema:accessMode", "visual");
  if (all_alt) meta("schema:accessModeSufficient", "textual");
  if (f.images) meta("schema:accessModeSufficient", "textual,visual");
  for (const char* feature :
       {"structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"})
    meta("schema:accessibilityFeature", feature);
  if (f.images && all_alt) meta("schema:accessibilityFeature", "alternativeText");
  if (f.mathml) meta("schema:accessibilityFeature", "MathML");
  if (f.page_list) {
    meta("schema:accessibilityFeature", "printPageNumbers");
    meta("schema:accessibilityFeature", "pageBreakMarkers");
    meta("schema:accessibilityFeature", "pageNavigation");
  }
  meta("schema:accessibilityHazard", "none");
  const bool chinese = zh(lang);
  std::string summary =
      chinese ? "本书为可重排的 EPUB，有目录、标题结构和语义标记，阅读顺序与印刷版一致。"
              : "A reflowable EPUB with a table of contents, a heading structure and semantic "
                "markup; the reading order follows the print edition.";
  if (f.images)
    summary +=
        all_alt ? (chinese ? "所有图片都有替代文字。" : " Every image has a text alternative.")
                : (chinese ? "部分图片没有替代文字。" : " Some images have no text alternative.");
  if (f.mathml) summary += chinese ? "数学公式以 MathML 给出。" : " Formulas are given as MathML.";
  if (f.page_list)
    summary += chinese ? "页码与同时排版的印刷版（PDF）一致。"
                       : " Page numbers match the print edition (the PDF) typeset with it.";
  meta("schema:accessibilitySummary", summary);
  if (all_alt) {
    meta("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA");
  } else {
    diags.warn(path, {},
               std::to_string(f.images_without_alt) +
                   " image(s) have no alt text: the EPUB does not claim "
                   "EPUB Accessibility 1.1 / WCAG 2.1 AA conformance");
  }
}

std::string date_text(const std::optional<base::DateTime>& date) {
  if (!date) return "";
  const int64_t epoch = base::to_epoch(*date);
  return date->has_time ? base::format_utc(epoch) : base::format_day(epoch);
}

std::optional<std::string> assemble(Builder& b, doc::Diagnostics& diags) {
  const Options& options = b.options;
  doc::Metadata& meta = b.meta;
  const std::string& lang = b.lang;
  std::optional<base::DateTime> date;
  std::optional<int64_t> date_epoch;
  if (!meta.date.empty()) {
    date = base::parse_iso_date(meta.date);
    if (date) date_epoch = base::to_epoch(*date);
    else
      diags.warn(b.meta_path, {}, "date \"" + meta.date + "\" is not an ISO 8601 date; not used");
  }
  int64_t modified = date_epoch ? *date_epoch : options.source_date_epoch.value_or(0);
  std::string identifier =
      !meta.id.empty() ? meta.id
                       : "urn:uuid:" + uuid_from_name("moyin:" + meta.title + "\n" + meta.date);

  std::vector<FileEntry> entries;
  entries.push_back({"mimetype", "application/epub+zip"});
  entries.push_back(
      {"META-INF/container.xml",
       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
       "<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n"
       "  <rootfiles>\n"
       "    <rootfile full-path=\"EPUB/package.opf\" media-type=\"application/oebps-package+xml\"/>\n"
       "  </rootfiles>\n"
       "</container>\n"});
  bool chinese = zh(lang);

  // Cover.
  std::optional<std::string> cover_href;
  if (!meta.cover.empty()) {
    // The cover is relative to the book file, or to the single document.
    std::string from = b.meta_path;
    if (from.empty() && !b.units.empty() && b.units[0].doc) from = b.units[0].doc->path;
    cover_href = b.images.resolve(meta.cover, from, {}, diags);
  }
  struct Page {
    std::string id, name, content;
  };
  std::vector<Page> front;
  if (cover_href) {
    pugi::xml_document d;
    pugi::xml_node body = xhtml_skeleton(d, lang, meta.title, true);
    pugi::xml_node sec = body.append_child("section");
    sec.append_attribute("epub:type") = "cover";
    sec.append_attribute("class") = "cover";
    pugi::xml_node img = sec.append_child("img");
    img.append_attribute("src") = cover_href->c_str();
    img.append_attribute("alt") = meta.title.c_str();
    front.push_back({"cover", "cover.xhtml", serialize_xhtml(d)});
  }
  if (options.title_page) {
    pugi::xml_document d;
    pugi::xml_node body = xhtml_skeleton(d, lang, meta.title, true);
    pugi::xml_node sec = body.append_child("section");
    sec.append_attribute("epub:type") = "titlepage";
    sec.append_attribute("class") = "titlepage";
    pugi::xml_node h = sec.append_child("h1");
    h.append_attribute("class") = "title";
    h.text() = meta.title.c_str();
    auto para = [&](const char* cls, const std::string& text) {
      if (text.empty()) return;
      pugi::xml_node p = sec.append_child("p");
      p.append_attribute("class") = cls;
      p.text() = text.c_str();
    };
    if (!meta.description.empty()) para("description", meta.description);
    std::string authors;
    for (const std::string& a : meta.authors)
      authors += (authors.empty() ? "" : chinese ? "、" : ", ") + a;
    para("author", authors);
    if (date_epoch) para("date", base::format_day(*date_epoch));
    std::string tags;
    for (const std::string& t : meta.tags) tags += (tags.empty() ? "" : " · ") + t;
    para("tags", tags);
    front.push_back({"titlepage", "title.xhtml", serialize_xhtml(d)});
  }

  // Navigation document.
  std::vector<TocNode> tree = build_tree(b.toc);
  {
    pugi::xml_document d;
    pugi::xml_node body = xhtml_skeleton(d, lang, chinese ? "目录" : "Contents", true);
    pugi::xml_node nav = body.append_child("nav");
    nav.append_attribute("epub:type") = "toc";
    nav.append_attribute("role") = "doc-toc";
    nav.append_attribute("id") = "toc";
    nav.append_child("h1").text() = chinese ? "目录" : "Contents";
    pugi::xml_node ol = nav.append_child("ol");
    if (tree.empty()) {  // nav needs at least one entry
      std::vector<TocNode> one{{{1, meta.title, b.files[0].name}, {}}};
      nav_list(ol, one);
    } else {
      nav_list(ol, tree);
    }
    pugi::xml_node land = body.append_child("nav");
    land.append_attribute("epub:type") = "landmarks";
    land.append_attribute("id") = "landmarks";
    land.append_attribute("hidden") = "hidden";
    land.append_child("h2").text() = chinese ? "导览" : "Landmarks";
    pugi::xml_node lol = land.append_child("ol");
    auto mark = [&](const char* type, const std::string& href, const char* text) {
      pugi::xml_node a = lol.append_child("li").append_child("a");
      a.append_attribute("epub:type") = type;
      a.append_attribute("href") = href.c_str();
      a.text() = text;
    };
    if (cover_href) mark("cover", "cover.xhtml", chinese ? "封面" : "Cover");
    if (options.title_page) mark("titlepage", "title.xhtml", chinese ? "扉页" : "Title Page");
    mark("toc", "nav.xhtml#toc", chinese ? "目录" : "Contents");
    mark("bodymatter", b.files[0].name, chinese ? "正文" : "Start of Content");
    if (!b.page_targets.empty()) {  // the print edition's pages, in order
      pugi::xml_node pl = body.append_child("nav");
      pl.append_attribute("epub:type") = "page-list";
      pl.append_attribute("role") = "doc-pagelist";
      pl.append_attribute("id") = "page-list";
      pl.append_attribute("hidden") = "hidden";
      pl.append_child("h2").text() = chinese ? "页码" : "Pages";
      pugi::xml_node pol = pl.append_child("ol");
      for (const auto& [k, href] : b.page_targets) {
        pugi::xml_node a = pol.append_child("li").append_child("a");
        a.append_attribute("href") = href.c_str();
        a.text() = b.print_pages[static_cast<size_t>(k)].label.c_str();
      }
    }
    entries.push_back({"EPUB/nav.xhtml", serialize_xhtml(d)});
  }
  // NCX for EPUB 2 readers.
  {
    pugi::xml_document d;
    pugi::xml_node decl = d.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    pugi::xml_node ncx = d.append_child("ncx");
    ncx.append_attribute("xmlns") = "http://www.daisy.org/z3986/2005/ncx/";
    ncx.append_attribute("version") = "2005-1";
    ncx.append_attribute("xml:lang") = lang.c_str();
    pugi::xml_node head = ncx.append_child("head");
    ncx.append_child("docTitle").append_child("text").text() = meta.title.c_str();
    pugi::xml_node map = ncx.append_child("navMap");
    int order = 1, depth = 1;
    if (tree.empty()) {
      std::vector<TocNode> one{{{1, meta.title, b.files[0].name}, {}}};
      ncx_points(map, one, order, 1, depth);
    } else {
      ncx_points(map, tree, order, 1, depth);
    }
    auto m = [&](const char* name, const std::string& content) {
      pugi::xml_node e = head.append_child("meta");
      e.append_attribute("name") = name;
      e.append_attribute("content") = content.c_str();
    };
    m("dtb:uid", identifier);
    m("dtb:depth", base::integer(depth));
    m("dtb:totalPageCount", "0");
    m("dtb:maxPageNumber", "0");
    entries.push_back({"EPUB/toc.ncx", save_xml(d)});
  }

  // Stylesheet (and embedded fonts).
  std::string css = style::to_css(options.sheet);
  std::vector<Resource> fonts;
  if (options.embed_fonts) {
    if (options.fonts.empty())
      diags.warn(b.meta_path, {},
                 "epub.embed-fonts is set but no font faces were found; nothing embedded");
    // Subset every face to the characters of all XHTML written so far.
    std::set<char32_t> used;
    for (const FileEntry& e : entries)
      if (e.name.ends_with(".xhtml") || e.name.ends_with(".ncx")) {
        for (size_t i = 0; i < e.data.size();) used.insert(base::next_code_point(e.data, i));
      }
    for (const Page& p : front)
      for (size_t i = 0; i < p.content.size();) used.insert(base::next_code_point(p.content, i));
    for (const ChapterFile& f : b.files) {
      if (!f.dom) continue;
      std::string x = serialize_xhtml(*f.dom);
      for (size_t i = 0; i < x.size();) used.insert(base::next_code_point(x, i));
    }
    const std::vector<char32_t> cps(used.begin(), used.end());
    std::vector<const FontFace*> faces;  // each file and index once
    std::set<std::string> seen;
    for (const FontFace& face : options.fonts)
      if (seen.insert(face.file.string() + "#" + base::integer(face.index)).second)
        faces.push_back(&face);
    std::vector<std::optional<std::vector<std::byte>>> subsets(faces.size());
    std::vector<std::string> errors(faces.size());
    base::run_parallel(faces.size(), options.threads, [&](size_t i) {
      const FontFace& face = *faces[i];
      if (face.open) {
        subsets[i] = font::subset_codepoints(*face.open, cps, errors[i]);
      } else if (auto file = font::read_font_file(face.file, errors[i])) {
        subsets[i] = font::subset_codepoints(*file, face.index, cps, errors[i]);
      }
    });
    std::string face_css;
    for (size_t i = 0; i < faces.size(); ++i) {
      const FontFace& face = *faces[i];
      std::optional<std::vector<std::byte>>& sub = subsets[i];
      if (!sub) {
        diags.warn(b.meta_path, {}, "font " + face.file.string() + " not embedded: " + errors[i]);
        continue;
      }
      // A CFF face subsets to an OpenType-CFF font ("OTTO"): .otf, font/otf.
      const bool otf = sub->size() >= 4 && std::memcmp(sub->data(), "OTTO", 4) == 0;
      std::string name = "fonts/font-" + base::integer(static_cast<int>(fonts.size()) + 1, 3) +
                         (otf ? ".otf" : ".ttf");
      fonts.push_back({name, otf ? "font/otf" : "font/ttf",
                       std::string(reinterpret_cast<const char*>(sub->data()), sub->size())});
      std::string family;
      for (char c : face.family)
        if (c != '"' && c != '\\' && c != ';' && c != '{' && c != '}') family += c;
      face_css += "@font-face {\n  font-family: \"" + family + "\";\n  src: url(" + name + ");\n";
      face_css += face.bold ? "  font-weight: bold;\n" : "  font-weight: normal;\n";
      face_css += face.italic ? "  font-style: italic;\n}\n" : "  font-style: normal;\n}\n";
    }
    // @charset must stay first; @font-face rules go right after it.
    size_t at = 0;
    if (css.rfind("@charset", 0) == 0) at = css.find('\n') + 1;
    css.insert(at, face_css);
  }
  entries.push_back({"EPUB/style.css", css});

  for (const Page& p : front) entries.push_back({"EPUB/" + p.name, p.content});
  for (ChapterFile& f : b.files) {
    if (!f.dom) {  // an empty document still gets its (empty) file
      f.dom = std::make_unique<pugi::xml_document>();
      xhtml_skeleton(*f.dom, lang, f.title.empty() ? meta.title : f.title, true);
    }
    entries.push_back({"EPUB/" + f.name, serialize_xhtml(*f.dom)});
  }
  for (const Resource& r : b.images.resources()) {
    entries.push_back({"EPUB/" + r.href, r.data});
    if (r.media_type == "image/webp") {
      pugi::xml_document svg;
      pugi::xml_node root = svg.append_child("svg");
      root.append_attribute("xmlns") = "http://www.w3.org/2000/svg";
      root.append_attribute("width") = "320";
      root.append_attribute("height") = "40";
      root.append_attribute("viewBox") = "0 0 320 40";
      std::string label = "WebP: " + fs::path(r.href).filename().string();
      root.append_child("title").text() = label.c_str();
      pugi::xml_node t = root.append_child("text");
      t.append_attribute("x") = "8";
      t.append_attribute("y") = "26";
      t.append_attribute("font-size") = "16";
      t.text() = label.c_str();
      entries.push_back({"EPUB/" + r.href + ".svg", save_xml(svg)});
    }
  }
  for (const Resource& r : fonts) entries.push_back({"EPUB/" + r.href, r.data});

  // Package document.
  {
    pugi::xml_document d;
    pugi::xml_node decl = d.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    pugi::xml_node pkg = d.append_child("package");
    pkg.append_attribute("xmlns") = "http://www.idpf.org/2007/opf";
    pkg.append_attribute("version") = "3.0";
    pkg.append_attribute("unique-identifier") = "pub-id";
    pkg.append_attribute("xml:lang") = lang.c_str();
    // Apple Books shows embedded fonts only when told the book specifies them.
    if (!fonts.empty())
      pkg.append_attribute("prefix") =
          "ibooks: http://vocabulary.itunes.apple.com/rdf/ibooks/vocabulary-extensions-1.0/";
    pugi::xml_node md = pkg.append_child("metadata");
    md.append_attribute("xmlns:dc") = "http://purl.org/dc/elements/1.1/";
    pugi::xml_node idn = md.append_child("dc:identifier");
    idn.append_attribute("id") = "pub-id";
    idn.text() = identifier.c_str();
    pugi::xml_node title = md.append_child("dc:title");
    title.text() = meta.title.c_str();
    md.append_child("dc:language").text() = lang.c_str();
    publication_metadata(meta, title, md);
    int creator = 0;
    for (const std::string& a : meta.authors) {
      if (a.empty()) continue;
      pugi::xml_node c = md.append_child("dc:creator");
      c.append_attribute("id") = ("creator-" + base::integer(++creator)).c_str();
      c.text() = a.c_str();
    }
    if (date_epoch) md.append_child("dc:date").text() = date_text(date).c_str();
    if (!meta.description.empty())
      md.append_child("dc:description").text() = meta.description.c_str();
    std::set<std::string> subjects;
    auto subject = [&](const std::string& s) {
      if (s.empty() || !subjects.insert(s).second) return;
      md.append_child("dc:subject").text() = s.c_str();
    };
    for (const std::string& t : meta.tags) subject(t);
    for (const std::string& c : meta.categories) subject(c);
    pugi::xml_node mod = md.append_child("meta");
    mod.append_attribute("property") = "dcterms:modified";
    mod.text() = base::format_utc(modified).c_str();
    // A reflowable book: the reader chooses the page size, orientation and spreads.
    auto property = [&](const char* name, const char* value) {
      pugi::xml_node m = md.append_child("meta");
      m.append_attribute("property") = name;
      m.text() = value;
    };
    property("rendition:layout", "reflowable");
    property("rendition:orientation", "auto");
    property("rendition:spread", "auto");
    if (!fonts.empty()) property("ibooks:specified-fonts", "true");
    AccessibilityFacts facts = accessibility_facts(b.files);
    if (!b.page_targets.empty()) {
      facts.page_list = true;
      // The print edition: its ISBN when it has one, else its title.
      facts.page_source = meta.title + " (PDF)";
      if (!meta.isbn.empty()) facts.page_source = isbn_urn(meta.isbn);
      // The source of the page breaks: dc:source, as EPUB Accessibility 1.0
      // has it (epubcheck 4.2 rejects 1.1's a11y:pageBreakSource as undefined).
      pugi::xml_node source = md.append_child("dc:source");
      source.append_attribute("id") = "page-source";
      source.text() = facts.page_source.c_str();
      pugi::xml_node of = md.append_child("meta");  // EPUB 3: the source of the pagination
      of.append_attribute("refines") = "#page-source";
      of.append_attribute("property") = "source-of";
      of.text() = "pagination";
    }
    accessibility_metadata(md, facts, lang, b.meta_path, diags);
    pugi::xml_node man = pkg.append_child("manifest");
    auto item = [&](const std::string& id, const std::string& href, const std::string& type,
                    const char* props) {
      pugi::xml_node i = man.append_child("item");
      i.append_attribute("id") = id.c_str();
      i.append_attribute("href") = href.c_str();
      i.append_attribute("media-type") = type.c_str();
      if (props) i.append_attribute("properties") = props;
    };
    item("nav", "nav.xhtml", "application/xhtml+xml", "nav");
    item("ncx", "toc.ncx", "application/x-dtbncx+xml", nullptr);
    item("css", "style.css", "text/css", nullptr);
    for (const Page& p : front) item(p.id, p.name, "application/xhtml+xml", nullptr);
    for (size_t i = 0; i < b.files.size(); ++i)
      item("chapter-" + base::integer(static_cast<int>(i) + 1, 3), b.files[i].name,
           "application/xhtml+xml", b.files[i].mathml ? "mathml" : nullptr);
    int n = 0;
    for (const Resource& r : b.images.resources()) {
      bool is_cover = cover_href && *cover_href == r.href;
      std::string id = "img-" + base::integer(++n, 3);
      item(id, r.href, r.media_type, is_cover ? "cover-image" : nullptr);
      if (is_cover) {  // EPUB 2 readers find the cover image by this
        pugi::xml_node m = md.append_child("meta");
        m.append_attribute("name") = "cover";
        m.append_attribute("content") = id.c_str();
      }
      if (r.media_type == "image/webp") {
        // WebP is a core media type in EPUB 3.3 but not in 3.2 (epubcheck
        // 4.2): give it a manifest fallback, an SVG naming the image.
        man.last_child().append_attribute("fallback") = (id + "-fallback").c_str();
        item(id + "-fallback", r.href + ".svg", "image/svg+xml", nullptr);
      }
    }
    n = 0;
    for (const Resource& r : fonts)
      item("font-" + base::integer(++n, 3), r.href, r.media_type, nullptr);
    pugi::xml_node spine = pkg.append_child("spine");
    spine.append_attribute("toc") = "ncx";
    // Vertical text (竖排) turns its pages from right to left.
    if (options.sheet.epub.writing_mode == style::WritingMode::VerticalRl)
      spine.append_attribute("page-progression-direction") = "rtl";
    for (const Page& p : front)
      spine.append_child("itemref").append_attribute("idref") = p.id.c_str();
    // The nav is reachable (landmarks point at it) but not part of the reading order.
    pugi::xml_node nav_ref = spine.append_child("itemref");
    nav_ref.append_attribute("idref") = "nav";
    nav_ref.append_attribute("linear") = "no";
    for (size_t i = 0; i < b.files.size(); ++i)
      spine.append_child("itemref").append_attribute("idref") =
          ("chapter-" + base::integer(static_cast<int>(i) + 1, 3)).c_str();
    entries.push_back({"EPUB/package.opf", save_xml(d)});
  }

  // mimetype first, the rest sorted by name.
  std::sort(entries.begin() + 1, entries.end(),
            [](const FileEntry& x, const FileEntry& y) { return x.name < y.name; });
  std::string error;
  std::optional<std::string> bytes = zip_package(entries, modified, error, b.options.threads);
  if (!bytes) diags.error(b.meta_path, {}, "cannot write the EPUB archive: " + error);
  return bytes;
}

void prepare_meta(Builder& b, const doc::Metadata& meta, const std::string& path) {
  b.meta = meta;
  b.meta_path = path;
  if (b.meta.title.empty()) b.meta.title = fs::path(path).stem().string();
  if (b.meta.title.empty()) b.meta.title = "Untitled";
  b.lang = meta.lang.empty() ? "zh-CN" : meta.lang;
  if (!valid_language_tag(b.lang)) {
    b.diags.warn(path, {}, "lang \"" + b.lang + "\" is not a language tag; zh-CN used");
    b.lang = "zh-CN";
  }
}

}  // namespace

// A draft owns its options; the builder refers to them, so neither moves.
struct Draft {
  Options options;
  Builder builder;
  Draft(Options o, doc::Diagnostics& diags, fs::path root)
      : options(std::move(o)), builder(options, diags, std::move(root)) {}
};

void DraftDeleter::operator()(Draft* d) const { std::default_delete<Draft>()(d); }

DraftPtr draft_epub(const doc::Document& d, Options options, doc::Diagnostics& diags) {
  DraftPtr draft(
      std::make_unique<Draft>(std::move(options), diags, fs::path(d.path).parent_path()).release());
  Builder& b = draft->builder;
  prepare_meta(b, d.meta, d.path);
  b.plan_single(d);
  b.name_files();
  b.place_footnotes();
  b.render();
  return draft;
}

DraftPtr draft_book(const Book& book, Options options, doc::Diagnostics& diags) {
  DraftPtr draft(std::make_unique<Draft>(std::move(options), diags, book.root).release());
  Builder& b = draft->builder;
  prepare_meta(b, book.meta, book.meta_path);
  b.plan_book(book);
  b.name_files();
  b.place_footnotes();
  b.render();
  return draft;
}

std::optional<std::string> finish(DraftPtr draft, std::vector<PrintPage> pages) {
  Builder& b = draft->builder;
  b.images.report_deferred(b.diags);
  b.mark_pages(std::move(pages));
  b.resolve_links();
  return assemble(b, b.diags);
}

std::optional<std::string> make_epub(const doc::Document& d, const Options& options,
                                     doc::Diagnostics& diags) {
  return finish(draft_epub(d, options, diags), {});
}

std::optional<std::string> make_book(const Book& book, const Options& options,
                                     doc::Diagnostics& diags) {
  return finish(draft_book(book, options, diags), {});
}

std::string render_fragment(const doc::Document& d, doc::Diagnostics& diags,
                            const style::Sheet* sheet) {
  HtmlWriter writer = make_writer(d, sheet ? text_markup(*sheet) : TextMarkup{});
  if (sheet) writer.figures = sheet->figure;
  std::string html;
  for (const doc::Block& b : d.blocks) writer.block(b, html, false);
  if (!d.footnotes.empty()) {
    html += "<section epub:type=\"footnotes\" class=\"footnotes\">\n";
    for (const doc::Block& def : d.footnotes) writer.footnote(def, html, true);
    html += "</section>\n";
  }
  pugi::xml_document dom;
  pugi::xml_node body = dom.append_child("body");
  SanitizeContext ctx;
  ctx.diags = &diags;
  ctx.path = d.path;
  writer_html_to_xhtml(html, writer.wrote_raw_html, body, ctx);
  return serialize_children(body);
}

}  // namespace moyin::epub
