// The image catalog: resolution (percent paths, book roots, boundaries),
// sniffing, header sizes, decoding of every format, hostile files.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "image/catalog.h"
#include "image/test_images.h"

namespace moyin::image {
namespace {
namespace fs = std::filesystem;

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    images_ = test::test_images();
    ASSERT_FALSE(images_.empty()) << "tests/image/make_images.py failed (python3-pil missing?)";
    root_ = fs::temp_directory_path() / ("moyin-catalog-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "book/part");
    fs::create_directories(root_ / "book/images");
    fs::copy_file(images_ / "rgb.png", root_ / "book/images/x.png");
    fs::copy_file(images_ / "rgb.png", root_ / "book/part/my pic.png");
    std::ofstream(root_ / "book/part/ch.md") << "# ch\n";
    std::ofstream(root_ / "secret.png") << "outside";
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string chapter() const { return (root_ / "book/part/ch.md").string(); }
  // A catalog bounded by the chapter's own folder (a single-file job).
  Catalog file_catalog() const { return Catalog(CatalogOptions{.boundary = root_ / "book/part"}); }

  fs::path images_, root_;
};

TEST_F(CatalogTest, PercentEncodedPathsAreDecoded) {
  Catalog c = file_catalog();
  Entry e = c.resolve("my%20pic.png", chapter());
  EXPECT_TRUE(e.ok()) << describe(e, "my%20pic.png", c.limits());
  EXPECT_EQ(e.format, Format::Png);
  EXPECT_EQ(e.width, 40);
  EXPECT_EQ(e.height, 30);
  EXPECT_TRUE(c.resolve("my pic.png?v=2#top", chapter()).ok());
}

TEST_F(CatalogTest, BookChaptersReachTheBookRoot) {
  Catalog book(CatalogOptions{.boundary = root_ / "book"});
  EXPECT_TRUE(book.resolve("../images/x.png", chapter()).ok());
  // The same reference from a single file stops at the file's folder.
  EXPECT_EQ(file_catalog().resolve("../images/x.png", chapter()).problem, Problem::Outside);
}

TEST_F(CatalogTest, NothingOutsideTheBoundaryIsRead) {
  Catalog book(CatalogOptions{.boundary = root_ / "book"});
  EXPECT_EQ(book.resolve("../../secret.png", chapter()).problem, Problem::Outside);
  EXPECT_EQ(book.resolve("..%2F..%2Fsecret.png", chapter()).problem, Problem::Outside);
  EXPECT_EQ(book.resolve((root_ / "secret.png").string(), chapter()).problem, Problem::Outside);
  // A symlink inside pointing outside is outside.
  fs::create_symlink(root_ / "secret.png", root_ / "book/part/link.png");
  EXPECT_EQ(book.resolve("link.png", chapter()).problem, Problem::Outside);
  EXPECT_EQ(book.resolve("https://example.com/x.png", chapter()).problem, Problem::Remote);
  EXPECT_EQ(book.resolve("//example.com/x.png", chapter()).problem, Problem::Remote);
  EXPECT_EQ(book.resolve("file:///etc/passwd", chapter()).problem, Problem::UnsupportedUrl);
  EXPECT_EQ(book.resolve("nope.png", chapter()).problem, Problem::Missing);
  EXPECT_EQ(book.resolve("", chapter()).problem, Problem::NoUrl);
}

TEST_F(CatalogTest, ResourcePathFindsSiteRootAndRelativeImagesInOrder) {
  fs::create_directories(root_ / "site/static/images");
  fs::create_directories(root_ / "theme/images");
  fs::copy_file(images_ / "rgb.png", root_ / "site/static/images/logo.png");
  fs::copy_file(images_ / "rgb.png", root_ / "site/static/shared.png");
  fs::copy_file(images_ / "rgb.png", root_ / "theme/images/logo.png");
  Catalog c(CatalogOptions{.boundary = root_ / "book/part",
                           .resource_path = {root_ / "theme", root_ / "site/static"}});
  Entry logo = c.resolve("/images/logo.png", chapter());
  EXPECT_TRUE(logo.ok()) << describe(logo, "/images/logo.png", c.limits());
  EXPECT_EQ(logo.key, fs::weakly_canonical(root_ / "theme/images/logo.png").string());
  // Where it was looked for before: a file appearing there would win.
  EXPECT_EQ(logo.tried, std::vector<std::string>{});  // /images is outside the document's folder
  Entry shared = c.resolve("shared.png", chapter());
  EXPECT_TRUE(shared.ok());
  EXPECT_EQ(shared.tried,
            (std::vector<std::string>{fs::weakly_canonical(root_ / "book/part/shared.png").string(),
                                      fs::weakly_canonical(root_ / "theme/shared.png").string()}));
  // A file beside the document comes first.
  EXPECT_EQ(c.resolve("my%20pic.png", chapter()).key,
            fs::weakly_canonical(root_ / "book/part/my pic.png").string());
  // `..` does not leave a resource folder; a missing file is missing everywhere.
  EXPECT_EQ(c.resolve("../../secret.png", chapter()).problem, Problem::Outside);
  EXPECT_EQ(c.resolve("/../secret.png", chapter()).problem, Problem::Outside);
  Entry none = c.resolve("/images/none.png", chapter());
  EXPECT_EQ(none.problem, Problem::Missing);
  EXPECT_EQ(none.tried.size(), 2u);
  // Without a resource path a site-root path is outside, and the warning says what to do.
  Entry outside = file_catalog().resolve("/images/logo.png", chapter());
  EXPECT_EQ(outside.problem, Problem::Outside);
  EXPECT_NE(describe(outside, "/images/logo.png", c.limits()).find("--resource-path"),
            std::string::npos);
}

TEST_F(CatalogTest, RemoteImagesGoThroughTheFetcher) {
  fs::copy_file(images_ / "rgb.png", root_ / "fetched");
  std::vector<std::string> asked;
  Catalog c(CatalogOptions{.boundary = root_ / "book/part",
                           .fetch = [&](std::string_view url) -> Fetched {
                             asked.emplace_back(url);
                             if (url.ends_with("/x.png")) return {root_ / "fetched", ""};
                             return {{}, "HTTP status 404"};
                           }});
  Entry e = c.resolve("https://example.com/x.png#frag", chapter());
  EXPECT_TRUE(e.ok());
  EXPECT_EQ(e.format, Format::Png);  // sniffed, as any file
  EXPECT_TRUE(c.resolve("//example.com/x.png", chapter()).ok());
  Entry missing = c.resolve("http://example.com/y.png", chapter());
  EXPECT_EQ(missing.problem, Problem::FetchFailed);
  EXPECT_EQ(describe(missing, "http://example.com/y.png", c.limits()),
            "remote image http://example.com/y.png could not be downloaded: HTTP status 404; alt "
            "text used");
  EXPECT_EQ(asked,
            (std::vector<std::string>{"https://example.com/x.png", "https://example.com/x.png",
                                      "http://example.com/y.png"}));
}

TEST_F(CatalogTest, WarnsOncePerReferenceWithThePathAsWritten) {
  Catalog c = file_catalog();
  doc::Diagnostics d;
  c.use("https://example.com/a.png", "ch.md", {3, 1}, d);
  c.use("https://example.com/a.png", "ch.md", {3, 1}, d);  // the other output asks again
  c.use("https://example.com/a.png", "ch.md", {7, 5}, d);  // another reference
  c.use("../../secret.png", chapter(), {9, 1}, d);
  c.use("https://example.com/b.png", "ch.md", {8, 1}, d);  // remote: one warning per document
  c.use("https://example.com/b.png", "other.md", {8, 1}, d);
  ASSERT_EQ(d.items.size(), 3u);
  EXPECT_EQ(
      doc::format(d.items[0]),
      "ch.md:3:1: warning: remote image https://example.com/a.png is not downloaded (--fetch downloads it); alt text used "
      "(this document's other remote images are not reported)");
  EXPECT_EQ(d.items[2].path, "other.md");
  // No absolute path of the machine in the message.
  EXPECT_EQ(d.items[1].message.find(root_.string()), std::string::npos) << d.items[1].message;
  EXPECT_NE(d.items[1].message.find("../../secret.png"), std::string::npos);
}

TEST_F(CatalogTest, TheBytesDecideTheFormat) {
  Catalog c(CatalogOptions{.boundary = images_});
  Entry e = c.resolve("lie.png", (images_ / "doc.md").string());
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e.format, Format::Jpeg);
  EXPECT_TRUE(e.jpeg_passthrough);
  EXPECT_EQ(sniff("<?xml version=\"1.0\"?>\n<!-- x -->\n<svg width=\"1\"/>"), Format::Svg);
  EXPECT_EQ(sniff("<html><svg></svg></html>"), Format::Unknown);
}

TEST_F(CatalogTest, SvgSizeFromTheRootElement) {
  Catalog c(CatalogOptions{.boundary = images_});
  Entry e = c.resolve("diagram.svg", (images_ / "doc.md").string());
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e.format, Format::Svg);
  EXPECT_NEAR(e.width, 4 * 96 / 2.54, 0.01);   // width="4cm"
  EXPECT_NEAR(e.height, 2 * 96 / 2.54, 0.01);  // from the viewBox's 2:1
  EXPECT_EQ(e.bytes->find("<rect"), e.bytes->find("<rect"));
  double w = 0, h = 0;
  ASSERT_TRUE(svg_size("<svg viewBox='0 0 30 20'></svg>", w, h));
  EXPECT_EQ(w, 30);
  EXPECT_EQ(h, 20);
  ASSERT_TRUE(svg_size("<svg></svg>", w, h));
  EXPECT_EQ(w, 300);
  EXPECT_EQ(h, 150);
  // The rule itself (src/svg's parser uses it too): units, one side from the
  // viewBox's proportions, percentages ignored.
  EXPECT_EQ(svg_intrinsic_size("72pt", "1in", ""), std::make_pair(96.0, 96.0));
  EXPECT_EQ(svg_intrinsic_size(" 2ex\n", "", "0 0 10 5"), std::make_pair(16.0, 8.0));
  EXPECT_EQ(svg_intrinsic_size("", "40", "0,0,10,5"), std::make_pair(80.0, 40.0));
  EXPECT_EQ(svg_intrinsic_size("100%", "", "0 0 10 -5"), std::make_pair(300.0, 150.0));
}

