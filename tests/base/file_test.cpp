#include "base/file.h"
#include "base/atomic_file.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <thread>

namespace moyin::base {
namespace {

namespace fs = std::filesystem;

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("moyin-base-file-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, ec);
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
};

TEST_F(FileTest, ReadsAFile) {
  std::ofstream(dir_ / "a.txt", std::ios::binary) << "hello\0x";
  std::string error;
  auto bytes = read_bounded(dir_ / "a.txt", error);
  ASSERT_TRUE(bytes) << error;
  EXPECT_EQ(*bytes, "hello");
}

TEST_F(FileTest, RefusesDirectoriesMissingFilesAndTooLarge) {
  std::string error;
  EXPECT_FALSE(read_bounded(dir_, error));
  EXPECT_NE(error.find("directory"), std::string::npos);
  EXPECT_FALSE(read_bounded(dir_ / "absent", error));
  EXPECT_NE(error.find("cannot read"), std::string::npos);
  std::ofstream(dir_ / "big", std::ios::binary) << std::string(2000, 'x');
  EXPECT_FALSE(read_bounded(dir_ / "big", error, 1000));
  EXPECT_NE(error.find("too large"), std::string::npos);
}

TEST_F(FileTest, DeviceFilesStopAtTheLimit) {
  // /dev/zero has no size: only the chunked read's bound stops it.
  std::string error;
  EXPECT_FALSE(read_bounded("/dev/zero", error, 1 << 20));
  EXPECT_NE(error.find("too large"), std::string::npos);
}

TEST_F(FileTest, PipeIsRefusedNotWaitedOn) {
  const fs::path fifo = dir_ / "pipe.md";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string error;
  EXPECT_FALSE(read_bounded(fifo, error));  // would block forever if opened
  EXPECT_NE(error.find("pipe"), std::string::npos) << error;
}

TEST_F(FileTest, WriteAtomicReplacesAndCreatesFolders) {
  const fs::path out = dir_ / "new" / "sub" / "out.bin";
  EXPECT_EQ(write_atomic(out, "one"), "");
  EXPECT_EQ(write_atomic(out, "two"), "");
  std::string error;
  EXPECT_EQ(read_bounded(out, error).value_or(""), "two");
  EXPECT_EQ(fs::status(out).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                fs::perms::others_read);
  // No temporary file is left behind.
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(out.parent_path())) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(FileTest, FailedWriteKeepsTheOldFileAndLeavesNoTemporary) {
  const fs::path out = dir_ / "out.txt";
  ASSERT_EQ(write_atomic(out, "good"), "");
  // A folder in the way of the rename: the write fails, the temp goes away.
  const fs::path blocked = dir_ / "blocked";
  fs::create_directories(blocked / "inner");
  const std::string err = write_atomic(blocked, "bad");
  EXPECT_NE(err, "");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 2u);  // out.txt and blocked/
  std::string error;
  EXPECT_EQ(read_bounded(out, error).value_or(""), "good");
}

size_t count_entries(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

TEST_F(FileTest, CommitGroupPutsFilesInPlaceAtFlush) {
  const fs::path a = dir_ / "a.pdf", b = dir_ / "b.epub";
  ASSERT_EQ(write_atomic(a, "old"), "");
  CommitGroup group;
  EXPECT_EQ(write_atomic(a, "new a", &group), "");
  EXPECT_EQ(write_atomic(b, "new b", &group), "");
  std::string error;
  // Written but not in place: the earlier file is still there, b is not yet.
  EXPECT_EQ(read_bounded(a, error).value_or(""), "old");
  EXPECT_FALSE(fs::exists(b));
  group.flush();
  EXPECT_TRUE(group.errors().empty());
  EXPECT_EQ(read_bounded(a, error).value_or(""), "new a");
  EXPECT_EQ(read_bounded(b, error).value_or(""), "new b");
  EXPECT_EQ(count_entries(dir_), 2u);  // no temporary left
}

// A few files are synced each, more by their file system: both place them.
TEST_F(FileTest, CommitGroupPlacesFewAndManyFiles) {
  for (int count : {3, 9, -3}) {  // -3: three files written back as they are committed
    const bool early = count < 0;
    count = std::abs(count);
    CommitGroup group(64, std::chrono::seconds(1), early);
    EXPECT_EQ(group.early_writeback(), early);
    // The first round makes new files (renamed unsynced), the second
    // replaces them (synced first: base/atomic_file.h).
    for (const std::string round : {"new ", "again "}) {
      for (int i = 0; i < count; ++i) {
        EXPECT_EQ(replaces_a_file(dir_ / std::to_string(i)), round == "again ");
        EXPECT_EQ(write_atomic(dir_ / std::to_string(i), round + std::to_string(i), &group), "");
      }
      EXPECT_EQ(count_entries(dir_), static_cast<size_t>(round == "new " ? count : 2 * count));
      group.flush();
      EXPECT_TRUE(group.errors().empty());
      std::string error;
      for (int i = 0; i < count; ++i)
        EXPECT_EQ(read_bounded(dir_ / std::to_string(i), error).value_or(""),
                  round + std::to_string(i));
      EXPECT_EQ(count_entries(dir_), static_cast<size_t>(count));
    }
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
}

// At its limit the group starts a flush on its own thread (the job adding
// the file does not wait for it); a group destroyed unflushed still
// finishes the flushes it started and removes only what waits for none.
TEST_F(FileTest, CommitGroupFlushesByItselfAtItsLimit) {
  {
    CommitGroup group(2);
    EXPECT_EQ(write_atomic(dir_ / "1", "one", &group), "");
    EXPECT_EQ(write_atomic(dir_ / "2", "two", &group), "");  // starts a flush of 1 and 2
    EXPECT_EQ(write_atomic(dir_ / "3", "three", &group), "");
  }
  EXPECT_TRUE(fs::exists(dir_ / "1"));
  EXPECT_TRUE(fs::exists(dir_ / "2"));
  EXPECT_FALSE(fs::exists(dir_ / "3"));
  EXPECT_EQ(count_entries(dir_), 2u);  // 3's temporary removed
}

// Many jobs adding files while flushes run: every file is in place after
// flush(), each one's last version, and a job's files keep their order.
TEST_F(FileTest, CommitGroupPlacesEveryFileAddedFromManyThreads) {
  CommitGroup group(8);
  {
    std::vector<std::jthread> jobs;
    for (int t = 0; t < 4; ++t)
      jobs.emplace_back([&, t] {
        for (int i = 0; i < 50; ++i) {
          const std::string name = std::to_string(t) + "-" + std::to_string(i);
          EXPECT_EQ(write_atomic(dir_ / (name + ".pdf"), name, &group), "");
          EXPECT_EQ(write_atomic(dir_ / (name + ".deps"), name, &group), "");
        }
      });
  }
  group.flush();
  EXPECT_TRUE(group.errors().empty());
  std::string error;
  for (int t = 0; t < 4; ++t)
    for (int i = 0; i < 50; ++i) {
      const std::string name = std::to_string(t) + "-" + std::to_string(i);
      EXPECT_EQ(read_bounded(dir_ / (name + ".pdf"), error).value_or(""), name);
      // Renamed in the order added (a rename sets the file's ctime): the
      // .pdf never after its .deps.
      struct stat pdf {
      }, deps{};
      ASSERT_EQ(::stat((dir_ / (name + ".pdf")).c_str(), &pdf), 0);
      ASSERT_EQ(::stat((dir_ / (name + ".deps")).c_str(), &deps), 0);
      EXPECT_LE(std::make_pair(pdf.st_ctim.tv_sec, pdf.st_ctim.tv_nsec),
                std::make_pair(deps.st_ctim.tv_sec, deps.st_ctim.tv_nsec));
    }
  EXPECT_EQ(count_entries(dir_), 400u);  // no temporary left
}

TEST_F(FileTest, UnflushedGroupKeepsTheOldFileAndLeavesNoTemporary) {
  const fs::path out = dir_ / "out.pdf";
  ASSERT_EQ(write_atomic(out, "good"), "");
  {
    CommitGroup group;
    EXPECT_EQ(write_atomic(out, "never placed", &group), "");
  }  // a run that failed before its flush
  std::string error;
  EXPECT_EQ(read_bounded(out, error).value_or(""), "good");
  EXPECT_EQ(count_entries(dir_), 1u);
}

TEST_F(FileTest, CommitGroupReportsARenameThatFails) {
  const fs::path blocked = dir_ / "blocked";
  CommitGroup group;
  EXPECT_EQ(write_atomic(blocked, "bad", &group), "");
  fs::create_directories(blocked / "inner");  // a folder in the way of the rename
  group.flush();
  ASSERT_EQ(group.errors().size(), 1u);
  EXPECT_NE(group.errors()[0].find("cannot write " + blocked.string()), std::string::npos);
  EXPECT_EQ(count_entries(dir_), 1u);  // blocked/, no temporary
}

}  // namespace
}  // namespace moyin::base
