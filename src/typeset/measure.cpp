#include "typeset/measure.h"

#include <span>

#include "base/utf8.h"

namespace moyin::typeset {

namespace {

AtomKind classify(char32_t c, bool cjk_quote, base::PunctClass& punct) {
  punct = base::PunctClass::None;
  if (c == ' ' || c == '\t') return AtomKind::Space;
  if (c == '\n') return AtomKind::Hard;
  if (base::is_cjk_letter(c)) return AtomKind::Han;
  if (base::is_latin_alnum(c)) return AtomKind::Latin;
  if (base::is_ambiguous_quote(c) && !cjk_quote) return AtomKind::Other;
  base::PunctClass k = base::punct_class(c);
  if (k == base::PunctClass::None) return AtomKind::Other;
  punct = k;
  // ASCII / and - are Latin punctuation here: no blanks, no glue.
  if (c == '/' || c == '-') return AtomKind::Other;
  return AtomKind::Punct;
}

// The glyphs of text[begin, end) in `face` (clusters relative to begin), with
// hyphens keeping their own advance: a line may break after a hyphen
// ("Qwen3-" | "VL"), and a kern between the hyphen and the next letter would
// then stay on the line's last glyph and push the line end off the margin.
// `shaper` (optional) is the caller's thread's.
std::vector<font::ShapedGlyph> shape_run(font::Shaper* shaper, const font::Face& face,
                                         std::string_view text, uint32_t begin, uint32_t end,
                                         std::string_view script, std::string_view lang) {
  const std::string_view piece = text.substr(begin, end - begin);
  std::vector<font::ShapedGlyph> shaped =
      shaper ? shaper->shape(face, piece, script, lang) : font::shape(face, piece, script, lang);
  for (size_t k = 0; k + 1 < shaped.size(); ++k) {
    size_t at = shaped[k].cluster;
    char32_t c = base::next_code_point(piece, at);
    if (c == U'-' || c == U'\u2010') shaped[k].x_advance = font::advance_em(face, shaped[k].gid);
  }
  return shaped;
}

}  // namespace

MeasuredParagraph measure(const std::vector<doc::Inline>& inlines, const FontRoles& fonts,
                          const MeasureOptions& opt) {
  MeasuredParagraph mp;
  mp.text = flatten(inlines, !opt.images.empty());
  int images_seen = 0;
  mp.runs = itemize(mp.text, fonts, &mp.uncovered, opt.lang, opt.faces);
  const std::string& text = mp.text.text;
  for (uint32_t r = 0; r < mp.runs.size(); ++r) {
    const Run& run = mp.runs[r];
    double size = opt.size;
    double rise = 0;
    if (run.style.code) size *= opt.code_scale;
    if (run.style.superscript) {
      size *= opt.superscript_scale;
      rise = opt.superscript_rise * opt.size;
    } else if (run.style.subscript) {
      size *= opt.superscript_scale;
      rise = -opt.subscript_drop * opt.size;
    }
    mp.run_size.push_back(size);
    mp.run_rise.push_back(rise);
    if (text[run.begin] == '\n') {  // a hard break: an atom without glyphs
      Atom a;
      a.begin = run.begin;
      a.end = run.end;
      a.glyph_begin = a.glyph_end = static_cast<uint32_t>(mp.glyphs.size());
      a.run = r;
      a.cp = '\n';
      a.kind = AtomKind::Hard;
      a.size = size;
      mp.atoms.push_back(a);
      continue;
    }
    if (run.style.object >= 0) {  // an inline formula: one unbreakable atom, no glyphs
      Atom a;
      a.begin = run.begin;
      a.end = run.end;
      a.glyph_begin = a.glyph_end = static_cast<uint32_t>(mp.glyphs.size());
      a.run = r;
      a.cp = U'\uFFFC';
      a.kind = AtomKind::Latin;  // Han–Latin spacing around formulas (CJK-RULES §4)
      a.object = run.style.object;
      a.size = size;
      const doc::Inline& object = *mp.text.objects[static_cast<size_t>(run.style.object)];
      if (object.kind == doc::InlineKind::Image) {
        // Sized by the block layout, within the measure: never scaled here.
        a.image = images_seen++;
        const size_t k = static_cast<size_t>(a.image);
        a.advance = k < opt.images.size() ? opt.images[k].width : 0;
        mp.atoms.push_back(a);
        continue;
      }
      const math::Drawing* d = opt.formula ? opt.formula(object) : nullptr;
      a.advance = d ? d->width * size : 0;
      if (opt.max_object_width > 0 && a.advance > opt.max_object_width) {
        const double s = opt.max_object_width / a.advance;
        a.size *= s;
        a.advance = opt.max_object_width;
        mp.shrunk.push_back({run.begin, run.style.object, s});
      }
      mp.atoms.push_back(a);
      continue;
    }
    const font::Face& face = fonts.library->face(run.face_id);
    const std::string_view script = run.cjk ? "Hani" : "";
    std::vector<font::ShapedGlyph> fresh_glyphs;
    const std::vector<font::ShapedGlyph>* found = &fresh_glyphs;
    if (opt.shapes) {
      std::string& key = opt.shapes->key;
      key.assign(reinterpret_cast<const char*>(&run.face_id), sizeof run.face_id);
      ((key += script) += '\0') += opt.lang;
      (key += '\0').append(text, run.begin, run.end - run.begin);
      auto it = opt.shapes->runs.find(std::string_view(key));
      if (it == opt.shapes->runs.end())
        it = opt.shapes->runs
                 .emplace(key, shape_run(&opt.shapes->shaper, face, text, run.begin, run.end,
                                         script, opt.lang))
                 .first;
      found = &it->second;
    } else {
      fresh_glyphs = shape_run(nullptr, face, text, run.begin, run.end, script, opt.lang);
    }
    // Clusters relative to the run (as cached) become offsets into the paragraph.
    const uint32_t base = static_cast<uint32_t>(mp.glyphs.size());
    for (font::ShapedGlyph g : *found) {
      g.cluster += run.begin;
      mp.glyphs.push_back(g);
    }
    const std::span<const font::ShapedGlyph> shaped(mp.glyphs.data() + base, found->size());
    // Cluster boundaries: glyphs of one cluster form one atom.
    size_t g = 0;
    while (g < shaped.size()) {
      size_t h = g + 1;
      while (h < shaped.size() && shaped[h].cluster == shaped[g].cluster) ++h;
      uint32_t begin = shaped[g].cluster;
      uint32_t end = h < shaped.size() ? shaped[h].cluster : run.end;
      if (end <= begin) end = begin + 1;  // defensive: clusters go forward for LTR text
      Atom a;
      a.begin = begin;
      a.end = end;
      a.glyph_begin = base + static_cast<uint32_t>(g);
      a.glyph_end = base + static_cast<uint32_t>(h);
      a.run = r;
      size_t i = begin;
      a.cp = base::next_code_point(text, i);
      bool quote_cjk = base::is_ambiguous_quote(a.cp) && run.cjk;
      a.kind = run.style.superscript || run.style.subscript ? AtomKind::Other
                                                            : classify(a.cp, quote_cjk, a.punct);
      const TextSpan* sp = mp.text.span_at(begin);
      a.soft = a.kind == AtomKind::Space && sp && sp->kind == SpanKind::Soft;
      for (size_t k = g; k < h; ++k) a.advance += shaped[k].x_advance * size;
      a.size = size;
      mp.atoms.push_back(a);
      g = h;
    }
  }
  return mp;
}

}  // namespace moyin::typeset
