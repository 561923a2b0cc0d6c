// Stream compression for the PDF writer: libdeflate instead of libharu's
// zlib pass (docs/performance.md: about 3× less CPU for the same sizes).
// Internal to src/pdf; the libharu types are this folder's own.
#pragma once

#include <hpdf.h>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace moyin::pdf {

class Reuse;

// Compresses every stream of `pdf` that libharu would Flate-compress once
// with libdeflate, so libharu writes the bytes as they are (the /Filter entry
// is libharu's own), on up to `threads` threads. Streams libharu fills only
// while saving, or with their own write hook or decode parameters, are left
// to libharu. Call right before saving; deterministic
// (same bytes in, same bytes out, whatever the number of threads). With
// `reuse` (`watch`), a final stream whose bytes it kept compressed is not
// compressed again, and the others are kept for the next build.
void use_libdeflate(HPDF_Doc pdf, int threads, Reuse* reuse = nullptr);

// Compresses streams handed over one at a time on a thread of its own while
// the caller goes on: each page's content stream once the page is drawn,
// so the file waits at the end only for the last pages' (the writer's
// thread drew every page and then compressed them all), then the rest of
// the document's. The same bytes as use_libdeflate writes. libharu is
// touched on the caller's thread only: give() takes a stream's bytes out,
// finish() puts them back compressed.
class StreamDeflater {
 public:
  StreamDeflater();
  StreamDeflater(const StreamDeflater&) = delete;
  StreamDeflater& operator=(const StreamDeflater&) = delete;
  ~StreamDeflater();  // stops the thread; what was given and not finished is dropped
  // Hands over a stream use_libdeflate would compress now (others are
  // left alone, for use_libdeflate): its bytes are taken out.
  void give(HPDF_Dict dict);
  // Hands over every other stream of `pdf` use_libdeflate would compress
  // (the document is final) when they hold `max_bytes` or less in all (a
  // document's ToUnicode maps, forms, metadata): in place of use_libdeflate
  // (without its `watch` reuse), on this thread's one compressor. False,
  // and nothing handed over, when they hold more (images' pixels): those
  // are for use_libdeflate on several threads.
  bool give_rest(HPDF_Doc pdf, size_t max_bytes);
  // Waits for the thread and puts each stream's bytes back, compressed
  // (raw when they could not be: libharu then compresses them itself).
  // False when libharu failed (its error is set).
  bool finish();

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
  std::vector<HPDF_Dict> dicts_;  // what was given, in order
  std::jthread thread_;
};

// What a stream holds: each kind has the libdeflate level measured best for
// it, size against time (docs/performance.md): CFF font programs, and the
// rest (content streams, TrueType programs, images, ToUnicode maps).
enum class StreamKind { Default, CffProgram };

// `raw` deflated (zlib format, what /FlateDecode reads) at `kind`'s level;
// empty when the compressor could not start. Thread-safe.
std::string deflate(std::span<const std::byte> raw, StreamKind kind);

// A stream whose bytes come later, once the pages are drawn (a CFF font
// program, made on the writer's threads): use_libdeflate leaves it alone
// until set_compressed or set_raw gives it its bytes.
void defer(HPDF_Dict dict);

// Puts `packed` (deflate's output) in place of the bytes of the stream of
// `dict`, whose /Filter is /FlateDecode, so that libharu writes it as it is
// (use_libdeflate then leaves it alone). False when libharu failed.
bool set_compressed(HPDF_Dict dict, std::string packed);

// Gives a deferred stream its bytes as they are: libharu applies its
// /Filter when it writes them. False when libharu failed.
bool set_raw(HPDF_Dict dict, std::span<const std::byte> raw);

}  // namespace moyin::pdf
