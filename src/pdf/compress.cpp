#include "pdf/compress.h"

#include <hpdf_doc.h>
#include <hpdf_list.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <libdeflate.h>

#include <cstring>
#include <memory>
#include <string>

#include "pdf/reuse.h"

namespace moyin::pdf {
namespace {

// Level 6: measured on the seed's CFF subsets and content streams, within
// 1% of zlib's size at a third of its time; higher levels cost 2–5× more
// time for 1–2% (docs/performance.md).
constexpr int kLevel = 6;

struct CompressorDeleter {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

// The stream's bytes, gathered from libharu's memory-stream chunks.
std::string contents(HPDF_Stream stream) {
  std::string out;
  out.reserve(stream->size);
  const HPDF_UINT chunks = HPDF_MemStream_GetBufCount(stream);
  for (HPDF_UINT i = 0; i < chunks; ++i) {
    HPDF_UINT len = 0;
    const HPDF_BYTE* p = HPDF_MemStream_GetBufPtr(stream, i, &len);
    if (p && len) out.append(reinterpret_cast<const char*>(p), len);
  }
  return out;
}

// libharu calls a dictionary's write_fn after its keys (the /Filter array
// included, since the filter is still set) and before its stream data, so
// every stream is final here — a TrueType font program is only filled in by
// its own before_write_fn. The bytes are replaced by their compressed form
// and the filter cleared, so libharu copies them as they are.
HPDF_STATUS compress_now(HPDF_Dict dict, HPDF_Stream) {
  const std::string raw = contents(dict->stream);
  const auto* log = static_cast<const ErrorLog*>(dict->error->user_data);
  Reuse* reuse = log ? log->reuse : nullptr;
  std::shared_ptr<const std::string> packed = reuse ? reuse->find_stream(raw) : nullptr;
  if (!packed) {
    std::unique_ptr<libdeflate_compressor, CompressorDeleter> c(
        libdeflate_alloc_compressor(kLevel));
    if (!c) return HPDF_SetError(dict->error, HPDF_FAILD_TO_ALLOC_MEM, 0);
    std::string out(libdeflate_zlib_compress_bound(c.get(), raw.size()), '\0');
    const size_t n =
        libdeflate_zlib_compress(c.get(), raw.data(), raw.size(), out.data(), out.size());
    if (n == 0) return HPDF_SetError(dict->error, HPDF_FAILD_TO_ALLOC_MEM, 0);
    out.resize(n);
    packed = std::make_shared<const std::string>(std::move(out));
    if (reuse) reuse->keep_stream(raw, packed);
  }
  HPDF_MemStream_FreeData(dict->stream);
  const HPDF_STATUS st =
      HPDF_Stream_Write(dict->stream, reinterpret_cast<const HPDF_BYTE*>(packed->data()),
                        static_cast<HPDF_UINT>(packed->size()));
  if (st != HPDF_OK) return st;
  dict->filter = HPDF_STREAM_FILTER_NONE;
  dict->write_fn = nullptr;
  return HPDF_OK;
}

}  // namespace

void use_libdeflate(HPDF_Doc pdf) {
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
    dict->write_fn = compress_now;
  }
}

}  // namespace moyin::pdf
