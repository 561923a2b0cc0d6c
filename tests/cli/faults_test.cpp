// Faults around writing outputs (issue 15): a full disk (RLIMIT_FSIZE), a
// read-only output folder and SIGTERM in the middle of a batch each give a
// clear error per output, keep earlier outputs and leave no temporary file.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test_util.h"

namespace fs = std::filesystem;

namespace {

using moyin::testing::count;
using moyin::testing::quote;
using moyin::testing::read_file;
using moyin::testing::shell;
using moyin::testing::write_file;
using Result = moyin::testing::Run;

int temp_files(const fs::path& d) {
  int n = 0;
  for (auto& e : fs::recursive_directory_iterator(d))
    if (e.path().filename().string().find(".tmp") != std::string::npos) ++n;
  return n;
}

bool complete_pdf(const std::string& bytes) {
  return bytes.starts_with("%PDF-") &&
         bytes.find("%%EOF", bytes.size() > 32 ? bytes.size() - 32 : 0) != std::string::npos;
}

const std::string kBinary = MOYIN_BINARY;

class Faults : public ::testing::Test {
 protected:
  void SetUp() override { dir = moyin::testing::test_folder("faults"); }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir / "out", fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir);
  }
  fs::path dir;
};

TEST_F(Faults, FullDiskGivesOneErrorPerOutputAndKeepsTheOldOnes) {
  write_file(dir / "in/a.md", "# 标题\n\n正文一段。\n");
  write_file(dir / "in/b.md", "# Second\n\nAnother paragraph.\n");
  Result first =
      shell(kBinary + " build -j 2 -o " + (dir / "out").string() + " " + (dir / "in").string());
  ASSERT_EQ(first.code, 0) << first.output;
  const std::string old_pdf = read_file(dir / "out/a.pdf"),
                    old_epub = read_file(dir / "out/a.epub");
  write_file(dir / "in/a.md", "# 改过\n\n另一段。\n");
  write_file(dir / "in/b.md", "# Changed\n\nChanged paragraph.\n");
  // ulimit -f counts 1024-byte blocks in dash and bash: 2 KiB is less than any output.
  Result r = shell("ulimit -f 2; " + kBinary + " build -j 2 -o " + (dir / "out").string() + " " +
                   (dir / "in").string());
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_EQ(count(r.output, ": error: "), 4) << r.output;  // two documents × two outputs
  EXPECT_EQ(count(r.output, "File too large"), 4) << r.output;
  EXPECT_EQ(count(r.output, "a.pdf: File too large"), 1) << r.output;
  EXPECT_EQ(read_file(dir / "out/a.pdf"), old_pdf);
  EXPECT_EQ(read_file(dir / "out/a.epub"), old_epub);
  EXPECT_EQ(temp_files(dir / "out"), 0);
}

TEST_F(Faults, ReadOnlyOutputFolderGivesOneErrorPerOutput) {
  write_file(dir / "in/a.md", "# 标题\n\n正文。\n");
  fs::create_directories(dir / "out");
  write_file(dir / "out/a.pdf", "old");
  fs::permissions(dir / "out", fs::perms::owner_read | fs::perms::owner_exec |
                                   fs::perms::group_read | fs::perms::group_exec |
                                   fs::perms::others_read | fs::perms::others_exec);
  // root may write anywhere: run as nobody then (who may read the input but
  // not write into root's folder).
  std::string as = geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  // A checkout inside a private folder (mktemp -d is 0700) hides the fonts
  // from nobody: then this cannot be tested here.
  if (!as.empty() &&
      shell(as + "test -r " + quote(std::string(MOYIN_SOURCE_DIR) + "/fonts/fonts.yaml")).code != 0)
    GTEST_SKIP() << "user nobody cannot read " MOYIN_SOURCE_DIR "/fonts/fonts.yaml";
  Result r = shell(as + kBinary + " build -o " + (dir / "out").string() + " " +
                   (dir / "in/a.md").string());
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_EQ(count(r.output, ": error: "), 2) << r.output;
  EXPECT_EQ(count(r.output, "Permission denied"), 2) << r.output;
  EXPECT_NE(r.output.find("cannot write PDF " + (dir / "out/a.pdf").string()), std::string::npos)
      << r.output;
  EXPECT_EQ(read_file(dir / "out/a.pdf"), "old");
  EXPECT_FALSE(fs::exists(dir / "out/a.epub"));
  EXPECT_EQ(temp_files(dir / "out"), 0);
}