struct Expect {
  const char* file;
  ColorSpace space;
  bool alpha;
  uint8_t left[4];   // first pixel
  uint8_t right[4];  // last pixel of the first row
};

TEST_F(CatalogTest, EveryFormatDecodesToItsColours) {
  const Expect cases[] = {
      {"rgb.png", ColorSpace::Rgb, false, {255, 0, 0}, {0, 0, 255}},
      {"alpha.png", ColorSpace::Rgb, true, {255, 0, 0}, {0, 0, 255}},
      {"palette.png", ColorSpace::Rgb, false, {255, 0, 0}, {0, 0, 255}},
      {"deep.png", ColorSpace::Rgb, false, {255, 0, 0}, {0, 0, 255}},
      {"grey.png", ColorSpace::Gray, false, {0}, {255}},
      {"grey.jpg", ColorSpace::Gray, false, {0}, {255}},
      {"photo.jpg", ColorSpace::Rgb, false, {254, 0, 0}, {0, 0, 254}},
      {"cmyk.jpg", ColorSpace::Cmyk, false, {255, 0, 0, 0}, {0, 255, 0, 0}},
      {"lossy.webp", ColorSpace::Rgb, false, {255, 0, 0}, {0, 0, 255}},
      {"alpha.webp", ColorSpace::Rgb, true, {255, 0, 0}, {0, 0, 255}},
      {"anim.gif", ColorSpace::Rgb, false, {255, 0, 0}, {0, 0, 255}},
  };
  for (const Expect& x : cases) {
    SCOPED_TRACE(x.file);
    Catalog c(CatalogOptions{.boundary = images_});
    Entry e = c.resolve(x.file, (images_ / "doc.md").string());
    ASSERT_TRUE(e.ok()) << describe(e, x.file, c.limits());
    std::optional<Raster> r = c.take_raster(e.key);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->width, 40);
    EXPECT_EQ(r->height, 30);
    EXPECT_EQ(r->space, x.space);
    EXPECT_EQ(!r->alpha.empty(), x.alpha);
    const int n = components(r->space);
    ASSERT_EQ(r->pixels.size(), size_t{40} * 30 * static_cast<size_t>(n));
    for (int k = 0; k < n; ++k) {
      EXPECT_NEAR(r->pixels[static_cast<size_t>(k)], x.left[k], 6) << "left, component " << k;
      // A transparent pixel's colour is free (lossless WebP zeroes it).
      if (!x.alpha) {
        EXPECT_NEAR(r->pixels[static_cast<size_t>(39 * n + k)], x.right[k], 6)
            << "right, component " << k;
      }
    }
    if (x.alpha) {
      EXPECT_EQ(r->alpha[0], 255);
      EXPECT_EQ(r->alpha[39], 0);
    }
  }
}

