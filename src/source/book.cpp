// book.yaml -> doc::Book: the metadata (the same keys as a front matter),
// the chapters read in order, and ids made unique across the chapters.
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "base/file.h"
#include "doc/walk.h"
#include "source/source.h"

namespace moyin::source {

namespace {

// The book file is YAML with the same keys as a front matter: parse it as
// one (positions shift by the added "---" line, corrected here).
std::optional<doc::Metadata> read_book_meta(const std::string& text, const std::string& path,
                                            doc::Diagnostics& diags) {
  doc::Diagnostics meta_diags;
  std::optional<doc::Document> d = parse("---\n" + text + "\n---\n", path, meta_diags);
  for (doc::Diagnostic m : meta_diags.items) {
    if (m.path == path && m.pos.line > 1) --m.pos.line;
    diags.items.push_back(std::move(m));
  }
  if (!d) return std::nullopt;
  return std::move(d->meta);
}

namespace fs = std::filesystem;

// Heading ids renamed per chapter: chapter index -> (old id -> new id).
using Renamed = std::map<size_t, std::map<std::string, std::string>>;

struct LinkFixer {
  const std::vector<doc::Document>& chapters;
  const Renamed& renamed;
  size_t from;  // the chapter whose links are fixed

  // The chapter a link points into: "#id" is this one, "b.md#id" the one at
  // that path relative to this chapter's folder.
  std::optional<size_t> target(std::string_view file) const {
    if (file.empty()) return from;
    const fs::path want =
        (fs::path(chapters[from].path).parent_path() / std::string(file)).lexically_normal();
    for (size_t k = 0; k < chapters.size(); ++k)
      if (fs::path(chapters[k].path).lexically_normal() == want) return k;
    return std::nullopt;
  }

  void fix(std::string& url) const {
    const size_t hash = url.find('#');
    if (hash == std::string::npos || url.find("://") != std::string::npos) return;
    const std::optional<size_t> k = target(std::string_view(url).substr(0, hash));
    if (!k) return;
    const auto ids = renamed.find(*k);
    if (ids == renamed.end()) return;
    if (auto it = ids->second.find(url.substr(hash + 1)); it != ids->second.end())
      url = url.substr(0, hash + 1) + it->second;
  }

  void inlines(std::vector<doc::Inline>& list) const {
    for (doc::Inline& in : list) {
      if (in.kind == doc::InlineKind::Link) fix(in.url);
      inlines(in.children);
    }
  }

