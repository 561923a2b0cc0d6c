#include "base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace moyin::base {

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  std::filesystem::path dir = target_.parent_path();
  std::string tmpl = (dir / ("." + target_.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  fd_ = ::mkstemp(name.data());
  if (fd_ < 0) {
    fail("cannot create a file in " + (dir.empty() ? std::string(".") : dir.string()), errno);
    return;
  }
  tmp_ = name.data();
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

void AtomicFile::fail(const std::string& what, int err) {
  if (!error_.empty()) return;
  const std::string reason = std::strerror(err ? err : EIO);
  error_ = what.empty() ? reason : what + ": " + reason;
}

bool AtomicFile::write(std::string_view bytes) {
  while (error_.empty() && !bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail({}, n < 0 ? errno : ENOSPC);
    else bytes.remove_prefix(static_cast<size_t>(n));
  }
  return error_.empty();
}

bool replaces_a_file(const std::filesystem::path& target) {
  struct stat st {};
  return ::lstat(target.c_str(), &st) == 0;
}

bool AtomicFile::commit(CommitGroup* group) {
  if (!error_.empty()) return false;
  const bool replacing = replaces_a_file(target_);
  if (::fchmod(fd_, 0644) != 0 || (!group && replacing && ::fsync(fd_) != 0)) fail({}, errno);
#ifdef SYNC_FILE_RANGE_WRITE
  // Only starts the writing-back (a hint: its failure is the sync's to report).
  if (group && group->early_writeback() && replacing)
    ::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
  if (::close(fd_) != 0) fail({}, errno);  // NFS and some disks report a full disk only here
  fd_ = -1;
  if (!error_.empty()) return false;
  if (group) group->add(tmp_, target_);
  else if (std::rename(tmp_.c_str(), target_.c_str()) != 0) fail({}, errno);
  committed_ = error_.empty();  // the group owns the temporary file now
  return committed_;
}

CommitGroup::~CommitGroup() {
  if (flusher_.joinable()) {
    flusher_.request_stop();  // the thread finishes the flushes started
    flusher_.join();
  }
  for (const auto& [tmp, target] : pending_) ::unlink(tmp.c_str());
}

void CommitGroup::add(std::string tmp, std::filesystem::path target) {
  std::lock_guard lock(mutex_);
  pending_.emplace_back(std::move(tmp), std::move(target));
  if (pending_.size() < limit_ && std::chrono::steady_clock::now() - last_flush_ < period_) return;
  // One queue, one thread: a job's cache entry is never renamed by a flush
  // that finishes before the one renaming its outputs.
  started_.push_back(std::move(pending_));
  pending_.clear();
  last_flush_ = std::chrono::steady_clock::now();
  if (!flusher_.joinable())
    flusher_ = std::jthread([this](std::stop_token stop) { run_flushes(stop); });
  changed_.notify_all();
}

void CommitGroup::flush() {
  std::unique_lock lock(mutex_);
  if (!flusher_.joinable()) {
    // No flush was started (one document's outputs): synced here, under the
    // lock, so a concurrent add() cannot start a flush that overtakes it.
    const std::vector<std::string> errors = sync_and_rename(pending_);
    errors_.insert(errors_.end(), errors.begin(), errors.end());
    pending_.clear();
  } else {
    if (!pending_.empty()) {
      started_.push_back(std::move(pending_));
      pending_.clear();
      changed_.notify_all();
    }
    changed_.wait(lock, [&] { return started_.empty() && !flushing_; });
  }
  last_flush_ = std::chrono::steady_clock::now();
}

void CommitGroup::run_flushes(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, stop, [&] { return !started_.empty(); });
    if (started_.empty()) return;  // stopped, and every flush started is done
    flushing_ = true;
    const Files& files = started_.front();  // only this thread pops; push_back keeps it valid
    lock.unlock();
    const std::vector<std::string> errors = sync_and_rename(files);
    lock.lock();
    errors_.insert(errors_.end(), errors.begin(), errors.end());
    started_.pop_front();
    flushing_ = false;
    changed_.notify_all();
  }
}

std::vector<std::string> CommitGroup::errors() const {
  std::lock_guard lock(mutex_);
  return errors_;
}

namespace {

// Up to this many files, each is synced by itself (fsync): syncfs waits for
// everything other processes left unwritten on the file system, 1–54 ms
// for one document's three files on the shared development disk against
// 1–8 ms for their three fsyncs (docs/performance.md).
constexpr size_t kSyncEachUpTo = 4;

// Syncs the waiting files, each or their file systems; "" or why not.
std::string sync_files(const std::vector<std::pair<std::string, std::filesystem::path>>& files) {
  if (files.size() <= kSyncEachUpTo) {
    for (const auto& [tmp, target] : files) {
      const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
      const bool ok = fd >= 0 && ::fsync(fd) == 0;
      const int why = errno;
      if (fd >= 0) ::close(fd);
      if (!ok) return std::strerror(why);
    }
    return {};
  }
  std::vector<dev_t> synced;  // one syncfs per file system
  for (const auto& [tmp, target] : files) {
    struct stat st {};
    if (::stat(tmp.c_str(), &st) != 0) return std::strerror(errno);
    if (std::find(synced.begin(), synced.end(), st.st_dev) != synced.end()) continue;
    const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    const bool ok = fd >= 0 && ::syncfs(fd) == 0;
    const int why = errno;
    if (fd >= 0) ::close(fd);
    if (!ok) return std::strerror(why);
    synced.push_back(st.st_dev);
  }
  return {};
}

}  // namespace

std::vector<std::string> CommitGroup::sync_and_rename(const Files& files) {
  std::vector<std::string> errors;
  if (files.empty()) return errors;
  Files replacing;  // only these have an earlier file to protect
  for (const auto& file : files)
    if (replaces_a_file(file.second)) replacing.push_back(file);
  const std::string failed = sync_files(replacing);
  for (const auto& [tmp, target] : files) {
    if (failed.empty() && std::rename(tmp.c_str(), target.c_str()) == 0) continue;
    const std::string why = failed.empty() ? std::string(std::strerror(errno)) : failed;
    errors.push_back("cannot write " + target.string() + ": " + why);
    ::unlink(tmp.c_str());
  }
  return errors;
}

}  // namespace moyin::base
