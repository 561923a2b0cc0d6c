// PDF writer tests: books built by hand from shaped runs, written to a
// temporary directory and checked with qpdf, pdffonts and pdftotext.
#include "pdf/pdf.h"
#include "base/number.h"
#include "base/utf8.h"
#include "pdf/reuse.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "font/font.h"
#include "pdf/content.h"
#include "pdf_test_util.h"
#include "test_util.h"

namespace moyin::pdf {
namespace {

namespace fs = std::filesystem;
using namespace moyin::pdf::testing;

struct Faces {
  font::FacePtr wenkai, dejavu, microhei;
};

const Faces& faces() {
  static const Faces f = [] {
    doc::Diagnostics d;
    Faces out;
    out.wenkai = font::open_face(kWenKai, 0, d);
    out.dejavu = font::open_face(kDejaVu, 0, d);
    out.microhei = font::open_face(kMicroHei, 0, d);
    return out;
  }();
  return f;
}

class PdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(faces().wenkai && faces().dejavu && faces().microhei)
        << "fonts from scripts/setup are missing";
    dir_ = moyin::testing::test_folder("pdf-test");
  }
  void TearDown() override {
    if (std::getenv("MOYIN_KEEP_TEST_OUTPUT")) return;  // for looking at the PDFs
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
};

// Lines of source text the sample book draws, one run per line, in order.
struct Sample {
  layout::Book book;
  std::vector<std::string> lines;
  bool has_ligature = false;
  bool has_non_bmp = false;
};

Sample sample_book() {
  Sample s;
  const auto& f = faces();
  layout::Book& b = s.book;
  b.meta.title = "墨印测试文档";
  b.meta.authors = {"张三", "Li Si"};
  b.meta.description = "PDF 写入测试";
  b.meta.tags = {"测试", "PDF"};
  b.meta.categories = {"工具", "PDF"};
  b.meta.date = "2025-10-28T05:54:14.065Z";
  b.faces = {{kWenKai, 0, "LXGWWenKai-Regular"},
             {kDejaVu, 0, "DejaVuSans"},
             {kMicroHei, 0, "WenQuanYiMicroHei"}};

  layout::Page title;
  title.trim = {0, 0, title.width, title.height};
  title.bleed = title.trim;
  title.label = "i";
  {
    auto run = make_run(*f.microhei, 2, "墨印测试", 24, 72, 120);
    run.synthetic_bold = true;
    title.items.push_back(layout::Anchor{"top", {72, 90}});
    title.items.push_back(run);
    s.lines.push_back("墨印测试");
  }
  b.pages.push_back(title);

  layout::Page body;
  body.trim = {0, 0, body.width, body.height};
  body.bleed = body.trim;
  body.label = "1";
  double y = 80;
  auto add = [&](layout::GlyphRun run) {
    s.lines.push_back(run.text);
    body.items.push_back(std::move(run));
  };
  body.items.push_back(layout::Anchor{"sec", {72, y - 14}});
  add(make_run(*f.microhei, 2, "第一节：概述", 16, 72, y));
  y += 30;
  // Justified Chinese: 0.4 pt added to every advance.
  add(make_run(*f.wenkai, 0, "中文排版测试，标点符号“引号”与（括号）。", 11, 72, y, 0.4));
  y += 24;
  {
    auto run = make_run(*f.dejavu, 1, "office affine fish flow", 11, 72, y);
    // A ligature shows as fewer glyphs than characters.
    s.has_ligature = run.glyphs.size() < std::string("office affine fish flow").size();
    add(run);
  }
  y += 24;
  if (font::has_glyph(*f.wenkai, 0x20BB7)) {
    s.has_non_bmp = true;
    add(make_run(*f.wenkai, 0, "𠮷野家的𠮷字", 11, 72, y));
    y += 24;
  }
  {
    auto run = make_run(*f.wenkai, 0, "斜体模拟 slanted", 11, 72, y);
    run.synthetic_slant = 0.2;
    add(run);
    y += 24;
  }
  {
    auto run = make_run(*f.dejavu, 1, "Back to the top", 11, 72, y);
    run.color = {0, 0, 0.8};
    body.items.push_back(layout::LinkArea{{72, y - 10, run_width(run), 13}, "", "#top"});
    add(run);
    y += 24;
  }
  {
    auto run = make_run(*f.dejavu, 1, "https://example.com/", 11, 72, y);
    body.items.push_back(
        layout::LinkArea{{72, y - 10, run_width(run), 13}, "https://example.com/路径?q=a b", ""});
    add(run);
    y += 24;
  }
  body.items.push_back(layout::Rule{{72, y}, {523, y}, 0.5, {0.5, 0.5, 0.5}});
  body.items.push_back(layout::Rect{{72, y + 10, 451, 20}, {0.95, 0.95, 0.95}});
  b.pages.push_back(body);

  b.labels = {{0, layout::LabelStyle::LowerRoman, 1}, {1, layout::LabelStyle::Decimal, 1}};
  b.outline = {{"墨印测试", 1, "top"}, {"第一节：概述", 2, "sec"}};
  return s;
}

std::string all(const doc::Diagnostics& d) {
  std::string out;
  for (const auto& i : d.items) out += doc::format(i) + "\n";
  return out;
}

// qpdf's verdict on a file: no syntax or stream encoding errors.
::testing::AssertionResult checks_clean(const fs::path& pdf, const fs::path& tmp) {
  auto q = run_command("qpdf --check '" + pdf.string() + "'", tmp);
  if (q.out.find("No syntax or stream encoding errors") != std::string::npos)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << q.out << q.err;
}

// The file decompressed by qpdf (filters dropped), objects one by one, with
// a fixed /ID: equal for files of the same content.
CommandResult qdf(const fs::path& pdf, const fs::path& tmp) {
  return run_command("qpdf --qdf --object-streams=disable --static-id '" + pdf.string() + "' -",
                     tmp);
}

// pdftotext's lines without blank lines and form feeds.
std::vector<std::string> text_lines(const std::string& text) {
  std::vector<std::string> out;
  std::string line;
  for (char c : text) {
    if (c == '\n' || c == '\f') {
      if (!line.empty()) out.push_back(line);
      line.clear();
    } else {
      line.push_back(c);
    }
  }
  if (!line.empty()) out.push_back(line);
  return out;
}

TEST_F(PdfTest, WritesCheckedPdfWithEmbeddedSubsetFontsAndExactText) {
  Sample s = sample_book();
  fs::path out = dir_ / "sample.pdf";
  doc::Diagnostics diags;
  ASSERT_TRUE(write(s.book, out, {}, diags)) << all(diags);
  for (const auto& d : diags.items) ADD_FAILURE() << doc::format(d);
  ASSERT_TRUE(fs::exists(out));

  auto q = run_command("qpdf --check '" + out.string() + "'", dir_);
  EXPECT_EQ(q.status, 0) << q.out << q.err;
  EXPECT_NE(q.out.find("No syntax or stream encoding errors"), std::string::npos) << q.out;

  auto fonts = run_command("pdffonts '" + out.string() + "'", dir_);
  EXPECT_EQ(fonts.status, 0);
  EXPECT_EQ(fonts.err, "");
  int font_lines = 0;
  std::istringstream in(fonts.out);
  std::string line;
  for (int i = 0; std::getline(in, line); ++i) {
    if (i < 2 || line.empty()) continue;  // header
    ++font_lines;
    std::istringstream cols(line);
    std::vector<std::string> c;
    for (std::string w; cols >> w;) c.push_back(w);
    ASSERT_GE(c.size(), 7u) << line;
    // name type… encoding emb sub uni object ID: emb/sub/uni are at -5..-3.
    EXPECT_EQ(c[c.size() - 5], "yes") << "not embedded: " << line;
    EXPECT_EQ(c[c.size() - 4], "yes") << "not subset: " << line;
    EXPECT_EQ(c[c.size() - 3], "yes") << "no ToUnicode: " << line;
    EXPECT_EQ(c[0].find('+'), 6u) << "subset tag: " << line;
  }
  EXPECT_EQ(font_lines, 3) << fonts.out;

  // The TrueType faces (DejaVu Sans, LXGW WenKai) are the writer's own
  // CIDFontType2 fonts: each with its program as FontFile2 and a
  // CIDToGIDMap stream from the codes to the subset's glyphs.
  const std::string objects = qdf(out, dir_).out;
  auto count = [&](std::string_view what) {
    int n = 0;
    for (size_t at = objects.find(what); at != std::string::npos; at = objects.find(what, at + 1))
      ++n;
    return n;
  };
  const int truetype = count("/Subtype /CIDFontType2");
  EXPECT_GE(truetype, 2) << "no TrueType font";
  EXPECT_EQ(count("/CIDToGIDMap "), truetype);
  EXPECT_EQ(count("/CIDToGIDMap /Identity"), 0);
  EXPECT_EQ(count("/FontFile2 "), truetype);
  EXPECT_EQ(count("/Length1 "), truetype);

  auto text = run_command("pdftotext -enc UTF-8 '" + out.string() + "' -", dir_);
  EXPECT_EQ(text.status, 0);
  EXPECT_EQ(text.err, "") << "poppler warnings";
  EXPECT_EQ(text_lines(text.out), s.lines) << text.out;

  if (!s.has_ligature)
    GTEST_LOG_(INFO) << "DejaVu Sans formed no ligature here: ligature check covered by text only";
  if (!s.has_non_bmp) GTEST_SKIP() << "no installed face covers U+20BB7: non-BMP check skipped";
}

TEST_F(PdfTest, OutlineLabelsLinksAndInfo) {
  Sample s = sample_book();
  fs::path out = dir_ / "nav.pdf";
  doc::Diagnostics diags;
  ASSERT_TRUE(write(s.book, out, {}, diags)) << all(diags);
  auto json = run_command(
      "qpdf --json=2 --json-key=outlines --json-key=pagelabels '" + out.string() + "'", dir_);
  ASSERT_EQ(json.status, 0) << json.err;
  // Titles come back as UTF-8 in qpdf's JSON.
  EXPECT_NE(json.out.find("\"title\": \"墨印测试\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"title\": \"第一节：概述\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"destpageposfrom1\": 2"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"/S\": \"/r\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"/S\": \"/D\""), std::string::npos) << json.out;

  auto info = run_command("pdfinfo '" + out.string() + "'", dir_);
  EXPECT_NE(info.out.find("墨印测试文档"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("张三, Li Si"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("测试, PDF, 工具"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("2025"), std::string::npos) << info.out;

  // The uncompressed structure shows both kinds of link annotation.
  auto qdf = run_command("qpdf --qdf --object-streams=disable '" + out.string() + "' -", dir_);
  EXPECT_NE(qdf.out.find("/URI (https://example.com/%E8%B7%AF%E5%BE%84?q=a%20b)"),
            std::string::npos);
  EXPECT_NE(qdf.out.find("/XYZ"), std::string::npos);
  EXPECT_NE(qdf.out.find("/PageLabels"), std::string::npos);
}

TEST_F(PdfTest, SameBookGivesByteIdenticalFiles) {
  Sample s = sample_book();
  doc::Diagnostics diags;
  ASSERT_TRUE(write(s.book, dir_ / "a.pdf", {}, diags)) << all(diags);
  ASSERT_TRUE(write(s.book, dir_ / "b.pdf", {}, diags)) << all(diags);
  std::string a = read_bytes(dir_ / "a.pdf"), b = read_bytes(dir_ / "b.pdf");
  EXPECT_FALSE(a.empty());
  EXPECT_TRUE(a == b) << "two writes differ";
  EXPECT_EQ(a.find("/ID"), std::string::npos);
}

// Streams are compressed once by libdeflate and handed to libharu as they
// are (docs/performance.md): the file checks clean and holds the same
// objects as the uncompressed one.
TEST_F(PdfTest, CompressedStreamsDecodeToTheUncompressedFile) {
  Sample s = sample_book();
  doc::Diagnostics diags;
  WriteOptions plain;
  plain.compress = false;
  ASSERT_TRUE(write(s.book, dir_ / "z.pdf", {}, diags)) << all(diags);
  ASSERT_TRUE(write(s.book, dir_ / "p.pdf", plain, diags)) << all(diags);
  const std::string z = read_bytes(dir_ / "z.pdf"), p = read_bytes(dir_ / "p.pdf");
  EXPECT_NE(z.find("/FlateDecode"), std::string::npos);
  EXPECT_EQ(p.find("/FlateDecode"), std::string::npos);
  EXPECT_LT(z.size() * 2, p.size()) << "the streams are not compressed";
  EXPECT_TRUE(checks_clean(dir_ / "z.pdf", dir_));
  // Decompressed by qpdf (which drops the filters), both files are the same.
  auto a = qdf(dir_ / "z.pdf", dir_), b = qdf(dir_ / "p.pdf", dir_);
  EXPECT_EQ(a.status, 0) << a.err;
  EXPECT_FALSE(a.out.empty());
  EXPECT_TRUE(a.out == b.out) << "the decompressed files differ";
}

// `watch` keeps subsets and compressed streams between builds (reuse.h):
// the second write takes them and writes the same bytes; sweep() keeps only
// what the last build used.
TEST_F(PdfTest, ReusedSubsetsAndStreamsWriteTheSameFile) {
  Sample s = sample_book();
  doc::Diagnostics diags;
  ASSERT_TRUE(write(s.book, dir_ / "a.pdf", {}, diags)) << all(diags);
  Reuse reuse;
  WriteOptions kept;
  kept.reuse = &reuse;
  ASSERT_TRUE(write(s.book, dir_ / "b.pdf", kept, diags)) << all(diags);
  ASSERT_TRUE(write(s.book, dir_ / "c.pdf", kept, diags)) << all(diags);
  const std::string a = read_bytes(dir_ / "a.pdf");
  EXPECT_EQ(read_bytes(dir_ / "b.pdf"), a);
  EXPECT_EQ(read_bytes(dir_ / "c.pdf"), a);
  std::string probe = "stream bytes";
  EXPECT_EQ(reuse.find_stream(probe), nullptr);
  reuse.keep_stream(probe, std::make_shared<const std::string>("packed"));
  reuse.sweep();  // everything was used since the start
  ASSERT_NE(reuse.find_stream(probe), nullptr);
  EXPECT_EQ(*reuse.find_stream(probe), "packed");
  reuse.sweep();  // used again: kept
  reuse.sweep();  // not used since: dropped
  EXPECT_EQ(reuse.find_stream(probe), nullptr);
}

TEST_F(PdfTest, TheBytesDoNotDependOnTheNumberOfThreads) {
  // Subsets and stream compression run on opt.threads threads; the file
  // must be the same byte for byte.
  Sample s = sample_book();
  ASSERT_GE(s.book.faces.size(), 2u) << "the sample must have several faces to subset at once";
  doc::Diagnostics diags;
  WriteOptions one, four;
  four.threads = 4;
  ASSERT_TRUE(write(s.book, dir_ / "one.pdf", one, diags)) << all(diags);
  ASSERT_TRUE(write(s.book, dir_ / "four.pdf", four, diags)) << all(diags);
  const std::string a = read_bytes(dir_ / "one.pdf"), b = read_bytes(dir_ / "four.pdf");
  EXPECT_FALSE(a.empty());
  EXPECT_TRUE(a == b) << "the PDF written on 4 threads differs";
}

// Writes `book` as `dir`/one.pdf (on one thread), four.pdf (on four) and
// plain.pdf (on four, uncompressed), with nothing to report.
void write_on_1_and_4_threads(const layout::Book& book, const fs::path& dir) {
  doc::Diagnostics diags;
  WriteOptions one, four, plain;
  four.threads = 4;
  plain.threads = 4;
  plain.compress = false;
  ASSERT_TRUE(write(book, dir / "one.pdf", one, diags)) << all(diags);
  ASSERT_TRUE(write(book, dir / "four.pdf", four, diags)) << all(diags);
  ASSERT_TRUE(write(book, dir / "plain.pdf", plain, diags)) << all(diags);
  EXPECT_TRUE(diags.items.empty()) << all(diags);
}

// Noto Serif CJK SC regular (the `serif-zh` set's, a CID-keyed CFF face),
// opened; nullopt when it is not installed.
struct NotoSerif {
  layout::FaceRef ref;
  font::FacePtr face;
};
std::optional<NotoSerif> noto_serif() {
  doc::Diagnostics d;
  auto lib = font::FontLibrary::load(fs::path(MOYIN_SOURCE_DIR) / "fonts/fonts.yaml", d);
  if (!lib || !lib->find_set("serif-zh")) return std::nullopt;
  const font::FaceInfo& noto =
      font::info(lib->face(lib->find_set("serif-zh")->faces.front().regular));
  if (!noto.cff) return std::nullopt;
  NotoSerif out{{noto.path, noto.index, noto.postscript_name},
                font::open_face(noto.path, noto.index, d)};
  if (!out.face) return std::nullopt;
  return out;
}

// A CID-keyed CFF face (the default Noto CJK) is drawn with codes read
// from the face while its subset is made on another thread, and its program
// is compressed there: the same bytes on 1 and 4 threads, the same content
// compressed or not, and the CIDs the subset keeps.
TEST_F(PdfTest, CffPagesDrawnWhileTheSubsetIsMadeWriteTheSameFile) {
  std::optional<NotoSerif> noto = noto_serif();
  ASSERT_TRUE(noto) << "Noto CJK missing: run scripts/setup";
  const font::FacePtr& face = noto->face;
  Sample s = sample_book();
  const int id = static_cast<int>(s.book.faces.size());
  s.book.faces.push_back(noto->ref);
  s.book.pages.front().items.push_back(
      make_run(*face, id, "宋体排版：墨印，一二三。", 12, 72, 300));
  write_on_1_and_4_threads(s.book, dir_);
  const std::string a = read_bytes(dir_ / "one.pdf"), b = read_bytes(dir_ / "four.pdf");
  EXPECT_FALSE(a.empty());
  EXPECT_TRUE(a == b) << "the PDF written on 4 threads differs";
  auto z = qdf(dir_ / "four.pdf", dir_), p = qdf(dir_ / "plain.pdf", dir_);
  EXPECT_EQ(z.status, 0) << z.err;
  EXPECT_TRUE(z.out == p.out) << "the decompressed files differ";
  auto fonts = run_command("pdffonts '" + (dir_ / "four.pdf").string() + "'", dir_);
  EXPECT_NE(fonts.out.find("CID Type 0C"), std::string::npos) << fonts.out;
  auto text = run_command("pdftotext '" + (dir_ / "four.pdf").string() + "' -", dir_);
  EXPECT_NE(text.out.find("宋体排版：墨印，一二三。"), std::string::npos) << text.out;
}

// A CID-keyed CFF face drawing many glyphs is cut in two fonts, subset side
// by side (writer.cpp, split_face): the fonts are embedded subsets mapping
// their codes to Unicode, the text copies back whole (runs mixing both
// fonts change font inside their text object), qpdf finds nothing wrong,
// and the bytes depend on the glyphs alone (1 or 4 threads, any run).
TEST_F(PdfTest, ALargeCffFaceIsCutInTwoFontsThatCopyBackTheText) {
  std::optional<NotoSerif> noto = noto_serif();
  ASSERT_TRUE(noto) << "Noto CJK missing: run scripts/setup";
  const font::FacePtr& face = noto->face;
  // 20 lines of 24 distinct ideographs (480 glyphs), then a line of the
  // commonest ones between rare ones: it draws from both fonts.
  auto book_of = [&](char32_t first, int lines) {
    Sample s = sample_book();
    const int id = static_cast<int>(s.book.faces.size());
    s.book.faces.push_back(noto->ref);
    layout::Page page;
    page.trim = {0, 0, page.width, page.height};
    page.bleed = page.trim;
    page.label = "2";
    std::vector<std::string> texts;
    for (int l = 0; l < lines; ++l) {
      std::string text;
      for (int k = 0; k < 24; ++k)
        base::append_utf8(text, first + static_cast<char32_t>(l * 24 + k));
      texts.push_back(text);
    }
    for (int k = 0; k < 30; ++k) texts.push_back("一二三，墨印。");
    texts.push_back(texts.front().substr(0, 6) + "一二三，墨印。" + texts.back());
    double y = 40;
    for (const std::string& text : texts) {
      page.items.push_back(make_run(*face, id, text, 9, 72, y));
      y += 14;
    }
    s.book.pages.push_back(std::move(page));
    return std::pair{std::move(s), texts};
  };
  auto [large, texts] = book_of(0x4E00, 20);
  write_on_1_and_4_threads(large.book, dir_);
  doc::Diagnostics diags;
  WriteOptions four;
  four.threads = 4;
  ASSERT_TRUE(write(large.book, dir_ / "again.pdf", four, diags)) << all(diags);
  const std::string bytes = read_bytes(dir_ / "four.pdf");
  EXPECT_FALSE(bytes.empty());
  EXPECT_TRUE(bytes == read_bytes(dir_ / "one.pdf")) << "the PDF written on 1 thread differs";
  EXPECT_TRUE(bytes == read_bytes(dir_ / "again.pdf")) << "a second run differs";
  auto z = qdf(dir_ / "four.pdf", dir_), p = qdf(dir_ / "plain.pdf", dir_);
  EXPECT_EQ(z.status, 0) << z.err;
  EXPECT_TRUE(z.out == p.out) << "the decompressed files differ";
  // Some text object draws from both fonts (the mixed line).
  bool font_changed_in_text = false;
  for (size_t bt = z.out.find("BT\n"); bt != std::string::npos; bt = z.out.find("BT\n", bt + 1)) {
    const std::string object = z.out.substr(bt, z.out.find("ET\n", bt) - bt);
    font_changed_in_text |= object.find(" Tf\n") != object.rfind(" Tf\n");
  }
  EXPECT_TRUE(font_changed_in_text);
  auto check = run_command("qpdf --check '" + (dir_ / "four.pdf").string() + "'", dir_);
  EXPECT_EQ(check.status, 0) << check.out << check.err;
  auto noto_fonts = [&](const fs::path& pdf) {
    auto fonts = run_command("pdffonts '" + pdf.string() + "'", dir_);
    EXPECT_EQ(fonts.status, 0) << fonts.err;
    std::vector<std::string> rows;
    std::istringstream in(fonts.out);
    for (std::string line; std::getline(in, line);)
      if (line.find("+" + noto->ref.postscript_name) != std::string::npos) rows.push_back(line);
    return rows;
  };
  const auto rows = noto_fonts(dir_ / "four.pdf");
  ASSERT_EQ(rows.size(), 2u) << "the face is not cut in two fonts";
  for (const std::string& row : rows)
    EXPECT_NE(row.find("CID Type 0C       Identity-H       yes yes yes"), std::string::npos) << row;
  auto text = run_command("pdftotext -raw '" + (dir_ / "four.pdf").string() + "' -", dir_);
  for (const std::string& t : texts) EXPECT_NE(text.out.find(t), std::string::npos) << t;
  // Fewer glyphs: one font.
  auto [small, small_texts] = book_of(0x4E00, 10);
  ASSERT_TRUE(write(small.book, dir_ / "small.pdf", four, diags)) << all(diags);
  EXPECT_EQ(noto_fonts(dir_ / "small.pdf").size(), 1u);
}

TEST_F(PdfTest, DatesComeFromSourceDateEpochWithoutFrontMatterDate) {
  Sample s = sample_book();
  s.book.meta.date.clear();
  WriteOptions opt;
  opt.source_date_epoch = 1700000000;  // 2023-11-14T22:13:20Z
  doc::Diagnostics diags;
  ASSERT_TRUE(write(s.book, dir_ / "d.pdf", opt, diags)) << all(diags);
  std::string bytes = read_bytes(dir_ / "d.pdf");
  EXPECT_NE(bytes.find("D:20231114221320Z"), std::string::npos);
}

TEST_F(PdfTest, UnwritableTargetIsAnErrorAndLeavesNoFile) {
  Sample s = sample_book();
  doc::Diagnostics diags;
  fs::path out = dir_ / "missing-dir" / "x.pdf";
  EXPECT_FALSE(write(s.book, out, {"book.md"}, diags));
  EXPECT_TRUE(diags.has_errors());
  ASSERT_FALSE(diags.items.empty());
  EXPECT_EQ(diags.items[0].path, "book.md");
  EXPECT_NE(diags.items[0].message.find("x.pdf"), std::string::npos) << diags.items[0].message;
  EXPECT_FALSE(fs::exists(out));
}

// A long tagged book: `pages` pages of `runs` lines each, every line a
// paragraph (P) of its own, in one of three colours by turn; its lines in
// reading order. Its page streams are far over libharu's 4 KB blocks, its
// file over the 64 KB pieces it is saved in, its object table and the
// document's kids thousands long.
struct LongBook {
  layout::Book book;
  std::vector<std::string> lines;
};

LongBook long_book(int pages, int runs) {
  LongBook out;
  layout::Book& b = out.book;
  b.meta.title = "长文档";
  b.faces = {{kWenKai, 0, "LXGWWenKai-Regular"}, {kDejaVu, 0, "DejaVuSans"}};
  const layout::Color colours[] = {{0, 0, 0}, {1, 0, 0}, {0, 0.5, 0}};
  for (int p = 0; p < pages; ++p) {
    layout::Page page;
    page.label = std::to_string(p + 1);
    for (int r = 0; r < runs; ++r) {
      const int n = p * runs + r;
      const bool latin = n % 5 == 4;
      std::string text = latin ? "Line " + std::to_string(n) + " of the long book"
                               : "第" + std::to_string(n) + "行：中文排版测试，标点与文字。";
      auto run = make_run(latin ? *faces().dejavu : *faces().wenkai, latin ? 1 : 0, text, 9, 40,
                          40 + r * 10.5, 0.2);
      run.color = colours[n % 3];
      b.structure.push_back({"P"});
      const int element = static_cast<int>(b.structure.size()) - 1;
      page.items.push_back(layout::Tag{element, false});
      page.items.push_back(std::move(run));
      page.items.push_back(layout::Tag{element, true});
      out.lines.push_back(text);
    }
    b.pages.push_back(std::move(page));
  }
  return out;
}

// Streams held as strings in libharu (pdf/stream.h), the file saved in
// pieces as libharu writes it, lists grown by doubling, each colour's
// operator formatted once: a long book checks clean, holds the same content
// compressed or not, every element, every line in order and every run's
// own colour.
TEST_F(PdfTest, LongTaggedBookKeepsEveryStreamElementAndColour) {
  const int pages = 12, runs = 70;
  LongBook lb = long_book(pages, runs);
  doc::Diagnostics diags;
  WriteOptions plain;
  plain.compress = false;
  ASSERT_TRUE(write(lb.book, dir_ / "z.pdf", {}, diags)) << all(diags);
  ASSERT_TRUE(write(lb.book, dir_ / "p.pdf", plain, diags)) << all(diags);
  EXPECT_TRUE(diags.items.empty()) << all(diags);
  const std::string p = read_bytes(dir_ / "p.pdf");
  EXPECT_GT(p.size(), 4u * 65536) << "the file must span several of the pieces it is saved in";
  for (const char* name : {"z.pdf", "p.pdf"}) EXPECT_TRUE(checks_clean(dir_ / name, dir_));
  auto a = qdf(dir_ / "z.pdf", dir_), b = qdf(dir_ / "p.pdf", dir_);
  EXPECT_EQ(a.status, 0) << a.err;
  EXPECT_TRUE(a.out == b.out) << "the decompressed files differ";
  // Every paragraph is an element of the tree.
  size_t elements = 0;
  for (size_t at = p.find("/S /P\n"); at != std::string::npos; at = p.find("/S /P\n", at + 1))
    ++elements;
  EXPECT_EQ(elements, lb.book.structure.size());
  // Each run's fill colour, in drawing order (the uncompressed page streams
  // are written page after page).
  const char* expected[] = {"0 0 0 rg", "1 0 0 rg", "0 0.5 0 rg"};
  size_t at = 0, runs_seen = 0;
  for (size_t n = 0; n < lb.lines.size(); ++n) {
    const size_t bt = p.find("BT\n", at);
    ASSERT_NE(bt, std::string::npos) << "run " << n;
    const size_t end = p.find('\n', bt + 3);
    EXPECT_EQ(p.substr(bt + 3, end - bt - 3), expected[n % 3]) << "run " << n;
    at = end;
    ++runs_seen;
  }
  EXPECT_EQ(runs_seen, static_cast<size_t>(pages * runs));
  // Every line copies back, in order.
  auto text = run_command("pdftotext '" + (dir_ / "z.pdf").string() + "' -", dir_);
  const std::vector<std::string> got = text_lines(text.out);
  ASSERT_EQ(got.size(), lb.lines.size()) << text.out.substr(0, 400);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], lb.lines[i]) << "line " << i;
}

// Rewriting `out` with `book` under a file size limit of `limit` bytes (a
// full disk) fails with one error, leaves no temporary file and `out` as it was.
void expect_full_disk_keeps_output(const layout::Book& book, const WriteOptions& opt,
                                   const fs::path& out, size_t limit) {
  const std::string before = read_bytes(out);
  struct rlimit old_limit {};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto* old_handler = std::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of a signal
  struct rlimit small = old_limit;
  small.rlim_cur = limit;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  doc::Diagnostics d2;
  const bool written = write(book, out, opt, d2);
  setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_FALSE(written);
  ASSERT_TRUE(d2.has_errors());
  EXPECT_EQ(d2.items.size(), 1u) << all(d2);
  EXPECT_NE(d2.items[0].message.find("File too large"), std::string::npos) << d2.items[0].message;
  EXPECT_EQ(read_bytes(out), before);
  for (const auto& e : fs::directory_iterator(out.parent_path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
}

TEST_F(PdfTest, FailedSaveLeavesEarlierGoodOutputUntouched) {
  Sample s = sample_book();
  fs::path out = dir_ / "good.pdf";
  doc::Diagnostics diags;
  ASSERT_TRUE(write(s.book, out, {}, diags)) << all(diags);
  const std::string before = read_bytes(out);
  // A full disk, as a file size limit (RLIMIT_FSIZE) below the PDF's size:
  // saving fails after the whole document was built.
  s.book.meta.title = "changed";
  expect_full_disk_keeps_output(s.book, {}, out, before.size() / 2);
}

// The file is written as libharu saves it, in 64 KB pieces: a write that
// fails part way through (a file size limit below the PDF's size) is an
// error, removes the temporary file and leaves the earlier output alone.
TEST_F(PdfTest, SaveFailingPartWayLeavesEarlierGoodOutputUntouched) {
  LongBook lb = long_book(12, 70);
  fs::path out = dir_ / "good.pdf";
  doc::Diagnostics diags;
  WriteOptions plain;  // uncompressed: a file of many pieces
  plain.compress = false;
  ASSERT_TRUE(write(lb.book, out, plain, diags)) << all(diags);
  const size_t size = fs::file_size(out);
  ASSERT_GT(size, 3u * 65536);
  lb.book.meta.title = "changed";
  expect_full_disk_keeps_output(lb.book, plain, out, size / 3);
}

TEST_F(PdfTest, MissingFontFileIsAnErrorAndLeavesEarlierOutput) {
  Sample s = sample_book();
  fs::path out = dir_ / "good.pdf";
  doc::Diagnostics diags;
  ASSERT_TRUE(write(s.book, out, {}, diags)) << all(diags);
  std::string before = read_bytes(out);
  s.book.faces[1].path = (dir_ / "no-such-font.ttf").string();
  doc::Diagnostics d2;
  EXPECT_FALSE(write(s.book, out, {}, d2));
  ASSERT_TRUE(d2.has_errors());
  EXPECT_NE(d2.items[0].message.find("no-such-font.ttf"), std::string::npos);
  EXPECT_EQ(read_bytes(out), before);
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
}

// Glyph ids are 16-bit in every font: a larger one (a book not made by the
// typesetter) is an error, not a table of billions of bits.
TEST_F(PdfTest, GlyphIdBeyondSixteenBitsIsAnError) {
  Sample s = sample_book();
  std::get<layout::GlyphRun>(s.book.pages[0].items[1]).glyphs[0].gid = 0xFFFFFFFF;
  doc::Diagnostics diags;
  EXPECT_FALSE(write(s.book, dir_ / "x.pdf", {}, diags));
  ASSERT_TRUE(diags.has_errors());
  EXPECT_NE(diags.items[0].message.find("glyph 4294967295"), std::string::npos) << all(diags);
  EXPECT_FALSE(fs::exists(dir_ / "x.pdf"));
}

TEST_F(PdfTest, BadFaceIndexInRunIsAnError) {
  Sample s = sample_book();
  std::get<layout::GlyphRun>(s.book.pages[0].items[1]).face = 7;
  doc::Diagnostics diags;
  EXPECT_FALSE(write(s.book, dir_ / "x.pdf", {}, diags));
  EXPECT_TRUE(diags.has_errors());
  EXPECT_FALSE(fs::exists(dir_ / "x.pdf"));
}

TEST_F(PdfTest, BleedAddsTrimAndBleedBoxes) {
  Sample s = sample_book();
  for (auto& p : s.book.pages) {
    p.width = 595.276 + 18;
    p.height = 841.89 + 18;
    p.trim = {9, 9, 595.276, 841.89};
    p.bleed = {0, 0, p.width, p.height};
  }
  doc::Diagnostics diags;
  ASSERT_TRUE(write(s.book, dir_ / "bleed.pdf", {}, diags)) << all(diags);
  auto qdf = run_command(
      "qpdf --qdf --object-streams=disable '" + (dir_ / "bleed.pdf").string() + "' -", dir_);
  EXPECT_NE(qdf.out.find("/TrimBox"), std::string::npos);
  EXPECT_NE(qdf.out.find("/BleedBox"), std::string::npos);
  auto check = run_command("qpdf --check '" + (dir_ / "bleed.pdf").string() + "'", dir_);
  EXPECT_EQ(check.status, 0) << check.out;
}

TEST_F(PdfTest, UnsupportedImageIsAWarningNotAFailure) {
  Sample s = sample_book();
  {
    std::ofstream bad(dir_ / "img.gif", std::ios::binary);
    bad << "GIF89a not really";
  }
  s.book.pages[1].items.push_back(
      layout::ImageBox{{72, 600, 100, 50}, (dir_ / "img.gif").string()});
  doc::Diagnostics diags;
  ASSERT_TRUE(write(s.book, dir_ / "img.pdf", {}, diags)) << all(diags);
  EXPECT_EQ(diags.count(doc::Severity::Warning), 1u);
}

TEST(PdfContent, Numbers) {
  EXPECT_EQ(base::compact(1.5), "1.5");
  EXPECT_EQ(base::compact(-0.0001), "0");
  EXPECT_EQ(base::compact(12.0), "12");
  EXPECT_EQ(base::compact(-3.14159, 2), "-3.14");
}

TEST(PdfContent, GlyphTextsSplitClusters) {
  layout::GlyphRun run;
  run.text = "fiA中";
  // "fi" ligature (one glyph, cluster 0), A (2), 中 (3)
  run.glyphs = {{1, 0, 0, 0, 0}, {2, 0, 0, 0, 2}, {3, 0, 0, 0, 3}};
  auto t = glyph_texts(run);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0], "fi");
  EXPECT_EQ(t[1], "A");
  EXPECT_EQ(t[2], "中");
  // Two glyphs in one cluster of two characters: one each.
  run.text = "e\u0301";
  run.glyphs = {{1, 0, 0, 0, 0}, {2, 0, 0, 0, 0}};
  t = glyph_texts(run);
  EXPECT_EQ(t[0], "e");
  EXPECT_EQ(t[1], "\u0301");
  EXPECT_EQ(utf8_to_utf16("𠮷"), std::u16string(u"\xD842\xDFB7"));
}

TEST(PdfContent, ToUnicodeUsesRangesAndChars) {
  std::map<uint16_t, std::u16string> m = {
      {0xE000, u"A"}, {0xE001, u"B"}, {0xE002, u"C"}, {0xE003, u"fi"}, {0xE004, u"\xD842\xDFB7"}};
  std::string cmap = tounicode_cmap(m);
  EXPECT_NE(cmap.find("<E000> <E002> <0041>"), std::string::npos) << cmap;
  EXPECT_NE(cmap.find("<E003> <00660069>"), std::string::npos) << cmap;
  EXPECT_NE(cmap.find("<E004> <D842DFB7>"), std::string::npos) << cmap;
  EXPECT_EQ(cmap.find("cidrange"), std::string::npos);
}

}  // namespace
}  // namespace moyin::pdf

