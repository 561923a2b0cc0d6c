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

bool AtomicFile::commit(CommitGroup* group) {
  if (!error_.empty()) return false;
  if (::fchmod(fd_, 0644) != 0 || (!group && ::fsync(fd_) != 0)) fail({}, errno);
  if (::close(fd_) != 0) fail({}, errno);  // NFS and some disks report a full disk only here
  fd_ = -1;
  if (!error_.empty()) return false;
  if (group) group->add(tmp_, target_);
  else if (std::rename(tmp_.c_str(), target_.c_str()) != 0) fail({}, errno);
  committed_ = error_.empty();  // the group owns the temporary file now
  return committed_;
}

CommitGroup::~CommitGroup() {
  for (const auto& [tmp, target] : pending_) ::unlink(tmp.c_str());
}

void CommitGroup::add(std::string tmp, std::filesystem::path target) {
  std::lock_guard lock(mutex_);
  pending_.emplace_back(std::move(tmp), std::move(target));
  // Flushed while holding the lock: a job's cache entry is never renamed by
  // a flush that finishes before the one renaming its outputs.
  if (pending_.size() >= limit_ || std::chrono::steady_clock::now() - last_flush_ >= period_)
    flush_locked();
}

void CommitGroup::flush() {
  std::lock_guard lock(mutex_);
  flush_locked();
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

void CommitGroup::flush_locked() {
  const std::string failed = sync_files(pending_);
  for (const auto& [tmp, target] : pending_) {
    if (failed.empty() && std::rename(tmp.c_str(), target.c_str()) == 0) continue;
    errors_.push_back("cannot write " + target.string() + ": " +
                      (failed.empty() ? std::string(std::strerror(errno)) : failed));
    ::unlink(tmp.c_str());
  }
  pending_.clear();
  last_flush_ = std::chrono::steady_clock::now();
}

}  // namespace moyin::base
