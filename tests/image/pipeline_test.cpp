// Whole pipeline: a manuscript with every image kind through `moyin build`,
// checked with poppler (pdfimages, pdftoppm), epubcheck, and a golden page
// dump of a figure page.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "image/test_images.h"

namespace moyin {
namespace {
namespace fs = std::filesystem;

struct Ran {
  int status = -1;
  std::string out;
};

Ran run(const std::string& cmd) {
  Ran r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const char* kManuscript = R"(---
title: Images
lang: en
---
# Formats

![WebP picture](img/lossy.webp)

![GIF picture](img/anim.gif "The first frame of a GIF")

![Deep PNG](img/deep.png)

![Palette PNG](img/palette.png)

![Alpha PNG](img/alpha.png)

![Grey JPEG](img/grey.jpg)

![CMYK JPEG](img/cmyk.jpg)

<img src="img/rgb.png" width="120" alt="HTML image">

![Sixty percent](img/photo.jpg){width=60%}

![Percent path](img/my%20pic.png){width=3cm}

<figure>
  <img src="img/alpha.webp" alt="alpha webp">
  <figcaption>A figure with a caption</figcaption>
</figure>

![Huge](img/huge.png)

![Truncated](img/truncated.png)

![Zero](img/zero.png)

![Text](img/text.png)

![Remote](https://example.com/x.png)

![Outside](../secret.png)

![Broken SVG](img/broken.svg)
)";

class ImagePipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path images = test::test_images();
    ASSERT_FALSE(images.empty()) << "tests/image/make_images.py failed (python3-pil missing?)";
    dir_ = fs::temp_directory_path() / ("moyin-image-pipeline-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "doc/img");
    for (const auto& e : fs::directory_iterator(images))
      fs::copy_file(e.path(), dir_ / "doc/img" / e.path().filename());
    fs::copy_file(images / "rgb.png", dir_ / "doc/img/my pic.png");
    fs::copy_file(images / "rgb.png", dir_ / "secret.png");
    std::ofstream(dir_ / "doc/doc.md") << kManuscript;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs moyin in dir_/doc and returns its stderr.
  Ran moyin(const std::string& args) {
    return run("cd '" + (dir_ / "doc").string() + "' && " MOYIN_BINARY " " + args + " 2>&1");
  }

  fs::path dir_;
};

// The same located warnings, once each, whichever output is asked for.
TEST_F(ImagePipeline, SameWarningsForPdfAndEpub) {
  Ran pdf = moyin("build doc.md -o out --to pdf");
  Ran epub = moyin("build doc.md -o out --to epub");
  Ran both = moyin("build doc.md -o out");
  EXPECT_EQ(pdf.status, 0) << pdf.out;
  EXPECT_EQ(pdf.out, epub.out);
  EXPECT_EQ(pdf.out, both.out);
  const char* expected[] = {
      "doc.md:32:1: warning: image img/huge.png is 100000×100000 pixels, over the limit of 100 megapixels",
      "doc.md:34:1: warning: image img/truncated.png is a damaged PNG file",
      "doc.md:36:1: warning: image img/zero.png has no pixels (0×0); alt text used",
      "doc.md:38:1: warning: image img/text.png is not a PNG, JPEG, GIF, WebP or SVG file; alt text used",
      "doc.md:40:1: warning: remote image https://example.com/x.png is not downloaded (--fetch downloads it); alt text used",
      "doc.md:42:1: warning: image ../secret.png is outside the document's folder; alt text used",
      "doc.md:44:1: warning: image img/broken.svg is a damaged SVG file (",
  };
  for (const char* w : expected) {
    size_t at = pdf.out.find(w);
    EXPECT_NE(at, std::string::npos) << w << "\n" << pdf.out;
    EXPECT_EQ(pdf.out.find(w, at + 1), std::string::npos) << "twice: " << w;
  }
  int lines = 0;
  for (char c : pdf.out) lines += c == '\n';
  EXPECT_EQ(lines, 7) << pdf.out;
  EXPECT_EQ(pdf.out.find(dir_.string()), std::string::npos) << "absolute path in " << pdf.out;
}

// An SVG's embedded pictures share image.max-megapixels: over it, the SVG is
// refused with that limit named (not called damaged), in both outputs; under
// it (the default), the picture is an image of the PDF's vector drawing.
TEST_F(ImagePipeline, SvgPicturesFollowTheImageLimit) {
  std::ofstream(dir_ / "doc/big.md")
      << "---\ntitle: Big\nlang: en\n---\n\n![Pictures](img/pictures.svg)\n";
  const std::string limited = " -o small --set image.max-megapixels=1";
  Ran pdf = moyin("build big.md --to pdf" + limited);
  Ran epub = moyin("build big.md --to epub" + limited);
  EXPECT_EQ(pdf.status, 0) << pdf.out;
  EXPECT_EQ(pdf.out, epub.out);
  const std::string expected =
      "big.md:6:1: warning: image img/pictures.svg: its <image> pictures have more than 1 "
      "megapixels together at line 2, column ";
  EXPECT_NE(pdf.out.find(expected), std::string::npos) << pdf.out;
  EXPECT_NE(pdf.out.find(", over the limit (image.max-megapixels); alt text used"),
            std::string::npos)
      << pdf.out;
  EXPECT_EQ(pdf.out.find("damaged"), std::string::npos) << pdf.out;

  Ran full = moyin("build big.md --to pdf -o full");
  EXPECT_EQ(full.status, 0);
  EXPECT_EQ(full.out, "") << full.out;
  Ran list = run("pdfimages -list '" + (dir_ / "doc/full/big.pdf").string() + "'");
  ASSERT_EQ(list.status, 0);
  EXPECT_NE(list.out.find(" 1200  1000 "), std::string::npos) << list.out;
}

TEST_F(ImagePipeline, PdfShowsEveryImage) {
  ASSERT_EQ(moyin("build doc.md -o out --to pdf -q").status, 0);
  Ran list = run("pdfimages -list '" + (dir_ / "doc/out/doc.pdf").string() + "'");
  ASSERT_EQ(list.status, 0);
  // Per line: type and colour space, in page order.
  std::vector<std::string> got;
  std::istringstream in(list.out);
  std::string line;
  for (int i = 0; std::getline(in, line); ++i) {
    if (i < 2 || line.empty()) continue;
    std::istringstream f(line);
    std::string page, num, type, w, h, color, comp, bpc, enc;
    f >> page >> num >> type >> w >> h >> color >> comp >> bpc >> enc;
    got.push_back(type + " " + color + " " + enc + " " + w + "x" + h);
  }
  const std::vector<std::string> want = {
      "image rgb image 40x30",   // WebP
      "image rgb image 40x30",   // GIF, first frame
      "image rgb image 40x30",   // 16-bit PNG
      "image rgb image 40x30",   // palette PNG
      "image rgb image 40x30",   // alpha PNG …
      "smask gray image 40x30",  // … and its alpha
      "image gray jpeg 40x30",   // grey JPEG, embedded as it is
      "image cmyk image 40x30",  // CMYK JPEG, decoded
      "image rgb image 40x30",   // <img width>
      "image rgb jpeg 40x30",    // {width=60%}
      "image rgb image 40x30",   // my%20pic.png
      "image rgb image 40x30",   // <figure> WebP with alpha …
      "smask gray image 40x30",
  };
  EXPECT_EQ(got, want) << list.out;
  Ran check = run("qpdf --check '" + (dir_ / "doc/out/doc.pdf").string() + "' 2>&1");
  EXPECT_EQ(check.status, 0) << check.out;
}

// Reads a binary PPM (P6) written by pdftoppm.
struct Pixmap {
  int w = 0, h = 0;
  std::string rgb;
  const unsigned char* at(int x, int y) const {
    return reinterpret_cast<const unsigned char*>(rgb.data()) +
           (static_cast<size_t>(y) * w + x) * 3;
  }
};
Pixmap read_ppm(const fs::path& p) {
  Pixmap m;
  std::string s = slurp(p);
  std::istringstream in(s);
  std::string magic;
  int maxval = 0;
  in >> magic >> m.w >> m.h >> maxval;
  in.get();
  m.rgb = s.substr(static_cast<size_t>(in.tellg()));
  return m;
}

// Cyan ink on the left, magenta on the right: the CMYK JPEG is not inverted.
TEST_F(ImagePipeline, CmykJpegPrintsItsInks) {
  std::ofstream(dir_ / "doc/cmyk.md") << "![](img/cmyk.jpg){width=100%}\n";
  ASSERT_EQ(moyin("build cmyk.md -o out --to pdf -q").status, 0);
  // Page 1 is the title page: the figure is on page 2.
  ASSERT_EQ(run("pdftoppm -r 30 -f 2 -l 2 -singlefile '" + (dir_ / "doc/out/cmyk.pdf").string() +
                "' '" + (dir_ / "page").string() + "'")
                .status,
            0);
  Pixmap m = read_ppm(dir_ / "page.ppm");
  ASSERT_GT(m.w, 0);
  // The first row with colour: its first and last coloured pixels.
  for (int y = 0; y < m.h; ++y) {
    int first = -1, last = -1;
    for (int x = 0; x < m.w; ++x) {
      const unsigned char* p = m.at(x, y);
      const int hi = std::max({p[0], p[1], p[2]}), lo = std::min({p[0], p[1], p[2]});
      if (hi - lo > 100) {  // coloured, not the grey rules of the running head
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0 || last - first < m.w / 2) continue;
    const unsigned char* cyan = m.at(first + 2, y + 2);
    const unsigned char* magenta = m.at(last - 2, y + 2);
    EXPECT_LT(cyan[0], 100) << "cyan has no red";
    EXPECT_GT(cyan[1], 120) << "cyan has green";
    EXPECT_GT(cyan[2], 180) << "cyan has blue";
    EXPECT_GT(magenta[0], 180) << "magenta has red";
    EXPECT_LT(magenta[1], 100) << "magenta has no green";
    EXPECT_GT(magenta[2], 100) << "magenta has blue";
    return;
  }
  FAIL() << "no image found on the page";
}

// An 8-bit RGB PNG keeps its own compression in the PDF (Flate with the PNG
// predictors: its pixels not decoded and compressed again) and gives the
// same pixels; one whose gamma the decoder applies is decoded as before.
TEST_F(ImagePipeline, PngPixelsKeepTheirOwnCompression) {
  std::ofstream(dir_ / "doc/png.md") << "![](img/srgb.png)\n\n![](img/linear.png)\n";
  ASSERT_EQ(moyin("build png.md -o out --to pdf -q").status, 0);
  const fs::path pdf = dir_ / "doc/out/png.pdf";
  const std::string objects =
      run("qpdf --qdf --object-streams=disable --decode-level=none '" + pdf.string() + "' -").out;
  size_t predictors = 0;
  for (size_t at = objects.find("/Predictor 15"); at != std::string::npos;
       at = objects.find("/Predictor 15", at + 1))
    ++predictors;
  EXPECT_EQ(predictors, 1u) << "srgb.png alone keeps its compression";
  EXPECT_EQ(run("qpdf --check '" + pdf.string() + "' >/dev/null 2>&1").status, 0);
  ASSERT_EQ(run("pdfimages '" + pdf.string() + "' '" + (dir_ / "px").string() + "'").status, 0);
  const Pixmap kept = read_ppm(dir_ / "px-000.ppm");
  const Pixmap decoded = read_ppm(dir_ / "px-001.ppm");
  ASSERT_EQ(kept.w, 40);
  ASSERT_EQ(kept.h, 30);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(kept.at(0, 29)), 3),
            std::string("\xff\0\0", 3));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(kept.at(39, 0)), 3),
            std::string("\0\0\xff", 3));
  EXPECT_EQ(kept.rgb, decoded.rgb);
}