namespace moyin::pdf {
namespace {

TEST_F(PdfTest, DamagedPngIsLeftOutWithAWarningNotACrash) {
  // libpng aborts the process on a damaged file when libharu decodes it.
  Sample s = sample_book();
  std::string png = make_png(40, 30, 8, 2);
  fs::path half = dir_ / "half.png";
  std::ofstream(half, std::ios::binary) << png.substr(0, png.size() / 2);
  s.book.pages[1].items.push_back(layout::ImageBox{{72, 500, 80, 60}, half.string()});
  fs::path out = dir_ / "damaged.pdf";
  doc::Diagnostics diags;
  ASSERT_TRUE(write(s.book, out, {}, diags)) << all(diags);
  ASSERT_EQ(diags.items.size(), 1u) << all(diags);
  EXPECT_NE(diags.items[0].message.find("damaged PNG"), std::string::npos) << all(diags);
  // Named by its file name, never by the absolute path of this machine.
  EXPECT_EQ(diags.items[0].message.find(dir_.string()), std::string::npos) << all(diags);
  EXPECT_EQ(run_command("qpdf --check '" + out.string() + "'", dir_).status, 0);
}

TEST_F(PdfTest, PngImagesDrawIncludingSixteenBit) {
  Sample s = sample_book();
  auto put = [&](const char* name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return (dir_ / name).string();
  };
  std::string rgb = put("rgb.png", make_png(40, 30, 8, 2));
  std::string rgba = put("rgba.png", make_png(40, 30, 8, 6));
  std::string deep = put("deep.png", make_png(40, 30, 16, 2));
  auto& items = s.book.pages[1].items;
  items.push_back(layout::ImageBox{{72, 500, 80, 60}, rgb});
  items.push_back(layout::ImageBox{{172, 500, 80, 60}, rgba});
  items.push_back(layout::ImageBox{{272, 500, 80, 60}, rgb});  // reused, embedded once
  items.push_back(layout::ImageBox{{372, 500, 80, 60}, deep});
  fs::path out = dir_ / "images.pdf";
  doc::Diagnostics diags;
  ASSERT_TRUE(write(s.book, out, {}, diags)) << all(diags);
  // 16-bit PNGs are decoded to 8 bits by src/image before libharu sees them.
  EXPECT_TRUE(diags.items.empty()) << all(diags);
  auto check = run_command("qpdf --check '" + out.string() + "'", dir_);
  EXPECT_EQ(check.status, 0) << check.out;
  auto list = run_command("pdfimages -list '" + out.string() + "'", dir_);
  EXPECT_EQ(list.err, "");
  // rgb (drawn twice), rgba + its smask, deep.
  int image_lines = 0, smask_lines = 0;
  std::istringstream in(list.out);
  std::string line;
  for (int i = 0; std::getline(in, line); ++i) {
    if (i < 2 || line.empty()) continue;
    ++image_lines;
    if (line.find("smask") != std::string::npos) ++smask_lines;
  }
  EXPECT_EQ(image_lines, 5) << list.out;
  EXPECT_EQ(smask_lines, 1) << list.out;
  std::string bytes = read_bytes(out);
  EXPECT_EQ(bytes.rfind("%PDF-1.7", 0), 0u) << "PDF 1.7 (transparency needs 1.4 or later)";
}

}  // namespace
}  // namespace moyin::pdf

