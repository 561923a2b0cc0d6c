// Paragraphs set ahead on other threads (typeset/set_ahead.h): the
// scheduler with fake setters, then the real pipeline, whose pages and
// diagnostics must be exactly those of setting every paragraph in order on
// one thread.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "font/font.h"
#include "source/source.h"
#include "style/style.h"
#include "typeset/book.h"
#include "typeset/pages_dump.h"
#include "typeset/set_ahead.h"

namespace moyin::typeset {
namespace {

namespace fs = std::filesystem;

std::vector<doc::Inline> words(const std::string& s) {
  std::vector<doc::Inline> v(1);
  v[0].text = s;
  return v;
}

// The fake paragraph: one line as wide as the text has bytes (plus `mark`,
// which tells who set it), and a warning naming the text.
SetOutcome fake(const SetRequest& req, double mark = 0) {
  SetOutcome o;
  SetLine l;
  l.width = static_cast<double>(req.inlines->front().text.size()) + mark;
  o.lines.push_back(l);
  doc::Diagnostics d;
  d.warn("a.md", {1, 1}, "set " + req.inlines->front().text);
  o.events.emplace_back(d.items.front());
  return o;
}

// Waits (a bounded time) until `done` holds.
template <typename Done>
bool eventually(Done done) {
  for (int i = 0; i < 20000 && !done(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return done();
}

struct Texts {
  std::vector<std::vector<doc::Inline>> inlines;
  SetRequest at(size_t i) const {
    SetRequest r;
    r.inlines = &inlines[i];
    r.measure = 300;
    return r;
  }
};

Texts texts(std::initializer_list<const char*> t) {
  Texts out;
  for (const char* s : t) out.inlines.push_back(words(s));
  return out;
}

std::vector<OwnedRequest> plan(const Texts& t, std::initializer_list<size_t> order) {
  std::vector<OwnedRequest> out;
  for (size_t i : order) out.emplace_back(t.at(i));
  return out;
}

void expect_counts(const SetAheadCounts& c, const SetAheadCounts& want) {
  EXPECT_EQ(c.predicted, want.predicted);
  EXPECT_EQ(c.taken, want.taken);
  EXPECT_EQ(c.missed, want.missed);
  EXPECT_EQ(c.here, want.here);
  EXPECT_EQ(c.early, want.early);
}

TEST(SetAhead, WorkersSetThePredictedRequestsAndTheCallerTakesThemByRequest) {
  const Texts t = texts({"甲", "乙乙", "丙丙丙", "not predicted"});
  std::atomic<int> calls{0};
  // "甲" twice: one setting serves both.
  SetAhead ahead(plan(t, {0, 1, 0, 2}), 1, [&calls] {
    return AheadSetter([&calls](const SetRequest& req) {
      ++calls;
      return std::optional<SetOutcome>(fake(req));
    });
  });
  ASSERT_TRUE(eventually([&] { return calls == 3; }));
  const AheadSetter never = [](const SetRequest&) -> std::optional<SetOutcome> {
    ADD_FAILURE() << "nothing is left to help with";
    return std::nullopt;
  };
  for (size_t i : {0, 1, 0, 2}) {
    std::optional<SetOutcome> o = ahead.take(t.at(i), never);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->lines.at(0).width, t.inlines[i][0].text.size());
    ASSERT_EQ(o->events.size(), 1u);  // said again each time, as setting it again would
    EXPECT_EQ(std::get<doc::Diagnostic>(o->events[0]).message, "set " + t.inlines[i][0].text);
  }
  EXPECT_FALSE(ahead.take(t.at(3), never));  // never predicted: the caller sets it
  EXPECT_FALSE(ahead.take(t.at(2), never));  // predicted once, asked twice
  SetRequest other = t.at(1);
  other.measure = 200;  // the same text on another measure is another request
  EXPECT_FALSE(ahead.take(other, never));
  expect_counts(ahead.counts(), {.predicted = 3, .taken = 4, .missed = 3});
  EXPECT_EQ(calls, 3);
}

TEST(SetAhead, SetsNoFurtherThanTheWindowPastWhatWasTaken) {
  const Texts t = texts({"a", "bb", "ccc", "dddd", "eeeee", "ffffff"});
  std::atomic<int> calls{0};
  SetAhead ahead(
      plan(t, {0, 1, 2, 3, 4, 5}), 2,
      [&calls] {
        return AheadSetter([&calls](const SetRequest& req) {
          ++calls;
          return std::optional<SetOutcome>(fake(req));
        });
      },
      2);
  ASSERT_TRUE(eventually([&] { return calls == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(calls, 2);  // waiting for the caller
  const AheadSetter here = [](const SetRequest& req) { return std::optional(fake(req)); };
  ASSERT_TRUE(ahead.take(t.at(0), here));  // the window moves to slots 1–2
  ASSERT_TRUE(eventually([&] { return calls == 3; }));
  // Asked out of order before a worker reached it: the caller sets it, and
  // the window moves past it (slots 4–5).
  EXPECT_FALSE(ahead.take(t.at(3), here));
  ASSERT_TRUE(eventually([&] { return calls == 5; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(calls, 5);  // slot 3 is not set again
  EXPECT_TRUE(ahead.take(t.at(5), here));
}

TEST(SetAhead, WhatAWorkerCannotSetTheCallerSets) {
  const Texts t = texts({"refused", "throws", "fine"});
  std::atomic<int> calls{0};
  SetAhead ahead(plan(t, {0, 1, 2}), 1, [&calls] {
    return AheadSetter([&calls](const SetRequest& req) -> std::optional<SetOutcome> {
      ++calls;
      const std::string& text = req.inlines->front().text;
      if (text == "throws") throw std::runtime_error("no");
      if (text == "refused") return std::nullopt;
      return fake(req);
    });
  });
  ASSERT_TRUE(eventually([&] { return calls == 3; }));
  const AheadSetter here = [](const SetRequest& req) { return std::optional(fake(req)); };
  EXPECT_FALSE(ahead.take(t.at(0), here));
  EXPECT_FALSE(ahead.take(t.at(1), here));
  EXPECT_TRUE(ahead.take(t.at(2), here));
  EXPECT_EQ(ahead.counts().here, 2u);
}

TEST(SetAhead, TheCallerSetsTheNextRequestsWhileAWorkerIsOnTheOneItNeeds) {
  const Texts t = texts({"slow", "b", "c", "d"});
  std::atomic<bool> started{false}, release{false};
  SetAhead ahead(plan(t, {0, 1, 2, 3}), 1, [&] {
    return AheadSetter([&](const SetRequest& req) {
      if (req.inlines->front().text == "slow") {
        started = true;
        eventually([&] { return release.load(); });
      }
      return std::optional<SetOutcome>(fake(req));
    });
  });
  ASSERT_TRUE(eventually([&] { return started.load(); }));
  std::vector<std::string> helped;
  const AheadSetter help = [&](const SetRequest& req) {
    helped.push_back(req.inlines->front().text);
    release = true;  // the worker finishes "slow" once the caller has set one
    return std::optional(fake(req, 1000));
  };
  std::optional<SetOutcome> slow = ahead.take(t.at(0), help);
  ASSERT_TRUE(slow);
  EXPECT_EQ(slow->lines.at(0).width, 4);  // the worker's
  ASSERT_FALSE(helped.empty());
  EXPECT_EQ(helped.front(), "b");  // the next one, in order
  std::optional<SetOutcome> b = ahead.take(t.at(1), help);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->lines.at(0).width, 1001);  // set by the caller while it waited
}

TEST(SetAhead, WhatTheCallerAsksBeforeItIsPredictedItSetsItselfAndNoWorkerSetsIt) {
  const Texts t = texts({"a", "bb", "ccc"});
  std::atomic<bool> asked{false};
  std::atomic<int> calls{0};
  // The prediction (on the worker) starts once the caller has asked "a".
  SetAhead ahead(
      [&](const std::function<void(const SetRequest&)>& seen) {
        eventually([&] { return asked.load(); });
        for (size_t i : {0, 1, 0, 2}) seen(t.at(i));
      },
      1,
      [&calls] {
        return AheadSetter([&calls](const SetRequest& req) {
          ++calls;
          return std::optional<SetOutcome>(fake(req));
        });
      });
  const AheadSetter never = [](const SetRequest&) -> std::optional<SetOutcome> {
    ADD_FAILURE() << "nothing is left to help with";
    return std::nullopt;
  };
  EXPECT_FALSE(ahead.take(t.at(0), never));  // not predicted yet: the caller sets it
  asked = true;
  ahead.wait_for_prediction();
  // "bb", the second "a" and "ccc": the first "a"'s prediction is dropped.
  ASSERT_TRUE(eventually([&] { return calls == 3; }));
  for (size_t i : {1, 0, 2}) EXPECT_TRUE(ahead.take(t.at(i), never)) << i;
  EXPECT_FALSE(ahead.take(t.at(0), never));  // predicted twice, asked three times
  expect_counts(ahead.counts(), {.predicted = 3, .taken = 3, .missed = 2, .early = 1});
  EXPECT_EQ(calls, 3);
}

// ---- The real pipeline

// Everything a page holds, glyph by glyph, exactly (hex floats).
std::string exact(const layout::Book& book) {
  std::string out = dump_book(book);
  char buf[160];
  for (const layout::Page& page : book.pages)
    for (const layout::Item& it : page.items) {
      const auto* run = std::get_if<layout::GlyphRun>(&it);
      if (!run) continue;
      std::snprintf(buf, sizeof buf, "run %d %a %a %a %a %a %a|", run->face, run->size,
                    run->origin.x, run->origin.y, run->color.r, run->color.g, run->color.b);
      out += buf + run->text + "\n";
      for (const layout::Glyph& g : run->glyphs) {
        std::snprintf(buf, sizeof buf, " %u %a %a %a %u", g.gid, g.advance, g.x_offset, g.y_offset,
                      g.cluster);
        out += buf;
      }
      out += "\n";
    }
  return out;
}

std::string said(const doc::Diagnostics& d) {
  std::string out;
  for (const doc::Diagnostic& x : d.items) out += doc::format(x) + "\n";
  return out;
}

const font::FontLibrary& shipped_fonts() {
  static const std::optional<font::FontLibrary> lib = [] {
    doc::Diagnostics d;
    return font::FontLibrary::load(fs::path(MOYIN_SOURCE_DIR) / "fonts/fonts.yaml", d);
  }();
  return *lib;
}

style::Sheet sheet_for(const doc::Metadata& meta, const fs::path& dir,
                       std::vector<std::string> settings, doc::Diagnostics& diags) {
  style::Layers layers;
  layers.styles_dir = fs::path(MOYIN_SOURCE_DIR "/styles");
  layers.front_matter = meta.style;
  layers.document_dir = dir;
  layers.settings = std::move(settings);
  return style::resolve(layers, diags);
}

struct Result {
  std::string pages;
  std::string diagnostics;
  SetAheadCounts counts;
};

// A document or a book.yaml typeset with `threads` setting ahead.
Result typeset_with_threads(const fs::path& input, int threads,
                            const std::vector<std::string>& settings = {}) {
  Result r;
  doc::Diagnostics diags;
  const bool book = input.extension() == ".yaml";
  std::optional<doc::Document> document;
  std::optional<doc::Book> b;
  if (book) b = source::read_book(input, diags);
  else document = source::read_file(input, diags);
  if (!document && !b) return r;
  const style::Sheet sheet =
      sheet_for(book ? b->meta : document->meta, input.parent_path(), settings, diags);
  Resources res;
  res.set_ahead_threads = threads;
  res.set_ahead_counts = &r.counts;
  layout::Book pages =
      book ? typeset_book(b->meta, b->chapters, sheet, shipped_fonts(), diags, input, res)
           : typeset(*document, sheet, shipped_fonts(), diags, res);
  r.pages = exact(pages);
  r.diagnostics = said(diags);
  return r;
}

void expect_same_as_in_order(const fs::path& input, const std::vector<std::string>& settings = {},
                             bool says_something = false) {
  SCOPED_TRACE(input.string());
  ASSERT_TRUE(fs::exists(input));
  const Result serial = typeset_with_threads(input, 0, settings);
  ASSERT_FALSE(serial.pages.empty());
  EXPECT_EQ(serial.counts.predicted, 0u);
  if (says_something) {
    EXPECT_NE(serial.diagnostics, "");
  }
  for (int threads : {1, 2}) {
    const Result ahead = typeset_with_threads(input, threads, settings);
    // Predicted, or asked before the worker predicted it (a short document:
    // the main thread may ask everything before the worker has started).
    EXPECT_GT(ahead.counts.predicted + ahead.counts.early, 0u);
    EXPECT_GT(ahead.counts.taken + ahead.counts.here + ahead.counts.early, 0u);
    EXPECT_TRUE(ahead.pages == serial.pages) << threads << " threads: other pages";
    EXPECT_EQ(ahead.diagnostics, serial.diagnostics) << threads << " threads";
  }
}

TEST(SetAheadPipeline, TheSeedSetAheadIsTheSeedSetInOrder) {
  expect_same_as_in_order(fs::path(MOYIN_TEST_DATA_DIR) / "corpus/llm-survey-2025.md");
}

TEST(SetAheadPipeline, TheSampleContentAndBookSetAheadAreAsSetInOrder) {
  const fs::path content = fs::path(MOYIN_SOURCE_DIR) / "content";
  for (const char* name : {"zh-article.md", "en-article.md", "callouts.md", "zh-notes.md"})
    expect_same_as_in_order(content / name);
  // Notes numbered per page: two layouts through the SetCache.
  expect_same_as_in_order(content / "zh-notes.md",
                          {"footnote.numbering=page", "footnote.placement=page"});
  // Page references: layouts until the page numbers stand.
  expect_same_as_in_order(content / "book.yaml");
}

// Everything a paragraph can have to say, many times over, in a document
// long enough for the threads to take part: characters no face draws,
// inline HTML the PDF leaves out, lines that cannot be justified, a font
// the front matter names that cannot be found (resolved by the main thread
// only), ruby annotations.
TEST(SetAheadPipeline, WhatParagraphsSaySetAheadIsSaidInOrder) {
  const fs::path dir = fs::path(::testing::TempDir()) / "set_ahead_says";
  fs::create_directories(dir);
  std::string text = "---\ntitle: 说\n---\n\n";
  for (int i = 0; i < 60; ++i) {
    const std::string n = std::to_string(i);
    text += "## 第 " + n + " 节\n\n";
    text += "段落 " + n + " 有私用字符 \xEE\x80\x80 和 <span>内联</span> HTML，以及 `code " + n +
            "`。\n\n";
    text += "数字 " + n + std::string(200, '7') + " 没有断点。\n\n";
    text += "A line with https://example.com/a/very/long/path/that/cannot/break/" + n +
            "/anywhere/at/all/and/overflows/the/measure/of/the/page/for/sure/" + n + "\n\n";
    text += "<ruby>汉<rt>hàn</rt></ruby>字 " + n + " <script>x</script>\n\n";
    text += "| 列 | 值 |\n|---|---|\n| " + n + " | \xE2\x9C\x85 |\n\n";
  }
  const fs::path input = dir / "says.md";
  FILE* f = std::fopen(input.c_str(), "wb");
  ASSERT_TRUE(f);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  expect_same_as_in_order(input, {"fonts.code=No Such Family 12345"}, true);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace moyin::typeset
