// Stream compression for the PDF writer: libdeflate instead of libharu's
// zlib pass (docs/performance.md: about 3× less CPU for the same sizes).
// Internal to src/pdf; the libharu types are this folder's own.
#pragma once

#include <hpdf.h>

#include <utility>
#include <vector>

namespace moyin::pdf {

class Reuse;

// The user data of libharu's error handler for one document (HPDF_New):
// the errors it raised, and — since libharu calls the stream hook below
// with no context of its own — what that hook reuses between builds.
struct ErrorLog {
  std::vector<std::pair<unsigned long, unsigned long>> errors;  // code, detail
  Reuse* reuse = nullptr;  // compressed streams kept by `watch` (null: none)
};

// Marks every stream of `pdf` that libharu would Flate-compress so that,
// when libharu writes it, its bytes are compressed once with libdeflate and
// written as they are (the /Filter entry is libharu's own). Streams with
// their own write hook or decode parameters are left to libharu. Call right
// before saving; deterministic (same bytes in, same bytes out). A stream
// whose bytes the document's ErrorLog::reuse has seen compressed is not
// compressed again.
void use_libdeflate(HPDF_Doc pdf);

}  // namespace moyin::pdf
