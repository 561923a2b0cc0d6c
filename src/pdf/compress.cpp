#include "pdf/compress.h"

#include <hpdf_doc.h>
#include <hpdf_list.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/deflate.h"
#include "base/parallel.h"
#include "pdf/reuse.h"
#include "pdf/stream.h"

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

// libharu calls a dictionary's write_fn after its keys (the /Filter array
// included, since the filter is still set) and before its stream data:
// clearing the filter here makes libharu copy the bytes as they are.
HPDF_STATUS written_compressed(HPDF_Dict dict, HPDF_Stream) {
  dict->filter = HPDF_STREAM_FILTER_NONE;
  dict->write_fn = nullptr;
  return HPDF_OK;
}

// Puts the compressed bytes in place of the stream's own.
HPDF_STATUS put_compressed(HPDF_Dict dict, std::string packed) {
  if (packed.empty()) return HPDF_SetError(dict->error, HPDF_FAILD_TO_ALLOC_MEM, 0);
  if (!put_bytes(dict, std::move(packed))) return HPDF_Error_GetCode(dict->error);
  return HPDF_OK;
}

// A stream libharu may hold: its own memory stream or a string stream.
bool bytes_held(HPDF_Stream stream) {
  return stream && (stream->type == HPDF_STREAM_MEMORY || string_of(stream));
}

// A stream whose bytes are final and that libharu would Flate-compress as
// it saves: compressed before, with libdeflate.
bool compressible_now(HPDF_Dict dict) {
  return bytes_held(dict->stream) && dict->filter == HPDF_STREAM_FILTER_FLATE_DECODE &&
         !dict->filterParams && !dict->write_fn && !dict->before_write_fn;
}

// The write hook of a deferred stream: nothing to do (it only marks it).
HPDF_STATUS deferred(HPDF_Dict, HPDF_Stream) { return HPDF_OK; }

}  // namespace

std::string deflate(std::span<const std::byte> raw, StreamKind kind) {
  return base::Deflater(level_of(kind)).zlib(raw);
}

void defer(HPDF_Dict dict) { dict->write_fn = deferred; }

bool set_raw(HPDF_Dict dict, std::span<const std::byte> raw) {
  dict->write_fn = nullptr;
  return put_bytes(dict, std::string(reinterpret_cast<const char*>(raw.data()), raw.size()));
}

bool set_compressed(HPDF_Dict dict, std::string packed) {
  if (put_compressed(dict, std::move(packed)) != HPDF_OK) return false;
  dict->write_fn = written_compressed;
  return true;
}

namespace {

// Calls `now(dict)` for every stream of `pdf` that libharu would
// Flate-compress and whose bytes are final. One libharu fills only while
// saving (the program of a TrueType font of libharu's own, which the writer
// no longer makes) is left to libharu.
template <typename Now>
void for_each_stream_to_compress(HPDF_Doc pdf, Now now) {
  HPDF_List entries = pdf->xref->entries;
  for (HPDF_UINT i = 0; i < entries->count; ++i) {
    auto* entry = static_cast<HPDF_XrefEntry>(HPDF_List_ItemAt(entries, i));
    if (!entry || !entry->obj) continue;
    auto* header = static_cast<HPDF_Obj_Header*>(entry->obj);
    if ((header->obj_class & HPDF_OCLASS_ANY) != HPDF_OCLASS_DICT) continue;
    auto dict = static_cast<HPDF_Dict>(entry->obj);
    if (compressible_now(dict)) now(dict);
  }
}

}  // namespace

