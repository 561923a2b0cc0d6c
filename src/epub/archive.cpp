// The zip container, written in memory with libzip. Deterministic: entries
// in the given order, one fixed DOS time computed from `epoch` without the
// time zone (zip_file_set_mtime would use local time), no extra fields.
// libzip is loaded at run time (base::SharedLibrary), not linked: it brings
// libcrypto, whose thousands of symbol bindings were a third of the dynamic
// loader's work at every start, also for runs that write no EPUB
// (docs/performance.md). Its header gives the types of the function
// pointers, so every call is still checked by the compiler.
#include <zip.h>

#include <memory>

#include "base/date.h"
#include "base/shared_library.h"
#include "epub/epub.h"
#include "epub/internal.h"

namespace moyin::epub {
namespace {

// The functions of libzip used here, loaded once per process.
struct Zip {
  // Its own symbols first: libcrypto's thousands of references to itself
  // are then found at the first look instead of after the whole process's
  // (about 5.7 → 2.7 M instructions to load). libzip frees what it
  // allocates; every buffer crossing here is Moyin's, or copied.
  base::SharedLibrary lib{"libzip.so.4", base::SharedLibrary::Lookup::OwnFirst};
  decltype(&zip_error_init) error_init = nullptr;
  decltype(&zip_error_fini) error_fini = nullptr;
  decltype(&zip_error_strerror) error_strerror = nullptr;
  decltype(&zip_strerror) strerror = nullptr;
  decltype(&zip_source_buffer_create) source_buffer_create = nullptr;
  decltype(&zip_source_buffer) source_buffer = nullptr;
  decltype(&zip_source_keep) source_keep = nullptr;
  decltype(&zip_source_free) source_free = nullptr;
  decltype(&zip_source_open) source_open = nullptr;
  decltype(&zip_source_read) source_read = nullptr;
  decltype(&zip_source_close) source_close = nullptr;
  decltype(&zip_open_from_source) open_from_source = nullptr;
  decltype(&zip_file_add) file_add = nullptr;
  decltype(&zip_set_file_compression) set_file_compression = nullptr;
  decltype(&zip_file_set_dostime) file_set_dostime = nullptr;
  decltype(&zip_close) close = nullptr;
  decltype(&zip_discard) discard = nullptr;
  decltype(&zip_get_num_entries) get_num_entries = nullptr;
  decltype(&zip_stat_init) stat_init = nullptr;
  decltype(&zip_stat_index) stat_index = nullptr;
  decltype(&zip_fopen_index) fopen_index = nullptr;
  decltype(&zip_fread) fread = nullptr;
  decltype(&zip_fclose) fclose = nullptr;
  bool ok = false;