// Which PNGs the PDF takes with their own compression: 8-bit grey and RGB,
// not interlaced, opaque, with no colour information the decoder applies;
// their IDAT chunks joined.
TEST_F(CatalogTest, PngStreamOnlyForPixelsTheDecoderWouldGiveUnchanged) {
  auto stream = [&](const char* file) {
    std::ifstream in(images_ / file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return png_stream(bytes);
  };
  for (const auto& [file, colors] : {std::pair{"rgb.png", 3}, {"grey.png", 1}, {"srgb.png", 3}}) {
    SCOPED_TRACE(file);
    std::optional<PngStream> s = stream(file);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->width, 40);
    EXPECT_EQ(s->height, 30);
    EXPECT_EQ(s->colors, colors);
    ASSERT_GE(s->idat.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(s->idat[0]) & 0x0F, 8) << "a zlib stream (deflate)";
  }
  // (srgb.png's stream is cut into three IDAT chunks: the pipeline test
  // reads its pixels back from the PDF.)
  const char* decoded[] = {"alpha.png",     "palette.png", "deep.png",       "linear.png",
                           "icc.png",       "trns.png",    "interlaced.png", "split.png",
                           "truncated.png", "lie.png",     "text.png",       "zero.png"};
  for (const char* file : decoded) EXPECT_FALSE(stream(file)) << file;
  auto passes = [&](const char* file) {
    std::ifstream in(images_ / file, std::ios::binary);
    return png_passes_through(
        std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
  };
  for (const char* file : {"rgb.png", "grey.png", "srgb.png"}) EXPECT_TRUE(passes(file)) << file;
  for (const char* file : decoded) EXPECT_FALSE(passes(file)) << file;

  // Hostile bytes: every cut of the file and every byte of its chunk headers
  // changed are read within the bytes (ASan), never claimed as a longer stream.
  std::ifstream in(images_ / "srgb.png", std::ios::binary);
  const std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (size_t n = 0; n < good.size(); ++n) {
    std::optional<PngStream> s = png_stream(std::string_view(good).substr(0, n));
    EXPECT_FALSE(s) << "cut at " << n;  // no IEND
  }
  for (size_t i = 8; i < 160 && i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0xA5);
    if (std::optional<PngStream> s = png_stream(bad)) {
      EXPECT_LT(s->idat.size(), bad.size()) << i;
    }
  }

  Catalog c(CatalogOptions{.boundary = images_});
  const std::string doc = (images_ / "doc.md").string();
  EXPECT_TRUE(c.resolve("srgb.png", doc).png_passthrough);
  EXPECT_FALSE(c.resolve("linear.png", doc).png_passthrough);
  const Entry split = c.resolve("split.png", doc);  // damaged: decoded, and refused
  EXPECT_FALSE(split.ok());
  EXPECT_FALSE(split.png_passthrough);
}

