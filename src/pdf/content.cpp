#include "pdf/content.h"

#include "base/number.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "base/number.h"
#include "base/utf8.h"

namespace moyin::pdf {
namespace {

void append_hex16(std::string& out, uint32_t v) {
  static const char* digits = "0123456789ABCDEF";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(digits[(v >> shift) & 0xF]);
}

std::string hex_units(const std::u16string& s) {
  std::string out = "<";
  for (char16_t u : s) append_hex16(out, u);
  out += ">";
  return out;
}

}  // namespace

std::u16string utf8_to_utf16(std::string_view utf8) {
  std::u16string out;
  size_t i = 0;
  while (i < utf8.size()) {
    char32_t cp = base::next_code_point(utf8, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

std::vector<std::string> glyph_texts(const layout::GlyphRun& run) {
  const auto& gs = run.glyphs;
  std::vector<std::string> out(gs.size());
  // Cluster starts, sorted: a cluster's text runs to the next larger start.
  std::vector<uint32_t> starts;
  starts.reserve(gs.size());
  for (const auto& g : gs) starts.push_back(std::min<uint32_t>(g.cluster, run.text.size()));
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  size_t i = 0;
  while (i < gs.size()) {
    uint32_t c = std::min<uint32_t>(gs[i].cluster, run.text.size());
    size_t j = i;
    while (j < gs.size() && std::min<uint32_t>(gs[j].cluster, run.text.size()) == c) ++j;
    auto next = std::upper_bound(starts.begin(), starts.end(), c);
    uint32_t end = next == starts.end() ? static_cast<uint32_t>(run.text.size()) : *next;
    std::string_view text = std::string_view(run.text).substr(c, end - c);
    // A word space set as glue has no glyph: it is not this glyph's text
    // (the code would copy as "t " everywhere the glyph appears).
    while (text.size() > 1 && text.back() == ' ') text.remove_suffix(1);
    // Split into code points; glyphs i..j-1 take one each, the last the rest.
    size_t pos = 0;
    for (size_t k = i; k < j && pos < text.size(); ++k) {
      if (k + 1 == j) {
        out[k] = std::string(text.substr(pos));
        pos = text.size();
      } else {
        size_t p = pos;
        base::next_code_point(text, p);
        out[k] = std::string(text.substr(pos, p - pos));
        pos = p;
      }
    }
    i = j;
  }
  return out;
}

std::string tounicode_cmap(const std::map<uint16_t, std::u16string>& map) {
  std::string out =
      "/CIDInit /ProcSet findresource begin\n"
      "12 dict begin\n"
      "begincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n"
      "/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  // Group into ranges: consecutive codes (same high byte) whose values are
  // single units that also count up (same high byte); the rest are chars.
  struct Range {
    uint16_t first, last;
    std::u16string value;
  };
  std::vector<Range> ranges;
  std::vector<std::pair<uint16_t, const std::u16string*>> chars;
  for (auto it = map.begin(); it != map.end();) {
    auto run_end = std::next(it);
    if (it->second.size() == 1) {
      uint16_t code = it->first;
      char16_t val = it->second[0];
      while (run_end != map.end() && run_end->second.size() == 1 && run_end->first == code + 1 &&
             (run_end->first >> 8) == (it->first >> 8) && run_end->second[0] == val + 1 &&
             (run_end->second[0] >> 8) == (val >> 8)) {
        ++code;
        ++val;
        ++run_end;
      }
    }
    if (std::distance(it, run_end) > 1) {
      ranges.push_back({it->first, std::prev(run_end)->first, it->second});
    } else {
      chars.emplace_back(it->first, &it->second);
    }
    it = run_end;
  }
  for (size_t i = 0; i < chars.size(); i += 100) {
    size_t n = std::min<size_t>(100, chars.size() - i);
    out += std::to_string(n) + " beginbfchar\n";
    for (size_t k = i; k < i + n; ++k) {
      out += "<";
      append_hex16(out, chars[k].first);
      out += "> " + hex_units(*chars[k].second) + "\n";
    }
    out += "endbfchar\n";
  }
  for (size_t i = 0; i < ranges.size(); i += 100) {
    size_t n = std::min<size_t>(100, ranges.size() - i);
    out += std::to_string(n) + " beginbfrange\n";
    for (size_t k = i; k < i + n; ++k) {
      out += "<";
      append_hex16(out, ranges[k].first);
      out += "> <";
      append_hex16(out, ranges[k].last);
      out += "> " + hex_units(ranges[k].value) + "\n";
    }
    out += "endbfrange\n";
  }
  out +=
      "endcmap\n"
      "CMapName currentdict /CMap defineresource pop\n"
      "end\n"
      "end\n";
  return out;
}

std::string escape_uri(std::string_view uri) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (char ch : uri) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
        c == '`' || c == '{' || c == '|' || c == '}') {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0xF]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

std::string line_style(const layout::PathStroke& s) {
  std::string out = base::compact(std::max(0.0, s.width)) + " w " +
                    std::to_string(static_cast<int>(s.cap)) + " J " +
                    std::to_string(static_cast<int>(s.join)) + " j ";
  if (s.join == layout::LineJoin::Miter) out += base::compact(std::max(1.0, s.miter_limit)) + " M ";
  out += "[";
  bool any = false;
  for (double d : s.dash) any |= d > 0;
  if (any)
    for (size_t i = 0; i < s.dash.size(); ++i)
      // Appended in two steps: `"" + string` trips GCC 12's -O3 -Wrestrict.
      (out += i ? " " : "") += base::compact(std::max(0.0, s.dash[i]));
  out += "] " + base::compact(any ? s.dash_phase : 0) + " d\n";
  return out;
}

std::string path_operators(const layout::Path& path, double page_height,
                           const CmykConverter* cmyk) {
  if (path.segments().empty() || (!path.fill && !path.stroke)) return "";
  std::string out;
  if (path.fill) out += color_operator(path.fill->color, false, cmyk);
  if (path.stroke) out += color_operator(path.stroke->color, true, cmyk) + line_style(*path.stroke);
  auto pt = [&](const layout::Point& p) {
    return base::compact(p.x) + " " + base::compact(page_height - p.y) + " ";
  };
  using Op = layout::PathSegment::Op;
  for (const auto& seg : path.segments()) {
    switch (seg.op) {
      case Op::Move: out += pt(seg.p[0]) + "m\n"; break;
      case Op::Line: out += pt(seg.p[0]) + "l\n"; break;
      case Op::Cubic: out += pt(seg.p[0]) + pt(seg.p[1]) + pt(seg.p[2]) + "c\n"; break;
      case Op::Close: out += "h\n"; break;
    }
  }
  bool eo = path.fill && path.fill->even_odd;
  if (path.fill && path.stroke) out += eo ? "B*\n" : "B\n";
  else if (path.fill) out += eo ? "f*\n" : "f\n";
  else out += "S\n";
  return out;
}

}  // namespace moyin::pdf

namespace moyin::pdf {

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (c >= 0x20 || ch == '\t' || ch == '\n' || ch == '\r') out.push_back(ch);
    }
  }
  return out;
}

