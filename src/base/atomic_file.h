// Replacing a file atomically: bytes go to a temporary file beside the
// target (`.NAME.tmp-XXXXXX`), which is renamed over it only when everything
// was written. On any failure, and if the object is destroyed before
// commit(), the temporary file is removed and an earlier file at the target
// is left untouched. Used by every output (EPUB, PDF).
//
// Syncing: a file that replaces an earlier one is synced (fsync) before its
// rename, so a crash can never leave a good earlier output replaced by
// bytes that had not reached the disk. A new file (nothing at the target)
// is renamed without a sync: there is nothing to lose, and the sync, one
// disk journal commit, was the largest part of a short document's wall time
// (docs/performance.md). After a crash such a file may be empty; the build
// cache (cli/cache.h) takes an empty output for a missing one.

#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace moyin::base {

// True when something is at `target` (the file a commit would replace).
bool replaces_a_file(const std::filesystem::path& target);

// Outputs committed together: a batch's documents, or one document's PDF,
// EPUB and cache entry. Of these, the files that replace earlier ones are
// synced (above); syncing each file before its rename costs one
// journal commit per file (3–6 ms on an ext4 disk with other writers: 7.6 s
// of a 10.8 s batch of 500 posts); one syncfs() for many files costs about
// one. Up to four files (one document's outputs) are synced each instead:
// syncfs() also waits for whatever other processes left unwritten on the
// file system. A file committed into the group is complete and closed but
// not yet in place; a flush syncs them (or the file systems they are on),
// then renames each into place in the order they were added (a job's
// outputs before its cache entry). Thread-safe. Whatever is not flushed is
// removed on destruction, so a failure still never replaces an earlier
// output.
class CommitGroup {
 public:
  // Flushes by itself once `limit` files wait, or when a file is added a
  // `period` after the last flush, so a long batch's outputs appear as it
  // runs. Those flushes run on the group's own thread, one after the other
  // in the order they were started: the jobs adding files never wait for a
  // sync (up to 0.2 s a batch on a disk other programs write to).
  // With `early_writeback` (a run of one document, whose few files are
  // synced at its very end), each file's writing-back to the disk starts
  // as it is committed, so the final syncs wait less. A batch leaves it to
  // the syncs, which its own thread makes.
  explicit CommitGroup(size_t limit = 64,
                       std::chrono::milliseconds period = std::chrono::seconds(1),
                       bool early_writeback = false)
      : limit_(limit),
        period_(period),
        early_writeback_(early_writeback),
        last_flush_(std::chrono::steady_clock::now()) {}
  bool early_writeback() const { return early_writeback_; }
  // Finishes the flushes already started; removes what waits for none.
  ~CommitGroup();
  CommitGroup(const CommitGroup&) = delete;
  CommitGroup& operator=(const CommitGroup&) = delete;

  void add(std::string tmp, std::filesystem::path target);
  // Syncs (the files replacing one) and renames everything waiting, after
  // the flushes already started;
  // returns when all of it is done. On a failed sync nothing of that flush
  // is renamed. Failures, as sentences naming the output, are kept for errors().
  void flush();
  // What failed in the flushes so far ("cannot write out/a.pdf: Input/output error").
  std::vector<std::string> errors() const;

 private:
  using Files = std::vector<std::pair<std::string, std::filesystem::path>>;
  static std::vector<std::string> sync_and_rename(const Files& files);  // one flush; its errors
  void run_flushes(std::stop_token stop);                               // the flushing thread

  size_t limit_;
  std::chrono::milliseconds period_;
  bool early_writeback_;
  std::chrono::steady_clock::time_point last_flush_;
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;  // a flush was started or one finished
  Files pending_;                        // not in a flush yet
  std::deque<Files> started_;            // flushes for the thread, oldest first
  bool flushing_ = false;                // the thread is in started_.front()
  std::vector<std::string> errors_;
  std::jthread flusher_;  // started by the first flush that needs it
};

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Appends bytes; false once anything failed (see error()).
  bool write(std::string_view bytes);
  // Syncs, closes and renames into place; false on failure. With a group,
  // closes and hands the file to it: synced and renamed at its flush().
  bool commit(CommitGroup* group = nullptr);
  // What failed, e.g. "File too large", "No space left on device",
  // "cannot create a file in out: Permission denied"; empty when nothing did.
  const std::string& error() const { return error_; }

 private:
  void fail(const std::string& what, int err);

  std::filesystem::path target_;
  std::string tmp_;
  int fd_ = -1;
  bool committed_ = false;
  std::string error_;
};

}  // namespace moyin::base
