#include "pdf/compress.h"

#include <hpdf_doc.h>
#include <hpdf_list.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <libdeflate.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "base/parallel.h"
#include "pdf/reuse.h"

namespace moyin::pdf {
namespace {

// The level of each kind of stream, measured on the seed's streams
// (docs/performance.md, "libdeflate levels per kind of stream"). Content
// streams (operators and hex glyph codes) shrink with every level up to 6
// (6 % smaller than at 5) and barely past it, at 1.4–4× the time; so do
// TrueType programs (level 1 is 3 % larger). Desubroutinized CFF
// charstrings hardly do: level 1 is 1.3 % larger than 6 at half its time,
// and the largest face's program is compressed on the path the finished
// file waits on.
constexpr int level_of(StreamKind kind) { return kind == StreamKind::CffProgram ? 1 : 6; }

struct CompressorDeleter {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

// The stream's bytes, gathered from libharu's memory-stream chunks.
std::vector<HPDF_BYTE> contents(HPDF_Stream stream) {
  std::vector<HPDF_BYTE> out;
  out.reserve(stream->size);
  const HPDF_UINT chunks = HPDF_MemStream_GetBufCount(stream);
  for (HPDF_UINT i = 0; i < chunks; ++i) {
    HPDF_UINT len = 0;
    const HPDF_BYTE* p = HPDF_MemStream_GetBufPtr(stream, i, &len);
    if (p && len) out.insert(out.end(), p, p + len);
  }
  return out;
}

// Replaces the stream's bytes by their compressed form.
HPDF_STATUS replace(HPDF_Dict dict, std::span<const HPDF_BYTE> packed) {
  if (packed.empty()) return HPDF_SetError(dict->error, HPDF_FAILD_TO_ALLOC_MEM, 0);
  HPDF_MemStream_FreeData(dict->stream);
  return HPDF_Stream_Write(dict->stream, packed.data(), static_cast<HPDF_UINT>(packed.size()));
}

// libharu calls a dictionary's write_fn after its keys (the /Filter array
// included, since the filter is still set) and before its stream data:
// clearing the filter here makes libharu copy the bytes as they are.
HPDF_STATUS written_compressed(HPDF_Dict dict, HPDF_Stream) {
  dict->filter = HPDF_STREAM_FILTER_NONE;
  dict->write_fn = nullptr;
  return HPDF_OK;
}

// A stream its before_write_fn fills (a TrueType font program) is final
// only here: compressed now.
HPDF_STATUS compress_now(HPDF_Dict dict, HPDF_Stream stream) {
  const std::vector<HPDF_BYTE> raw = contents(dict->stream);
  const HPDF_STATUS st = replace(dict, deflate(std::as_bytes(std::span(raw)), StreamKind::Default));
  return st == HPDF_OK ? written_compressed(dict, stream) : st;
}

}  // namespace

namespace {
using CompressorPtr = std::unique_ptr<libdeflate_compressor, CompressorDeleter>;

std::vector<HPDF_BYTE> deflate_with(libdeflate_compressor* c, std::span<const std::byte> raw) {
  if (!c) return {};
  std::vector<HPDF_BYTE> packed(libdeflate_zlib_compress_bound(c, raw.size()));
  const size_t n = libdeflate_zlib_compress(c, raw.data(), raw.size(), packed.data(), packed.size());
  packed.resize(n);
  return packed;
}
}  // namespace

std::vector<HPDF_BYTE> deflate(std::span<const std::byte> raw, StreamKind kind) {
  const CompressorPtr c(libdeflate_alloc_compressor(level_of(kind)));
  return deflate_with(c.get(), raw);
}

namespace {
// The write hook of a deferred stream: nothing to do (it only marks it).
HPDF_STATUS deferred(HPDF_Dict, HPDF_Stream) { return HPDF_OK; }
}  // namespace

void defer(HPDF_Dict dict) { dict->write_fn = deferred; }

bool set_raw(HPDF_Dict dict, std::span<const std::byte> raw) {
  dict->write_fn = nullptr;
  return HPDF_Stream_Write(dict->stream, reinterpret_cast<const HPDF_BYTE*>(raw.data()),
                           static_cast<HPDF_UINT>(raw.size())) == HPDF_OK;
}

bool set_compressed(HPDF_Dict dict, std::span<const HPDF_BYTE> packed) {
  if (replace(dict, packed) != HPDF_OK) return false;
  dict->write_fn = written_compressed;
  return true;
}

void use_libdeflate(HPDF_Doc pdf, int threads, Reuse* reuse) {
  std::vector<HPDF_Dict> now;
  HPDF_List entries = pdf->xref->entries;
  for (HPDF_UINT i = 0; i < entries->count; ++i) {
    auto* entry = static_cast<HPDF_XrefEntry>(HPDF_List_ItemAt(entries, i));
    if (!entry || !entry->obj) continue;
    auto* header = static_cast<HPDF_Obj_Header*>(entry->obj);
    if ((header->obj_class & HPDF_OCLASS_ANY) != HPDF_OCLASS_DICT) continue;
    auto dict = static_cast<HPDF_Dict>(entry->obj);
    if (!dict->stream || dict->stream->type != HPDF_STREAM_MEMORY) continue;
    if (dict->filter != HPDF_STREAM_FILTER_FLATE_DECODE || dict->filterParams) continue;
    if (dict->write_fn) continue;
    if (dict->before_write_fn) dict->write_fn = compress_now;  // filled while saving
    else now.push_back(dict);
  }
  // libharu's memory is touched on this thread only; workers see plain bytes.
  // libharu's copy of each stream is freed once gathered (the bytes go back
  // compressed below): a long book's pages are not held three times over.
  std::vector<std::vector<HPDF_BYTE>> bytes(now.size());
  for (size_t i = 0; i < now.size(); ++i) {
    bytes[i] = contents(now[i]->stream);
    HPDF_MemStream_FreeData(now[i]->stream);
  }
  // `watch`: the streams compressed by the build before (same bytes) are taken as they were.
  std::vector<std::string> raw(reuse ? now.size() : 0);
  std::vector<std::shared_ptr<const std::string>> kept(now.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    raw[i].assign(bytes[i].begin(), bytes[i].end());
    kept[i] = reuse->find_stream(raw[i]);
  }
  std::vector<char> failed(now.size(), 0);  // not compressed: the raw bytes go back
  // One compressor per worker, each taking every `workers`-th stream: a
  // level-6 compressor is about 300 KB that every stream would otherwise
  // allocate and fault in afresh (a short document's streams are small).
  const size_t workers = std::clamp<size_t>(static_cast<size_t>(std::max(threads, 1)), 1,
                                            std::max<size_t>(now.size(), 1));
  base::run_parallel(workers, static_cast<int>(workers), [&](size_t w) {
    CompressorPtr c;
    for (size_t i = w; i < now.size(); i += workers) {
      if (kept[i]) continue;
      if (!c) c.reset(libdeflate_alloc_compressor(level_of(StreamKind::Default)));
      std::vector<HPDF_BYTE> packed = deflate_with(c.get(), std::as_bytes(std::span(bytes[i])));
      if (packed.empty()) failed[i] = 1;
      else bytes[i] = std::move(packed);
    }
  });
  for (size_t i = 0; i < raw.size(); ++i) {
    if (kept[i]) bytes[i].assign(kept[i]->begin(), kept[i]->end());
    else if (!failed[i])
      reuse->keep_stream(std::move(raw[i]),
                         std::make_shared<const std::string>(bytes[i].begin(), bytes[i].end()));
  }
  for (size_t i = 0; i < now.size(); ++i) {
    if (failed[i]) {  // libharu compresses it itself
      HPDF_Stream_Write(now[i]->stream, bytes[i].data(), static_cast<HPDF_UINT>(bytes[i].size()));
    } else if (replace(now[i], bytes[i]) == HPDF_OK) {
      now[i]->write_fn = written_compressed;
    }
    std::vector<HPDF_BYTE>().swap(bytes[i]);
  }
}

}  // namespace moyin::pdf
