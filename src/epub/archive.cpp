// The zip container, written in memory with libzip. Deterministic: entries
// in the given order, one fixed DOS time computed from `epoch` without the
// time zone (zip_file_set_mtime would use local time), no extra fields.
#include <zip.h>

#include <memory>

#include "base/date.h"
#include "epub/internal.h"

namespace moyin::epub {
namespace detail {
namespace {

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct SourceFree {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;
using SourcePtr = std::unique_ptr<zip_source_t, SourceFree>;

std::string zip_error_text(zip_error_t* e) { return zip_error_strerror(e); }

// DOS date/time cannot express years before 1980.
void dos_time(int64_t epoch, zip_uint16_t& dtime, zip_uint16_t& ddate) {
  base::DateTime t = base::from_epoch(epoch);
  if (t.year < 1980) t = base::DateTime{.year = 1980};
  if (t.year > 2107)
    t = base::DateTime{
        .year = 2107, .month = 12, .day = 31, .hour = 23, .minute = 59, .second = 58};
  dtime = static_cast<zip_uint16_t>((t.hour << 11) | (t.minute << 5) | (t.second / 2));
  ddate = static_cast<zip_uint16_t>(((t.year - 1980) << 9) | (t.month << 5) | t.day);
}

}  // namespace

std::optional<std::string> zip_package(const std::vector<FileEntry>& entries, int64_t epoch,
                                       std::string& error) {
  zip_error_t zerr;
  zip_error_init(&zerr);
  SourcePtr buffer(zip_source_buffer_create(nullptr, 0, 0, &zerr));
  if (!buffer) {
    error = zip_error_text(&zerr);
    zip_error_fini(&zerr);
    return std::nullopt;
  }
  zip_source_keep(buffer.get());  // we read the bytes after zip_close
  ZipPtr zip(zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &zerr));
  if (!zip) {
    error = zip_error_text(&zerr);
    zip_error_fini(&zerr);
    return std::nullopt;
  }
  zip_error_fini(&zerr);
  zip_uint16_t dtime = 0, ddate = 0;
  dos_time(epoch, dtime, ddate);
  for (const FileEntry& e : entries) {
    zip_source_t* src = zip_source_buffer(zip.get(), e.data.data(), e.data.size(), 0);
    if (!src) {
      error = zip_strerror(zip.get());
      return std::nullopt;
    }
    zip_int64_t idx = zip_file_add(zip.get(), e.name.c_str(), src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
      zip_source_free(src);
      error = zip_strerror(zip.get());
      return std::nullopt;
    }
    auto index = static_cast<zip_uint64_t>(idx);
    bool store = e.name == "mimetype";
    // zlib's level 6: level 9 made the XHTML 0.6-1 % smaller for 1.5-1.8x
    // the time (docs/performance.md).
    if (zip_set_file_compression(zip.get(), index, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                 store ? 0 : 6) != 0 ||
        zip_file_set_dostime(zip.get(), index, dtime, ddate, 0) != 0) {
      error = zip_strerror(zip.get());
      return std::nullopt;
    }
  }
  // zip_close writes into `buffer` and frees the archive on success.
  zip_t* raw = zip.release();
  if (zip_close(raw) != 0) {
    error = zip_strerror(raw);
    zip_discard(raw);
    return std::nullopt;
  }
  std::string bytes;
  if (zip_source_open(buffer.get()) != 0) {
    error = "cannot read the archive buffer";
    return std::nullopt;
  }
  char chunk[65536];
  for (;;) {
    zip_int64_t n = zip_source_read(buffer.get(), chunk, sizeof chunk);
    if (n < 0) {
      zip_source_close(buffer.get());
      error = "cannot read the archive buffer";
      return std::nullopt;
    }
    if (n == 0) break;
    bytes.append(chunk, static_cast<size_t>(n));
  }
  zip_source_close(buffer.get());
  return bytes;
}

}  // namespace detail

std::optional<std::vector<ArchiveEntry>> read_archive(std::string_view bytes) {
  zip_error_t zerr;
  zip_error_init(&zerr);
  // The buffer source does not copy: `bytes` outlives the archive.
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &zerr);
  if (!src) {
    zip_error_fini(&zerr);
    return std::nullopt;
  }
  zip_t* raw = zip_open_from_source(src, ZIP_RDONLY, &zerr);
  zip_error_fini(&zerr);
  if (!raw) {
    zip_source_free(src);
    return std::nullopt;
  }
  detail::ZipPtr zip(raw);
  std::vector<ArchiveEntry> out;
  zip_int64_t n = zip_get_num_entries(raw, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    auto index = static_cast<zip_uint64_t>(i);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(raw, index, 0, &st) != 0) return std::nullopt;
    ArchiveEntry e;
    e.name = st.name ? st.name : "";
    e.stored = st.comp_method == ZIP_CM_STORE;
    zip_file_t* f = zip_fopen_index(raw, index, 0);
    if (!f) return std::nullopt;
    char chunk[65536];
    for (;;) {
      zip_int64_t got = zip_fread(f, chunk, sizeof chunk);
      if (got < 0) {
        zip_fclose(f);
        return std::nullopt;
      }
      if (got == 0) break;
      e.data.append(chunk, static_cast<size_t>(got));
    }
    zip_fclose(f);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace moyin::epub