namespace moyin::pdf {
namespace {

TEST_F(PdfTest, ImpossiblePageSizeIsAnError) {
  Sample s = sample_book();
  s.book.pages[1].width = 20000;
  doc::Diagnostics diags;
  EXPECT_FALSE(write(s.book, dir_ / "huge.pdf", {}, diags));
  ASSERT_TRUE(diags.has_errors());
  EXPECT_NE(diags.items[0].message.find("page 2"), std::string::npos) << all(diags);
  EXPECT_FALSE(fs::exists(dir_ / "huge.pdf"));
}

TEST_F(PdfTest, OutOfRangeColoursAndWidthsAreClampedNotFatal) {
  Sample s = sample_book();
  auto& items = s.book.pages[1].items;
  items.push_back(layout::Rule{{72, 700}, {300, 700}, 500, {2, -1, 0.5}});
  items.push_back(layout::Rect{{72, 720, 100, 10}, {1.5, 0, 0}});
  doc::Diagnostics diags;
  EXPECT_TRUE(write(s.book, dir_ / "clamp.pdf", {}, diags)) << all(diags);
}

}  // namespace
}  // namespace moyin::pdf

namespace moyin::pdf {
namespace {

TEST_F(PdfTest, UncoveredCharactersCopyBackThoughDrawnAsNotdef) {
  const auto& f = faces();
  ASSERT_FALSE(font::has_glyph(*f.dejavu, U'中'));
  layout::Book b;
  b.faces = {{kDejaVu, 0, "DejaVuSans"}};
  layout::Page page;
  page.trim = {0, 0, page.width, page.height};
  page.bleed = page.trim;
  std::vector<std::string> lines = {"A中B", "C字D", "E中F"};
  double y = 100;
  for (const auto& l : lines) {
    auto run = make_run(*f.dejavu, 0, l, 12, 72, y);
    page.items.push_back(run);
    y += 30;
  }
  b.pages.push_back(page);
  doc::Diagnostics diags;
  fs::path out = dir_ / "notdef.pdf";
  ASSERT_TRUE(write(b, out, {}, diags)) << all(diags);
  auto text = run_command("pdftotext -enc UTF-8 '" + out.string() + "' -", dir_);
  EXPECT_EQ(text.err, "");
  EXPECT_EQ(text_lines(text.out), lines) << text.out;
  auto q = run_command("qpdf --check '" + out.string() + "'", dir_);
  EXPECT_EQ(q.status, 0) << q.out;

  // Claiming PDF/UA (which forbids showing .notdef, as PDF/A does), the
  // characters no font has are left out of the text, with a warning.
  b.meta.title = "无字形";
  WriteOptions ua;
  ua.ua = true;
  doc::Diagnostics ua_diags;
  fs::path ua_out = dir_ / "notdef-ua.pdf";
  ASSERT_TRUE(write(b, ua_out, ua, ua_diags)) << all(ua_diags);
  EXPECT_NE(all(ua_diags).find("3 character(s) no font has are left out of the PDF/UA text"),
            std::string::npos)
      << all(ua_diags);
  auto ua_text = run_command("pdftotext -enc UTF-8 '" + ua_out.string() + "' -", dir_);
  // (The pen still moves on over the missing character: poppler sees a space.)
  EXPECT_EQ(text_lines(ua_text.out), (std::vector<std::string>{"A B", "C D", "E F"}))
      << ua_text.out;
  auto meta = run_command("pdfinfo -meta '" + ua_out.string() + "'", dir_);
  EXPECT_NE(meta.out.find("<pdfuaid:part>1</pdfuaid:part>"), std::string::npos) << meta.out;
}

// The glyph runs' text made a few pages ahead on a thread of its own
// (WriteOptions::draw_ahead, docs/performance.md): the same bytes and the
// same diagnostics as on the writer's thread alone, on 1 and several
// threads, compressed or not, in PDF/UA (.notdef dropped) or not, with runs
// the thread leaves to the writer (.notdef) among those it makes, and with
// a book the writer frees page by page as it draws.
TEST_F(PdfTest, RunsShownAheadWriteTheSameBytes) {
  LongBook lb = long_book(24, 40);
  for (size_t p = 0; p < lb.book.pages.size(); p += 5)
    lb.book.pages[p].items.push_back(make_run(*faces().dejavu, 1, "A中B", 12, 72, 700));
  for (const bool compress : {true, false})
    for (const bool ua : {false, true}) {
      const std::string variant = std::string(compress ? "z" : "plain") + (ua ? "-ua" : "");
      std::string first_bytes, first_diags;
      auto write_as = [&](int threads, bool ahead, bool consume) {
        WriteOptions opt;
        opt.threads = threads;
        opt.draw_ahead = ahead;
        opt.compress = compress;
        opt.ua = ua;
        const std::string name = variant + "-" + std::to_string(threads) + (ahead ? "-ahead" : "") +
                                 (consume ? "-consumed" : "") + ".pdf";
        doc::Diagnostics diags;
        layout::Book copy = lb.book;
        const bool ok = consume ? write(std::move(copy), dir_ / name, opt, diags)
                                : write(lb.book, dir_ / name, opt, diags);
        EXPECT_TRUE(ok) << name << all(diags);
        const std::string bytes = read_bytes(dir_ / name);
        std::string said;  // the messages, without the file's name
        for (const auto& d : diags.items) said += d.message + "\n";
        if (first_bytes.empty()) {
          first_bytes = bytes;
          first_diags = said;
          EXPECT_FALSE(bytes.empty());
        } else {
          EXPECT_TRUE(bytes == first_bytes) << name << " differs from " << variant << "-1.pdf";
          EXPECT_EQ(said, first_diags) << name;
        }
      };
      write_as(1, false, false);
      write_as(4, false, false);
      write_as(2, true, false);
      write_as(4, true, false);
      write_as(2, true, true);
      if (ua) {
        EXPECT_NE(first_diags.find("left out of the PDF/UA text"), std::string::npos);
      }
    }
  auto text =
      run_command("pdftotext -enc UTF-8 '" + (dir_ / "z-2-ahead.pdf").string() + "' -", dir_);
  EXPECT_NE(text.out.find("A中B"), std::string::npos);
  EXPECT_NE(text.out.find(lb.lines.back()), std::string::npos);
}

}  // namespace
}  // namespace moyin::pdf

