// libharu streams whose bytes are one std::string (docs/performance.md,
// "The PDF writer's own work"). libharu's memory streams keep their bytes
// in 4 KB blocks copied one byte at a time (HPDF_MemCpy is a byte loop), so
// every content stream was copied in byte by byte, gathered for the
// compressor, written back compressed, read out again while saving, and the
// saved file read back once more. These streams are libharu callback
// streams (HPDF_CallbackReader_New) that append with std::string and read
// with memcpy: libharu still writes every object and every stream itself.
// Internal to src/pdf; the libharu types are this folder's own.
#pragma once

#include <hpdf.h>

#include <functional>
#include <string>
#include <string_view>

namespace moyin::pdf {

// A readable, writable stream holding `bytes`; libharu frees it (and them)
// with the object that owns it. Null when libharu is out of memory.
HPDF_Stream new_string_stream(HPDF_MMgr mmgr, std::string bytes = {});

// The bytes of a stream made by new_string_stream; null for any other stream.
std::string* string_of(HPDF_Stream stream);

// The bytes of a stream dictionary's stream (a string stream's, or those
// gathered from libharu's memory blocks), taken out: the stream is left
// empty. Empty for any other kind of stream.
std::string take_bytes(HPDF_Dict dict);

// Gives a stream dictionary `bytes` as its whole stream, in place of what it
// held: a string stream (a memory stream is replaced by one). False when
// libharu failed (its error is set).
bool put_bytes(HPDF_Dict dict, std::string bytes);

// A page's content stream becomes a string stream (what it held kept), so
// the operators drawn on it are appended rather than copied byte by byte.
bool use_string_stream(HPDF_Page page);

// Appends `bytes` to a stream through libharu (its size kept).
void append(HPDF_Stream stream, std::string_view bytes);

// Saves the document (HPDF_SaveToStream) into `write`, in pieces of about
// 64 KB, instead of into a memory stream read back afterwards. False when
// libharu or `write` failed; libharu's error is set either way.
bool save_into(HPDF_Doc pdf, const std::function<bool(std::string_view)>& write);

}  // namespace moyin::pdf
