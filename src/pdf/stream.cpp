#include "pdf/stream.h"

#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <utility>

namespace moyin::pdf {
namespace {

struct Buffer {
  std::string bytes;
  size_t read = 0;  // where the next read starts
};

Buffer& buffer(HPDF_Stream stream) { return *static_cast<Buffer*>(stream->attr); }

// As libharu's memory streams: nothing more is written once an error is set.
HPDF_STATUS write_bytes(HPDF_Stream stream, const HPDF_BYTE* ptr, HPDF_UINT size) {
  if (HPDF_Error_GetCode(stream->error) != HPDF_OK) return HPDF_THIS_FUNC_WAS_SKIPPED;
  try {
    buffer(stream).bytes.append(reinterpret_cast<const char*>(ptr), size);
  } catch (const std::bad_alloc&) {
    return HPDF_SetError(stream->error, HPDF_FAILD_TO_ALLOC_MEM, 0);
  }
  return HPDF_OK;
}

// Fills `ptr` with up to *size bytes; HPDF_STREAM_EOF when fewer were left.
HPDF_STATUS read_bytes(HPDF_Stream stream, HPDF_BYTE* ptr, HPDF_UINT* size) {
  Buffer& b = buffer(stream);
  const size_t n = std::min<size_t>(*size, b.bytes.size() - b.read);
  std::memcpy(ptr, b.bytes.data() + b.read, n);
  b.read += n;
  const HPDF_STATUS st = n < *size ? HPDF_STREAM_EOF : HPDF_OK;
  *size = static_cast<HPDF_UINT>(n);
  return st;
}

HPDF_STATUS seek(HPDF_Stream stream, HPDF_INT pos, HPDF_WhenceMode mode) {
  Buffer& b = buffer(stream);
  long long to = pos;
  if (mode == HPDF_SEEK_CUR) to += static_cast<long long>(b.read);
  else if (mode == HPDF_SEEK_END) to = static_cast<long long>(b.bytes.size()) - pos;
  if (to < 0 || to > static_cast<long long>(b.bytes.size()))
    return HPDF_SetError(stream->error, HPDF_STREAM_EOF, 0);
  b.read = static_cast<size_t>(to);
  return HPDF_OK;
}

HPDF_INT32 tell(HPDF_Stream stream) { return static_cast<HPDF_INT32>(buffer(stream).read); }

HPDF_UINT32 size_of(HPDF_Stream stream) {
  return static_cast<HPDF_UINT32>(buffer(stream).bytes.size());
}

void free_buffer(HPDF_Stream stream) {
  std::unique_ptr<Buffer>(static_cast<Buffer*>(stream->attr)).reset();
  stream->attr = nullptr;
}

// The bytes of libharu's memory stream, gathered from its blocks.
std::string memory_bytes(HPDF_Stream stream) {
  std::string out;
  out.reserve(stream->size);
  const HPDF_UINT blocks = HPDF_MemStream_GetBufCount(stream);
  for (HPDF_UINT i = 0; i < blocks; ++i) {
    HPDF_UINT len = 0;
    const HPDF_BYTE* p = HPDF_MemStream_GetBufPtr(stream, i, &len);
    if (p && len) out.append(reinterpret_cast<const char*>(p), len);
  }
  return out;
}

// The output of save_into: libharu's writes (mostly a few bytes each, a
// stream's in 4 KB pieces) gathered into pieces of kPiece bytes.
struct Sink {
  static constexpr size_t kPiece = 1 << 16;
  const std::function<bool(std::string_view)>& write;
  std::unique_ptr<char[]> piece = std::make_unique_for_overwrite<char[]>(kPiece);
  size_t used = 0;
  bool failed = false;

