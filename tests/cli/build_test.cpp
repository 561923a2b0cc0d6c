// `moyin build`: planning (file, folder, book.yaml), outputs and -o, exit
// codes, atomic writes, and byte-identical EPUBs under different time zones.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "epub/epub.h"
#include "test_util.h"

namespace fs = std::filesystem;

namespace {

using moyin::testing::quote;
using moyin::testing::read_file;
using moyin::testing::write_file;
using Result = moyin::testing::Run;

Result moyin(const std::string& args, const std::string& env = "") {
  Result r;
  std::string cmd =
      env + (env.empty() ? "" : " ") + quote(MOYIN_BINARY) + " build " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class BuildCli : public ::testing::Test {
 protected:
  void SetUp() override { dir = moyin::testing::test_folder("build"); }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
};

int count_temp_files(const fs::path& d) {
  int n = 0;
  for (auto& e : fs::recursive_directory_iterator(d))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) ++n;
  return n;
}

TEST_F(BuildCli, UsageErrorsExitTwo) {
  EXPECT_EQ(moyin("").code, 2);
  EXPECT_EQ(moyin("x.md --to docx").code, 2);
  EXPECT_EQ(moyin("x.md -j 0").code, 2);
}

TEST_F(BuildCli, MissingInputExitsOne) {
  Result r = moyin(quote((dir / "nope.md").string()) + " --to epub");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("nope.md: error: no such file or folder"), std::string::npos) << r.output;
}

TEST_F(BuildCli, SingleFileWritesEpubBesideTheInput) {
  write_file(dir / "post.md", "---\ntitle: Post\ndate: 2025-01-01\n---\n# Hi\n\nText.\n");
  Result r = moyin(quote((dir / "post.md").string()) + " --to epub");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "post.epub"));
  EXPECT_EQ(read_file(dir / "post.epub").substr(30, 8), "mimetype");
  EXPECT_EQ(count_temp_files(dir), 0);
}

TEST_F(BuildCli, BothFormatsGoIntoAFolderThatDoesNotExistYet) {
  write_file(dir / "post.md", "# 标题\n\n正文。\n");
  for (const char* to : {"pdf", "epub", "all"}) {
    fs::path out = dir / "new" / to / "deeper";
    Result r =
        moyin(quote((dir / "post.md").string()) + " --to " + to + " -o " + quote(out.string()));
    EXPECT_EQ(r.code, 0) << to << ": " << r.output;
    EXPECT_EQ(fs::exists(out / "post.pdf"), std::string(to) != "epub") << to;
    EXPECT_EQ(fs::exists(out / "post.epub"), std::string(to) != "pdf") << to;
  }
}

TEST_F(BuildCli, FolderKeepsRelativePathsAndReportsFailuresInOrder) {
  write_file(dir / "in/a.md", "# A\n");
  write_file(dir / "in/sub/b.md", "# B\n\n![missing](nope.png)\n");
  write_file(dir / "in/sub/deeper/c.md", "# C\n");
  write_file(dir / "in/sub/bin.md", std::string(64, '\0') + "binary");
  write_file(dir / "in/.hidden/d.md", "# hidden\n");
  write_file(dir / "in/notes.txt", "not markdown");
  Result r =
      moyin(quote((dir / "in").string()) + " --to epub -j 3 -o " + quote((dir / "out").string()));
  EXPECT_EQ(r.code, 1) << r.output;  // bin.md failed
  EXPECT_TRUE(fs::exists(dir / "out/a.epub"));
  EXPECT_TRUE(fs::exists(dir / "out/sub/b.epub"));
  EXPECT_TRUE(fs::exists(dir / "out/sub/deeper/c.epub"));
  EXPECT_FALSE(fs::exists(dir / "out/sub/bin.epub"));
  EXPECT_FALSE(fs::exists(dir / "out/.hidden"));
  EXPECT_FALSE(fs::exists(dir / "out/notes.epub"));
  size_t b_warning = r.output.find("b.md:3:1: warning");
  size_t bin_error = r.output.find("bin.md: error: binary file");
  EXPECT_NE(b_warning, std::string::npos) << r.output;
  EXPECT_NE(bin_error, std::string::npos) << r.output;
  EXPECT_LT(b_warning, bin_error);  // file order (sub/b.md before sub/bin.md)
  EXPECT_NE(r.output.find("3 of 4 inputs converted, 1 failed"), std::string::npos) << r.output;
  EXPECT_EQ(count_temp_files(dir), 0);
}

