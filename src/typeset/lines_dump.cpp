#include "typeset/lines_dump.h"

#include "base/number.h"
#include "typeset/book.h"

namespace moyin::typeset {

std::string dump_paragraph(const SetParagraph& p) {
  std::string out;
  for (size_t i = 0; i < p.lines.size(); ++i) {
    const Line& l = p.lines[i];
    std::string text = p.text.substr(l.text_begin, l.text_end - l.text_begin);
    for (char& c : text)
      if (c == '\n') c = ' ';
    out += "  " + std::to_string(i + 1) + " |" + text + "| nat=" + base::fixed(l.natural, 2) +
           " w=" + base::fixed(l.width, 2) + " r=" + base::fixed(l.ratio, 3) + " " +
           to_string(l.rule) + "/" + to_string(l.kind);
    if (l.warned) out += " warn";
    out += "\n";
  }
  return out;
}

std::string dump_lines(const doc::Document& d, style::Sheet sheet, const font::FontLibrary& fonts,
                       doc::Diagnostics& diags, double measure, const Resources& resources) {
  style::PageStyle& page = sheet.page;
  if (measure > 0) page.width = page.inner + page.outer + measure;
  std::string out = "measure=" + base::fixed(page.width - page.inner - page.outer, 2) +
                    " size=" + base::fixed(sheet.role(style::Role::Body).size, 2) + "\n";
  Resources traced = resources;
  traced.lines_trace = &out;
  typeset(d, sheet, fonts, diags, traced);
  return out;
}

}  // namespace moyin::typeset
