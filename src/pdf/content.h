// Pure helpers of the PDF writer (no libharu): number formatting, the
// ToUnicode CMap, cluster text per glyph, dates. Internal to src/pdf.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "layout/book.h"
#include "pdf/color.h"

namespace moyin::pdf {

// UTF-8 → UTF-16 code units (surrogate pairs beyond the BMP; invalid bytes
// become U+FFFD).
std::u16string utf8_to_utf16(std::string_view utf8);

// The source text each glyph of `run` stands for: a cluster's text goes to
// its glyphs one code point each, the last glyph taking the rest (so a
// ligature maps to all its letters); glyphs beyond the cluster's code points
// get "". Clusters are byte offsets into run.text, in either order.
std::vector<std::string> glyph_texts(const layout::GlyphRun& run);

// A ToUnicode CMap (bfchar/bfrange, ≤100 entries per block) for 2-byte codes.
std::string tounicode_cmap(const std::map<uint16_t, std::u16string>& map);

// The operators that set a stroke's line style (width, cap, join, miter
// limit, dashes); not its colour or opacity.
std::string line_style(const layout::PathStroke& stroke);

// Content-stream operators that construct and paint `path` (colours, line
// style, segments, paint operator), in PDF coordinates for a page
// `page_height` tall; colours in CMYK through `cmyk` when given. Opacity is
// not included: it needs an ExtGState. Returns "" for a path with nothing to paint.
std::string path_operators(const layout::Path& path, double page_height,
                           const CmykConverter* cmyk = nullptr);

// The document metadata an XMP packet carries (PDF/A, PDF/UA and readers
// that prefer XMP to the Info dictionary). Strings are UTF-8.
struct XmpFields {
  std::string lang;  // dc:title/dc:description language ("x-default" too)
  std::string title;
  std::vector<std::string> creators;
  std::string description;
  std::string keywords;  // pdf:Keywords, also split into dc:subject
  std::vector<std::string> subjects;
  std::string date;      // ISO 8601 ("2025-10-28T05:54:14Z"), "" = none
  std::string producer;  // pdf:Producer
  std::string creator_tool;
  int pdfa_part = 0;             // 0 = not claimed
  std::string pdfa_conformance;  // "B", "U", "A"
  int pdfua_part = 0;            // 0 = not claimed
  std::string pdfx_version;      // pdfxid:GTS_PDFXVersion ("PDF/X-4"), "" = not claimed
  std::string document_id;       // xmpMM:DocumentID ("uuid:…"), "" = none
};

// The metadata stream's text: an XMP packet (RDF/XML) with a fixed header and
// trailer, padded with whitespace so it can be edited in place.
std::string xmp_packet(const XmpFields& f);

// Escapes &, <, >, " for XML text and attribute values; drops the control
// characters XML 1.0 cannot carry.
std::string xml_escape(std::string_view s);

// Percent-encodes bytes a URI must not carry raw (non-ASCII, space, …).
std::string escape_uri(std::string_view uri);

}  // namespace moyin::pdf