std::string xmp_packet(const XmpFields& f) {
  const std::string lang = xml_escape(f.lang.empty() ? std::string("x-default") : f.lang);
  // A language alternative: the default entry plus the document's language.
  auto alt = [&](const char* tag, const std::string& text) {
    std::string t = xml_escape(text);
    return std::string("   <") + tag + "><rdf:Alt>\n    <rdf:li xml:lang=\"x-default\">" + t +
           "</rdf:li>\n" +
           (lang == "x-default" ? ""
                                : "    <rdf:li xml:lang=\"" + lang + "\">" + t + "</rdf:li>\n") +
           "   </rdf:Alt></" + tag + ">\n";
  };
  std::string out =
      "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
      " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
      "  <rdf:Description rdf:about=\"\"\n"
      "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
      "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
      "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"";
  if (f.pdfa_part) out += "\n    xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"";
  if (f.pdfua_part) out += "\n    xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\"";
  if (!f.document_id.empty()) out += "\n    xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"";
  if (!f.pdfx_version.empty()) out += "\n    xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\"";
  out += ">\n   <dc:format>application/pdf</dc:format>\n";
  if (!f.title.empty()) out += alt("dc:title", f.title);
  if (!f.creators.empty()) {
    out += "   <dc:creator><rdf:Seq>\n";
    for (const auto& c : f.creators) out += "    <rdf:li>" + xml_escape(c) + "</rdf:li>\n";
    out += "   </rdf:Seq></dc:creator>\n";
  }
  if (!f.description.empty()) out += alt("dc:description", f.description);
  if (!f.subjects.empty()) {
    out += "   <dc:subject><rdf:Bag>\n";
    for (const auto& s : f.subjects) out += "    <rdf:li>" + xml_escape(s) + "</rdf:li>\n";
    out += "   </rdf:Bag></dc:subject>\n";
  }
  if (!f.lang.empty())
    out += "   <dc:language><rdf:Bag><rdf:li>" + lang + "</rdf:li></rdf:Bag></dc:language>\n";
  if (!f.date.empty()) {
    const std::string d = xml_escape(f.date);
    out += "   <xmp:CreateDate>" + d + "</xmp:CreateDate>\n   <xmp:ModifyDate>" + d +
           "</xmp:ModifyDate>\n   <xmp:MetadataDate>" + d + "</xmp:MetadataDate>\n";
  }
  if (!f.creator_tool.empty())
    out += "   <xmp:CreatorTool>" + xml_escape(f.creator_tool) + "</xmp:CreatorTool>\n";
  if (!f.producer.empty())
    out += "   <pdf:Producer>" + xml_escape(f.producer) + "</pdf:Producer>\n";
  if (!f.keywords.empty())
    out += "   <pdf:Keywords>" + xml_escape(f.keywords) + "</pdf:Keywords>\n";
  if (f.pdfa_part) {
    out += "   <pdfaid:part>" + std::to_string(f.pdfa_part) + "</pdfaid:part>\n";
    out += "   <pdfaid:conformance>" + xml_escape(f.pdfa_conformance) + "</pdfaid:conformance>\n";
  }
  if (f.pdfua_part) out += "   <pdfuaid:part>" + std::to_string(f.pdfua_part) + "</pdfuaid:part>\n";
  if (!f.document_id.empty())
    out += "   <xmpMM:DocumentID>" + xml_escape(f.document_id) +
           "</xmpMM:DocumentID>\n   <xmpMM:VersionID>1</xmpMM:VersionID>\n"
           "   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>\n";
  if (!f.pdfx_version.empty())
    out += "   <pdf:Trapped>False</pdf:Trapped>\n   <pdfxid:GTS_PDFXVersion>" +
           xml_escape(f.pdfx_version) + "</pdfxid:GTS_PDFXVersion>\n";
  out += "  </rdf:Description>\n";
  // PDF/A admits only the schemas it predefines, unless the file describes
  // the others: pdfuaid's, for a PDF/A that is also PDF/UA.
  if (f.pdfa_part && f.pdfua_part)
    out +=
        "  <rdf:Description rdf:about=\"\"\n"
        "    xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\"\n"
        "    xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\"\n"
        "    xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n"
        "   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n"
        "    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\n"
        "    <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n"
        "    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n"
        "    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\n"
        "     <pdfaProperty:name>part</pdfaProperty:name>\n"
        "     <pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n"
        "     <pdfaProperty:category>internal</pdfaProperty:category>\n"
        "     <pdfaProperty:description>The part of ISO 14289 the file conforms "
        "to</pdfaProperty:description>\n"
        "    </rdf:li></rdf:Seq></pdfaSchema:property>\n"
        "   </rdf:li></rdf:Bag></pdfaExtension:schemas>\n"
        "  </rdf:Description>\n";
  out += " </rdf:RDF>\n</x:xmpmeta>\n";
  // Room for in-place edits, as the XMP specification recommends.
  for (int i = 0; i < 20; ++i) out += std::string(99, ' ') + "\n";
  out += "<?xpacket end=\"w\"?>";
  return out;
}

}  // namespace moyin::pdf