TEST_F(CatalogTest, HostileFilesAreRefusedFromTheirHeaders) {
  struct Case {
    const char* file;
    Problem problem;
  };
  const Case cases[] = {
      {"huge.png", Problem::TooManyPixels}, {"huge.jpg", Problem::TooManyPixels},
      {"huge.gif", Problem::TooManyPixels}, {"truncated.png", Problem::Damaged},
      {"truncated.jpg", Problem::Damaged},  {"zero.png", Problem::Empty},
      {"text.png", Problem::NotImage},      {"bomb.png", Problem::Damaged},
  };
  for (const Case& x : cases) {
    SCOPED_TRACE(x.file);
    Catalog c(CatalogOptions{.boundary = images_});
    doc::Diagnostics d;
    Entry e = c.use(x.file, (images_ / "doc.md").string(), {2, 1}, d);
    EXPECT_EQ(e.problem, x.problem) << describe(e, x.file, c.limits());
    ASSERT_EQ(d.items.size(), 1u);
    EXPECT_EQ(d.items[0].message.find('/'), std::string::npos) << d.items[0].message;
    EXPECT_FALSE(c.take_raster(e.key));
  }
  Catalog c(CatalogOptions{.boundary = images_});
  Entry e = c.resolve("huge.png", (images_ / "doc.md").string());
  EXPECT_EQ(e.width, 100000);
  EXPECT_NE(describe(e, "huge.png", c.limits())
                .find("100000×100000 pixels, over the limit of 100 megapixels"),
            std::string::npos);
  // The limit is adjustable.
  Catalog small(CatalogOptions{.limits = {.max_pixels = 1000}, .boundary = images_});
  EXPECT_EQ(small.resolve("rgb.png", (images_ / "doc.md").string()).problem,
            Problem::TooManyPixels);
}

