// Page references: which links get one, and the page each target landed on.
#include "typeset/page_refs.h"

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
      k += f(list, k);
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

}  // namespace

PageRefs::PageRefs(std::span<const doc::Document> chapters, const style::XrefStyle& xref)
    : template_(xref.page), always_(xref.page_always) {
  if (template_.empty()) return;
  for (size_t c = 0; c < chapters.size(); ++c) {
    auto collect = [&](const std::vector<doc::Inline>& list, size_t k) -> size_t {
      refs_.push_back(Ref{c, list[k].pos, std::string(anchor_of(list[k].url))});
      return 0;
    };
    each_link_in(chapters[c], collect);
  }
  shown_.assign(refs_.size(), false);
}

std::string PageRefs::text_for(size_t page) const {
  const std::string number = std::to_string(page);
  std::string out = template_;
  for (size_t at = out.find("{page}"); at != std::string::npos; at = out.find("{page}", at))
    out.replace(at, 6, number), at += number.size();
  return out;
}

std::vector<std::string> PageRefs::placeholders() const {
  return std::vector<std::string>(refs_.size(), text_for(88));
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
    const bool elsewhere = ref == at.refs.end() || ref->second != target->second;
    // The first layout gave every reference a placeholder: only from the
    // second on does "has had a page" mean a page was decided for it.
    shown_[i] = always_ || elsewhere || (!first_ && shown_[i]);
    if (shown_[i]) out[i] = text_for(target->second + 1);
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
    if (target != at.anchors.end() && texts[i] == text_for(target->second + 1)) continue;
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
