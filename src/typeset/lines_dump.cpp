#include "typeset/lines_dump.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "base/number.h"

namespace moyin::typeset {

std::string dump_paragraph(const SetParagraph& p) {
  std::string out;
  for (size_t i = 0; i < p.lines.size(); ++i) {
    const Line& l = p.lines[i];
    std::string text = p.text.substr(l.text_begin, l.text_end - l.text_begin);
    for (char& c : text)
      if (c == '\n') c = ' ';
    out += "  " + std::to_string(i + 1) + " |" + text + "| nat=" + base::fixed(l.natural, 2) + " w=" + base::fixed(l.width, 2) +
           " r=" + base::fixed(l.ratio, 3) + " " + to_string(l.rule) + "/" + to_string(l.kind);
    if (l.warned) out += " warn";
    out += "\n";
  }
  return out;
}

namespace {

struct Walker {
  const font::FontLibrary& fonts;
  const LinesDumpOptions& opt;
  doc::Diagnostics& diags;
  const std::string& path;
  ParagraphSetter setter;
  std::string out;
  int count = 0;

  void paragraph(const char* kind, const std::vector<doc::Inline>& inlines, doc::Position pos, double size,
                 const std::string& set, double indent, Alignment align, double measure) {
    if (inlines.empty()) return;
    ParagraphStyle ps;
    ps.measure = measure;
    ps.fonts = {&fonts, fonts.find_set(set), fonts.find_set(opt.code_set)};
    if (!ps.fonts.text) ps.fonts.text = fonts.sets().empty() ? nullptr : &fonts.sets().front();
    if (!ps.fonts.text) return;
    ps.size = size;
    ps.indent = indent;
    ps.align = align;
    ps.cjk = opt.cjk;
    SetParagraph sp = setter.set(inlines, ps, diags, path);
    ++count;
    out += "¶" + std::to_string(count) + " " + kind + " @" + std::to_string(pos.line) + ":" +
           std::to_string(pos.column) + "\n";
    out += dump_paragraph(sp);
  }

  void blocks(const std::vector<doc::Block>& bs, double measure, bool in_list) {
    for (const doc::Block& b : bs) {
      switch (b.kind) {
        case doc::BlockKind::Paragraph:
          paragraph("p", b.inlines, b.pos, opt.size, opt.text_set, in_list ? 0 : 2 * opt.size, Alignment::Justify,
                    measure);
          break;
        case doc::BlockKind::Heading: {
          static constexpr double kScale[] = {1.0, 1.6, 1.4, 1.2, 1.1, 1.0, 1.0};
          double size = opt.size * kScale[std::clamp(b.level, 0, 6)];
          // Two chars, not "h" + std::to_string(…): GCC 12 -O3 reports the prepend as -Wrestrict.
          const std::string tag{'h', static_cast<char>('0' + std::clamp(b.level, 0, 9))};
          paragraph(tag.c_str(), b.inlines, b.pos, size, opt.heading_set, 0,
                    Alignment::Left, measure);
          break;
        }
        case doc::BlockKind::List:
        case doc::BlockKind::Item:
          blocks(b.children, b.kind == doc::BlockKind::Item ? measure - 2 * opt.size : measure, true);
          break;
        case doc::BlockKind::Quote:
        case doc::BlockKind::Callout:
        case doc::BlockKind::FootnoteDef: blocks(b.children, measure - 2 * opt.size, in_list); break;
        case doc::BlockKind::Table:
          for (const doc::TableRow& row : b.rows)
            for (const doc::TableCell& cell : row.cells)
              paragraph("cell", cell.inlines, cell.pos, opt.size, opt.text_set, 0, Alignment::Left,
                        measure / std::max<size_t>(1, row.cells.size()));
          break;
        default: break;
      }
    }
  }
};

}  // namespace

std::string dump_lines(const doc::Document& d, const font::FontLibrary& fonts, const LinesDumpOptions& opt,
                       doc::Diagnostics& diags) {
  Walker w{fonts, opt, diags, d.path, {}, {}, 0};
  w.out = "measure=" + base::fixed(opt.measure, 2) + " size=" + base::fixed(opt.size, 2) + "\n";
  w.blocks(d.blocks, opt.measure, false);
  w.blocks(d.footnotes, opt.measure, false);
  return std::move(w.out);
}

}  // namespace moyin::typeset

namespace moyin::typeset {

std::optional<std::string> dump_lines_with_default_fonts(const doc::Document& d, double measure,
                                                         doc::Diagnostics& diags,
                                                         const CjkOptions& cjk,
                                                         const std::filesystem::path& fonts_yaml) {
  auto fonts = font::FontLibrary::load(fonts_yaml, diags);
  if (!fonts) return std::nullopt;
  LinesDumpOptions opt;
  opt.cjk = cjk;
  if (measure > 0) opt.measure = measure;
  return dump_lines(d, *fonts, opt, diags);
}

}  // namespace moyin::typeset
