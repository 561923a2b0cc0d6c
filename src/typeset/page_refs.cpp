// Page references: which links get one, and the page each target landed on.
#include "typeset/page_refs.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <variant>

namespace moyin::typeset {

namespace {

// Between a link's fragment and its index while the layouts run; no anchor
// name holds it (ids are slugs and `{#id}` words).
constexpr char kTag = '\x1f';

// The anchor a link goes to inside the book ("#id", "chapter.md#id"), or "".
std::string_view anchor_of(std::string_view url) {
  const size_t hash = url.find('#');
  if (hash == std::string_view::npos || url.find("://") != std::string_view::npos) return {};
  const std::string_view file = url.substr(0, hash);
  if (!file.empty() && !file.ends_with(".md") && !file.ends_with(".markdown")) return {};
  return url.substr(hash + 1);
}

// Calls f(list, k) for every link list[k] with an anchor, in reading order
// (blocks, then notes); f may insert after k and returns how many it did.
template <typename F>
void each_link(auto& list, F& f) {  // list: (const) std::vector<doc::Inline>
  for (size_t k = 0; k < list.size(); ++k) {
    auto& in = list[k];
    if (in.kind == doc::InlineKind::Image) continue;  // alt text: a caption, not a sentence
    if (in.kind == doc::InlineKind::Link && !anchor_of(in.url).empty()) {
      if (!in.no_page) k += f(list, k);  // `{.nopage}`: this one prints no page
      continue;
    }
    each_link(in.children, f);
  }
}

template <typename F>
void each_link_in_blocks(auto& blocks, F& f) {
  for (auto& b : blocks) {
    if (b.kind == doc::BlockKind::Heading) continue;
    each_link(b.inlines, f);
    for (auto& row : b.rows)
      for (auto& cell : row.cells) each_link(cell.inlines, f);
    each_link_in_blocks(b.children, f);
  }
}

// Links of the body, then of the notes (const or not).
template <typename F>
void each_link_in(auto& d, F& f) {
  each_link_in_blocks(d.blocks, f);
  each_link_in_blocks(d.footnotes, f);
}

// The page (index into body) each anchor and each tagged link is first on.
struct Landing {
  std::map<std::string, size_t> anchors;
  std::map<size_t, size_t> refs;  // by reference index

