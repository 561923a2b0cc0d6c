#include "typeset/notes.h"

namespace moyin::typeset {

bool notes_need_numbering(std::span<const doc::Document> chapters, const style::NoteStyle& ns) {
  size_t with_notes = 0;
  for (const doc::Document& d : chapters) with_notes += !d.footnotes.empty();
  if (with_notes == 0) return false;
  return ns.marks != style::NoteMarks::Superscript || ns.numbering == style::NoteNumbering::Page ||
         (ns.numbering == style::NoteNumbering::Document && with_notes > 1);
}

std::string note_key(size_t chapter, const std::string& id) {
  return std::to_string(chapter) + ":" + id;
}

namespace {

struct Renumber {
  const std::map<std::string, int>& by_label;
  style::NoteMarks marks;

  void inlines(std::vector<doc::Inline>& v) const {
    for (doc::Inline& in : v) {
      if (in.kind == doc::InlineKind::FootnoteRef) {
        if (auto it = by_label.find(in.label); it != by_label.end()) in.number = it->second;
        in.text = style::note_mark(in.number, marks);
      }
      inlines(in.children);
    }
  }
  void blocks(std::vector<doc::Block>& v) const {
    for (doc::Block& b : v) {
      if (b.kind == doc::BlockKind::FootnoteDef)
        if (auto it = by_label.find(b.label); it != by_label.end()) b.number = it->second;
      inlines(b.inlines);
      for (doc::TableRow& r : b.rows)
        for (doc::TableCell& cell : r.cells) inlines(cell.inlines);
      blocks(b.children);
    }
  }
};

}  // namespace

std::vector<doc::Document> number_notes(std::span<const doc::Document> chapters,
                                        const style::NoteStyle& ns,
                                        const PageNumbers* page_numbers) {
  std::vector<doc::Document> out(chapters.begin(), chapters.end());
  int before = 0;  // notes of the chapters before (document numbering)
  for (size_t c = 0; c < out.size(); ++c) {
    doc::Document& d = out[c];
    std::map<std::string, int> by_label;
    for (const doc::Block& fn : d.footnotes) {
      int n = fn.number;
      if (ns.numbering == style::NoteNumbering::Document) n += before;
      if (ns.numbering == style::NoteNumbering::Page && page_numbers && c < page_numbers->size())
        if (auto it = (*page_numbers)[c].find(fn.id); it != (*page_numbers)[c].end())
          n = it->second;
      by_label[fn.label] = n;
    }
    before += static_cast<int>(d.footnotes.size());
    Renumber r{by_label, ns.marks};
    r.blocks(d.blocks);
    r.blocks(d.footnotes);
  }
  return out;
}

}  // namespace moyin::typeset