TEST_F(BuildCli, FailedWriteLeavesNoTemporaryFileAndKeepsOtherOutputs) {
  write_file(dir / "a.md", "# A\n");
  write_file(dir / "b.md", "# B\n");
  fs::create_directories(dir / "out/b.epub");  // a folder where the output should go
  write_file(dir / "out/b.epub/keep", "old");
  Result r = moyin(quote((dir / "a.md").string()) + " " + quote((dir / "b.md").string()) +
                   " --to epub -o " + quote((dir / "out").string()));
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_TRUE(fs::exists(dir / "out/a.epub"));
  EXPECT_EQ(read_file(dir / "out/b.epub/keep"), "old");
  EXPECT_EQ(count_temp_files(dir), 0);
}

TEST_F(BuildCli, BrokenInputNeverReplacesAnEarlierGoodOutput) {
  write_file(dir / "post.md", "# Good\n");
  ASSERT_EQ(moyin(quote((dir / "post.md").string()) + " --to epub").code, 0);
  std::string good = read_file(dir / "post.epub");
  write_file(dir / "post.md", std::string(64, '\0'));
  EXPECT_EQ(moyin(quote((dir / "post.md").string()) + " --to epub").code, 1);
  EXPECT_EQ(read_file(dir / "post.epub"), good);
}

TEST_F(BuildCli, BookYamlMakesOneEpub) {
  std::string book = std::string(MOYIN_SOURCE_DIR) + "/tests/fixtures/epub/book/book.yaml";
  Result r = moyin(quote(book) + " --to epub -o " + quote(dir.string()));
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "book.epub"));
  write_file(dir / "bad.yaml", "title: no chapters\n");
  r = moyin(quote((dir / "bad.yaml").string()) + " --to epub");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("chapters"), std::string::npos) << r.output;
}

TEST_F(BuildCli, ByteIdenticalAcrossTimeZones) {
  std::string seed = std::string(MOYIN_TEST_DATA_DIR) + "/corpus/llm-survey-2025.md";
  std::string feature = std::string(MOYIN_SOURCE_DIR) + "/tests/fixtures/epub/feature.md";
  std::string nodate = (dir / "nodate.md").string();
  write_file(nodate, "# No date\n\nText.\n");
  for (const std::string& tz : {std::string("UTC"), std::string("Asia/Shanghai")}) {
    fs::path out = dir / tz;
    Result r = moyin(quote(seed) + " " + quote(feature) + " " + quote(nodate) + " --to epub -o " +
                         quote(out.string()),
                     "TZ=" + tz + " SOURCE_DATE_EPOCH=1700000000");
    EXPECT_EQ(r.code, 0) << r.output;
  }
  for (const char* name : {"llm-survey-2025.epub", "feature.epub", "nodate.epub"}) {
    std::string a = read_file(dir / "UTC" / name), b = read_file(dir / "Asia/Shanghai" / name);
    EXPECT_FALSE(a.empty()) << name;
    EXPECT_EQ(a, b) << name;
  }
}

TEST_F(BuildCli, EmbedFontsSubsetsFacesIntoThePackage) {
  std::string md = std::string(MOYIN_SOURCE_DIR) + "/content/zh-article.md";
  Result r = moyin(quote(md) + " --to epub --set epub.embed-fonts=true -o " + quote(dir.string()));
  ASSERT_EQ(r.code, 0) << r.output;
  auto entries = moyin::epub::read_archive(read_file(dir / "zh-article.epub"));
  ASSERT_TRUE(entries.has_value());
  int fonts = 0;
  std::string css;
  for (auto& e : *entries) {
    if (e.name.rfind("EPUB/fonts/", 0) == 0) {
      ++fonts;
      EXPECT_LT(e.data.size(), 1u << 20) << e.name << " is not subset";
    }
    if (e.name == "EPUB/style.css") css = e.data;
  }
  EXPECT_GT(fonts, 0);
  EXPECT_NE(css.find("@font-face"), std::string::npos);
  // The Song/Hei faces are CFF: subset as OpenType-CFF, declared as font/otf,
  // under the family names the CSS stacks (and the PDF) use.
  EXPECT_NE(css.find("src: url(fonts/font-001.otf)"), std::string::npos) << css;
  EXPECT_NE(css.find("font-family: \"Noto Serif CJK SC\""), std::string::npos) << css;
  EXPECT_NE(css.find("font-family: \"Noto Sans CJK SC\""), std::string::npos) << css;
  std::string opf;
  for (auto& e : *entries)
    if (e.name.ends_with(".opf")) opf = e.data;
  EXPECT_NE(opf.find("fonts/font-001.otf\" media-type=\"font/otf\""), std::string::npos) << opf;
  for (auto& e : *entries) {
    if (e.name.ends_with(".otf")) {
      EXPECT_EQ(e.data.substr(0, 4), "OTTO") << e.name;
    }
  }
  // epubcheck with these CFF subsets inside: tests/epub/epubcheck_test.cpp.
}

