#!/usr/bin/python3
"""make_test_fonts.py OUTDIR - builds the small fonts the tests typeset with.

Exact-width tests must not depend on which version of a Debian font is
installed, so they use these fonts, whose advances are fixed here. The build
runs this script (tests/CMakeLists.txt, target `moyin_test_fonts`) into
<build>/tests/fonts; it needs fontTools (Debian `python3-fonttools`).

Outputs (byte-identical between runs: fixed head timestamps):

  moyin-test.ttf        "Moyin Test", TrueType (glyf), 1000 units per em,
                        ascender 880, descender -120, line gap 0:
                          Han (U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF,
                          U+20000-2A6DF), kana          1000  (one shared glyph)
                          CJK/fullwidth punctuation:
                          U+3000-303F, U+30FB, U+FF01-FF60,
                          U+FFE0-FFE6, — U+2014, ― U+2015,
                          … U+2026, ‥ U+2025, ℃ U+2103    1000
                          ‘ ’ “ ” (U+2018/9, U+201C/D)     350  (proportional,
                                                                 as in a CJK face
                                                                 with its own Latin)
                          space U+0020, no-break U+00A0     250
                          printable ASCII U+0021-007E,
                          Latin-1 U+00A1-00FF (· included),
                          – U+2013, ‐ U+2010, • U+2022       500
  moyin-test-mono.ttf   "Moyin Test Mono", TrueType: printable ASCII and space
                        600, post.isFixedPitch; no Han (a set falls back).
  moyin-test-symbols.ttf "Moyin Test Symbols", TrueType: arrows, maths and
                        miscellaneous symbols (U+2190-U+2BFF except the marks
                        above) 600; the last-resort face of every set.
  moyin-test-cff.otf    "Moyin Test CFF": the same cmap and advances as
                        moyin-test.ttf with CFF outlines (for tests of faces
                        the PDF back end treats differently).
  fonts.yaml            font sets serif-zh, sans-zh, mono, sans, serif (the
                        names of fonts/fonts.yaml) built from the faces above.

Outlines are plain rectangles that show where the ink sits: Han fill the em,
closing and pause marks ink the left half, opening marks the right half,
centred marks the middle; so a rendered page is still readable as layout.
"""
import os
import sys

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.pens.ttGlyphPen import TTGlyphPen

UPEM = 1000
ASCENT, DESCENT = 880, -120
# 2026-01-01T00:00:00Z in seconds since 1904-01-01 (the OpenType epoch).
FIXED_TIMESTAMP = 3850243200

OPENING = "（［｛〈《「『【〔〖〘〚｟‘“〝"
CLOSING = "）］｝〉》」』】〕〗〙〛｠’”〞〟，、。．：；？！"
CENTRED = "・·～〜—―…‥"


def cjk_punct_code_points():
    cps = set(range(0x3000, 0x3040)) | set(range(0xFF01, 0xFF61)) | set(range(0xFFE0, 0xFFE7))
    cps |= {0x30FB, 0x2014, 0x2015, 0x2026, 0x2025, 0x2103}
    return cps


def han_ranges():
    return [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF),
            (0x3041, 0x3096), (0x30A1, 0x30FA)]  # + hiragana, katakana


def ink_box(cp, advance):
    """The rectangle (x0, y0, x1, y1) a glyph inks, or None for a space."""
    ch = chr(cp)
    if cp in (0x20, 0xA0, 0x3000):
        return None
    if advance >= UPEM:
        if ch in OPENING:
            return (550, -60, 900, 300)
        if ch in CLOSING:
            return (100, -60, 450, 300)
        if ch in CENTRED:
            return (100, 300, 900, 400)
        return (60, -80, 940, 800)  # Han and other fullwidth forms fill the em
    if ch.isupper() or ch.isdigit():
        return (50, 0, advance - 50, 700)
    return (50, 0, advance - 50, 500)