TEST_F(Faults, SigtermMidBatchFinishesTheDocumentInFlightAndKeepsOldOutputs) {
  // Eight documents long enough to take a while each (tens of milliseconds
  // on a fast machine, against the 20 ms the shell polls at), converted one
  // at a time.
  std::string body;
  for (int i = 0; i < 2000; ++i)
    body += "这是一个用来拖慢排版的段落，第" + std::to_string(i) + "段。\n\n";
  for (char c = 'a'; c < 'a' + 8; ++c) {
    write_file(dir / "in" / (std::string(1, c) + ".md"), "# " + std::string(1, c) + "\n\n" + body);
    write_file(dir / "out" / (std::string(1, c) + ".pdf"), "old");
  }
  // Waits for the first output to be written (its temporary file, which
  // goes into place at the next flush of the run's commit group), then
  // sends SIGTERM.
  const std::string out = (dir / "out").string();
  Result r =
      shell(kBinary + " build --to pdf -j 1 -o " + out + " " + (dir / "in").string() +
            " & pid=$!; i=0; while [ \"$(head -c 3 " + out + "/a.pdf)\" = old ] && ! ls -a " + out +
            " | grep -q '^[.]a[.]pdf[.]tmp' && [ $i -lt 6000 ]; do "
            "sleep 0.02; i=$((i+1)); done; "
            "kill -TERM $pid; wait $pid; echo \"status=$?\"");
  EXPECT_NE(r.output.find("status=143"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("not converted"), std::string::npos) << r.output;
  int fresh = 0, old = 0;
  for (char c = 'a'; c < 'a' + 8; ++c) {
    const std::string bytes = read_file(dir / "out" / (std::string(1, c) + ".pdf"));
    if (bytes == "old") ++old;
    else if (complete_pdf(bytes)) ++fresh;
    else ADD_FAILURE() << c << ".pdf is neither the old file nor a complete PDF";
  }
  EXPECT_GE(fresh, 1);
  EXPECT_GE(old, 1);  // the batch stopped before its end
  EXPECT_EQ(temp_files(dir / "out"), 0);
}

// One short document is built on a thread of its own (huge pages,
// cli/build.cpp): SIGTERM at any moment still ends the run with status 143,
// leaving the old outputs or complete new ones and no temporary file.
TEST_F(Faults, SigtermDuringOneShortDocumentKeepsOldOrCompleteOutputs) {
  std::string body;
  for (int i = 0; i < 200; ++i) body += "一个段落，第" + std::to_string(i) + "段。\n\n";
  write_file(dir / "in" / "a.md", "# a\n\n" + body);
  for (const char* delay : {"0", "0.002", "0.005", "0.01", "0.02"}) {
    write_file(dir / "out" / "a.pdf", "old");
    const std::string out = (dir / "out").string();
    Result r =
        shell(kBinary + " build --to pdf -o " + out + " " + (dir / "in" / "a.md").string() +
              " & pid=$!; sleep " + delay + "; kill -TERM $pid; wait $pid; echo \"status=$?\"");
    const bool killed = r.output.find("status=143") != std::string::npos;
    const bool finished = r.output.find("status=0") != std::string::npos;  // before the signal
    EXPECT_TRUE(killed || finished) << delay << ": " << r.output;
    const std::string bytes = read_file(dir / "out" / "a.pdf");
    EXPECT_TRUE(bytes == "old" || complete_pdf(bytes)) << delay << ": " << bytes.substr(0, 16);
    EXPECT_EQ(temp_files(dir / "out"), 0) << delay;
  }
}

}  // namespace