TEST_F(ImagePipeline, BookChapterInASubfolderReachesTheBookImages) {
  fs::create_directories(dir_ / "book/part");
  fs::create_directories(dir_ / "book/images");
  fs::copy_file(dir_ / "doc/img/rgb.png", dir_ / "book/images/x.png");
  fs::copy_file(dir_ / "doc/img/rgb.png", dir_ / "book/part/my pic.png");
  std::ofstream(dir_ / "book/book.yaml") << "title: B\nchapters:\n  - part/ch.md\n";
  std::ofstream(dir_ / "book/part/ch.md")
      << "# One\n\n![up](../images/x.png)\n\n![space](my%20pic.png)\n";
  Ran r =
      run("cd '" + (dir_ / "book").string() + "' && " MOYIN_BINARY " build book.yaml -o out 2>&1");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, "") << "no warning expected";
  Ran list =
      run("pdfimages -list '" + (dir_ / "book/out/book.pdf").string() + "' | tail -n +3 | wc -l");
  EXPECT_EQ(list.out, "2\n");
  Ran zip =
      run("unzip -l '" + (dir_ / "book/out/book.epub").string() + "' | grep -c 'EPUB/images/'");
  EXPECT_EQ(zip.out, "2\n");
}

TEST_F(ImagePipeline, EpubPassesEpubcheck) {
  ASSERT_EQ(moyin("build doc.md -o out --to epub -q").status, 0);
  Ran r = run("java -jar /usr/bin/epubcheck '" + (dir_ / "doc/out/doc.epub").string() + "' 2>&1");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("No errors or warnings detected"), std::string::npos) << r.out;
  Ran files = run("unzip -l '" + (dir_ / "doc/out/doc.epub").string() + "'");
  EXPECT_NE(files.out.find("EPUB/images/lossy.webp.svg"), std::string::npos) << "WebP fallback";
  EXPECT_EQ(files.out.find("truncated"), std::string::npos) << "damaged files are not packed";
  Ran xhtml = run("unzip -p '" + (dir_ / "doc/out/doc.epub").string() + "' EPUB/chapter-001.xhtml");
  EXPECT_NE(xhtml.out.find("style=\"width: 60%;\""), std::string::npos) << xhtml.out;
  EXPECT_NE(xhtml.out.find("<figcaption>A figure with a caption</figcaption>"), std::string::npos);
}