def glyph_table(kind):
    """[(glyph name, advance, ink box, [code points])] for one font."""
    glyphs = [(".notdef", 500, (50, 0, 450, 700), [])]
    if kind == "mono":
        glyphs.append(("space", 600, None, [0x20]))
        glyphs += [("uni%04X" % cp, 600, ink_box(cp, 600), [cp]) for cp in range(0x21, 0x7F)]
        return glyphs
    if kind == "symbols":
        taken = set(range(0x2190, 0x2C00)) & cjk_punct_code_points()
        glyphs += [("uni%04X" % cp, 600, (50, 0, 550, 700), [cp])
                   for cp in range(0x2190, 0x2C00) if cp not in taken]
        return glyphs
    han = [cp for lo, hi in han_ranges() for cp in range(lo, hi + 1)]
    glyphs.append(("han", UPEM, ink_box(0x4E00, UPEM), han))
    for cp in sorted(cjk_punct_code_points()):
        glyphs.append(("uni%04X" % cp, UPEM, ink_box(cp, UPEM), [cp]))
    for cp in (0x2018, 0x2019, 0x201C, 0x201D):
        glyphs.append(("uni%04X" % cp, 350, (50, 450, 300, 700), [cp]))
    glyphs.append(("space", 250, None, [0x20, 0xA0]))
    half = list(range(0x21, 0x7F)) + list(range(0xA1, 0x100)) + [0x2013, 0x2010, 0x2022]
    glyphs += [("uni%04X" % cp, 500, ink_box(cp, 500), [cp]) for cp in half]
    return glyphs


def draw(pen, box):
    if box:
        x0, y0, x1, y1 = box
        pen.moveTo((x0, y0))
        pen.lineTo((x0, y1))
        pen.lineTo((x1, y1))
        pen.lineTo((x1, y0))
        pen.closePath()


def build(path, family, kind, cff=False):
    table = glyph_table(kind)
    order = [name for name, _, _, _ in table]
    cmap = {cp: name for name, _, _, cps in table for cp in cps}
    fb = FontBuilder(UPEM, isTTF=not cff)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(cmap)
    if cff:
        charstrings = {}
        for name, advance, box, _ in table:
            pen = T2CharStringPen(advance, None)
            draw(pen, box)
            charstrings[name] = pen.getCharString()
        ps_name = family.replace(" ", "") + "-Regular"
        fb.setupCFF(ps_name, {"FullName": family}, charstrings, {})
    else:
        glyphs = {}
        for name, _, box, _ in table:
            pen = TTGlyphPen(None)
            draw(pen, box)
            glyphs[name] = pen.glyph()
        fb.setupGlyf(glyphs)
    metrics = {}
    for name, advance, box, _ in table:
        metrics[name] = (advance, box[0] if box else 0)
    fb.setupHorizontalMetrics(metrics)
    fb.setupHorizontalHeader(ascent=ASCENT, descent=DESCENT)
    fb.setupNameTable({"familyName": family, "styleName": "Regular",
                       "psName": family.replace(" ", "") + "-Regular",
                       "copyright": "Moyin test font, generated; public domain"})
    fb.setupOS2(sTypoAscender=ASCENT, sTypoDescender=DESCENT, sTypoLineGap=0,
                usWinAscent=ASCENT, usWinDescent=-DESCENT, usWeightClass=400,
                fsType=0, achVendID="MOYN")
    fb.setupPost(isFixedPitch=1 if kind == "mono" else 0)
    head = fb.font["head"]
    head.created = head.modified = FIXED_TIMESTAMP
    fb.font.recalcTimestamp = False
    fb.save(path)


FONTS_YAML = """\
# Generated by tests/fonts/make_test_fonts.py: the test fonts in the sets of
# fonts/fonts.yaml, so tests typeset with fixed, known advances.
sets:
  serif-zh:
    - path: moyin-test.ttf
    - path: moyin-test-symbols.ttf
  sans-zh:
    - path: moyin-test.ttf
    - path: moyin-test-symbols.ttf
  mono:
    - path: moyin-test-mono.ttf
    - path: moyin-test.ttf
    - path: moyin-test-symbols.ttf
  sans:
    - path: moyin-test.ttf
    - path: moyin-test-symbols.ttf
  serif:
    - path: moyin-test.ttf
    - path: moyin-test-symbols.ttf
"""


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_test_fonts.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    build(os.path.join(out, "moyin-test.ttf"), "Moyin Test", "main")
    build(os.path.join(out, "moyin-test-mono.ttf"), "Moyin Test Mono", "mono")
    build(os.path.join(out, "moyin-test-symbols.ttf"), "Moyin Test Symbols", "symbols")
    build(os.path.join(out, "moyin-test-cff.otf"), "Moyin Test CFF", "main", cff=True)
    with open(os.path.join(out, "fonts.yaml"), "w", encoding="utf-8") as f:
        f.write(FONTS_YAML)


if __name__ == "__main__":
    main()