  void blocks(std::vector<doc::Block>& list) const {
    doc::for_each_inline_list(list, [&](std::vector<doc::Inline>& l) { inlines(l); });
  }
};

// Heading ids repeated in a later chapter get "-2", "-3", …, and the links
// to them (from any chapter) follow, so the PDF's TOC, bookmarks and links
// (one name space for the whole book) reach the right chapter.
void make_heading_ids_unique(std::vector<doc::Document>& chapters) {
  std::set<std::string> taken;
  Renamed renamed;
  for (size_t k = 0; k < chapters.size(); ++k) {
    for (doc::Block& b : chapters[k].blocks) {
      const bool named = b.kind == doc::BlockKind::Heading || b.kind == doc::BlockKind::Image ||
                         b.kind == doc::BlockKind::Table;  // figures and tables: {#fig:x}
      if (!named || b.id.empty()) continue;
      std::string id = b.id;
      for (int n = 2; taken.count(id); ++n) id = b.id + "-" + std::to_string(n);
      taken.insert(id);
      if (id != b.id) {
        renamed[k].emplace(b.id, id);
        b.id = id;
      }
    }
  }
  if (renamed.empty()) return;
  for (size_t k = 0; k < chapters.size(); ++k) {
    const LinkFixer fixer{chapters, renamed, k};
    fixer.blocks(chapters[k].blocks);
    fixer.blocks(chapters[k].footnotes);
  }
}

// Footnote labels and ids repeated in a later chapter (both chapters have
// a `[^1]`) get "-2", "-3", … in that chapter, with its references, so a
// reference links to its own chapter's note in the PDF (one name space) and
// the EPUB.
void make_footnote_ids_unique(std::vector<doc::Document>& chapters) {
  std::set<std::string> labels, ids;
  for (doc::Document& d : chapters) {
    std::map<std::string, std::string> renamed;  // old label -> new label
    for (doc::Block& fn : d.footnotes) {
      std::string label = fn.label, id = fn.id;
      for (int n = 2; labels.count(label) || ids.count(id); ++n) {
        label = fn.label + "-" + std::to_string(n);
        id = fn.id + "-" + std::to_string(n);
      }
      labels.insert(label);
      ids.insert(id);
      if (label != fn.label) renamed.emplace(fn.label, label);
      fn.label = std::move(label);
      fn.id = std::move(id);
    }
    if (renamed.empty()) continue;
    struct Relabel {
      const std::map<std::string, std::string>& renamed;
      void inlines(std::vector<doc::Inline>& list) const {
        for (doc::Inline& in : list) {
          if (in.kind == doc::InlineKind::FootnoteRef)
            if (auto it = renamed.find(in.label); it != renamed.end()) in.label = it->second;
          inlines(in.children);
        }
      }
      void blocks(std::vector<doc::Block>& list) const {
        doc::for_each_inline_list(list, [&](std::vector<doc::Inline>& l) { inlines(l); });
      }
    } relabel{renamed};
    relabel.blocks(d.blocks);
    relabel.blocks(d.footnotes);
  }
}

// Keys of the book file that Moyin does not read (the front-matter parser
// took every key it knows out of `extra`), warned at their line.
void warn_unknown_keys(const doc::Metadata& meta, std::string_view text, const std::string& path,
                       doc::Diagnostics& diags) {
  for (const auto& [key, value] : meta.extra) {
    if (key == "chapters") continue;
    int line = 0, n = 1;
    for (size_t at = 0; at < text.size(); ++n) {
      if (text.substr(at, key.size() + 1) == key + ":") {
        line = n;
        break;
      }
      const size_t eol = text.find('\n', at);
      if (eol == std::string_view::npos) break;
      at = eol + 1;
    }
    diags.warn(path, {line, line > 0 ? 1 : 0},
               "unknown key `" + key + "` in the book file; ignored");
  }
}

}  // namespace

std::optional<doc::Book> read_book(const std::filesystem::path& path, doc::Diagnostics& diags) {
  const std::string input = path.string();
  std::string error;
  const std::optional<std::string> bytes = base::read_bounded(path, error);
  if (!bytes) {
    diags.error(input, {}, "cannot read the book file: " + error);
    return std::nullopt;
  }
  std::optional<doc::Metadata> meta = read_book_meta(*bytes, input, diags);
  if (!meta) return std::nullopt;
  doc::Book book;
  book.meta = std::move(*meta);
  book.meta_path = input;
  book.root = path.parent_path();
  warn_unknown_keys(book.meta, *bytes, input, diags);
  const doc::MetaValue* chapters = nullptr;
  for (const auto& [key, value] : book.meta.extra)
    if (key == "chapters") chapters = &value;
  if (!chapters || chapters->kind != doc::MetaValue::Kind::List || chapters->items.empty()) {
    diags.error(input, {}, "a book file needs `chapters:`, a list of Markdown files");
    return std::nullopt;
  }
  bool ok = true;
  for (const doc::MetaValue& item : chapters->items) {
    if (item.kind != doc::MetaValue::Kind::Scalar || item.scalar.empty()) {
      diags.error(input, {}, "every entry of `chapters:` must be a file name");
      ok = false;
      continue;
    }
    std::optional<doc::Document> chapter =
        read_file(path.parent_path() / item.scalar, diags, nullptr, path.parent_path());
    if (!chapter) {
      ok = false;
      continue;
    }
    book.chapters.push_back(std::move(*chapter));
  }
  if (!ok) return std::nullopt;
  make_heading_ids_unique(book.chapters);
  make_footnote_ids_unique(book.chapters);
  return book;
}

}  // namespace moyin::source
