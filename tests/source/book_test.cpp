// source::read_book: book.yaml -> doc::Book, ids unique across chapters.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "source/source.h"

namespace moyin::source {
namespace {

namespace fs = std::filesystem;

struct BookDir {
  fs::path root = fs::temp_directory_path() / ("moyin-book-" + std::to_string(::getpid()));
  BookDir() {
    fs::remove_all(root);
    fs::create_directories(root / "part");
  }
  ~BookDir() { fs::remove_all(root); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(root / name, std::ios::binary) << text;
  }
};

const doc::Block* heading(const doc::Document& d, size_t n) {
  for (const doc::Block& b : d.blocks)
    if (b.kind == doc::BlockKind::Heading && n-- == 0) return &b;
  return nullptr;
}

const doc::Inline* first_link(const std::vector<doc::Inline>& inlines) {
  for (const doc::Inline& in : inlines) {
    if (in.kind == doc::InlineKind::Link) return &in;
    if (const doc::Inline* l = first_link(in.children)) return l;
  }
  return nullptr;
}

TEST(ReadBook, MetadataAndChaptersInOrder) {
  BookDir dir;
  dir.write("book.yaml", "title: 书名\nlang: zh-CN\nchapters:\n  - a.md\n  - part/b.md\n");
  dir.write("a.md", "# 甲\n\n正文。\n");
  dir.write("part/b.md", "# 乙\n\n正文。\n");
  doc::Diagnostics diags;
  std::optional<doc::Book> book = read_book(dir.root / "book.yaml", diags);
  ASSERT_TRUE(book) << (diags.items.empty() ? "" : doc::format(diags.items[0]));
  EXPECT_EQ(book->meta.title, "书名");
  EXPECT_EQ(book->root, dir.root);
  ASSERT_EQ(book->chapters.size(), 2u);
  EXPECT_EQ(heading(book->chapters[1], 0)->id, "乙");
}

TEST(ReadBook, RepeatedHeadingIdsAreRenamedWithTheirLinks) {
  BookDir dir;
  dir.write("book.yaml", "title: T\nchapters: [a.md, b.md]\n");
  dir.write("a.md", "# 第一章\n\n## 小结\n\n见[下章小结](b.md#小结)。\n");
  dir.write("b.md", "# 第二章\n\n## 小结\n\n见[本章小结](#小结)。\n");
  doc::Diagnostics diags;
  std::optional<doc::Book> book = read_book(dir.root / "book.yaml", diags);
  ASSERT_TRUE(book);
  EXPECT_EQ(heading(book->chapters[0], 1)->id, "小结");
  EXPECT_EQ(heading(book->chapters[1], 1)->id, "小结-2");
  const doc::Inline* from_a = first_link(book->chapters[0].blocks.back().inlines);
  const doc::Inline* from_b = first_link(book->chapters[1].blocks.back().inlines);
  ASSERT_TRUE(from_a && from_b);
  EXPECT_EQ(from_a->url, "b.md#小结-2");
  EXPECT_EQ(from_b->url, "#小结-2");
}

const doc::Inline* first_note_ref(const std::vector<doc::Block>& blocks) {
  for (const doc::Block& b : blocks)
    for (const doc::Inline& in : b.inlines)
      if (in.kind == doc::InlineKind::FootnoteRef) return &in;
  return nullptr;
}

TEST(ReadBook, RepeatedFootnoteLabelsGetIdsOfTheirOwnChapter) {
  BookDir dir;
  dir.write("book.yaml", "title: T\nchapters: [a.md, b.md, c.md]\n");
  dir.write("a.md", "# 甲\n\n正文[^1]。\n\n[^1]: 甲注。\n");
  dir.write("b.md", "# 乙\n\n正文[^1]。\n\n[^1]: 乙注。\n");
  dir.write("c.md", "# 丙\n\n正文[^1]，又[^2]。\n\n[^1]: 丙注。\n[^2]: 丙二注。\n");
  doc::Diagnostics diags;
  std::optional<doc::Book> book = read_book(dir.root / "book.yaml", diags);
  ASSERT_TRUE(book);
  std::set<std::string> ids;
  for (const doc::Document& d : book->chapters) {
    ASSERT_FALSE(d.footnotes.empty());
    for (const doc::Block& fn : d.footnotes) EXPECT_TRUE(ids.insert(fn.id).second) << fn.id;
    // The chapter's first reference still names its own first note.
    const doc::Inline* ref = first_note_ref(d.blocks);
    ASSERT_TRUE(ref);
    EXPECT_EQ(ref->label, d.footnotes.front().label);
  }
  EXPECT_EQ(book->chapters[0].footnotes[0].id, "fn-1");
  EXPECT_EQ(book->chapters[1].footnotes[0].id, "fn-1-2");
  EXPECT_EQ(book->chapters[2].footnotes[0].id, "fn-1-3");
  EXPECT_EQ(book->chapters[2].footnotes[1].id, "fn-2");
  EXPECT_EQ(book->chapters[1].footnotes[0].number, 1);  // the printed number is unchanged
}

TEST(ReadBook, MissingChapterOrListIsAnError) {
  BookDir dir;
  dir.write("book.yaml", "title: T\nchapters: [absent.md]\n");
  doc::Diagnostics diags;
  EXPECT_FALSE(read_book(dir.root / "book.yaml", diags));
  EXPECT_TRUE(diags.has_errors());
  dir.write("none.yaml", "title: T\n");
  doc::Diagnostics none;
  EXPECT_FALSE(read_book(dir.root / "none.yaml", none));
  ASSERT_FALSE(none.items.empty());
  EXPECT_NE(none.items.back().message.find("chapters"), std::string::npos);
}

TEST(UntitledChapter, NamedByTitleOrFileName) {
  doc::Document d;
  d.path = "dir/前言.md";
  EXPECT_FALSE(doc::has_title_heading(d));
  EXPECT_EQ(doc::untitled_chapter_name(d), "前言");
  d.meta.title = "序";
  EXPECT_EQ(doc::untitled_chapter_name(d), "序");
}

}  // namespace
}  // namespace moyin::source
