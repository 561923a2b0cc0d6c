#include "typeset/book.h"

#include "base/utf8.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "typeset/lines_dump.h"
#include "typeset/measure.h"
#include "typeset/notes.h"
#include "typeset/page_refs.h"
#include "typeset/paragraph.h"
#include "typeset/set_ahead.h"
#include "typeset/set_cache.h"

namespace moyin::typeset {

CjkOptions cjk_options(const style::CjkStyle& cjk) {
  CjkOptions o;
  switch (cjk.line_break) {
    case style::LineBreak::Basic: o.line_break = LineBreakLevel::Basic; break;
    case style::LineBreak::Gb: o.line_break = LineBreakLevel::GB; break;
    case style::LineBreak::Strict: o.line_break = LineBreakLevel::Strict; break;
    case style::LineBreak::Loose: o.line_break = LineBreakLevel::Loose; break;
  }
  switch (cjk.punctuation) {
    case style::Punctuation::Quanjiao: o.punctuation = PunctuationStyle::Quanjiao; break;
    case style::Punctuation::Kaiming: o.punctuation = PunctuationStyle::Kaiming; break;
    case style::Punctuation::Banjiao: o.punctuation = PunctuationStyle::Banjiao; break;
    case style::Punctuation::Plain: o.punctuation = PunctuationStyle::Plain; break;
  }
  o.latin_spacing = cjk.latin_spacing;
  o.hanging = cjk.hanging;
  return o;
}

std::string toc_title(const style::Sheet& sheet, std::string_view lang) {
  if (!sheet.toc.title.empty()) return sheet.toc.title;
  return lang.starts_with("zh") ? "目录" : "Contents";
}

namespace {

size_t count_blocks(const std::vector<doc::Block>& blocks, size_t enough) {
  size_t n = blocks.size();
  for (const doc::Block& b : blocks) {
    if (n >= enough) break;
    n += count_blocks(b.children, enough - n);
  }
  return n;
}

}  // namespace

std::string shaping_language(std::string_view doc_lang) {
  if (!doc_lang.empty() && !doc_lang.starts_with("zh")) return std::string(doc_lang);
  const bool hant = doc_lang.find("TW") != std::string_view::npos ||
                    doc_lang.find("HK") != std::string_view::npos ||
                    doc_lang.find("Hant") != std::string_view::npos;
  return hant ? "zh-Hant" : "zh-Hans";
}

void prepare_body_shaping(const style::Sheet& sheet, const font::FontLibrary& fonts,
                          std::string_view doc_lang) {
  const font::FontSet* set = fonts.find_set(sheet.role(style::Role::Body).font);
  if (!set) return;
  const std::string lang = shaping_language(doc_lang);
  // Latin text is set in the set's first family, Han in the first covering
  // it; the other families (fallbacks) get their tables only.
  bool latin = true;
  bool han = true;
  for (const font::FontFamilyEntry& family : set->faces) {
    if (family.regular < 0) continue;
    std::vector<std::string_view> scripts;
    if (std::exchange(latin, false)) scripts.push_back("Latn");
    if (family.han && std::exchange(han, false)) scripts.push_back("Hani");
    font::prepare_shaping(fonts.face(family.regular), scripts, lang);
  }
}

bool worth_setting_ahead(std::span<const doc::Document> docs) {
  // The seed article (462 blocks) gains 7 % of its wall time (36.3 → 33.6
  // ms on 2 cores, medians of 40 runs) for 5 % more CPU, now that its
  // hyphenation tables no longer take the second core while it is set
  // (docs/performance.md); 20 copies of it gain a fifth of the main thread's
  // instructions. Shorter documents gain little or nothing: their second
  // core drafts the EPUB meanwhile.
  constexpr size_t kEnough = 300;
  size_t n = 0;
  for (const doc::Document& d : docs) {
    n += count_blocks(d.blocks, kEnough) + d.footnotes.size();
    if (n >= kEnough) return true;
  }
  return false;
}

std::string roman(int n) {
  if (n <= 0 || n >= 4000) return std::to_string(n);
  static const std::pair<int, const char*> kTable[] = {
      {1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
      {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
  std::string out;
  for (const auto& [v, s] : kTable) {
    while (n >= v) {
      out += s;
      n -= v;
    }
  }
  return out;
}

namespace {

using style::Align;
using style::Role;

constexpr double kHuge = 1e6;

std::vector<VBox> set_boxes(const LineSetter& setter, const std::string& text, Role role,
                            const style::Sheet& sheet, double measure, Align align, bool bold) {
  std::vector<VBox> out;
  if (text.empty()) return out;
  for (SetLine& l : set_text(setter, text, role, measure, align, bold))
    out.push_back(line_box(std::move(l), sheet.role(role), 0));
  return out;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) {
    if (s.empty()) continue;
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string document_title(const doc::Document& doc) {
  if (!doc.meta.title.empty()) return doc.meta.title;
  std::string p = doc.path;
  size_t slash = p.find_last_of('/');
  if (slash != std::string::npos) p = p.substr(slash + 1);
  size_t dot = p.rfind('.');
  if (dot != std::string::npos && dot > 0) p = p.substr(0, dot);
  return p;
}

// A spacer that survives at a page top (glue would vanish there).
VBox spacer(double h) {
  VBox b;
  b.height = std::max(0.0, h);
  return b;
}

// The title page: title, description, authors, date, tags, centred.
std::vector<VItem> title_page_list(const doc::Metadata& meta, const std::string& title,
                                   const style::Sheet& sheet, const LineSetter& setter) {
  VListBuilder vb;
  double w = sheet.text_width();
  vb.add_box(spacer(sheet.text_height() * 0.22));
  auto add = [&](const std::string& text, Role role, double before) {
    auto boxes = set_boxes(setter, text, role, sheet, w, Align::Center, sheet.role(role).bold);
    if (boxes.empty()) return;
    vb.add_glue(before);
    vb.begin_keep_together();
    for (auto& b : boxes) {
      vb.add_break(kForbid);
      vb.add_box(std::move(b));
    }
    vb.end_keep_together();
  };
  add(title, Role::Title, 0);
  double gap = sheet.role(Role::Body).leading;
  add(meta.subtitle, Role::H3, gap);
  add(meta.description, Role::Body, 2 * gap);
  add(join(meta.authors, "  "), Role::Body, 2 * gap);
  add(join({meta.series, meta.edition}, " · "), Role::Caption, gap);
  std::string date = meta.date.substr(0, std::min<size_t>(10, meta.date.size()));
  add(date, Role::Caption, gap);
  std::vector<std::string> tags = meta.tags;
  for (const auto& c : meta.categories)
    if (std::find(tags.begin(), tags.end(), c) == tags.end()) tags.push_back(c);
  add(join(tags, " · "), Role::Caption, 0.5 * gap);
  // The imprint at the foot of the title block: publisher, ISBN, rights.
  add(meta.publisher, Role::Body, 3 * gap);
  add(meta.isbn.empty() ? std::string() : "ISBN " + meta.isbn, Role::Caption, 0.5 * gap);
  add(meta.rights, Role::Caption, 0.5 * gap);
  return vb.take();
}

// A run of leader dots from x0 to x1 on a common grid (so columns line up).
void leader(VBox& box, const LineSetter& setter, const style::Sheet& sheet, double x0, double x1) {
  double size = sheet.role(Role::Body).size;
  double step = 0.5 * size;
  auto dot = set_text(setter, ".", Role::Body, kHuge, Align::Left);
  if (dot.empty()) return;
  const layout::GlyphRun* run = nullptr;
  for (const auto& it : dot[0].items)
    if ((run = std::get_if<layout::GlyphRun>(&it))) break;
  if (!run || run->glyphs.empty()) return;
  double start = std::ceil(x0 / step) * step;
  if (start + step > x1) return;
  layout::GlyphRun r = *run;
  r.origin.x = start + (step - run->glyphs[0].advance) / 2;
  r.origin.y = run->origin.y;
  r.glyphs.clear();
  r.text.clear();
  for (double x = start; x + step <= x1 + 1e-6; x += step) {
    layout::Glyph g = run->glyphs[0];
    g.advance = step;
    g.cluster = static_cast<uint32_t>(r.text.size());
    r.glyphs.push_back(g);
    r.text += '.';
  }
  box.items.push_back(std::move(r));
}

struct TocEntry {
  HeadingInfo heading;
  std::string page;  // printed page label
};

// A new structure element: its index in `st`.
int add_element(std::vector<layout::StructElement>& st, std::string type, int parent) {
  st.push_back(layout::StructElement{std::move(type), parent, {}, {}, 0, {}});
  return static_cast<int>(st.size()) - 1;
}

void tag_box(VBox& box, int element) {
  box.items.insert(box.items.begin(), layout::Tag{element, false});
  box.items.push_back(layout::Tag{element, true});
}

// The table of contents: its title an H1 before the TOC element (ISO
// 32000-1 lets a TOC hold only TOCI and TOC), then a TOCI per entry holding
// a Reference to the heading: the Link (the title, the page number and the
// link annotation). The leader dots between them are an artifact.
std::vector<VItem> toc_list(const std::vector<TocEntry>& entries, const std::string& heading,
                            const style::Sheet& sheet, const LineSetter& setter,
                            std::vector<layout::StructElement>& st) {
  VListBuilder vb;
  const int title_element = add_element(st, "H1", -1);
  const int toc = add_element(st, "TOC", -1);
  double w = sheet.text_width();
  const style::RoleStyle& h1 = sheet.role(Role::H1);
  Align talign = h1.align == Align::Justify ? Align::Left : h1.align;
  auto title = set_boxes(setter, heading, Role::H1, sheet, w, talign, h1.bold);
  for (auto& b : title) {
    tag_box(b, title_element);
    vb.add_box(std::move(b));
  }
  vb.add_glue(std::max(h1.space_after, sheet.role(Role::Body).leading));
  vb.keep_next(1);
  const style::RoleStyle& body = sheet.role(Role::Body);
  double size = body.size;
  for (const TocEntry& e : entries) {
    double indent = (e.heading.level - 1) * 2 * size;
    bool bold = e.heading.level == 1;
    auto num = set_text(setter, e.page, Role::Body, kHuge, Align::Left, bold);
    double nw = num.empty() ? 0 : num[0].width;
    double measure = std::max(4 * size, w - indent - nw - 2 * size);
    std::vector<doc::Inline> inl(1);
    inl[0].text = e.heading.title;
    SetRequest req;
    req.inlines = &inl;
    req.role = Role::Body;
    req.measure = measure;
    req.align = Align::Left;
    req.bold = bold;
    auto lines = setter(req);
    if (lines.empty()) lines.emplace_back();
    const int item = add_element(st, "TOCI", toc);
    const int link = add_element(st, "Link", add_element(st, "Reference", item));
    vb.add_break(0);
    if (e.heading.level == 1) vb.add_glue(0.3 * body.leading);
    size_t n = lines.size();
    for (size_t k = 0; k < n; ++k) {
      double lw = lines[k].width;
      VBox box = line_box(std::move(lines[k]), body, indent);
      if (k + 1 == n && !num.empty()) {
        for (auto it : num[0].items) {
          translate(it, w - nw, 0);
          box.items.push_back(std::move(it));
        }
      }
      box.items.push_back(
          layout::LinkArea{layout::Box{indent, -box.baseline, w - indent, box.height}, "",
                           e.heading.id, e.heading.title + " " + e.page});
      tag_box(box, link);
      if (k + 1 == n) leader(box, setter, sheet, indent + lw + 0.5 * size, w - nw - 0.5 * size);
      if (k > 0) vb.add_break(kForbid);
      vb.add_box(std::move(box));
    }
  }
  return vb.take();
}

struct Running {
  std::string title, chapter, section, author, date;
};

std::string expand(const std::string& tpl, const Running& r, const std::string& page) {
  std::string out;
  for (size_t i = 0; i < tpl.size();) {
    if (tpl[i] == '{') {
      size_t e = tpl.find('}', i);
      if (e != std::string::npos) {
        std::string key = tpl.substr(i + 1, e - i - 1);
        const std::string* v = nullptr;
        if (key == "title") v = &r.title;
        else if (key == "chapter") v = r.chapter.empty() ? &r.title : &r.chapter;
        else if (key == "section") v = &r.section;
        else if (key == "page") v = &page;
        else if (key == "author") v = &r.author;
        else if (key == "date") v = &r.date;
        if (v) {
          out += *v;
          i = e + 1;
          continue;
        }
      }
    }
    out += tpl[i++];
  }
  return out;
}

// Draws one running line (header or footer) with its baseline at `baseline`.
void running_line(layout::Page& page, const style::RunningLine& line, Role role, bool is_header,
                  double baseline, const TypeArea& area, bool swap, const Running& r,
                  const std::string& label, const style::Sheet& sheet, const LineSetter& setter) {
  const std::string* parts[3] = {&line.left, &line.center, &line.right};
  if (swap) std::swap(parts[0], parts[2]);
  const Align aligns[3] = {Align::Left, Align::Center, Align::Right};
  bool any = false;
  for (int k = 0; k < 3; ++k) {
    std::string text = expand(*parts[k], r, label);
    if (text.empty()) continue;
    auto lines = set_text(setter, text, role, area.width, aligns[k]);
    if (lines.empty()) continue;
    any = true;
    SetLine& l = lines[0];  // a running line is one line
    for (auto& it : l.items) {
      translate(it, area.left, baseline);
      page.items.push_back(std::move(it));
    }
  }
  if (any && line.rule) {
    double size = sheet.role(role).size;
    double y = is_header ? baseline + 0.4 * size : baseline - 1.1 * size;
    page.items.push_back(layout::Rule{
        {area.left, y}, {area.left + area.width, y}, 0.4, to_layout(sheet.role(role).color)});
  }
}

void add_running(layout::Page& page, bool recto, bool chapter_page, const Running& r,
                 const style::Sheet& sheet, const LineSetter& setter) {
  TypeArea area = type_area(sheet.page, recto);
  bool swap = sheet.page.mirrored && !recto;
  const style::RunningStyle& run = sheet.running;
  const style::RunningLine& header = swap && run.verso_header ? *run.verso_header : run.header;
  const style::RunningLine& footer = swap && run.verso_footer ? *run.verso_footer : run.footer;
  if (!chapter_page || sheet.running.on_chapter_pages)
    running_line(page, header, Role::Header, true, area.top - sheet.running.header_gap, area, swap,
                 r, page.label, sheet, setter);
  running_line(page, footer, Role::Footer, false, area.top + area.height + sheet.running.footer_gap,
               area, swap, r, page.label, sheet, setter);
}

}  // namespace

namespace {

// Body pages from the block layout, then the front matter (title page, TOC)
// before them, running heads, labels and the outline.
layout::Book assemble(const doc::Metadata& meta, const std::string& title, BlockLayout blocks,
                      PageBuild body, const style::Sheet& sheet, const LineSetter& setter) {
  layout::Book book;
  book.meta = meta;
  book.structure = std::move(blocks.structure);
  if (body.pages.empty()) {
    body.pages.push_back(blank_page(sheet.page));
    body.marks.emplace_back();
    body.top_marks.push_back(0);
  }
  for (size_t k = 0; k < body.pages.size(); ++k) body.pages[k].label = std::to_string(k + 1);

  // Where each anchor landed.
  std::map<std::string, size_t> anchor_page;
  for (size_t k = 0; k < body.pages.size(); ++k)
    for (const auto& it : body.pages[k].items)
      if (auto* a = std::get_if<layout::Anchor>(&it)) anchor_page.emplace(a->name, k);

  // Running heads and feet repeat (a chapter's title on each of its pages):
  // each distinct line is set once.
  SetCache running_lines(setter);
  const LineSetter running_setter = [&running_lines](const SetRequest& req) {
    return running_lines(req);
  };

  // Front matter: title page, table of contents.
  std::vector<layout::Page> front;
  Running run;
  run.title = title;
  run.author = join(meta.authors, ", ");
  run.date = meta.date.substr(0, std::min<size_t>(10, meta.date.size()));

  if (sheet.title_page.enabled && !meta.title.empty()) {
    auto list = title_page_list(meta, title, sheet, setter);
    for (VItem& it : list)
      if (auto* box = std::get_if<VBox>(&it)) tag_box(*box, add_element(book.structure, "P", -1));
    PageBuild tp = build_pages(list, sheet.page, true);
    for (auto& p : tp.pages) front.push_back(std::move(p));
  }
  std::vector<TocEntry> entries;
  for (const HeadingInfo& h : blocks.headings) {
    if (h.level > sheet.toc.depth || h.id.empty()) continue;
    auto it = anchor_page.find(h.id);
    if (it == anchor_page.end()) continue;
    entries.push_back(TocEntry{h, body.pages[it->second].label});
  }
  size_t toc_first = front.size();
  if (sheet.toc.enabled && !entries.empty()) {
    auto list = toc_list(entries, toc_title(sheet, meta.lang), sheet, setter, book.structure);
    PageBuild toc = build_pages(list, sheet.page, front.size() % 2 == 0);
    for (auto& p : toc.pages) front.push_back(std::move(p));
  }
  // Body page 1 is a recto in a mirrored book.
  if (sheet.page.mirrored && front.size() % 2 == 1) front.push_back(blank_page(sheet.page));
  for (size_t k = 0; k < front.size(); ++k) {
    front[k].label = roman(static_cast<int>(k) + 1);
    if (k >= toc_first)
      add_running(front[k], k % 2 == 0, k == toc_first,
                  Running{run.title, toc_title(sheet, meta.lang), "", run.author, run.date}, sheet,
                  running_setter);
  }

  // Running heads of the body.
  int chapter_level = std::clamp(sheet.chapter.level, 1, 6);
  for (size_t k = 0; k < body.pages.size(); ++k) {
    bool chapter_page = false;
    std::string first_chapter, first_section;
    for (size_t mi = 0; mi < body.marks[k].size(); ++mi) {
      const Mark& m = body.marks[k][mi];
      if (m.level == chapter_level && first_chapter.empty()) {
        // A chapter that opens the page makes it a chapter page (no header).
        chapter_page = mi < body.top_marks[k];
        first_chapter = m.title;
      }
      if (m.level == chapter_level + 1 && first_section.empty()) first_section = m.title;
    }
    Running here = run;
    if (!first_chapter.empty()) here.chapter = first_chapter;
    here.section = !first_section.empty() ? first_section : (chapter_page ? "" : run.section);
    if (!body.pages[k].items.empty())  // a blank verso before a chapter stays blank
      add_running(body.pages[k], k % 2 == 0, chapter_page, here, sheet, running_setter);
    // State carried to the next page: the last marks of this page.
    for (const Mark& m : body.marks[k]) {
      if (m.level == chapter_level) {
        run.chapter = m.title;
        run.section.clear();
      } else if (m.level == chapter_level + 1) {
        run.section = m.title;
      }
    }
  }

  if (!front.empty())
    book.labels.push_back(layout::PageLabelRange{0, layout::LabelStyle::LowerRoman, 1});
  book.labels.push_back(
      layout::PageLabelRange{static_cast<int>(front.size()), layout::LabelStyle::Decimal, 1});
  book.pages = std::move(front);
  for (auto& p : body.pages) book.pages.push_back(std::move(p));
  for (const HeadingInfo& h : blocks.headings)
    if (!h.id.empty()) book.outline.push_back(layout::OutlineEntry{h.title, h.level, h.id});
  return book;
}

std::string book_title(const doc::Metadata& meta, std::span<const doc::Document> chapters) {
  if (!meta.title.empty() || chapters.empty()) return meta.title;
  return document_title(chapters.front());
}

// A cover: the image scaled to fill the bleed box (the trim when there is
// no bleed), centred, its overflow cut off by the page. Nothing (after the
// catalog's warning) when the image cannot be used; an SVG cover is an EPUB-only
// cover for now (a warning says so).
std::optional<layout::Page> cover_page(const std::string& url, const std::string& doc_path,
                                       const style::PageStyle& style, image::Catalog& images,
                                       doc::Diagnostics& diags) {
  if (url.empty()) return std::nullopt;
  const image::Entry e = images.use(url, doc_path, {}, diags);
  if (!e.ok() || e.width <= 0 || e.height <= 0) return std::nullopt;
  if (e.format == image::Format::Svg) {
    diags.warn(doc_path, {},
               "cover " + url + " is an SVG: the PDF has no cover page (use PNG or JPEG)");
    return std::nullopt;
  }
  layout::Page page = blank_page(style);
  page.items.clear();  // no crop marks over the picture
  const layout::Box& area = page.bleed;
  const double scale = std::max(area.width / e.width, area.height / e.height);
  const double w = e.width * scale, h = e.height * scale;
  page.items.push_back(layout::ImageBox{
      layout::Box{area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h}, e.key,
      nullptr});
  return page;
}

// Front and back covers around the book: the cover pages get no label and
// the labels of the book's own pages stay as they were. In a two-sided book
// the front cover is followed by its blank inside (a verso), so the book's
// pages keep their sides (the title page and body page 1 stay rectos), and
// the back cover is a verso (a blank recto before it when the book ends on
// a verso), as a printer imposes them.
void add_covers(layout::Book& book, const std::string& doc_path, const style::PageStyle& style,
                image::Catalog* images, doc::Diagnostics& diags) {
  if (book.meta.cover.empty() && book.meta.back_cover.empty()) return;
  std::optional<image::Catalog>
      own;  // no run catalog (moyin dump): one bounded by the document's folder
  if (!images) {
    const std::filesystem::path dir = std::filesystem::path(doc_path).parent_path();
    images = &own.emplace(
        image::CatalogOptions{.boundary = dir.empty() ? std::filesystem::path(".") : dir});
  }
  if (auto front = cover_page(book.meta.cover, doc_path, style, *images, diags)) {
    std::vector<layout::Page> lead;
    lead.push_back(std::move(*front));
    if (style.mirrored) lead.push_back(blank_page(style));
    for (layout::Page& p : lead) p.label.clear();
    const int n = static_cast<int>(lead.size());
    book.pages.insert(book.pages.begin(), std::make_move_iterator(lead.begin()),
                      std::make_move_iterator(lead.end()));
    for (layout::PageLabelRange& r : book.labels) r.first_page += n;
    book.labels.insert(book.labels.begin(), layout::PageLabelRange{0, layout::LabelStyle::None, 1});
  }
  if (auto back = cover_page(book.meta.back_cover, doc_path, style, *images, diags)) {
    back->label.clear();
    book.labels.push_back(
        layout::PageLabelRange{static_cast<int>(book.pages.size()), layout::LabelStyle::None, 1});
    // An even count of pages before it would make the back cover a recto.
    if (style.mirrored && book.pages.size() % 2 == 0) book.pages.push_back(blank_page(style));
    book.pages.push_back(std::move(*back));
  }
}

}  // namespace

namespace {

// The foot of the page: a rule a quarter of the measure long in a skip of
// one footnote line, "续" in front of a note continued from the page before.
FootStyle foot_style(const style::Sheet& sheet, const LineSetter& setter, std::string_view lang) {
  const style::RoleStyle& rs = sheet.role(Role::Footnote);
  FootStyle fs;
  fs.skip = std::max(rs.leading, rs.size);
  fs.rule_length = 0.25 * sheet.text_width();
  fs.between = std::max(rs.space_before, rs.space_after);
  auto mark = set_text(setter, lang.starts_with("zh") ? "续" : "cont.", Role::Footnote, kHuge);
  if (!mark.empty()) fs.continued = std::move(mark.front().items);
  return fs;
}

// Pages of the blocks, then the book around them.
layout::Book assemble(const doc::Metadata& meta, const std::string& title, BlockLayout blocks,
                      const style::Sheet& sheet, const LineSetter& setter, const FootStyle& foot) {
  PageBuild body = build_pages(std::move(blocks.list), sheet.page, true, foot);
  return assemble(meta, title, std::move(blocks), std::move(body), sheet, setter);
}

// Per chapter, each note's number on the page where it starts.
PageNumbers note_numbers_on_pages(const PageBuild& pages, size_t chapters) {
  PageNumbers on_page(chapters);
  for (const auto& keys : pages.notes) {
    int n = 0;
    for (const std::string& key : keys) {
      const size_t colon = key.find(':');
      const size_t c = std::stoul(key.substr(0, colon));
      if (c < on_page.size()) on_page[c][key.substr(colon + 1)] = ++n;
    }
  }
  return on_page;
}

// Ends what BeforeLayout started when it goes: the caller keeps it no longer
// than the documents it was told.
class Planning {
 public:
  Planning() = default;
  explicit Planning(std::function<void()> end) : end_(std::move(end)) {}
  ~Planning() {
    if (end_) end_();
  }
  Planning(const Planning&) = delete;
  Planning& operator=(const Planning&) = delete;

 private:
  std::function<void()> end_;
};

// Told the documents of the first layout before it starts: setting ahead
// predicts its requests from them on another thread, until the Planning goes.
using BeforeLayout = std::function<std::unique_ptr<Planning>(std::span<const doc::Document>)>;

std::unique_ptr<Planning> plan(const BeforeLayout& before, std::span<const doc::Document> docs) {
  return before ? before(docs) : nullptr;
}

struct SetContext {
  const style::Sheet& sheet;
  const LineSetter& setter;
  doc::Diagnostics& diags;
  image::Catalog* images;
  bool book;
  FootStyle foot;
};

// With xref.page: layouts until the page numbers after the references (and
// the notes' numbers per page) are those of the pages the layout made; at
// most kLayouts, then a warning at each reference still off.
layout::Book set_with_page_refs(const doc::Metadata& meta, const std::string& title,
                                std::span<const doc::Document> chapters, PageRefs& refs,
                                const SetContext& c, const BeforeLayout& before) {
  constexpr int kLayouts = 4;
  const bool renumber = notes_need_numbering(chapters, c.sheet.notes);
  const bool per_page = renumber && c.sheet.notes.numbering == style::NoteNumbering::Page &&
                        c.sheet.notes.placement == style::NotePlacement::Page;
  std::vector<doc::Document> numbered = renumber ? number_notes(chapters, c.sheet.notes)
                                                 : std::vector(chapters.begin(), chapters.end());
  PageNumbers on_page;
  std::vector<std::string> texts = refs.placeholders();
  // A layout after the first sets again only the paragraphs that changed.
  SetCache cache(c.setter);
  const LineSetter setter = [&cache](const SetRequest& req) { return cache(req); };
  for (int pass = 1;; ++pass) {
    doc::Diagnostics again;  // the first layout has said everything there is to say
    const std::vector<doc::Document> applied = refs.apply(numbered, texts);
    const std::unique_ptr<Planning> planning = pass == 1 ? plan(before, applied) : nullptr;
    BlockLayout blocks =
        layout_chapters(applied, c.sheet, setter, pass == 1 ? c.diags : again, c.images, c.book);
    PageBuild body = build_pages(std::move(blocks.list), c.sheet.page, true, c.foot);
    bool settled = true;
    if (per_page) {
      PageNumbers now = note_numbers_on_pages(body, chapters.size());
      if (now != on_page) {
        settled = false;
        on_page = std::move(now);
        numbered = number_notes(chapters, c.sheet.notes, &on_page);
      }
    }
    std::vector<std::string> next = refs.next_texts(body.pages);
    settled = settled && next == texts;
    if (settled || pass == kLayouts) {
      if (!settled) refs.check(body.pages, texts, chapters, c.diags);
      PageRefs::strip_tags(body.pages);
      return assemble(meta, title, std::move(blocks), std::move(body), c.sheet, c.setter);
    }
    texts = std::move(next);
  }
}

// Sets the chapters with their notes numbered as the sheet says; numbers per
// page come from a first layout (where each note starts), as LaTeX's perpage
// does with a second run.
layout::Book typeset_chapters(const doc::Metadata& meta, const std::string& title,
                              std::span<const doc::Document> chapters, const style::Sheet& sheet,
                              const LineSetter& setter, doc::Diagnostics& diags,
                              image::Catalog* images, bool book, const BeforeLayout& before = {}) {
  const FootStyle foot = foot_style(sheet, setter, meta.lang);
  if (PageRefs refs(chapters, resolve_xref(sheet.xref, meta.lang), sheet.page.mirrored);
      !refs.empty())
    return set_with_page_refs(meta, title, chapters, refs,
                              SetContext{sheet, setter, diags, images, book, foot}, before);
  if (!notes_need_numbering(chapters, sheet.notes)) {
    const std::unique_ptr<Planning> planning = plan(before, chapters);
    return assemble(meta, title, layout_chapters(chapters, sheet, setter, diags, images, book),
                    sheet, setter, foot);
  }
  std::vector<doc::Document> numbered = number_notes(chapters, sheet.notes);
  std::unique_ptr<Planning> planning = plan(before, numbered);
  if (sheet.notes.numbering == style::NoteNumbering::Page &&
      sheet.notes.placement == style::NotePlacement::Page) {
    SetCache cache(setter);  // the second layout sets again only what the numbers changed
    const LineSetter cached = [&cache](const SetRequest& req) { return cache(req); };
    BlockLayout first = layout_chapters(numbered, sheet, cached, diags, images, book);
    planning.reset();  // before the documents it predicts from are numbered again
    PageBuild pages = build_pages(std::move(first.list), sheet.page, true, foot);
    const PageNumbers on_page = note_numbers_on_pages(pages, chapters.size());
    numbered = number_notes(chapters, sheet.notes, &on_page);
    doc::Diagnostics again;  // the first layout has said everything there is to say
    return assemble(meta, title, layout_chapters(numbered, sheet, cached, again, images, book),
                    sheet, setter, foot);
  }
  return assemble(meta, title, layout_chapters(numbered, sheet, setter, diags, images, book), sheet,
                  setter, foot);
}

}  // namespace

namespace {

layout::Book typeset_document(const doc::Document& doc, const style::Sheet& sheet,
                              const LineSetter& setter, doc::Diagnostics& diags,
                              image::Catalog* images, const BeforeLayout& before) {
  layout::Book book =
      typeset_chapters(doc.meta, document_title(doc), std::span<const doc::Document>(&doc, 1),
                       sheet, setter, diags, images, false, before);
  add_covers(book, doc.path, sheet.page, images, diags);
  return book;
}

layout::Book typeset_chapters_of(const doc::Metadata& meta, std::span<const doc::Document> chapters,
                                 const style::Sheet& sheet, const LineSetter& setter,
                                 doc::Diagnostics& diags, image::Catalog* images,
                                 const std::string& meta_path, const BeforeLayout& before) {
  layout::Book book = typeset_chapters(meta, book_title(meta, chapters), chapters, sheet, setter,
                                       diags, images, true, before);
  add_covers(book, meta_path, sheet.page, images, diags);
  return book;
}

}  // namespace

layout::Book typeset_with(const doc::Document& doc, const style::Sheet& sheet,
                          const LineSetter& setter, doc::Diagnostics& diags,
                          image::Catalog* images) {
  return typeset_document(doc, sheet, setter, diags, images, {});
}

layout::Book typeset_book_with(const doc::Metadata& meta, std::span<const doc::Document> chapters,
                               const style::Sheet& sheet, const LineSetter& setter,
                               doc::Diagnostics& diags, image::Catalog* images,
                               const std::string& meta_path) {
  return typeset_chapters_of(meta, chapters, sheet, setter, diags, images, meta_path, {});
}

namespace {

const layout::Color kMarkTint{1.0, 0.93, 0.55};  // <mark>: a highlighter's yellow
constexpr double kRubyMeasure = 1e6;             // an annotation is set on one line

// <kbd>: a key cap, a rounded frame around the key's text (y down, top-left corner given).
layout::Path key_cap(double x, double y, double w, double h, double size, layout::Color ink) {
  const double r = std::min(0.18 * size, h / 2);
  const double k = 0.5523 * r;  // cubic approximation of a quarter circle
  using Op = layout::PathSegment::Op;
  layout::Outline frame;
  auto seg = [&](Op op, layout::Point a, layout::Point b = {}, layout::Point c = {}) {
    frame.push_back(layout::PathSegment{op, {a, b, c}});
  };
  seg(Op::Move, {x + r, y});
  seg(Op::Line, {x + w - r, y});
  seg(Op::Cubic, {x + w - r + k, y}, {x + w, y + r - k}, {x + w, y + r});
  seg(Op::Line, {x + w, y + h - r});
  seg(Op::Cubic, {x + w, y + h - r + k}, {x + w - r + k, y + h}, {x + w - r, y + h});
  seg(Op::Line, {x + r, y + h});
  seg(Op::Cubic, {x + r - k, y + h}, {x, y + h - r + k}, {x, y + h - r});
  seg(Op::Line, {x, y + r});
  seg(Op::Cubic, {x, y + r - k}, {x + r - k, y}, {x + r, y});
  seg(Op::Close, {});
  layout::Path p;
  p.outline = layout::make_outline(std::move(frame));
  p.fill = layout::PathFill{layout::Color{0.97, 0.97, 0.97}};
  layout::PathStroke stroke;
  stroke.color = layout::Color{0.55 * ink.r + 0.45 * 0.6, 0.55 * ink.g + 0.45 * 0.6,
                               0.55 * ink.b + 0.45 * 0.6};
  stroke.width = 0.06 * size;
  p.stroke = stroke;
  return p;
}

// Each role's font set once the main thread has resolved it (resolving
// may warn, in document order): what a setter on another thread may use.
using ResolvedRoles = std::array<std::atomic<const font::FontSet*>, style::kRoleCount>;

// The LineSetter over the paragraph line breaker and real fonts. Setting a
// request (`set`) only records what it has to say (SetOutcome::events);
// `say` says it. The main thread's setter does both, one request after the
// other; a setter made for another thread (the second constructor) only
// sets, with the font sets the main thread has resolved so far, and the
// main thread says what it recorded when it takes the lines (set_ahead.h).
class FontSetter {
 public:
  FontSetter(const doc::Metadata& meta, std::string path, const style::Sheet& sheet,
             const font::FontLibrary& fonts, doc::Diagnostics& diags,
             const math::Formulas* formulas, const Hyphenator* hyphenator)
      : path_(std::move(path)),
        sheet_(sheet),
        fonts_(fonts),
        diags_(diags),
        drawings_(formulas ? std::make_shared<math::SharedDrawings>(*formulas) : nullptr),
        hyphenator_(hyphenator) {
    lang_ = shaping_language(meta.lang);
  }

  // A setter for another thread, setting as `main` does (its notes and
  // options) with the font sets in `resolved`; timed by nobody.
  FontSetter(const FontSetter& main, const ResolvedRoles& resolved)
      : path_(main.path_),
        sheet_(main.sheet_),
        fonts_(main.fonts_),
        diags_(unsaid_),
        lang_(main.lang_),
        notes_(main.notes_),
        drawings_(main.drawings_),
        hyphenator_(main.hyphenator_),
        resolved_(&resolved),
        ahead_only_(true) {}

  void trace_to(std::string* out) { trace_ = out; }
  base::Timings* timings = nullptr;  // --timings: shaping and line breaking

  // Footnote references link to their notes: label -> anchor of the note.
  void add_notes(const doc::Document& d) {
    for (const doc::Block& fn : d.footnotes)
      if (!fn.id.empty()) notes_.emplace(fn.label, fn.id);
  }

  // Sets `req` and says what it has to say: taken from the paragraphs set
  // ahead when they hold it, else set here.
  std::vector<SetLine> operator()(const SetRequest& req) {
    if (ahead_) {
      if (std::optional<SetOutcome> done = ahead_->take(req, help_)) return say(std::move(*done));
    }
    SetOutcome here;
    here.lines = set(req, here.events);
    return say(std::move(here));
  }

  // Sets the paragraphs `predict` predicts (on the first of them) on
  // `threads` other threads while this one lays them out (resolving fonts
  // and saying what they have to say in order). Not with a lines trace
  // (numbered in the order set). What `predict` reads must stay until
  // end_prediction.
  void set_ahead(Predict predict, int threads) {
    if (trace_ || threads < 1) return;
    help_ = [this](const SetRequest& req) { return set_ahead_of_time(req); };
    ahead_.emplace(std::move(predict), threads, [this] {
      auto setter = std::make_shared<FontSetter>(*this, resolved_own_);
      return AheadSetter(
          [setter](const SetRequest& req) { return setter->set_ahead_of_time(req); });
    });
  }

  // Waits until the prediction has ended.
  void end_prediction() {
    if (ahead_) ahead_->wait_for_prediction();
  }

  // Stops setting ahead (joins the threads), telling `counts` (when given) how it went.
  void stop_ahead(SetAheadCounts* counts) {
    if (ahead_ && counts) *counts = ahead_->counts();
    ahead_.reset();
  }

  // Says what setting a request recorded, as the serial setter did while
  // setting it: diagnostics, characters no face draws, inline HTML dropped.
  std::vector<SetLine> say(SetOutcome&& o) {
    for (SetOutcome::Event& e : o.events) {
      if (auto* d = std::get_if<doc::Diagnostic>(&e)) diags_.items.push_back(std::move(*d));
      else if (auto* m = std::get_if<SetOutcome::Missing>(&e))
        missing_for(m->path).note(m->cp, m->pos);
      else if (auto* h = std::get_if<SetOutcome::DroppedHtml>(&e))
        warn_dropped_html(h->path, h->tag, h->pos);
    }
    return std::move(o.lines);
  }

  // Sets `req` with the font sets resolved so far, on any thread; nothing
  // when a set it needs is not resolved yet (the main thread sets it then).
  std::optional<SetOutcome> set_ahead_of_time(const SetRequest& req) {
    for (Role r : {req.role, Role::Code, Role::Body})  // Body: ruby annotations
      if (!resolved_set(r)) return std::nullopt;
    struct Restore {  // also when setting throws (the caller then sets it again)
      bool& ahead_only;
      bool was;
      ~Restore() { ahead_only = was; }
    } restore{ahead_only_, std::exchange(ahead_only_, true)};
    unresolved_ = false;
    SetOutcome out;
    out.lines = set(req, out.events);
    if (unresolved_) return std::nullopt;
    return out;
  }

  // The lines for `req`, recording what it has to say in `events`.
  std::vector<SetLine> set(const SetRequest& req, std::vector<SetOutcome::Event>& events) {
    const style::RoleStyle& rs = sheet_.role(req.role);
    FontRoles roles{&fonts_, role_set(req.role, events), role_set(Role::Code, events)};
    if (!roles.text) return {};
    if (req.nowrap) return set_nowrap(req, rs, roles, events);
    ParagraphStyle ps;
    ps.measure = std::max(1.0, req.measure);
    ps.fonts = roles;
    ps.size = req.size > 0 ? req.size : rs.size;
    ps.indent = req.first_indent;
    ps.align = req.align == Align::Justify  ? Alignment::Justify
               : req.align == Align::Center ? Alignment::Center
               : req.align == Align::Right  ? Alignment::Right
                                            : Alignment::Left;
    ps.cjk = cjk_options(sheet_.cjk);
    ps.min_last_line = sheet_.paragraph.min_last_line;
    // Not for roles set italic as a whole (their text is wrapped in emphasis below).
    ps.emphasis_dots = sheet_.emphasis.cjk == style::CjkEmphasis::Dots && !rs.italic;
    ps.fonts.cjk_emphasis_bold = sheet_.emphasis.cjk == style::CjkEmphasis::Bold && !rs.italic;
    ps.lang = lang_;
    ps.hyphenator = hyphenator_;
    ps.formula = [this](const doc::Inline& in) { return drawing(in); };
    for (const InlineImage& image : req.images) ps.images.push_back({image.width, image.height});
    ps.timings = timings;
    const std::vector<doc::Inline>* inlines = req.inlines;
    std::vector<doc::Inline> linked;
    const bool notes = !notes_.empty() && has_note_ref(*inlines);
    const bool math = has_math(*inlines);
    if (notes || math) {
      linked = *inlines;
      if (notes) link_note_refs(linked);
      if (math) untypeset_math_as_code(linked);
      inlines = &linked;
    }
    std::vector<doc::Inline> wrapped;
    if (req.bold || rs.italic) {
      doc::Inline w;
      w.kind = req.bold ? doc::InlineKind::Strong : doc::InlineKind::Emphasis;
      w.children = *inlines;
      if (req.bold && rs.italic) {
        doc::Inline e;
        e.kind = doc::InlineKind::Emphasis;
        e.children = std::move(w.children);
        w.children = {std::move(e)};
      }
      wrapped.push_back(std::move(w));
      inlines = &wrapped;
    }
    if (req.min_content) {
      SetLine widest;
      widest.width = setter_.min_content_width(*inlines, ps);
      return {widest};
    }
    const std::string path = req.path.empty() ? path_ : std::string(req.path);
    doc::Diagnostics said;
    SetParagraph p = setter_.set(*inlines, ps, said, path);
    for (doc::Diagnostic& d : said.items) events.emplace_back(std::move(d));
    if (trace_) trace(req, p);
    for (const auto& [cp, pos] : p.uncovered)
      events.emplace_back(SetOutcome::Missing{path, cp, pos});
    for (auto& [tag, pos] : p.dropped_html)
      events.emplace_back(SetOutcome::DroppedHtml{path, std::move(tag), pos});
    std::vector<SetLine> out;
    layout::Color color = to_layout(rs.color);
    for (Line& l : p.lines) {
      SetLine sl;
      sl.width = l.offset + l.width;
      sl.ascent = l.ascent;
      sl.descent = l.descent;
      for (const Decoration& d : l.decorations) {
        if (d.kind == Decoration::Kind::Code) {
          double a = 0.85 * ps.size, dsc = 0.25 * ps.size;
          sl.items.push_back(layout::Rect{layout::Box{d.x0 - 1, -a, d.x1 - d.x0 + 2, a + dsc},
                                          layout::Color{0.94, 0.94, 0.94}});
        } else if (d.kind == Decoration::Kind::Mark) {
          double a = 0.9 * rs.size, dsc = 0.22 * rs.size;
          sl.items.push_back(layout::Rect{layout::Box{d.x0, -a, d.x1 - d.x0, a + dsc}, kMarkTint});
        } else if (d.kind == Decoration::Kind::Kbd) {
          sl.items.push_back(key_cap(d.x0 - 1.5, -0.82 * rs.size, d.x1 - d.x0 + 3, 1.07 * rs.size,
                                     rs.size, color));
        }
      }
      place_content(l, p.link_texts, req, roles, color, ps.size, sl);
      for (const Decoration& d : l.decorations) {
        if (d.kind == Decoration::Kind::Strike) {
          double y = -0.3 * ps.size;
          sl.items.push_back(layout::Rule{{d.x0, y}, {d.x1, y}, 0.05 * ps.size, color});
        } else if (d.kind == Decoration::Kind::Underline) {
          const double y = 0.12 * ps.size;
          sl.items.push_back(layout::Rule{{d.x0, y}, {d.x1, y}, 0.05 * ps.size, color});
          sl.descent = std::max(sl.descent, y + 0.05 * ps.size);
        } else if (d.kind == Decoration::Kind::Ruby) {
          place_ruby(d, rs, ps.measure, color, sl, events);
        } else if (d.kind == Decoration::Kind::Dot) {
          // 着重号: a small square (no text, so copying the text stays clean),
          // centred under the character's advance box, below the em box.
          const double side = 0.15 * ps.size, cy = 0.3 * ps.size;
          sl.items.push_back(layout::Rect{
              layout::Box{(d.x0 + d.x1 - side) / 2, cy - side / 2, side, side}, color});
          sl.descent = std::max(sl.descent, cy + side / 2);
        }
      }
      out.push_back(std::move(sl));
    }
    return out;
  }

  // The line's text in reading order: glyph runs, and inline formulas and
  // images where they stand among them; a link's runs bracketed with its
  // areas and, with SetRequest::inline_tags, the links, formulas and images
  // marked as elements of their own (SetLine::elements).
  void place_content(Line& l, const std::vector<std::string>& link_texts, const SetRequest& req,
                     const FontRoles& roles, layout::Color color, double size, SetLine& sl) {
    sl.items.reserve(sl.items.size() + l.runs.size() + l.objects.size() + l.decorations.size());
    int open_link = -1;  // the link whose runs are being placed
    auto begin = [&](std::string type, std::string alt, int link) {
      if (!req.inline_tags) return;
      sl.items.push_back(layout::Tag{static_cast<int>(sl.elements.size()), false});
      sl.elements.push_back(InlineElement{std::move(type), std::move(alt), link});
    };
    auto end = [&](int element) {
      if (req.inline_tags) sl.items.push_back(layout::Tag{element, true});
    };
    int link_element = -1;
    auto enter = [&](int link) {
      if (link == open_link) return;
      if (open_link >= 0) {
        for (const Decoration& d : l.decorations)
          if (d.kind == Decoration::Kind::Link && d.link == open_link)
            sl.items.push_back(link_area(d, size, link_texts));
        end(link_element);
      }
      open_link = link;
      if (link < 0) return;
      link_element = static_cast<int>(sl.elements.size());
      begin("Link", {}, link);
    };
    size_t next_object = 0;
    for (size_t r = 0; r <= l.runs.size(); ++r) {
      for (; next_object < l.objects.size() && l.objects[next_object].after <= r; ++next_object) {
        const LineObject& o = l.objects[next_object];
        enter(o.link);
        place_object(o, req, roles, color, begin, end, sl);
      }
      if (r == l.runs.size()) break;
      enter(r < l.run_links.size() ? l.run_links[r] : -1);
      layout::GlyphRun& run = l.runs[r];
      if (run.color == layout::Color{}) run.color = color;
      sl.items.push_back(std::move(run));
    }
    enter(-1);
  }

  template <typename Begin, typename End>
  void place_object(const LineObject& o, const SetRequest& req, const FontRoles& roles,
                    layout::Color color, Begin& begin, End& end, SetLine& sl) {
    const auto element = static_cast<int>(sl.elements.size());
    if (!o.formula) return;
    if (o.image >= 0) {
      std::string alt = doc::plain_text(o.formula->children);
      begin("Figure", alt.empty() ? o.formula->title : std::move(alt), -1);
      for (layout::Item item : req.images[static_cast<size_t>(o.image)].items) {
        translate(item, o.x, 0);
        sl.items.push_back(std::move(item));
      }
      end(element);
    } else if (const math::Drawing* d = drawing(*o.formula)) {
      // A display formula is a Formula element of the block layout's.
      const bool own = !o.formula->display;
      if (own) begin("Formula", o.formula->text, -1);
      place_formula(*d, *o.formula, o, roles, color, sl.items);
      if (own) end(element);
    }
  }

  // The clickable area of a link's piece on a line: "#id", or
  // "chapter.md#id" into another chapter of a book (one name space in the
  // PDF), else a URI.
  static layout::LinkArea link_area(const Decoration& d, double size,
                                    const std::vector<std::string>& link_texts) {
    layout::LinkArea link{layout::Box{d.x0, -0.9 * size, d.x1 - d.x0, 1.15 * size}, "", "", ""};
    const std::string_view url = d.url;
    const size_t hash = url.find('#');
    const std::string_view file = url.substr(0, std::min(hash, url.size()));
    if (hash != std::string_view::npos && url.find("://") == std::string_view::npos &&
        (file.empty() || file.ends_with(".md") || file.ends_with(".markdown")))
      link.dest = std::string(url.substr(hash + 1));
    else link.uri = d.url;
    if (d.link >= 0 && static_cast<size_t>(d.link) < link_texts.size())
      link.text = link_texts[static_cast<size_t>(d.link)];
    return link;
  }

  // Ruby: the annotation at half the text size, centred above its base (it
  // may overhang the base when longer), but within the line's `measure`:
  // moved in at the line's start or end (JIS X 4051 aligns it there), and
  // set smaller when longer than the whole line. The line grows to hold it.
  void place_ruby(const Decoration& d, const style::RoleStyle& rs, double measure,
                  layout::Color color, SetLine& sl, std::vector<SetOutcome::Event>& events) {
    std::vector<doc::Inline> inl(1);
    inl[0].text = d.text;
    SetRequest req;
    req.inlines = &inl;
    req.role = Role::Body;
    req.measure = kRubyMeasure;
    req.size = 0.5 * rs.size;
    req.align = style::Align::Left;
    std::vector<SetLine> ann = set(req, events);
    if (ann.empty()) return;
    if (measure > 0 && ann[0].width > measure) {
      req.size *= measure / ann[0].width;
      ann = set(req, events);
      if (ann.empty()) return;
    }
    double x = (d.x0 + d.x1 - ann[0].width) / 2;
    if (measure > 0) x = std::clamp(x, 0.0, std::max(0.0, measure - ann[0].width));
    const double base_top = 0.88 * rs.size;  // the em box's top above the baseline
    const double y = -(base_top + 0.08 * rs.size + ann[0].descent);
    for (layout::Item& it : ann[0].items) {
      if (auto* run = std::get_if<layout::GlyphRun>(&it)) run->color = color;
      translate(it, x, y);
      sl.items.push_back(std::move(it));
    }
    sl.ascent = std::max(sl.ascent, -y + ann[0].ascent);
  }

  // One warning per document and kind of inline HTML the PDF does not draw.
  void warn_dropped_html(const std::string& path, const std::string& tag, doc::Position pos) {
    if (!warned_html_.insert(path + "\n" + tag).second) return;
    if (tag == "script" || tag == "style")
      diags_.warn(
          path, pos,
          "<" + tag + "> is never printed; the PDF leaves it out (further ones are not reported)");
    else if (tag == "!--") return;
    else
      diags_.warn(path, pos,
                  "inline HTML <" + tag + "> is not drawn in the PDF; its text is kept (further <" +
                      tag + "> are not reported)");
  }

  // One warning per document and character no installed face draws.
  void report_missing() {
    for (const auto& [path, missing] : missing_) missing.report(path, diags_);
  }

 private:
  font::MissingGlyphs& missing_for(const std::string& path) {
    for (auto& [p, m] : missing_)
      if (p == path) return m;
    missing_.emplace_back(path, font::MissingGlyphs{});
    return missing_.back().second;
  }

  // The role's set as resolving it would give, when that is known without
  // resolving it here: resolved by the main thread, or a set fonts.yaml
  // defines and no `fonts:` entry replaces (resolving it says nothing).
  const font::FontSet* resolved_set(Role role) const {
    const ResolvedRoles& roles = resolved_ ? *resolved_ : resolved_own_;
    if (const font::FontSet* set = roles[static_cast<size_t>(role)].load(std::memory_order_acquire))
      return set;
    if (!sheet_.named_font(role).empty()) return nullptr;
    return fonts_.find_set(sheet_.role(role).font);
  }

  // The role's font set, behind the family or file the sheet's `fonts:`
  // names for it (resolved once per document; the same set every time).
  // Setting ahead, only a set known without resolving it (resolved_set).
  const font::FontSet* role_set(Role role, std::vector<SetOutcome::Event>& events) {
    std::atomic<const font::FontSet*>& known = resolved_own_[static_cast<size_t>(role)];
    if (ahead_only_) {
      const font::FontSet* set = resolved_set(role);
      if (!set) unresolved_ = true;
      return set;
    }
    if (const font::FontSet* set = known.load(std::memory_order_relaxed)) return set;
    const font::FontSet* base = font_set(sheet_.role(role).font, events);
    const std::string& named = sheet_.named_font(role);
    const font::FontSet* set = base;
    if (base && !named.empty()) {
      auto key = std::make_pair(named, base->name);
      if (auto it = named_.find(key); it != named_.end()) {
        set = it->second;
      } else {
        doc::Diagnostics said;
        set = &fonts_.named_set(named, std::filesystem::path(path_).parent_path(), *base, said,
                                path_);
        for (doc::Diagnostic& d : said.items) events.emplace_back(std::move(d));
        named_.emplace(std::move(key), set);
      }
    }
    known.store(set, std::memory_order_release);
    return set;
  }

  const font::FontSet* font_set(const std::string& name, std::vector<SetOutcome::Event>& events) {
    if (const font::FontSet* s = fonts_.find_set(name)) return s;
    if (fonts_.sets().empty()) return nullptr;
    if (warned_.insert(name).second) {
      doc::Diagnostics said;
      said.warn(path_, {},
                "style names font set '" + name + "', which fonts.yaml does not define; using '" +
                    fonts_.sets().front().name + "'");
      events.emplace_back(std::move(said.items.front()));
    }
    return &fonts_.sets().front();
  }

  static bool has_math(const std::vector<doc::Inline>& inlines) {
    for (const doc::Inline& in : inlines)
      if (in.kind == doc::InlineKind::Math || has_math(in.children)) return true;
    return false;
  }

  // The formula's outlines, parsed once for the document's setters;
  // nullptr when MathJax refused it (or no engine ran).
  const math::Drawing* drawing(const doc::Inline& in) {
    return drawings_ ? drawings_->find(in.text, in.display) : nullptr;
  }

  // A formula without a drawing prints as its TeX source in code style.
  void untypeset_math_as_code(std::vector<doc::Inline>& inlines) {
    for (doc::Inline& in : inlines) {
      if (in.kind == doc::InlineKind::Math && !drawing(in)) in.kind = doc::InlineKind::Code;
      untypeset_math_as_code(in.children);
    }
  }

  // A formula's outlines at the line's baseline, scaled to the text size,
  // bracketed by /ActualText so copying gives the TeX; text MathJax left to
  // the page (CJK in \text{}) shaped with the body faces.
  void place_formula(const math::Drawing& d, const doc::Inline& in, const LineObject& o,
                     const FontRoles& roles, layout::Color color, std::vector<layout::Item>& out) {
    out.push_back(layout::ActualText{in.text, false});
    const double s = o.size;
    const layout::Transform to_line{s, 0, 0, s, o.x, 0};
    for (const layout::Path& p : d.paths) {
      layout::Path q = p;
      if (q.transform.identity()) {
        layout::map_points(q, [&](layout::Point pt) { return to_line.apply(pt); });
        if (q.stroke) q.stroke->width *= s;
      } else {
        q.transform = to_line * q.transform;
      }
      if (q.fill && q.fill->color == layout::Color{}) q.fill->color = color;
      if (q.stroke && q.stroke->color == layout::Color{}) q.stroke->color = color;
      out.push_back(std::move(q));
    }
    // Characters MathJax left as text copy as themselves, outside the span:
    // poppler replaces the glyphs inside a span by its ActualText, so a
    // formula with \text{} would otherwise print its TeX in extracted text.
    out.push_back(layout::ActualText{{}, true});
    for (const math::Text& t : d.texts) {
      size_t i = 0;
      double x = o.x + t.x * s;
      while (i < t.text.size()) {
        // One run per face: MathJax placed each character itself, but a run of
        // characters of one face shapes together.
        size_t begin = i;
        size_t k = i;
        const char32_t first = base::next_code_point(t.text, k);
        const font::FaceChoice fc = fonts_.select(*roles.text, first);
        i = k;
        while (i < t.text.size()) {
          size_t n = i;
          const char32_t cp = base::next_code_point(t.text, n);
          if (fonts_.select(*roles.text, cp).face_id != fc.face_id) break;
          i = n;
        }
        const double size = t.size * s;
        layout::GlyphRun gr;
        gr.face = fc.face_id;
        gr.size = size;
        gr.color = color;
        gr.origin = {x, t.y * s};
        gr.text = t.text.substr(begin, i - begin);
        for (const font::ShapedGlyph& sg :
             font::shape(fonts_.face(fc.face_id), gr.text, "", lang_)) {
          layout::Glyph g;
          g.gid = sg.gid;
          g.advance = sg.x_advance * size;
          g.x_offset = sg.x_offset * size;
          g.y_offset = sg.y_offset * size;
          g.cluster = sg.cluster;
          x += g.advance;
          gr.glyphs.push_back(g);
        }
        out.push_back(std::move(gr));
      }
    }
  }

  static bool has_note_ref(const std::vector<doc::Inline>& inlines) {
    for (const doc::Inline& in : inlines)
      if (in.kind == doc::InlineKind::FootnoteRef || has_note_ref(in.children)) return true;
    return false;
  }

  void link_note_refs(std::vector<doc::Inline>& inlines) const {
    for (doc::Inline& in : inlines) {
      if (in.kind == doc::InlineKind::Link) continue;  // no link inside a link
      if (in.kind == doc::InlineKind::FootnoteRef) {
        auto it = notes_.find(in.label);
        if (it == notes_.end()) continue;
        doc::Inline link;
        link.kind = doc::InlineKind::Link;
        link.pos = in.pos;
        link.url = "#" + it->second;
        link.children.push_back(std::move(in));
        in = std::move(link);
        continue;
      }
      link_note_refs(in.children);
    }
  }

  // Splits a run where the highlighting colour changes. Glyph clusters are
  // byte offsets from `base` into the line; every glyph of a cluster shares
  // its colour, so pieces break only at cluster starts.
  static std::vector<layout::GlyphRun> split_by_color(layout::GlyphRun gr, uint32_t base,
                                                      const std::vector<TextColor>& colors) {
    const layout::Color fallback = gr.color;
    auto color_at = [&](uint32_t cluster) {
      const uint32_t byte = base + cluster;
      auto it = std::upper_bound(colors.begin(), colors.end(), byte,
                                 [](uint32_t b, const TextColor& c) { return b < c.begin; });
      if (it != colors.begin() && byte < std::prev(it)->end) return std::prev(it)->color;
      return fallback;
    };
    std::vector<layout::GlyphRun> out;
    const size_t n = gr.glyphs.size();
    size_t start = 0;
    double x = gr.origin.x;
    for (size_t k = 1; k <= n; ++k) {
      if (k < n && color_at(gr.glyphs[k].cluster) == color_at(gr.glyphs[start].cluster)) continue;
      layout::GlyphRun piece;
      piece.face = gr.face;
      piece.size = gr.size;
      piece.color = color_at(gr.glyphs[start].cluster);
      piece.origin = layout::Point{x, gr.origin.y};
      piece.synthetic_bold = gr.synthetic_bold;
      piece.synthetic_slant = gr.synthetic_slant;
      const uint32_t c0 =
          std::min<uint32_t>(gr.glyphs[start].cluster, static_cast<uint32_t>(gr.text.size()));
      uint32_t c1 = k < n ? gr.glyphs[k].cluster : static_cast<uint32_t>(gr.text.size());
      if (c1 < c0 || c1 > gr.text.size()) c1 = static_cast<uint32_t>(gr.text.size());
      piece.text = gr.text.substr(c0, c1 - c0);
      piece.glyphs.assign(gr.glyphs.begin() + static_cast<long>(start),
                          gr.glyphs.begin() + static_cast<long>(k));
      for (layout::Glyph& g : piece.glyphs) {
        g.cluster = g.cluster >= c0 ? g.cluster - c0 : 0;
        x += g.advance;
      }
      out.push_back(std::move(piece));
      start = k;
    }
    return out;
  }

  // Code lines: shaped as they are (spaces kept, never justified, no CJK
  // spacing), one line; block layout wraps it at characters.
  std::vector<SetLine> set_nowrap(const SetRequest& req, const style::RoleStyle& rs,
                                  const FontRoles& roles, std::vector<SetOutcome::Event>& events) {
    MeasureOptions mo;
    mo.size = req.size > 0 ? req.size : rs.size;
    mo.code_scale = 1.0;
    mo.lang = lang_;
    FontRoles r = roles;
    MeasuredParagraph mp = measure(*req.inlines, r, mo);
    const std::string path = req.path.empty() ? path_ : std::string(req.path);
    for (const auto& [cp, offset] : mp.uncovered)
      events.emplace_back(SetOutcome::Missing{path, cp, mp.text.position(offset)});
    SetLine sl;
    double x = req.first_indent;
    layout::Color color = req.text_color.value_or(to_layout(rs.color));
    const std::string& text = mp.text.text;
    // Glyph range of each run (one pass: code lines can be long).
    std::vector<std::pair<uint32_t, uint32_t>> range(mp.runs.size(), {UINT32_MAX, 0});
    for (const Atom& a : mp.atoms) {
      if (a.run >= range.size()) continue;
      range[a.run].first = std::min(range[a.run].first, a.glyph_begin);
      range[a.run].second = std::max(range[a.run].second, a.glyph_end);
    }
    for (uint32_t ri = 0; ri < mp.runs.size(); ++ri) {
      const Run& run = mp.runs[ri];
      auto [g0, g1] = range[ri];
      g1 = std::min<uint32_t>(g1, static_cast<uint32_t>(mp.glyphs.size()));
      if (g0 >= g1 || run.face_id < 0) continue;
      double size = mp.run_size[ri];
      layout::GlyphRun gr;
      gr.face = run.face_id;
      gr.size = size;
      gr.color = color;
      gr.origin = layout::Point{x, -mp.run_rise[ri]};
      gr.text = text.substr(run.begin, run.end - run.begin);
      gr.synthetic_bold = run.synthetic_bold;
      gr.synthetic_slant = run.synthetic_italic ? 0.2 : 0;
      for (uint32_t k = g0; k < g1; ++k) {
        const font::ShapedGlyph& sg = mp.glyphs[k];
        layout::Glyph g;
        g.gid = sg.gid;
        g.advance = sg.x_advance * size;
        g.x_offset = sg.x_offset * size;
        g.y_offset = sg.y_offset * size;
        g.cluster = sg.cluster >= run.begin ? sg.cluster - run.begin : 0;
        x += g.advance;
        gr.glyphs.push_back(g);
      }
      const font::FaceInfo& fi = font::info(fonts_.face(run.face_id));
      sl.ascent = std::max(sl.ascent, fi.ascender * size);
      sl.descent = std::max(sl.descent, -fi.descender * size);
      if (req.colors.empty()) {
        sl.items.push_back(std::move(gr));
      } else {
        for (layout::GlyphRun& piece : split_by_color(std::move(gr), run.begin, req.colors))
          sl.items.push_back(std::move(piece));
      }
    }
    sl.width = x;
    std::vector<SetLine> out;
    out.push_back(std::move(sl));
    return out;
  }

  // `moyin dump --stage lines`: the paragraph as set, after a numbered header.
  void trace(const SetRequest& req, const SetParagraph& p) {
    const doc::Position pos = req.inlines->empty() ? doc::Position{} : req.inlines->front().pos;
    *trace_ += "¶" + std::to_string(++traced_) + " " + std::string(style::role_name(req.role)) +
               " @" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + "\n";
    *trace_ += dump_paragraph(p);
  }

  std::string path_;  // for messages without a document
  std::string* trace_ = nullptr;
  int traced_ = 0;
  const style::Sheet& sheet_;
  const font::FontLibrary& fonts_;
  doc::Diagnostics unsaid_;  // a setter for another thread says nothing itself
  doc::Diagnostics& diags_;
  std::string lang_;
  ParagraphSetter setter_;
  std::set<std::string> warned_;
  std::set<std::string> warned_html_;  // "path\ntag": inline HTML already reported
  std::map<std::pair<std::string, std::string>, const font::FontSet*> named_;
  std::vector<std::pair<std::string, font::MissingGlyphs>> missing_;  // per document, in order
  std::map<std::string, std::string> notes_;
  std::shared_ptr<math::SharedDrawings> drawings_;  // the main setter's, shared
  const Hyphenator* hyphenator_ = nullptr;
  ResolvedRoles resolved_own_{};             // the main thread's: published as resolved
  const ResolvedRoles* resolved_ = nullptr;  // another thread's setter: the main thread's
  bool ahead_only_ = false;                  // setting ahead: no set is resolved here
  bool unresolved_ = false;                  // setting ahead needed a set not resolved yet
  // Setting ahead (set_ahead): the paragraphs set by the other threads, and
  // how this thread sets the next ones while waiting for one.
  AheadSetter help_;
  std::optional<SetAhead> ahead_;
};

// Setting ahead (set_ahead.h): the requests predicted from the first
// layout's documents (on the first other thread, while this one starts
// the layout), set on `resources.set_ahead_threads` other threads.
BeforeLayout set_ahead_of(FontSetter& fs, const style::Sheet& sheet, const Resources& resources,
                          bool book) {
  if (resources.set_ahead_threads < 1) return {};
  return [&fs, &sheet, threads = resources.set_ahead_threads,
          book](std::span<const doc::Document> docs) {
    fs.set_ahead(
        [docs, &sheet, book](const std::function<void(const SetRequest&)>& seen) {
          predict_requests(docs, sheet, book, seen);
        },
        threads);
    return std::make_unique<Planning>([&fs] { fs.end_prediction(); });
  };
}

// Library face ids -> Book::faces, in order of first use. Each page's items
// are trimmed to their size too when much room is left (notes appended to a
// page may have doubled its vector: spare capacity held while the PDF is
// written); the little room the page builder leaves for running heads and
// notes is not worth moving every item again.
void number_faces(layout::Book& book, const font::FontLibrary& fonts) {
  std::map<int, int> index;
  for (auto& page : book.pages) {
    if (page.items.capacity() - page.items.size() > 16 + page.items.size() / 8)
      page.items.shrink_to_fit();
    for (auto& it : page.items) {
      auto* r = std::get_if<layout::GlyphRun>(&it);
      if (!r) continue;
      auto [pos, added] = index.emplace(r->face, static_cast<int>(book.faces.size()));
      if (added) {
        const font::FaceInfo& fi = font::info(fonts.face(r->face));
        book.faces.push_back(layout::FaceRef{fi.path, fi.index, fi.postscript_name});
      }
      r->face = pos->second;
    }
  }
}

}  // namespace

layout::Book typeset(const doc::Document& doc, const style::Sheet& sheet,
                     const font::FontLibrary& fonts, doc::Diagnostics& diags,
                     const Resources& resources) {
  FontSetter fs(doc.meta, doc.path, sheet, fonts, diags, resources.formulas, resources.hyphenator);
  fs.timings = resources.timings;
  fs.add_notes(doc);
  fs.trace_to(resources.lines_trace);
  LineSetter setter = [&fs](const SetRequest& req) { return fs(req); };
  layout::Book book = typeset_document(doc, sheet, setter, diags, resources.images,
                                       set_ahead_of(fs, sheet, resources, false));
  fs.stop_ahead(resources.set_ahead_counts);
  fs.report_missing();
  number_faces(book, fonts);
  return book;
}

layout::Book typeset_book(const doc::Metadata& meta, std::span<const doc::Document> chapters,
                          const style::Sheet& sheet, const font::FontLibrary& fonts,
                          doc::Diagnostics& diags, const std::string& meta_path,
                          const Resources& resources) {
  FontSetter fs(meta, meta_path, sheet, fonts, diags, resources.formulas, resources.hyphenator);
  fs.timings = resources.timings;
  for (const doc::Document& d : chapters) fs.add_notes(d);
  fs.trace_to(resources.lines_trace);
  LineSetter setter = [&fs](const SetRequest& req) { return fs(req); };
  layout::Book book = typeset_chapters_of(meta, chapters, sheet, setter, diags, resources.images,
                                          meta_path, set_ahead_of(fs, sheet, resources, true));
  fs.stop_ahead(resources.set_ahead_counts);
  fs.report_missing();
  number_faces(book, fonts);
  return book;
}

}  // namespace moyin::typeset