  Zip() {
    ok = lib.resolve(error_init, "zip_error_init") && lib.resolve(error_fini, "zip_error_fini") &&
         lib.resolve(error_strerror, "zip_error_strerror") &&
         lib.resolve(strerror, "zip_strerror") &&
         lib.resolve(source_buffer_create, "zip_source_buffer_create") &&
         lib.resolve(source_buffer, "zip_source_buffer") &&
         lib.resolve(source_keep, "zip_source_keep") &&
         lib.resolve(source_free, "zip_source_free") &&
         lib.resolve(source_open, "zip_source_open") &&
         lib.resolve(source_read, "zip_source_read") &&
         lib.resolve(source_close, "zip_source_close") &&
         lib.resolve(open_from_source, "zip_open_from_source") &&
         lib.resolve(file_add, "zip_file_add") &&
         lib.resolve(set_file_compression, "zip_set_file_compression") &&
         lib.resolve(file_set_dostime, "zip_file_set_dostime") && lib.resolve(close, "zip_close") &&
         lib.resolve(discard, "zip_discard") &&
         lib.resolve(get_num_entries, "zip_get_num_entries") &&
         lib.resolve(stat_init, "zip_stat_init") && lib.resolve(stat_index, "zip_stat_index") &&
         lib.resolve(fopen_index, "zip_fopen_index") && lib.resolve(fread, "zip_fread") &&
         lib.resolve(fclose, "zip_fclose");
  }
};

// Loaded by the first caller (thread-safe); kept for the life of the process.
const Zip& zip_library() {
  static const Zip loaded;
  return loaded;
}

// Every use of the library starts here: null (and `error` says why) when
// libzip is missing.
const Zip* zip_or_error(std::string& error) {
  const Zip& z = zip_library();
  if (z.ok) return &z;
  error = z.lib.error().empty() ? "libzip cannot be used" : z.lib.error();
  return nullptr;
}

struct ZipDiscard {
  const Zip* z;
  void operator()(zip_t* p) const { z->discard(p); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDiscard>;
struct SourceFree {
  const Zip* z;
  void operator()(zip_source_t* s) const { z->source_free(s); }
};
using SourcePtr = std::unique_ptr<zip_source_t, SourceFree>;

// zlib's level for every entry but the mimetype. Level 3 (zlib's fast
// matcher) takes 0.7x the instructions of level 6 for 4 % more bytes on 20x
// the seed; level 9 saved under 1 % more for 1.5x the time of 6
// (docs/performance.md, "The EPUB's own work, again").
constexpr int kDeflateLevel = 3;

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

void load_zip_library() { zip_library(); }

namespace detail {

std::optional<std::string> zip_package(const std::vector<FileEntry>& entries, int64_t epoch,
                                       std::string& error) {
  const Zip* z = zip_or_error(error);
  if (!z) return std::nullopt;
  zip_error_t zerr;
  z->error_init(&zerr);
  SourcePtr buffer(z->source_buffer_create(nullptr, 0, 0, &zerr), SourceFree{z});
  if (!buffer) {
    error = z->error_strerror(&zerr);
    z->error_fini(&zerr);
    return std::nullopt;
  }
  z->source_keep(buffer.get());  // we read the bytes after zip_close
  ZipPtr zip(z->open_from_source(buffer.get(), ZIP_TRUNCATE, &zerr), ZipDiscard{z});
  if (!zip) {
    error = z->error_strerror(&zerr);
    z->error_fini(&zerr);
    return std::nullopt;
  }
  z->error_fini(&zerr);
  zip_uint16_t dtime = 0, ddate = 0;
  dos_time(epoch, dtime, ddate);
  for (const FileEntry& e : entries) {
    zip_source_t* src = z->source_buffer(zip.get(), e.data.data(), e.data.size(), 0);
    if (!src) {
      error = z->strerror(zip.get());
      return std::nullopt;
    }
    zip_int64_t idx = z->file_add(zip.get(), e.name.c_str(), src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
      z->source_free(src);
      error = z->strerror(zip.get());
      return std::nullopt;
    }
    auto index = static_cast<zip_uint64_t>(idx);
    bool store = e.name == "mimetype";
    if (z->set_file_compression(zip.get(), index, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                store ? 0 : kDeflateLevel) != 0 ||
        z->file_set_dostime(zip.get(), index, dtime, ddate, 0) != 0) {
      error = z->strerror(zip.get());
      return std::nullopt;
    }
  }
  // zip_close writes into `buffer` and frees the archive on success.
  zip_t* raw = zip.release();
  if (z->close(raw) != 0) {
    error = z->strerror(raw);
    z->discard(raw);
    return std::nullopt;
  }
  std::string bytes;
  if (z->source_open(buffer.get()) != 0) {
    error = "cannot read the archive buffer";
    return std::nullopt;
  }
  char chunk[65536];
  for (;;) {
    zip_int64_t n = z->source_read(buffer.get(), chunk, sizeof chunk);
    if (n < 0) {
      z->source_close(buffer.get());
      error = "cannot read the archive buffer";
      return std::nullopt;
    }
    if (n == 0) break;
    bytes.append(chunk, static_cast<size_t>(n));
  }
  z->source_close(buffer.get());
  return bytes;
}

}  // namespace detail

std::optional<std::vector<ArchiveEntry>> read_archive(std::string_view bytes) {
  std::string ignored;
  const Zip* z = zip_or_error(ignored);
  if (!z) return std::nullopt;
  zip_error_t zerr;
  z->error_init(&zerr);
  // The buffer source does not copy: `bytes` outlives the archive.
  zip_source_t* src = z->source_buffer_create(bytes.data(), bytes.size(), 0, &zerr);
  if (!src) {
    z->error_fini(&zerr);
    return std::nullopt;
  }
  zip_t* raw = z->open_from_source(src, ZIP_RDONLY, &zerr);
  z->error_fini(&zerr);
  if (!raw) {
    z->source_free(src);
    return std::nullopt;
  }
  ZipPtr zip(raw, ZipDiscard{z});
  std::vector<ArchiveEntry> out;
  zip_int64_t n = z->get_num_entries(raw, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    auto index = static_cast<zip_uint64_t>(i);
    zip_stat_t st;
    z->stat_init(&st);
    if (z->stat_index(raw, index, 0, &st) != 0) return std::nullopt;
    ArchiveEntry e;
    e.name = st.name ? st.name : "";
    e.stored = st.comp_method == ZIP_CM_STORE;
    zip_file_t* f = z->fopen_index(raw, index, 0);
    if (!f) return std::nullopt;
    char chunk[65536];
    for (;;) {
      zip_int64_t got = z->fread(f, chunk, sizeof chunk);
      if (got < 0) {
        z->fclose(f);
        return std::nullopt;
      }
      if (got == 0) break;
      e.data.append(chunk, static_cast<size_t>(got));
    }
    z->fclose(f);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace moyin::epub
