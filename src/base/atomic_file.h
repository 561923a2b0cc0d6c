// Replacing a file atomically: bytes go to a temporary file beside the
// target (`.NAME.tmp-XXXXXX`), which is synced and renamed over it only when
// everything was written. On any failure, and if the object is destroyed
// before commit(), the temporary file is removed and an earlier file at the
// target is left untouched. Used by every output (EPUB, PDF).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace moyin::base {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Appends bytes; false once anything failed (see error()).
  bool write(std::string_view bytes);
  // Syncs, closes and renames into place; false on failure.
  bool commit();
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
