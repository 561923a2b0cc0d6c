// The zip container. Written here, in memory: entries in the given order,
// one fixed DOS time computed from `epoch` without the time zone, no extra
// fields, deflated by zlib (level 9) unless that does not make an entry
// smaller; the mimetype entry stored. Deterministic, and it needs nothing
// but zlib, which every process has mapped already (libpng and libharu use
// it): libzip, which wrote the archive before, brings libcrypto, and
// loading the two cost a short document's EPUB about 8 million instructions
// (docs/performance.md).
// Reading an archive back (tests, `moyin dump`) uses libzip, loaded at run
// time (base::SharedLibrary), not linked; its header gives the types of the
// function pointers, so every call is still checked by the compiler.
#include <zip.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <memory>

#include "base/date.h"
#include "base/shared_library.h"
#include "epub/epub.h"
#include "epub/internal.h"

namespace moyin::epub {
namespace {

// The functions of libzip that read an archive, loaded once per process.
struct Zip {
  base::SharedLibrary lib{"libzip.so.4"};
  decltype(&zip_error_init) error_init = nullptr;
  decltype(&zip_error_fini) error_fini = nullptr;
  decltype(&zip_source_buffer_create) source_buffer_create = nullptr;
  decltype(&zip_source_free) source_free = nullptr;
  decltype(&zip_open_from_source) open_from_source = nullptr;
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
         lib.resolve(source_buffer_create, "zip_source_buffer_create") &&
         lib.resolve(source_free, "zip_source_free") &&
         lib.resolve(open_from_source, "zip_open_from_source") &&
         lib.resolve(discard, "zip_discard") &&
         lib.resolve(get_num_entries, "zip_get_num_entries") &&
         lib.resolve(stat_init, "zip_stat_init") && lib.resolve(stat_index, "zip_stat_index") &&
         lib.resolve(fopen_index, "zip_fopen_index") && lib.resolve(fread, "zip_fread") &&
         lib.resolve(fclose, "zip_fclose");
  }
};

// Loaded by the first caller (thread-safe); null when libzip is missing.
const Zip* zip_library() {
  static const Zip loaded;
  return loaded.ok ? &loaded : nullptr;
}

struct ZipDiscard {
  const Zip* z;
  void operator()(zip_t* p) const { z->discard(p); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDiscard>;

// DOS date/time cannot express years before 1980.
void dos_time(int64_t epoch, uint16_t& dtime, uint16_t& ddate) {
  base::DateTime t = base::from_epoch(epoch);
  if (t.year < 1980) t = base::DateTime{.year = 1980};
  if (t.year > 2107)
    t = base::DateTime{
        .year = 2107, .month = 12, .day = 31, .hour = 23, .minute = 59, .second = 58};
  dtime = static_cast<uint16_t>((t.hour << 11) | (t.minute << 5) | (t.second / 2));
  ddate = static_cast<uint16_t>(((t.year - 1980) << 9) | (t.month << 5) | t.day);
}

void put16(std::string& out, uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& out, uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

// zlib counts in 32 bits: larger inputs go in slices.
constexpr size_t kSlice = size_t{1} << 30;

uint32_t crc_of(std::string_view data) {
  uLong crc = crc32(0, nullptr, 0);
  for (size_t at = 0; at < data.size(); at += kSlice) {
    const size_t n = std::min(kSlice, data.size() - at);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data() + at), static_cast<uInt>(n));
  }
  return static_cast<uint32_t>(crc);
}

// Raw deflate (no zlib header), level 9 and the largest window and memory,
// as zip readers expect; nullopt when zlib fails (no memory).
std::optional<std::string> deflate_raw(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, MAX_MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK)
    return std::nullopt;
  std::string out;
  char chunk[65536];
  size_t at = 0;
  int rc = Z_OK;
  do {
    if (z.avail_in == 0 && at < data.size()) {
      const size_t n = std::min(kSlice, data.size() - at);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + at));
      z.avail_in = static_cast<uInt>(n);
      at += n;
    }
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = deflate(&z, at == data.size() ? Z_FINISH : Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - z.avail_out);
  } while (rc == Z_OK || rc == Z_BUF_ERROR);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

}  // namespace