void use_libdeflate(HPDF_Doc pdf, int threads, Reuse* reuse) {
  std::vector<HPDF_Dict> now;
  for_each_stream_to_compress(pdf, [&](HPDF_Dict dict) { now.push_back(dict); });
  // libharu's memory is touched on this thread only; workers see plain bytes.
  // Each stream's bytes are taken out of libharu (the bytes go back
  // compressed below): a long book's pages are not held three times over.
  std::vector<std::string> bytes(now.size());
  for (size_t i = 0; i < now.size(); ++i) bytes[i] = take_bytes(now[i]);
  // `watch`: the streams compressed by the build before (same bytes) are taken as they were.
  std::vector<std::string> raw(reuse ? now.size() : 0);
  std::vector<std::shared_ptr<const std::string>> kept(now.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    raw[i] = bytes[i];
    kept[i] = reuse->find_stream(raw[i]);
  }
  std::vector<char> failed(now.size(), 0);  // not compressed: the raw bytes go back
  // One compressor per worker, each taking every `workers`-th stream: a
  // level-6 compressor is about 300 KB that every stream would otherwise
  // allocate and fault in afresh (a short document's streams are small).
  const size_t workers = std::clamp<size_t>(static_cast<size_t>(std::max(threads, 1)), 1,
                                            std::max<size_t>(now.size(), 1));
  base::run_parallel(workers, static_cast<int>(workers), [&](size_t w) {
    std::optional<base::Deflater> c;
    for (size_t i = w; i < now.size(); i += workers) {
      if (kept[i]) continue;
      if (!c) c.emplace(level_of(StreamKind::Default));
      std::string packed = c->zlib(std::as_bytes(std::span(bytes[i])));
      if (packed.empty()) failed[i] = 1;
      else bytes[i] = std::move(packed);
    }
  });
  for (size_t i = 0; i < raw.size(); ++i) {
    if (kept[i]) bytes[i] = *kept[i];
    else if (!failed[i])
      reuse->keep_stream(std::move(raw[i]), std::make_shared<const std::string>(bytes[i]));
  }
  for (size_t i = 0; i < now.size(); ++i) {
    if (failed[i]) {  // libharu compresses it itself
      put_bytes(now[i], std::move(bytes[i]));
    } else if (put_compressed(now[i], std::move(bytes[i])) == HPDF_OK) {
      now[i]->write_fn = written_compressed;
    }
  }
}

// What the caller and the compressing thread share: the streams' bytes
// (each handed over before `given` counts it, compressed before `done`
// does) and the deque holding them, under `mutex` (an element's bytes are
// read and written outside it by the one side that owns them then).
struct StreamDeflater::Shared {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::string> bytes;  // grows; its elements stay where they are
  std::deque<char> packed;        // by stream: `bytes` hold its compressed bytes
  size_t given = 0, done = 0;
  bool closed = false;  // nothing more comes
};

StreamDeflater::StreamDeflater() : shared_(std::make_shared<Shared>()) {
  thread_ = std::jthread([s = shared_] {
    base::Deflater c(level_of(StreamKind::Default));
    for (size_t i = 0;; ++i) {
      std::unique_lock lock(s->mutex);
      s->changed.wait(lock, [&] { return s->given > i || s->closed; });
      if (s->given <= i) return;
      std::string& bytes = s->bytes[i];
      lock.unlock();
      std::string packed = c.zlib(std::as_bytes(std::span(bytes)));
      lock.lock();
      if (!packed.empty()) {
        bytes = std::move(packed);
        s->packed[i] = 1;
      }
      s->done = i + 1;
      s->changed.notify_all();
    }
  });
}

StreamDeflater::~StreamDeflater() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->closed = true;
  }
  shared_->changed.notify_all();
}

void StreamDeflater::give(HPDF_Dict dict) {
  if (!compressible_now(dict)) return;
  std::string bytes = take_bytes(dict);
  dict->write_fn = deferred;  // its bytes come back in finish(): not given again
  {
    std::lock_guard lock(shared_->mutex);
    shared_->bytes.push_back(std::move(bytes));
    shared_->packed.push_back(0);
    shared_->given = shared_->bytes.size();
  }
  dicts_.push_back(dict);
  shared_->changed.notify_all();
}

bool StreamDeflater::give_rest(HPDF_Doc pdf, size_t max_bytes) {
  std::vector<HPDF_Dict> rest;
  size_t bytes = 0;
  for_each_stream_to_compress(pdf, [&](HPDF_Dict dict) {
    rest.push_back(dict);
    bytes += HPDF_Stream_Size(dict->stream);
  });
  if (bytes > max_bytes) return false;
  for (HPDF_Dict dict : rest) give(dict);
  return true;
}

bool StreamDeflater::finish() {
  {
    std::unique_lock lock(shared_->mutex);
    shared_->closed = true;
    shared_->changed.notify_all();
    shared_->changed.wait(lock, [&] { return shared_->done == shared_->given; });
  }
  bool ok = true;
  for (size_t i = 0; i < dicts_.size(); ++i) {
    std::string& bytes = shared_->bytes[i];
    dicts_[i]->write_fn = nullptr;  // not compressed: libharu compresses it while saving
    ok &= shared_->packed[i] ? set_compressed(dicts_[i], std::move(bytes))
                             : put_bytes(dicts_[i], std::move(bytes));
  }
  dicts_.clear();
  return ok;
}

}  // namespace moyin::pdf
