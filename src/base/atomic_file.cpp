#include "base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

bool AtomicFile::commit() {
  if (!error_.empty()) return false;
  if (::fchmod(fd_, 0644) != 0 || ::fsync(fd_) != 0) fail({}, errno);
  if (::close(fd_) != 0) fail({}, errno);  // NFS and some disks report a full disk only here
  fd_ = -1;
  if (error_.empty() && std::rename(tmp_.c_str(), target_.c_str()) != 0) fail({}, errno);
  committed_ = error_.empty();
  return committed_;
}

}  // namespace moyin::base