// A chunk that claims more bytes than the file has left is found before
// libpng, which would allocate what it claims (fuzz_image: 2 GB for 99 bytes).
TEST_F(CatalogTest, APngChunkClaimingMoreThanTheFileIsRefusedBeforeLibpng) {
  auto bytes = [&](const char* file) {
    std::ifstream in(images_ / file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  const std::string bomb = bytes("bomb.png");
  ASSERT_EQ(bomb.size(), 99u);
  EXPECT_NE(png_chunk_problem(bomb).find("claims 2052348020 bytes"), std::string::npos)
      << png_chunk_problem(bomb);
  EXPECT_EQ(decode(bomb, 1'000'000).problem, png_chunk_problem(bomb));
  EXPECT_NE(png_chunk_problem(bytes("truncated.png")), "") << "cut inside a chunk";
  for (const char* whole : {"rgb.png", "alpha.png", "srgb.png", "split.png"})
    EXPECT_EQ(png_chunk_problem(bytes(whole)), "") << whole;
  EXPECT_EQ(png_chunk_problem(bytes("photo.jpg")), "") << "not PNG: for its own decoder";
}

// Each hostile file is checked in a child process; the largest resident set
// of those children stays far below 200 MB.
TEST_F(CatalogTest, HostileFilesCostLittleMemory) {
  for (const char* file : {"huge.png", "huge.jpg", "huge.gif", "truncated.png", "truncated.jpg",
                           "zero.png", "text.png", "bomb.png"}) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      Catalog c(CatalogOptions{.boundary = images_});
      Entry e = c.resolve(file, (images_ / "doc.md").string());
      (void)c.take_raster(e.key);
      ::_exit(e.ok() ? 1 : 0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << file;
  }
  rusage usage{};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  const long peak_mb = usage.ru_maxrss / 1024;
  std::printf("peak resident memory over the hostile images: %ld MB\n", peak_mb);
  EXPECT_LT(peak_mb, 200);
}

TEST(PercentDecode, DecodesOnlyWellFormedEscapes) {
  EXPECT_EQ(percent_decode("my%20pic.png"), "my pic.png");
  EXPECT_EQ(percent_decode("%E5%9B%BE.png"), "图.png");
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%2"), "%2");
  EXPECT_EQ(percent_decode("a%zzb"), "a%zzb");
}

}  // namespace
}  // namespace moyin::image
