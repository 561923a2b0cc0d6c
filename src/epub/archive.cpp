// The zip container, written in memory with libzip. Deterministic: entries
// in the given order, one fixed DOS time computed from `epoch` without the
// time zone (zip_file_set_mtime would use local time), no extra fields.
// libzip is loaded at run time (base::SharedLibrary), not linked: it brings
// libcrypto, whose thousands of symbol bindings were a third of the dynamic
// loader's work at every start, also for runs that write no EPUB
// (docs/performance.md). Its header gives the types of the function
// pointers, so every call is still checked by the compiler.
#include <zip.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>

#include "base/date.h"
#include "base/deflate.h"
#include "base/parallel.h"
#include "base/shared_library.h"
#include "epub/epub.h"
#include "epub/internal.h"

namespace moyin::epub {
namespace {

// The functions of libzip used here, loaded once per process.
struct Zip {
  base::SharedLibrary lib{"libzip.so.4"};
  decltype(&zip_error_init) error_init = nullptr;
  decltype(&zip_error_fini) error_fini = nullptr;
  decltype(&zip_error_strerror) error_strerror = nullptr;
  decltype(&zip_strerror) strerror = nullptr;
  decltype(&zip_source_buffer_create) source_buffer_create = nullptr;
  decltype(&zip_source_buffer) source_buffer = nullptr;
  decltype(&zip_source_keep) source_keep = nullptr;
  decltype(&zip_source_free) source_free = nullptr;
  decltype(&zip_source_function) source_function = nullptr;
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
         lib.resolve(source_function, "zip_source_function") &&
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

// libdeflate's level for every entry but the mimetype: smaller than zlib's
// level 6 for less time than zlib's level 3, which libzip used before
// (docs/performance.md, "The EPUB's own work, again" and session 13).
constexpr int kDeflateLevel = 6;

// An entry deflated already: libzip copies its bytes as they are. When a
// source says its data is deflated (with the sizes and the CRC-32) and the
// entry's method is left to libzip, zip_close writes the data without
// decompressing or compressing it again.
struct Deflated {
  const Zip* z = nullptr;
  std::string data;  // raw deflate
  zip_uint64_t size = 0;
  zip_uint32_t crc = 0;
  size_t at = 0;  // read so far
};

zip_int64_t deflated_source(void* state, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
  Deflated& d = *static_cast<Deflated*>(state);
  switch (cmd) {
    case ZIP_SOURCE_OPEN: d.at = 0; return 0;
    case ZIP_SOURCE_READ: {
      const size_t n = std::min<size_t>(len, d.data.size() - d.at);
      std::memcpy(data, d.data.data() + d.at, n);
      d.at += n;
      return static_cast<zip_int64_t>(n);
    }
    case ZIP_SOURCE_STAT: {
      auto* st = static_cast<zip_stat_t*>(data);
      d.z->stat_init(st);
      st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC;
      st->size = d.size;
      st->comp_size = d.data.size();
      st->comp_method = ZIP_CM_DEFLATE;
      st->crc = d.crc;
      return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ERROR:  // never set: reading memory cannot fail
      std::memset(data, 0, 2 * sizeof(int));
      return 2 * sizeof(int);
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE: return 0;  // the state is zip_package's
    case ZIP_SOURCE_SUPPORTS:
      return ZIP_SOURCE_MAKE_COMMAND_BITMASK(ZIP_SOURCE_OPEN) |
             ZIP_SOURCE_MAKE_COMMAND_BITMASK(ZIP_SOURCE_READ) |
             ZIP_SOURCE_MAKE_COMMAND_BITMASK(ZIP_SOURCE_CLOSE) |
             ZIP_SOURCE_MAKE_COMMAND_BITMASK(ZIP_SOURCE_STAT) |
             ZIP_SOURCE_MAKE_COMMAND_BITMASK(ZIP_SOURCE_ERROR) |
             ZIP_SOURCE_MAKE_COMMAND_BITMASK(ZIP_SOURCE_FREE) |
             ZIP_SOURCE_MAKE_COMMAND_BITMASK(ZIP_SOURCE_SUPPORTS);
    default: return -1;
  }
}

// Below this many bytes in all, the entries are deflated on the calling
// thread: a few milliseconds of work, less than a thread's start and a
// second compressor's memory faulted in (the 3-line document: 1.2 ms more
// on two threads).
constexpr size_t kParallelBytes = size_t{1} << 20;

// Every entry but the mimetype deflated on up to `threads` threads (one
// compressor each, taking every threads-th entry), with its size and CRC.
// Empty `data` for an entry that could not be compressed (no memory): libzip
// compresses it itself.
std::vector<Deflated> deflate_entries(const Zip* z, const std::vector<detail::FileEntry>& entries,
                                      int threads) {
  std::vector<Deflated> out(entries.size());
  size_t bytes = 0;
  for (const detail::FileEntry& e : entries) bytes += e.data.size();
  const size_t workers =
      bytes < kParallelBytes
          ? 1
          : std::clamp<size_t>(static_cast<size_t>(std::max(threads, 1)), 1, entries.size());
  base::run_parallel(workers, static_cast<int>(workers), [&](size_t w) {
    std::optional<base::Deflater> c;
    for (size_t i = w; i < entries.size(); i += workers) {
      if (entries[i].name == "mimetype") continue;
      if (!c) c.emplace(kDeflateLevel);
      const auto raw = std::as_bytes(std::span(entries[i].data));
      out[i] = {z, c->deflate(raw), raw.size(), base::crc32(raw), 0};
    }
  });
  return out;
}

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
                                       std::string& error, int threads) {
  const Zip* z = zip_or_error(error);
  if (!z) return std::nullopt;
  if (entries.empty()) {
    error = "no entries";
    return std::nullopt;
  }
  // Outlives zip_close, which reads the sources.
  std::vector<Deflated> deflated = deflate_entries(z, entries, threads);
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
  for (size_t i = 0; i < entries.size(); ++i) {
    const FileEntry& e = entries[i];
    const bool packed = !deflated[i].data.empty();
    zip_source_t* src = packed ? z->source_function(zip.get(), deflated_source, &deflated[i])
                               : z->source_buffer(zip.get(), e.data.data(), e.data.size(), 0);
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
    const bool store = e.name == "mimetype";
    const bool method_set =
        packed || z->set_file_compression(zip.get(), index, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                          store ? 0 : kDeflateLevel) == 0;
    if (!method_set || z->file_set_dostime(zip.get(), index, dtime, ddate, 0) != 0) {
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
