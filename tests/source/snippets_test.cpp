// MkDocs snippets (`--8<--`): single-line and block forms, line ranges and
// sections, nesting, the project root as boundary, positions kept.
#include "source/snippets.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "source/helpers.h"

namespace moyin {
namespace {
namespace fs = std::filesystem;

class Snippets : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("moyin-snippets-" + std::to_string(getpid()));
    fs::remove_all(root_);
    write("site/mkdocs.yml", "site_name: x\n");
    write("site/includes/abbr.md", "Shared *text*.\n");
    write("site/includes/code.py",
          "import os\n# --8<-- [start:main]\ndef main():\n    pass\n# --8<-- [end:main]\nx = 1\n");
    write("site/includes/outer.md", "Outer.\n\n--8<-- \"includes/abbr.md\"\n");
    write("site/includes/loop.md", "Loop.\n--8<-- \"includes/loop.md\"\n");
    write("secret.md", "SECRET\n");
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel, std::ios::binary) << text;
  }
  std::string doc() const { return (root_ / "site/docs/page.md").string(); }
  source::ExpandedSnippets expand(const std::string& body, doc::Diagnostics& diags) {
    return source::expand_snippets(body, 1, doc(), {}, diags);
  }
  fs::path root_;
};

TEST_F(Snippets, SingleLineBlockRangesAndSectionsFromTheMkdocsRoot) {
  doc::Diagnostics diags;
  const auto r = expand(
      "# T\n"
      "--8<-- \"includes/abbr.md\"\n"
      "```python\n"
      "    -8<- 'includes/code.py:main'\n"
      "```\n"
      "--8<--\n"
      "includes/code.py:1:1\n"
      "\n"
      "; includes/skipped.md\n"
      "includes/code.py::1\n"
      "--8<--\n"
      ";--8<-- \"literal.md\"\n"
      "--8<-- \"includes/outer.md\"\n",
      diags);
  EXPECT_EQ(r.body,
            "# T\n"
            "Shared *text*.\n"
            "```python\n"
            "    def main():\n"
            "        pass\n"
            "```\n"
            "import os\n"
            "\n"
            "import os\n"
            "--8<-- \"literal.md\"\n"
            "Outer.\n"
            "\n"
            "Shared *text*.\n");
  EXPECT_TRUE(diags.items.empty()) << diags.items[0].message;
  EXPECT_EQ(r.files.size(), 3u);  // abbr.md, code.py, outer.md
  // Every line knows where it came from: its own line, or the include line.
  ASSERT_EQ(r.origin.size(), 13u);
  EXPECT_EQ(r.origin[0], (doc::Position{1, 0}));
  EXPECT_EQ(r.origin[1], (doc::Position{2, 1}));
  EXPECT_EQ(r.origin[3], (doc::Position{4, 5}));
  EXPECT_EQ(r.origin[6], (doc::Position{7, 1}));
  EXPECT_EQ(r.origin[9], (doc::Position{12, 0}));
  EXPECT_EQ(r.origin[12], (doc::Position{13, 1}));
}

TEST_F(Snippets, NothingOutsideTheRootMissingAndLoopsAreWarnedAtTheIncludeLine) {
  doc::Diagnostics diags;
  const auto r = expand(
      "A\n--8<-- \"../../secret.md\"\n--8<-- \"/etc/passwd\"\n--8<-- \"includes/none.md\"\n"
      "--8<-- \"includes/loop.md\"\n--8<-- \"https://example.com/x.md\"\n"
      "--8<-- \"includes/code.py:nosuch\"\nB\n",
      diags);
  EXPECT_EQ(r.body, "A\nLoop.\nB\n");
  ASSERT_EQ(diags.items.size(), 6u);
  const std::string root = fs::weakly_canonical(root_ / "site").string();
  EXPECT_EQ(diags.items[0].pos, (doc::Position{2, 1}));
  EXPECT_EQ(diags.items[0].message,
            "snippet ../../secret.md is outside the project root " + root + "; left out");
  EXPECT_NE(diags.items[1].message.find("/etc/passwd is outside the project root"),
            std::string::npos);
  EXPECT_EQ(diags.items[2].message,
            "snippet includes/none.md not found (under " + root + "); left out");
  EXPECT_EQ(diags.items[3].pos, (doc::Position{5, 1}));
  EXPECT_EQ(diags.items[3].message, "snippet includes/loop.md includes itself; left out");
  EXPECT_NE(diags.items[4].message.find("remote snippet"), std::string::npos);
  EXPECT_NE(diags.items[5].message.find("no section 'nosuch'"), std::string::npos);
  // A missing snippet is watched: creating it changes the document.
  EXPECT_NE(std::find(r.files.begin(), r.files.end(),
                      fs::weakly_canonical(root_ / "site/includes/none.md").string()),
            r.files.end());
}

TEST_F(Snippets, ParsedPositionsAreTheFilesOwn) {
  write("site/docs/page.md",
        "---\ntitle: P\n---\n# Head\n\n--8<-- \"includes/abbr.md\"\n\n"
        "--8<-- \"includes/abbr.md\"\n\nAfter ![x](missing.png)\n\n--8<--\nincludes/unclosed.md\n");
  doc::Diagnostics diags;
  std::optional<doc::Document> d = source::read_file(doc(), diags);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->blocks.size(), 5u);
  EXPECT_EQ(d->blocks[0].pos.line, 4);
  EXPECT_EQ(d->blocks[1].pos, (doc::Position{6, 1}));  // the included paragraph
  EXPECT_EQ(d->blocks[2].pos, (doc::Position{8, 1}));
  EXPECT_EQ(d->blocks[3].pos.line, 10);
  EXPECT_EQ(d->blocks[3].inlines[1].pos, (doc::Position{10, 7}));
  ASSERT_EQ(diags.items.size(), 1u);
  EXPECT_EQ(diags.items[0].pos, (doc::Position{12, 1}));
  EXPECT_NE(diags.items[0].message.find("never closed"), std::string::npos);
  EXPECT_EQ(d->includes, std::vector<std::string>{
                             fs::weakly_canonical(root_ / "site/includes/abbr.md").string()});
}

TEST_F(Snippets, WithoutMkdocsYmlTheRootIsTheDocumentsFolder) {
  write("blog/post.md", "x");
  write("blog/part.md", "Part.\n");
  doc::Diagnostics diags;
  const auto r = source::expand_snippets("--8<-- \"part.md\"\n--8<-- \"../site/mkdocs.yml\"\n", 1,
                                         (root_ / "blog/post.md").string(), {}, diags);
  EXPECT_EQ(r.body, "Part.\n");
  ASSERT_EQ(diags.items.size(), 1u);
  EXPECT_NE(diags.items[0].message.find("outside the project root"), std::string::npos);
}

}  // namespace
}  // namespace moyin