// The manuscript a technical writer sends: a vector diagram with Chinese
// labels, every raster format, an HTML <img width>, and code in five
// languages, through both outputs.
const char* kCombined = R"(---
title: 图与代码
lang: zh-CN
---
# 图

![流程图](img/flow.svg "排版流程")

三张小图排成一行：![WebP](img/lossy.webp) ![GIF](img/anim.gif) ![16 位 PNG](img/deep.png)。

![CMYK JPEG](img/cmyk.jpg)

<img src="img/rgb.png" width="120" alt="HTML 图片">

# 代码

```python
def greet(name):
    return name
```

```javascript
function greet(name) { return name; }
```

```bash
if true; then echo "$HOME"; fi
```

```rust
fn greet(name: &str) -> &str { name }
```

```json
{"name": true}
```
)";

// The colour of the first text run of `dump` whose text is exactly `text` ("" when none).
std::string run_colour(const std::string& dump, const std::string& text) {
  std::istringstream in(dump);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("  text ") || !line.ends_with(" \"" + text + "\"")) continue;
    const size_t hash = line.find(" #");
    if (hash != std::string::npos) return line.substr(hash + 1, 7);
  }
  return "";
}

TEST_F(ImagePipeline, CombinedManuscriptInBothOutputs) {
  fs::copy_file(fs::path(MOYIN_SOURCE_DIR) / "tests/fixtures/svg/diagram.svg",
                dir_ / "doc/img/flow.svg");
  std::ofstream(dir_ / "doc/combined.md") << kCombined;
  Ran built = moyin("build combined.md -o out");
  ASSERT_EQ(built.status, 0) << built.out;
  EXPECT_EQ(built.out, "") << "no warning expected";
  const std::string pdf = (dir_ / "doc/out/combined.pdf").string();
  // Five rasters (WebP, GIF, 16-bit PNG, CMYK JPEG, <img>): the SVG is drawn as vectors.
  Ran list = run("pdfimages -list '" + pdf + "' | tail -n +3 | wc -l");
  EXPECT_EQ(list.out, "5\n");
  Ran text = run("pdftotext -enc UTF-8 '" + pdf + "' -");
  EXPECT_NE(text.out.find("输入文稿"), std::string::npos) << "the SVG's Chinese label";
  // Keywords are drawn in another colour than the names around them.
  Ran dump = moyin("dump --stage pages combined.md");
  ASSERT_EQ(dump.status, 0) << dump.out;
  const fs::path golden = fs::path(MOYIN_SOURCE_DIR) / "tests/image/golden/combined.pages.txt";
  if (std::getenv("MOYIN_UPDATE_GOLDEN")) {
    std::ofstream(golden, std::ios::binary) << dump.out;
  } else {
    EXPECT_EQ(dump.out, slurp(golden)) << "run with MOYIN_UPDATE_GOLDEN=1 and check the diff";
  }
  // The three small pictures share one line of text.
  std::set<std::string> rows;
  std::istringstream in(dump.out);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("  image ") &&
        (line.ends_with("\"lossy.webp\"") || line.ends_with("\"anim.gif\"") ||
         line.ends_with("\"deep.png\"")))
      rows.insert(
          line.substr(line.find(',') + 1, line.find(' ', line.find(',')) - line.find(',') - 1));
  EXPECT_EQ(rows.size(), 1u) << dump.out;
  const std::string plain = run_colour(dump.out, "(name):");
  ASSERT_FALSE(plain.empty()) << dump.out;
  for (const char* keyword : {"def", "function", "if", "fn"}) {
    const std::string colour = run_colour(dump.out, keyword);
    EXPECT_FALSE(colour.empty()) << keyword << " is not a run of its own";
    EXPECT_NE(colour, plain) << keyword;
  }
  Ran check =
      run("java -jar /usr/bin/epubcheck '" + (dir_ / "doc/out/combined.epub").string() + "' 2>&1");
  EXPECT_NE(check.out.find("No errors or warnings detected"), std::string::npos) << check.out;
  Ran files = run("unzip -l '" + (dir_ / "doc/out/combined.epub").string() + "'");
  EXPECT_NE(files.out.find("EPUB/images/flow.svg"), std::string::npos) << files.out;
}