  explicit Landing(const std::vector<layout::Page>& body) {
    for (size_t k = 0; k < body.size(); ++k)
      for (const layout::Item& it : body[k].items) {
        if (const auto* a = std::get_if<layout::Anchor>(&it)) anchors.emplace(a->name, k);
        const auto* l = std::get_if<layout::LinkArea>(&it);
        if (!l) continue;
        const size_t tag = l->dest.rfind(kTag);
        size_t index = 0;
        const char* end = l->dest.data() + l->dest.size();
        if (tag != std::string::npos &&
            std::from_chars(l->dest.data() + tag + 1, end, index).ptr == end)
          refs.emplace(index, k);  // emplace: the first page it is on
      }
  }
};

// `text` with every {page} replaced by `number`.
std::string fill(std::string text, const std::string& number) {
  for (size_t at = text.find("{page}"); at != std::string::npos; at = text.find("{page}", at))
    text.replace(at, 6, number), at += number.size();
  return text;
}

}  // namespace

style::XrefStyle resolve_xref(const style::XrefStyle& xref, std::string_view lang) {
  const bool zh = lang.starts_with("zh");
  auto words = [zh](std::string& field, const char* chinese, const char* english) {
    const size_t b = field.find_first_not_of(' '), e = field.find_last_not_of(' ');
    if (b != std::string::npos && std::string_view(field).substr(b, e - b + 1) == "auto")
      field = zh ? chinese : english;
  };
  style::XrefStyle out = xref;
  words(out.page, "（见第 {page} 页）", " (p. {page})");
  words(out.this_page, "（见本页）", " (this page)");
  words(out.facing_page, "（见对页）", " (facing page)");
  words(out.next_page, "（见下页）", " (next page)");
  words(out.previous_page, "（见上页）", " (previous page)");
  return out;
}

PageRefs::PageRefs(std::span<const doc::Document> chapters, const style::XrefStyle& xref,
                   bool two_sided)
    : xref_(xref), two_sided_(two_sided) {
  if (xref_.page.empty()) return;
  for (size_t c = 0; c < chapters.size(); ++c) {
    auto collect = [&](const std::vector<doc::Inline>& list, size_t k) -> size_t {
      refs_.push_back(Ref{c, list[k].pos, std::string(anchor_of(list[k].url))});
      return 0;
    };
    each_link_in(chapters[c], collect);
  }
  shown_.assign(refs_.size(), false);
}

std::string PageRefs::number_text(size_t target) const {
  return fill(xref_.page, std::to_string(target + 1));
}

std::string PageRefs::text_for(size_t at, size_t target) const {
  const std::string* words = nullptr;
  if (at == target) {
    words = &xref_.this_page;
  } else if (two_sided_ && std::max(at, target) == std::min(at, target) + 1 &&
             std::min(at, target) % 2 == 1) {  // a verso (body page 2, 4 …) and the recto after it
    words = &xref_.facing_page;
  }
  if ((!words || words->empty()) && target == at + 1) words = &xref_.next_page;
  if ((!words || words->empty()) && target + 1 == at) words = &xref_.previous_page;
  if (!words || words->empty()) return number_text(target);
  return fill(*words, std::to_string(target + 1));
}

std::vector<std::string> PageRefs::placeholders() const {
  return std::vector<std::string>(refs_.size(), number_text(87));
}

std::vector<doc::Document> PageRefs::apply(std::span<const doc::Document> chapters,
                                           const std::vector<std::string>& texts) const {
  std::vector<doc::Document> out(chapters.begin(), chapters.end());
  size_t i = 0;
  auto mark = [&](std::vector<doc::Inline>& list, size_t k) -> size_t {
    const size_t index = i++;
    list[k].url += kTag + std::to_string(index);
    if (index >= texts.size() || texts[index].empty()) return 0;
    doc::Inline page;
    page.pos = list[k].pos;
    page.text = texts[index];
    list.insert(list.begin() + static_cast<std::ptrdiff_t>(k) + 1, std::move(page));
    return 1;
  };
  for (doc::Document& d : out) each_link_in(d, mark);
  return out;
}

std::vector<std::string> PageRefs::next_texts(const std::vector<layout::Page>& body) {
  const Landing at(body);
  std::vector<std::string> out(refs_.size());
  for (size_t i = 0; i < refs_.size(); ++i) {
    auto target = at.anchors.find(refs_[i].target);
    if (target == at.anchors.end()) continue;  // not on a page (a note's own mark, a bad id)
    auto ref = at.refs.find(i);
    const size_t here = ref == at.refs.end() ? body.size() : ref->second;
    const bool elsewhere = here != target->second;
    // The first layout gave every reference a placeholder: only from the
    // second on does "has had a page" mean a page was decided for it.
    shown_[i] =
        xref_.page_always || !xref_.this_page.empty() || elsewhere || (!first_ && shown_[i]);
    if (shown_[i]) out[i] = text_for(here, target->second);
  }
  first_ = false;
  return out;
}

void PageRefs::check(const std::vector<layout::Page>& body, const std::vector<std::string>& texts,
                     std::span<const doc::Document> chapters, doc::Diagnostics& diags) const {
  const Landing at(body);
  for (size_t i = 0; i < refs_.size() && i < texts.size(); ++i) {
    if (texts[i].empty()) continue;
    auto target = at.anchors.find(refs_[i].target);
    if (target != at.anchors.end()) {
      auto ref = at.refs.find(i);
      const size_t here = ref == at.refs.end() ? body.size() : ref->second;
      // The page's own number is right wherever the reference landed.
      if (texts[i] == text_for(here, target->second) || texts[i] == number_text(target->second))
        continue;
    }
    diags.warn(chapters[refs_[i].chapter].path, refs_[i].pos,
               "cross-reference: the page of `" + refs_[i].target +
                   "` did not settle after several layouts; the page number printed may be off");
  }
}

void PageRefs::strip_tags(std::vector<layout::Page>& body) {
  for (layout::Page& page : body)
    for (layout::Item& it : page.items)
      if (auto* l = std::get_if<layout::LinkArea>(&it))
        if (const size_t tag = l->dest.rfind(kTag); tag != std::string::npos) l->dest.resize(tag);
}

}  // namespace moyin::typeset