namespace detail {

std::optional<std::string> zip_package(const std::vector<FileEntry>& entries, int64_t epoch,
                                       std::string& error) {
  // Without zip64 every size and offset is 32 bits and the count 16.
  constexpr uint64_t kMax32 = 0xFFFFFFFF;
  if (entries.size() > 0xFFFF) {
    error = "more than 65,535 files";
    return std::nullopt;
  }
  uint16_t dtime = 0, ddate = 0;
  dos_time(epoch, dtime, ddate);
  std::string out, directory;
  for (const FileEntry& e : entries) {
    if (e.name.size() > 0xFFFF || e.data.size() >= kMax32 || out.size() >= kMax32) {
      error = "larger than a zip without zip64 can hold (4 GB)";
      return std::nullopt;
    }
    std::string packed;
    bool deflated = false;
    if (e.name != "mimetype") {  // stored: the first bytes of the file name its type
      std::optional<std::string> d = deflate_raw(e.data);
      if (!d) {
        error = "zlib cannot compress " + e.name;
        return std::nullopt;
      }
      deflated = d->size() < e.data.size();  // else stored, which is smaller
      if (deflated) packed = std::move(*d);
    }
    const uint32_t method = deflated ? 8 : 0;
    const std::string_view body = deflated ? std::string_view(packed) : std::string_view(e.data);
    const bool utf8 = std::any_of(e.name.begin(), e.name.end(),
                                  [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
    const uint32_t offset = static_cast<uint32_t>(out.size());
    // The fields the local header and the central directory share.
    std::string common;
    put16(common, deflated ? 20 : 10);  // version needed: 2.0 for deflate
    // General purpose flags: bit 11, a UTF-8 name; bit 1, deflated at the
    // maximum level.
    put16(common, (utf8 ? 0x0800 : 0) | (deflated ? 0x0002 : 0));
    put16(common, method);
    put16(common, dtime);
    put16(common, ddate);
    put32(common, crc_of(e.data));
    put32(common, static_cast<uint32_t>(body.size()));
    put32(common, static_cast<uint32_t>(e.data.size()));
    put16(common, static_cast<uint32_t>(e.name.size()));
    put16(common, 0);        // extra field length
    put32(out, 0x04034b50);  // local file header
    out += common;
    out += e.name;
    out += body;
    put32(directory, 0x02014b50);  // central directory header
    // Made by Unix, zip 6.3, and mode 0666 for a regular file: what libzip
    // wrote, so the archives are byte for byte the ones it made.
    put16(directory, (3 << 8) | 63);
    directory += common;
    put16(directory, 0);               // comment length
    put16(directory, 0);               // disk number
    put16(directory, 0);               // internal attributes
    put32(directory, 0100666u << 16);  // external attributes
    put32(directory, offset);
    directory += e.name;
  }
  if (out.size() + directory.size() >= kMax32) {
    error = "larger than a zip without zip64 can hold (4 GB)";
    return std::nullopt;
  }
  const uint32_t directory_at = static_cast<uint32_t>(out.size());
  out += directory;
  put32(out, 0x06054b50);  // end of central directory
  put16(out, 0);           // this disk
  put16(out, 0);           // the directory's disk
  put16(out, static_cast<uint32_t>(entries.size()));
  put16(out, static_cast<uint32_t>(entries.size()));
  put32(out, static_cast<uint32_t>(directory.size()));
  put32(out, directory_at);
  put16(out, 0);  // comment length
  return out;
}

}  // namespace detail

std::optional<std::vector<ArchiveEntry>> read_archive(std::string_view bytes) {
  const Zip* z = zip_library();
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