  bool pass(std::string_view bytes) {
    if (!failed && !bytes.empty()) failed = !write(bytes);
    return !failed;
  }
  bool flush() {
    const size_t n = std::exchange(used, 0);
    return pass({piece.get(), n});
  }
};

HPDF_STATUS write_out(HPDF_Stream stream, const HPDF_BYTE* ptr, HPDF_UINT size) {
  Sink& sink = *static_cast<Sink*>(stream->attr);
  if (size > Sink::kPiece - sink.used) {
    const bool ok = sink.flush() &&
                    (size < Sink::kPiece || sink.pass({reinterpret_cast<const char*>(ptr), size}));
    if (!ok) return HPDF_SetError(stream->error, HPDF_FILE_IO_ERROR, 0);
    if (size >= Sink::kPiece) return HPDF_OK;
  }
  std::memcpy(sink.piece.get() + sink.used, ptr, size);
  sink.used += size;
  return HPDF_OK;
}

}  // namespace

HPDF_Stream new_string_stream(HPDF_MMgr mmgr, std::string bytes) {
  auto held = std::make_unique<Buffer>();
  held->bytes = std::move(bytes);
  HPDF_Stream stream = HPDF_CallbackReader_New(mmgr, read_bytes, seek, tell, size_of, held.get());
  if (!stream) return nullptr;
  stream->write_fn = write_bytes;
  stream->free_fn = free_buffer;
  stream->size = static_cast<HPDF_UINT>(held->bytes.size());
  held.release();  // libharu's now: free_buffer
  return stream;
}

std::string* string_of(HPDF_Stream stream) {
  if (!stream || stream->free_fn != free_buffer) return nullptr;
  return &buffer(stream).bytes;
}

std::string take_bytes(HPDF_Dict dict) {
  HPDF_Stream stream = dict->stream;
  if (std::string* bytes = string_of(stream)) {
    std::string out = std::move(*bytes);
    bytes->clear();
    buffer(stream).read = 0;
    stream->size = 0;
    return out;
  }
  if (!stream || stream->type != HPDF_STREAM_MEMORY) return {};
  std::string out = memory_bytes(stream);
  HPDF_MemStream_FreeData(stream);
  return out;
}

bool put_bytes(HPDF_Dict dict, std::string bytes) {
  if (std::string* held = string_of(dict->stream)) {
    *held = std::move(bytes);
    buffer(dict->stream).read = 0;
    dict->stream->size = static_cast<HPDF_UINT>(held->size());
    return true;
  }
  HPDF_Stream stream = new_string_stream(dict->mmgr, std::move(bytes));
  if (!stream) return false;
  if (dict->stream) HPDF_Stream_Free(dict->stream);
  dict->stream = stream;
  return true;
}

bool use_string_stream(HPDF_Page page) {
  auto* attr = static_cast<HPDF_PageAttr>(page->attr);
  HPDF_Dict contents = attr->contents;
  if (string_of(contents->stream)) return true;
  if (!put_bytes(contents, take_bytes(contents))) return false;
  attr->stream = contents->stream;
  return true;
}

void append(HPDF_Stream stream, std::string_view bytes) {
  HPDF_Stream_Write(stream, reinterpret_cast<const HPDF_BYTE*>(bytes.data()),
                    static_cast<HPDF_UINT>(bytes.size()));
}

bool save_into(HPDF_Doc pdf, const std::function<bool(std::string_view)>& write) {
  Sink sink{write};
  HPDF_Stream out = HPDF_CallbackWriter_New(pdf->mmgr, write_out, &sink);
  if (!out) return false;
  if (pdf->stream) HPDF_Stream_Free(pdf->stream);
  pdf->stream = out;
  bool ok = HPDF_SaveToStream(pdf) == HPDF_OK && sink.flush();
  if (sink.failed && HPDF_GetError(pdf) == HPDF_OK)
    HPDF_SetError(&pdf->error, HPDF_FILE_IO_ERROR, 0);
  HPDF_Stream_Free(pdf->stream);  // it points at `sink`
  pdf->stream = nullptr;
  return ok && !sink.failed;
}

}  // namespace moyin::pdf
