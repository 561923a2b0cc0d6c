// Stream compression for the PDF writer: libdeflate instead of libharu's
// zlib pass (docs/performance.md: about 3× less CPU for the same sizes).
// Internal to src/pdf; the libharu types are this folder's own.
#pragma once

#include <hpdf.h>

namespace moyin::pdf {

// Marks every stream of `pdf` that libharu would Flate-compress so that,
// when libharu writes it, its bytes are compressed once with libdeflate and
// written as they are (the /Filter entry is libharu's own). Streams with
// their own write hook or decode parameters are left to libharu. Call right
// before saving; deterministic (same bytes in, same bytes out).
void use_libdeflate(HPDF_Doc pdf);

}  // namespace moyin::pdf
