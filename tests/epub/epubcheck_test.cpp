// Every EPUB Moyin writes passes epubcheck with no errors and no warnings:
// the seed manuscript, content/, the feature document (every construct, raw
// HTML, images) and a book. epubcheck is slow to start (a JVM), so this runs
// it once per EPUB in this one test.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <cstdlib>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;

namespace {

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

int run(const std::string& cmd, std::string& output) {
  output.clear();
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return -1;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) output.append(buf.data(), n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(Epubcheck, AllOutputsHaveNoErrorsAndNoWarnings) {
  // The sanitizer pass checks memory; EPUB validity is the release pass's job
  // (the same bytes, and a JVM start per book under ASan only costs time).
  if (std::getenv("MOYIN_SANITIZER_RUN")) GTEST_SKIP() << "validated in the release run";
  ASSERT_TRUE(fs::exists("/usr/bin/epubcheck")) << "epubcheck is missing: run scripts/setup";
  fs::path dir = fs::temp_directory_path() / ("moyin-epubcheck-" + std::to_string(getpid()));
  fs::remove_all(dir);
  const std::string src = MOYIN_SOURCE_DIR;
  struct Input {
    std::string path;
    std::string out_sub;
  };
  const Input inputs[] = {
      {std::string(MOYIN_TEST_DATA_DIR) + "/corpus/llm-survey-2025.md", "seed"},
      {src + "/content", "content"},
      {src + "/tests/fixtures/epub/feature.md", "feature"},
      {src + "/tests/fixtures/epub/book/book.yaml", "book"},
  };
  for (const Input& in : inputs) {
    std::string out;
    int rc = run(quote(MOYIN_BINARY) + " build " + quote(in.path) + " --to epub -o " +
                     quote((dir / in.out_sub).string()),
                 out);
    EXPECT_EQ(rc, 0) << in.path << "\n" << out;
  }
  {  // lists, quotes, tables, code, footnotes, a wide image, set vertically
     // (the horizontal build differs only in the CSS and the spine direction)
    std::string out;
    int rc =
        run(quote(MOYIN_BINARY) + " build " + quote(src + "/tests/fixtures/epub/typography.md") +
                " --to epub --set epub.writing-mode=vertical-rl -o " +
                quote((dir / "vertical").string()),
            out);
    EXPECT_EQ(rc, 0) << out;
  }
  {  // embedded, subset fonts (@font-face)
    std::string out;
    int rc = run(quote(MOYIN_BINARY) + " build " + quote(src + "/content/zh-article.md") +
                     " --to epub --style ebook --set epub.embed-fonts=true -o " +
                     quote((dir / "fonts").string()),
                 out);
    EXPECT_EQ(rc, 0) << out;
  }
  int checked = 0;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().extension() != ".epub") continue;
    std::string out;
    int rc = run("java -jar /usr/bin/epubcheck " + quote(e.path().string()), out);
    EXPECT_EQ(rc, 0) << e.path() << "\n" << out;
    EXPECT_NE(out.find("No errors or warnings detected"), std::string::npos) << e.path() << "\n"
                                                                             << out;
    ++checked;
  }
  EXPECT_GE(checked, 7);
  fs::remove_all(dir);
}

}  // namespace
