#include "base/yaml_text.h"

#include <gtest/gtest.h>

namespace moyin::base {
namespace {

TEST(YamlText, LeadingCommentLinesAreEmptiedAndTheirLinesKept) {
  EXPECT_EQ(without_leading_comments("# one\n  # two\n\nsets:\n  # kept\n  a: 1\n"),
            "\n\n\nsets:\n  # kept\n  a: 1\n");
  // CRLF lines; a comment as the last line without a line break.
  EXPECT_EQ(without_leading_comments("# a\r\n\r\nkey: v\r\n"), "\n\nkey: v\r\n");
  EXPECT_EQ(without_leading_comments("# only a comment"), "");
  EXPECT_EQ(without_leading_comments(""), "");
}

TEST(YamlText, StopsAtTheFirstContentLine) {
  // A directive, a document marker or a scalar starts the content: the
  // `#` lines after it may belong to a block scalar and stay.
  EXPECT_EQ(without_leading_comments("%YAML 1.2\n# c\n---\n"), "%YAML 1.2\n# c\n---\n");
  EXPECT_EQ(without_leading_comments("--- |\n# text\n"), "--- |\n# text\n");
  EXPECT_EQ(without_leading_comments("text: |\n  # text\n"), "text: |\n  # text\n");
  EXPECT_EQ(without_leading_comments("key: v # note\n"), "key: v # note\n");
}

}  // namespace
}  // namespace moyin::base