// A broken SVG is alt text in both outputs: never packed into the EPUB.
TEST_F(ImagePipeline, BrokenSvgIsNotPacked) {
  ASSERT_EQ(moyin("build doc.md -o out --to epub -q").status, 0);
  Ran files = run("unzip -l '" + (dir_ / "doc/out/doc.epub").string() + "'");
  EXPECT_EQ(files.out.find("broken"), std::string::npos) << files.out;
}

// The page a figure lands on, as `moyin dump --stage pages` prints it.
TEST_F(ImagePipeline, FigurePageGolden) {
  std::ofstream(dir_ / "doc/figure.md")
      << "---\ntitle: Figure\nlang: en\n---\n# Figures\n\nA paragraph before.\n\n"
         "![A chart](img/photo.jpg \"Chart title\"){width=50%}\n\n"
         "<figure><img src=\"img/rgb.png\" width=\"200\"><figcaption>Caption from HTML</figcaption></figure>\n\n"
         "![Placeholder](img/huge.png)\n\nA paragraph after.\n";
  Ran r = moyin("dump --stage pages figure.md");
  ASSERT_EQ(r.status, 0) << r.out;
  const fs::path golden = fs::path(MOYIN_SOURCE_DIR) / "tests/image/golden/figure.pages.txt";
  if (std::getenv("MOYIN_UPDATE_GOLDEN")) {
    fs::create_directories(golden.parent_path());
    std::ofstream(golden, std::ios::binary) << r.out;
    GTEST_SKIP() << "wrote " << golden;
  }
  ASSERT_TRUE(fs::exists(golden)) << "run with MOYIN_UPDATE_GOLDEN=1";
  EXPECT_EQ(r.out, slurp(golden));
}

}  // namespace
}  // namespace moyin
