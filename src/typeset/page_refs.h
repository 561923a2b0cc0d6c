// Page references (xref.page, docs/numbering.md): "如图 1-1（见第 3 页）所示"
// in the PDF. A link's target page is known only after pagination, so the
// chapters are laid out again with the page numbers the layout before
// found, until the numbers stand (as LaTeX's \pageref over runs). The EPUB
// has no pages and keeps the plain link.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "doc/diagnostics.h"
#include "doc/document.h"
#include "layout/book.h"
#include "style/style.h"

namespace moyin::typeset {

// The sheet's xref wordings with "auto" replaced by the words of `lang`
// ("（见第 {page} 页）", "（见下页）" for zh-*; " (p. {page})", " (next page)"
// otherwise).
style::XrefStyle resolve_xref(const style::XrefStyle& xref, std::string_view lang);

class PageRefs {
 public:
  // Every link to an anchor ("#id", "chapter.md#id") outside headings (whose
  // text also makes the TOC and running heads) and image captions, but for
  // those marked `{.nopage}`. `xref` is resolved (resolve_xref); in a
  // `two_sided` book body page 1 is a recto, and the page facing a
  // reference's gets xref.facing-page.
  PageRefs(std::span<const doc::Document> chapters, const style::XrefStyle& xref,
           bool two_sided = false);

  bool empty() const { return refs_.empty(); }
  size_t size() const { return refs_.size(); }

  // What the first layout sets after each link: the template filled with
  // "88", about as wide as the page numbers of a book of a hundred pages.
  std::vector<std::string> placeholders() const;

  // A copy of `chapters` with texts[i] after the i-th link, and each link's
  // fragment tagged with its index, so the layout tells on which page each
  // reference landed (strip_tags removes the tags from the pages).
  std::vector<doc::Document> apply(std::span<const doc::Document> chapters,
                                   const std::vector<std::string>& texts) const;

  // The texts for the next layout from where the targets and references
  // landed on `body` (page k is labelled k + 1): the page number, or the
  // wording for a target on the reference's own, the facing, the next or
  // the previous page. A reference on its target's page gets none (unless
  // xref.page-when: always, or xref.this-page is set), but once given a page
  // it keeps one, so two layouts cannot alternate for ever.
  std::vector<std::string> next_texts(const std::vector<layout::Page>& body);

  // Warns at each reference whose `texts` do not name the page its target
  // is on in `body` (the layouts did not settle).
  void check(const std::vector<layout::Page>& body, const std::vector<std::string>& texts,
             std::span<const doc::Document> chapters, doc::Diagnostics& diags) const;

  // Takes the index tags off the pages' link destinations.
  static void strip_tags(std::vector<layout::Page>& body);

 private:
  struct Ref {
    size_t chapter = 0;
    doc::Position pos;
    std::string target;  // the anchor
  };
  std::vector<Ref> refs_;
  style::XrefStyle xref_;
  bool two_sided_ = false;
  std::vector<bool> shown_;  // by reference: has had a page (see next_texts)
  bool first_ = true;        // next_texts has not been called yet

  // The text after a reference on body page `at` to a target on body page
  // `target` (0-based).
  std::string text_for(size_t at, size_t target) const;
  std::string number_text(size_t target) const;
};

}  // namespace moyin::typeset