// A font file the front matter names: its family heads the body's CSS stack,
// and the file and its bold face (found by fontconfig) are embedded.
TEST_F(BuildCli, NamedFontFileReachesTheEpubWithItsBold) {
  write_file(
      dir / "doc.md",
      "---\ntitle: Font\nlang: en\nfonts:\n  body: /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf\n"
      "---\n\nPlain and **bold** text.\n");
  Result r = moyin(quote((dir / "doc.md").string()) + " --set epub.embed-fonts=true -o " +
                   quote(dir.string()));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.find("warning"), std::string::npos) << r.output;
  auto entries = moyin::epub::read_archive(read_file(dir / "doc.epub"));
  ASSERT_TRUE(entries.has_value());
  std::string css;
  for (auto& e : *entries)
    if (e.name == "EPUB/style.css") css = e.data;
  EXPECT_NE(css.find("font-family: \"DejaVu Serif\", \"Noto Serif CJK SC\""), std::string::npos)
      << css;
  EXPECT_EQ(css.find("DejaVuSerif.ttf"), std::string::npos) << css;
  // @font-face for the regular and the bold of the named family.
  size_t faces = 0;
  for (size_t at = css.find("font-family: \"DejaVu Serif\";"); at != std::string::npos;
       at = css.find("font-family: \"DejaVu Serif\";", at + 1))
    ++faces;
  EXPECT_EQ(faces, 2u) << css;
  // The PDF draws the bold with the real bold face.
  Result fonts = {0, ""};
  FILE* p = popen(("pdffonts " + quote((dir / "doc.pdf").string()) + " 2>&1").c_str(), "r");
  ASSERT_TRUE(p);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) fonts.output.append(buf.data(), n);
  pclose(p);
  EXPECT_NE(fonts.output.find("DejaVuSerif-Bold"), std::string::npos) << fonts.output;
}

}  // namespace

namespace {

TEST_F(BuildCli, WarningsAreCappedPerKindInSourceOrderAndCanFailTheRun) {
  std::string md;
  for (int i = 1; i <= 30; ++i)
    md += "段落 " + std::to_string(i) + " ![图](missing" + std::to_string(i) + ".png)\n\n";
  write_file(dir / "a.md", md);
  std::string in =
      quote((dir / "a.md").string()) + " --to epub -o " + quote((dir / "out").string());
  Result r = moyin(in);
  EXPECT_EQ(r.code, 0) << r.output;
  size_t shown = 0, last = 0;
  for (size_t at = 0; (at = r.output.find("missing", at)) != std::string::npos; ++at) {
    size_t n = std::stoul(r.output.substr(at + 7));
    EXPECT_GT(n, last) << "source order";
    last = n;
    ++shown;
  }
  EXPECT_EQ(shown, 20u) << r.output;
  EXPECT_NE(r.output.find("warning: … and 10 more like this"), std::string::npos) << r.output;

  EXPECT_EQ(moyin(in + " --warnings-per-kind 0").output.find("more like this"), std::string::npos);
  Result strict = moyin(in + " -W error");
  EXPECT_EQ(strict.code, 1);
  EXPECT_NE(strict.output.find("30 warnings (-W error)"), std::string::npos) << strict.output;
  EXPECT_TRUE(fs::exists(dir / "out" / "a.epub")) << "outputs are still written";
  EXPECT_EQ(moyin(in + " --max-warnings 30").code, 0);
  EXPECT_EQ(moyin(in + " --max-warnings 29").code, 1);
}

}  // namespace
