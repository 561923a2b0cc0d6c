// Stream compression for the PDF writer: libdeflate instead of libharu's
// zlib pass (docs/performance.md: about 3× less CPU for the same sizes).
// Internal to src/pdf; the libharu types are this folder's own.
#pragma once

#include <hpdf.h>

namespace moyin::pdf {

class Reuse;

// Compresses every stream of `pdf` that libharu would Flate-compress once
// with libdeflate, so libharu writes the bytes as they are (the /Filter entry
// is libharu's own): the streams that are final now on up to `threads`
// threads, those libharu fills only while saving (a TrueType font program)
// as libharu writes them. Streams with their own write hook or decode
// parameters are left to libharu. Call right before saving; deterministic
// (same bytes in, same bytes out, whatever the number of threads). With
// `reuse` (`watch`), a final stream whose bytes it kept compressed is not
// compressed again, and the others are kept for the next build.
void use_libdeflate(HPDF_Doc pdf, int threads, Reuse* reuse = nullptr);

}  // namespace moyin::pdf