namespace moyin::pdf {
namespace {

TEST_F(PdfTest, JpegImagesBaselineAndProgressive) {
  Sample s = sample_book();
  doc::Diagnostics diags;
  fs::path first = dir_ / "first.pdf";
  ASSERT_TRUE(write(s.book, first, {}, diags)) << all(diags);
  // JPEGs made by poppler from the PDF just written.
  for (const char* opt : {"", "-jpegopt progressive=y"}) {
    std::string name = *opt ? "prog" : "base";
    auto r = run_command("pdftoppm -jpeg " + std::string(opt) + " -r 12 -f 2 -l 2 -singlefile '" +
                             first.string() + "' '" + (dir_ / name).string() + "'",
                         dir_);
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_TRUE(fs::exists(dir_ / (name + ".jpg")));
    s.book.pages[1].items.push_back(layout::ImageBox{{72, name == "base" ? 500.0 : 620.0, 70, 100},
                                                     (dir_ / (name + ".jpg")).string()});
  }
  fs::path out = dir_ / "jpeg.pdf";
  doc::Diagnostics d2;
  ASSERT_TRUE(write(s.book, out, {}, d2)) << all(d2);
  EXPECT_TRUE(d2.items.empty()) << all(d2);
  auto list = run_command("pdfimages -list '" + out.string() + "'", dir_);
  EXPECT_EQ(list.err, "");
  int jpegs = 0;
  std::istringstream in(list.out);
  for (std::string line; std::getline(in, line);)
    if (line.find(" jpeg ") != std::string::npos) ++jpegs;
  EXPECT_EQ(jpegs, 2) << list.out;
  auto q = run_command("qpdf --check '" + out.string() + "'", dir_);
  EXPECT_EQ(q.status, 0) << q.out;
}

}  // namespace
}  // namespace moyin::pdf

