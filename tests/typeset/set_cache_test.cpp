// SetCache (typeset/set_cache.h): a paragraph is set once however many
// layouts ask for it; any difference in the request sets it again.
#include <gtest/gtest.h>

#include "typeset/set_cache.h"

namespace moyin::typeset {
namespace {

std::vector<doc::Inline> text(const std::string& s) {
  doc::Inline link;
  link.kind = doc::InlineKind::Link;
  link.url = "#x";
  doc::Inline t;
  t.text = s;
  link.children.push_back(t);
  return {link};
}

TEST(SetCache, SetsAParagraphOnceAndAChangedOneAgain) {
  int calls = 0;
  const LineSetter counting = [&calls](const SetRequest& req) {
    ++calls;
    SetLine l;
    l.width = static_cast<double>(req.inlines->front().children.front().text.size());
    return std::vector<SetLine>{l};
  };
  SetCache cache(counting);
  const std::vector<doc::Inline> a = text("图 1-1（见第 88 页）"), b = text("图 1-1（见第 3 页）");
  SetRequest req;
  req.inlines = &a;
  req.measure = 300;
  EXPECT_EQ(cache(req).front().width, a[0].children[0].text.size());
  EXPECT_EQ(cache(req).front().width, a[0].children[0].text.size());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(cache.hits(), 1u);
  req.inlines = &b;  // the text inside a link changed
  EXPECT_EQ(cache(req).front().width, b[0].children[0].text.size());
  EXPECT_EQ(calls, 2);
  req.measure = 200;  // the same text on another measure
  cache(req);
  EXPECT_EQ(calls, 3);
}

TEST(SetCache, KeysTellEveryPartOfARequestApart) {
  const std::vector<doc::Inline> a = text("甲");
  SetRequest base;
  base.inlines = &a;
  const std::string key = request_key(base);
  SetRequest r = base;
  r.bold = true;
  EXPECT_NE(request_key(r), key);
  r = base;
  r.role = style::Role::Footnote;
  EXPECT_NE(request_key(r), key);
  r = base;
  r.text_color = layout::Color{1, 0, 0};
  EXPECT_NE(request_key(r), key);
  r = base;
  r.path = "b.md";
  EXPECT_NE(request_key(r), key);
  std::vector<doc::Inline> moved = a;
  moved[0].pos.line = 9;  // the same words elsewhere: their own diagnostics
  r = base;
  r.inlines = &moved;
  EXPECT_NE(request_key(r), key);
  EXPECT_EQ(request_key(base), key);
}

}  // namespace
}  // namespace moyin::typeset