namespace moyin::pdf {
namespace {

TEST_F(PdfTest, OutlineAndInfoKeepCharactersBeyondTheBmp) {
  Sample s = sample_book();
  s.book.meta.title = "𠮷野家 title";
  s.book.outline[0].title = "𠮷野家";
  doc::Diagnostics diags;
  fs::path out = dir_ / "nonbmp.pdf";
  ASSERT_TRUE(write(s.book, out, {}, diags)) << all(diags);
  auto json = run_command("qpdf --json=2 --json-key=outlines '" + out.string() + "'", dir_);
  EXPECT_NE(json.out.find("\"title\": \"𠮷野家\""), std::string::npos) << json.out;
  auto info = run_command("pdfinfo '" + out.string() + "'", dir_);
  EXPECT_NE(info.out.find("𠮷野家 title"), std::string::npos) << info.out;
}

// A 40,000-character heading (found by the hostile-input sweep) made libharu refuse
// the outline string and the whole PDF failed; the title is cut instead.
TEST_F(PdfTest, HugeOutlineAndInfoTitlesAreCutNotFatal) {
  Sample s = sample_book();
  std::string huge;
  for (int i = 0; i < 20000; ++i) huge += "标题";
  s.book.meta.title = huge;
  s.book.outline[0].title = huge;
  doc::Diagnostics diags;
  fs::path out = dir_ / "huge-title.pdf";
  ASSERT_TRUE(write(s.book, out, {}, diags)) << all(diags);
  auto json = run_command("qpdf --json=2 --json-key=outlines '" + out.string() + "'", dir_);
  EXPECT_NE(json.out.find("\"title\": \"标题标题"), std::string::npos) << json.out.substr(0, 300);
}

}  // namespace
}  // namespace moyin::pdf

namespace moyin::pdf {
namespace {

layout::Path triangle() {
  using Op = layout::PathSegment::Op;
  layout::Path p;
  p.outline = layout::make_outline({{Op::Move, {{100, 100}}},
                                    {Op::Line, {{200, 100}}},
                                    {Op::Cubic, {{220, 150}, {180, 200}, {150, 200}}},
                                    {Op::Close, {}}});
  return p;
}

TEST(PdfContent, PathOperatorsFlipYAndPickThePaintOperator) {
  layout::Path p = triangle();
  EXPECT_EQ(path_operators(p, 800), "") << "nothing to paint";
  p.fill = layout::PathFill{{1, 0, 0}, true, 1};
  EXPECT_EQ(path_operators(p, 800),
            "1 0 0 rg\n100 700 m\n200 700 l\n220 650 180 600 150 600 c\nh\nf*\n");
  p.fill->even_odd = false;
  p.stroke = layout::PathStroke{{0, 0, 1}, 2, layout::LineCap::Round, layout::LineJoin::Bevel};
  p.stroke->dash = {3, 1.5};
  p.stroke->dash_phase = 1;
  std::string ops = path_operators(p, 800);
  EXPECT_NE(ops.find("0 0 1 RG\n2 w 1 J 2 j [3 1.5] 1 d\n"), std::string::npos) << ops;
  EXPECT_EQ(ops.substr(ops.size() - 2), "B\n");
  p.fill.reset();
  p.stroke->dash = {0, 0};  // all-zero dash arrays are invalid in PDF: drawn solid
  ops = path_operators(p, 800);
  EXPECT_NE(ops.find("[] 0 d"), std::string::npos) << ops;
  EXPECT_EQ(ops.substr(ops.size() - 2), "S\n");
}

TEST_F(PdfTest, PathsWithOpacityDrawAndCheckClean) {
  Sample s = sample_book();
  layout::Path p = triangle();
  p.fill = layout::PathFill{{0.2, 0.4, 0.6}, false, 0.5};
  p.stroke = layout::PathStroke{{0, 0, 0}, 1};
  s.book.pages[1].items.push_back(p);
  s.book.pages[1].items.push_back(p);  // a second use shares the ExtGState
  doc::Diagnostics diags;
  fs::path out = dir_ / "path.pdf";
  ASSERT_TRUE(write(s.book, out, {}, diags)) << all(diags);
  auto q = run_command("qpdf --check '" + out.string() + "'", dir_);
  EXPECT_EQ(q.status, 0) << q.out << q.err;
  auto gs = run_command(
      "qpdf --qdf --object-streams=disable '" + out.string() + "' - | grep -ac '/ca 0.5'", dir_);
  EXPECT_EQ(gs.out, "1\n") << "one ExtGState with fill opacity 0.5";
}

// A path in its own coordinates (a formula's glyph) is drawn inline where
// it is first used and as one form XObject from its second use on, placed
// by `cm`; renderers see it where the flattened path would be.
TEST_F(PdfTest, ShapesUsedAgainAreOneFormXObject) {
  Sample s = sample_book();
  layout::Path glyph = triangle();
  glyph.fill = layout::PathFill{{0, 0, 0}, false, 1};
  for (double x : {0.0, 150.0, 300.0}) {
    glyph.transform = {0.5, 0, 0, 0.5, x, 400};
    s.book.pages[1].items.push_back(glyph);
  }
  layout::Path other = triangle();  // another shape, used once: inline
  other.fill = layout::PathFill{{1, 0, 0}, false, 1};
  other.transform = {1, 0, 0, 1, 0, 300};
  s.book.pages[1].items.push_back(other);
  doc::Diagnostics diags;
  fs::path out = dir_ / "shapes.pdf";
  ASSERT_TRUE(write(s.book, out, {}, diags)) << all(diags);
  auto q = run_command("qpdf --check '" + out.string() + "'", dir_);
  EXPECT_EQ(q.status, 0) << q.out << q.err;
  auto qdf = run_command("qpdf --qdf --object-streams=disable '" + out.string() + "' -", dir_);
  using moyin::testing::count;
  EXPECT_EQ(count(qdf.out, "/Subtype /Form"), 1) << "one form for the shape used three times";
  EXPECT_EQ(count(qdf.out, " Do\n"), 2) << "its second and third uses";
  EXPECT_EQ(count(qdf.out, "0.5 0 0 0.5 "), 3) << "each use placed by cm";
  EXPECT_NE(qdf.out.find("0.5 0 0 0.5 150 441.89 cm"), std::string::npos)
      << "y turned up: 841.89 - 400";
}

// Inside a transparency group (its own form, in page coordinates) such a
// shape is drawn flattened: its points where the transform puts them.
TEST_F(PdfTest, ShapesInAGroupAreFlattened) {
  Sample s = sample_book();
  layout::Path glyph = triangle();
  glyph.fill = layout::PathFill{{0, 0, 0}, false, 1};
  glyph.transform = {0.5, 0, 0, 0.5, 100, 400};
  s.book.pages[1].items.push_back(layout::Group{0.5, false});
  s.book.pages[1].items.push_back(glyph);
  s.book.pages[1].items.push_back(layout::Group{1, true});
  doc::Diagnostics diags;
  fs::path out = dir_ / "group-shape.pdf";
  ASSERT_TRUE(write(s.book, out, {}, diags)) << all(diags);
  auto q = run_command("qpdf --check '" + out.string() + "'", dir_);
  EXPECT_EQ(q.status, 0) << q.out << q.err;
  auto qdf = run_command("qpdf --qdf --object-streams=disable '" + out.string() + "' -", dir_);
  EXPECT_NE(qdf.out.find("150 391.89 m"), std::string::npos) << "(100,100) → (150,450) on the page";
  EXPECT_EQ(qdf.out.find(" cm\n0 0 0 rg\n100 -100 m"), std::string::npos) << "not its own units";
}

}  // namespace
}  // namespace moyin::pdf
