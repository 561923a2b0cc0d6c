#!/usr/bin/env python3
# Copied unchanged (apart from this note) from the measuring tools supplied with
# the Moyin project brief (shared/tools/pdf_typo_metrics.py); they carry no
# licence statement of their own and are used here as test tooling of this
# project only.
"""pdf_typo_metrics.py - CJK typography metrics of a PDF, printed as JSON.

usage: pdf_typo_metrics.py FILE.pdf [--first N] [--last N] [--examples K]
           [--max-kinsoku N] [--max-ragged-pt PT] [--max-overflow N]
           [--min-han-latin-em EM] [--max-han-latin-em EM]
           [--min-punct-compressed-frac F]

Metrics
  (a) kinsoku    lines that start with a closing / pause punctuation mark
                 (，。、；：？！）》」』】〕〉”’…％ ... and ASCII , . ; : ? ! ) ] } %)
                 or end with an opening one (（《「『【〔〈“‘ ... and ASCII ( [ {).
                 Also: a "——" or "……" pair split across two lines.
  (b) ragged     right-edge raggedness of the NON-FINAL lines of body
                 paragraphs / list items: std dev (pt) of each line's right x
                 around the page's text edge (the 90th percentile of those right
                 x values on the page).  Also overflowing lines (> edge + 1 pt)
                 and short lines (< edge - 1 em).  Also the number of last
                 lines of multi-line paragraphs that hold <= 2 characters
                 besides punctuation ("orphans" such as a lone "发。").
  (c) han_latin  gap between a Han character and an adjacent Latin letter or
                 digit on the same line, in em of the Han glyph's font size
                 (gap = left edge of the right glyph's advance box minus the
                 right edge of the left glyph's advance box; spaces between
                 them count as gap).  xeCJK-style output gives ~0.25 em.
  (d) punct_pairs  adjacent fullwidth punctuation pairs (e.g. "）、" "。”"),
                 and whether they are compressed: the span from the left edge
                 of the first glyph to the right edge of the second is 2 em
                 uncompressed and about 1.5 em when half an em is taken out.
                 Also single_punct_advance_em: the advance actually given to a
                 lone fullwidth mark inside a line (next glyph origin minus its
                 origin; 1 em = full width, ~0.5 em = squeezed to half width).

Sources: lines, blocks and words come from `pdftotext -bbox-layout`
(poppler-utils), which is all (a) and (b) need.  (c) and (d) need each
glyph's position, which poppler's text output does not give (a run of Han
text is one "word"), so they use `mutool draw -F stext` (mupdf-tools) when it
is installed; without it they fall back to poppler word boxes (only gaps at
word boundaries are seen, a Han/Latin transition inside one word counts as a
0 gap, and (d) is not measured) and the JSON says so ("char_backend").

Exit status: 0 = measured and no threshold given was exceeded, 1 = a
threshold was exceeded (listed under "checks"), 2 = the PDF could not be read.
"""
import argparse
import json
import math
import re
import shutil
import statistics
import subprocess
import sys
import xml.etree.ElementTree as ET

# ---------------------------------------------------------------- characters
LINE_START_CJK = set("，。、；：？！）》」』】〕〉〗〙］｝”’…‥％・〞〟﹐﹑﹒﹔﹕﹖﹗｣､｡")
LINE_START_ASCII = set(",.;:?!)]}%")
LINE_END_CJK = set("（《「『【〔〈〖〘［｛“‘〝｢")
LINE_END_ASCII = set("([{")
# fullwidth punctuation considered for pair compression (dashes / ellipsis excluded:
# "——" and "……" are never compressed)
PAIR_PUNCT = set("，。、；：？！（）《》「」『』【】〔〕〈〉〖〗〘〙［］｛｝“”‘’")
QUOTES = set("“”‘’")
PROTRUDING = set("-\u2010\u2011\u2012\u2013\u2014,.;:!?'\"")
CJK_PUNCT_ALL = LINE_START_CJK | LINE_END_CJK | PAIR_PUNCT | set("—…")
MARKER_CHARS = "•◦▪▫‣⁃●○■□◆◇∙·・‧⋅◾◽▸▹►➢✓"
LIST_MARKER_RE = re.compile(r"^([" + MARKER_CHARS + r"\-–—*]|\(?[0-9]{1,3}[.)）、]|[a-zA-Z][.)]|[ivxIVX]{1,4}[.)])$")
SPACES = set(" \u00a0\u2002\u2003\u2009\u200a\u200b\u3000\t")


def is_han(ch):
    """Han ideograph; also the compatibility ideographs and Kangxi / CJK
    radicals that some PDF text layers map Han glyphs to (a text-fidelity
    fault, measured by text_fidelity.py, not a layout one)."""
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x2FFFF or o == 0x3007 or 0x2E80 <= o <= 0x2FDF)


def is_latin_alnum(ch):
    if "0" <= ch <= "9" or "A" <= ch <= "Z" or "a" <= ch <= "z":
        return True
    o = ord(ch)
    # Latin-1 Supplement / Latin Extended-A/B letters (e.g. Ü)
    return (0xC0 <= o <= 0x24F) and o not in (0xD7, 0xF7)


# ---------------------------------------------------------------- helpers
def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError("%s failed: %s" % (cmd[0], p.stderr.decode("utf-8", "replace")[-500:]))
    return p.stdout


def pct(vals, q):
    if not vals:
        return None
    s = sorted(vals)
    k = (len(s) - 1) * q
    lo, hi = int(math.floor(k)), int(math.ceil(k))
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def rnd(x, n=3):
    return None if x is None else round(x, n) + 0.0


def summary(vals, n=3):
    if not vals:
        return {"n": 0}
    return {
        "n": len(vals),
        "median": rnd(statistics.median(vals), n),
        "mean": rnd(statistics.fmean(vals), n),
        "stdev": rnd(statistics.pstdev(vals), n),
        "p10": rnd(pct(vals, 0.10), n),
        "p90": rnd(pct(vals, 0.90), n),
        "min": rnd(min(vals), n),
        "max": rnd(max(vals), n),
    }


# ---------------------------------------------------------------- poppler
def strip_ns(tag):
    return tag.rsplit("}", 1)[-1]


def poppler_pages(pdf, first=None, last=None):
    cmd = ["pdftotext", "-bbox-layout", "-enc", "UTF-8"]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    cmd += [pdf, "-"]
    raw = run(cmd).decode("utf-8", "replace")
    raw = re.sub(r"<!DOCTYPE[^>]*>", "", raw, count=1)
    root = ET.fromstring(raw)
    pages = []
    pno = (first or 1) - 1
    for el in root.iter():
        if strip_ns(el.tag) != "page":
            continue
        pno += 1
        page = {"no": pno, "w": float(el.get("width")), "h": float(el.get("height")), "blocks": []}
        for bl in el.iter():
            if strip_ns(bl.tag) != "block":
                continue
            block = []
            for ln in bl:
                if strip_ns(ln.tag) != "line":
                    continue
                words = []
                for w in ln:
                    if strip_ns(w.tag) != "word":
                        continue
                    words.append({
                        "t": w.text or "",
                        "x0": float(w.get("xMin")), "y0": float(w.get("yMin")),
                        "x1": float(w.get("xMax")), "y1": float(w.get("yMax")),
                    })
                if not words:
                    continue
                block.append({
                    "x0": float(ln.get("xMin")), "y0": float(ln.get("yMin")),
                    "x1": float(ln.get("xMax")), "y1": float(ln.get("yMax")),
                    "words": words,
                    "text": " ".join(w["t"] for w in words),
                })
            if block:
                page["blocks"].append(block)
        page["lines"] = merge_visual_lines([ln for bl in page["blocks"] for ln in bl])
        pages.append(page)
    return pages


def merge_visual_lines(raw):
    """Merge poppler lines that sit on one visual line.

    poppler starts a new <line> when a glyph's box overlaps the previous one
    (e.g. compressed punctuation "》，" whose boxes overlap by half an em), and
    may put a list marker in another block; such pieces share the vertical band
    and follow each other horizontally."""
    vis = []
    for ln in sorted(raw, key=lambda l: ((l["y0"] + l["y1"]) / 2, l["x0"])):
        h = ln["y1"] - ln["y0"]
        target = None
        for v in vis[-6:]:
            vh = v["y1"] - v["y0"]
            ov = min(v["y1"], ln["y1"]) - max(v["y0"], ln["y0"])
            if ov < 0.6 * min(h, vh):
                continue
            # horizontally disjoint, allowing an overlap of up to one em-ish
            tol = 1.0 * min(h, vh)
            if ln["x0"] >= v["x1"] - tol or ln["x1"] <= v["x0"] + tol:
                if ln["x0"] - v["x1"] <= 6 * min(h, vh) and v["x0"] - ln["x1"] <= 6 * min(h, vh):
                    target = v
                    break
        if target is None:
            vis.append({"x0": ln["x0"], "y0": ln["y0"], "x1": ln["x1"], "y1": ln["y1"],
                        "words": list(ln["words"]), "pieces": 1})
        else:
            target["words"] = sorted(target["words"] + ln["words"], key=lambda w: w["x0"])
            target["x0"] = min(target["x0"], ln["x0"])
            target["x1"] = max(target["x1"], ln["x1"])
            target["y0"] = min(target["y0"], ln["y0"])
            target["y1"] = max(target["y1"], ln["y1"])
            target["pieces"] += 1
    for v in vis:
        v["text"] = " ".join(w["t"] for w in v["words"])
    vis.sort(key=lambda l: (l["y0"], l["x0"]))
    return vis


def estimate_em(pages):
    """Body em from Han-only words: width / number of characters."""
    vals = []
    for pg in pages:
        for ln in pg["lines"]:
            if True:
                for w in ln["words"]:
                    t = w["t"]
                    if len(t) >= 4 and all(is_han(c) or c in CJK_PUNCT_ALL for c in t):
                        vals.append((w["x1"] - w["x0"]) / len(t))
    if not vals:
        # no CJK: fall back to line height
        hs = [ln["y1"] - ln["y0"] for pg in pages for ln in pg["lines"]]
        return statistics.median(hs) if hs else 10.0
    # the most common size is the body size; take the median of the lower half
    # cluster (headings are larger)
    vals.sort()
    counts = {}
    for v in vals:
        counts[round(v * 2) / 2] = counts.get(round(v * 2) / 2, 0) + 1
    mode = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    near = [v for v in vals if abs(v - mode) <= 0.75]
    return statistics.median(near) if near else mode


# ---------------------------------------------------------------- (a) kinsoku
def kinsoku(pages, k_examples):
    res = {"lines": 0, "violations": 0, "line_start": 0, "line_end": 0, "ascii": 0,
           "split_dash_or_ellipsis": 0, "by_char": {}, "examples": []}
    for pg in pages:
        prev = None
        for ln in pg["lines"]:
            t = ln["text"].strip()
            if not t:
                continue
            res["lines"] += 1
            first, lastc = t[0], t[-1]
            bads = []
            if first in LINE_START_CJK or first in LINE_START_ASCII:
                # "1." / "a)" list numbers are not break faults
                if not (first in LINE_START_ASCII and LIST_MARKER_RE.match(ln["words"][0]["t"])):
                    bads.append(("start", first))
            if lastc in LINE_END_CJK or lastc in LINE_END_ASCII:
                bads.append(("end", lastc))
            for where, ch in bads:
                res["violations"] += 1
                res["line_" + where] += 1
                if ch in LINE_START_ASCII or ch in LINE_END_ASCII:
                    res["ascii"] += 1
                res["by_char"][ch] = res["by_char"].get(ch, 0) + 1
                if len(res["examples"]) < k_examples:
                    ctx = (prev["text"][-12:] + " | ") if prev else ""
                    res["examples"].append({"page": pg["no"], "where": where, "text": ctx + t[:24]})
            if prev is not None:
                pt = prev["text"].strip()
                if pt and ((pt[-1] == "—" and t[0] == "—") or (pt[-1] == "…" and t[0] == "…")):
                    res["split_dash_or_ellipsis"] += 1
                    if not bads:
                        res["violations"] += 1
            prev = ln
    return res


# ---------------------------------------------------------------- (b) raggedness
def text_start(ln):
    ws = ln["words"]
    if len(ws) > 1 and LIST_MARKER_RE.match(ws[0]["t"]):
        return ws[1]["x0"]
    return ln["x0"]


def starts_with_marker(ln):
    ws = ln["words"]
    if LIST_MARKER_RE.match(ws[0]["t"]):
        return True
    return ws[0]["t"][:1] in MARKER_CHARS


def mode(vals):
    c = {}
    for v in vals:
        c[v] = c.get(v, 0) + 1
    return max(c.items(), key=lambda kv: (kv[1], -kv[0]))[0] if c else None


def raggedness(pages, em, k_examples):
    heights = []
    for pg in pages:
        for ln in pg["lines"]:
            heights += [round(ln["y1"] - ln["y0"], 1)] * max(1, len(ln["text"]))
    if not heights:
        return {"lines": 0}
    body_h = mode(heights)

    def is_body(ln):
        return abs((ln["y1"] - ln["y0"]) - body_h) <= 0.15 * body_h

    pitches = []
    for pg in pages:
        for L, N in zip(pg["lines"], pg["lines"][1:]):
            if is_body(L) and is_body(N) and N["y1"] > L["y1"]:
                pitches.append(round((N["y1"] - L["y1"]) * 2) / 2)
    pitch = mode(pitches) or body_h * 1.5

    per_page = []
    orphans, orphan_ex, last_lines = 0, [], 0
    for pg in pages:
        items = []
        cont = set()      # indices of lines that continue the line above
        nonfinal = set()  # indices of lines that are continued by the line below
        for i, (L, N) in enumerate(zip(pg["lines"], pg["lines"][1:])):
            if not (is_body(L) and is_body(N)):
                continue
            if N["y1"] - L["y1"] > 1.2 * pitch or N["y1"] - L["y1"] < 0.5 * pitch:
                continue  # paragraph / section gap, or not the next line
            if starts_with_marker(N):
                continue  # L ends a list item
            if N["x0"] > text_start(L) + 0.5 * em:
                continue  # N is an indented first line: L ends a paragraph
            cont.add(i + 1)
            nonfinal.add(i)
            lastc = L["text"].strip()[-1:]
            # lines ending in punctuation or a hyphen may protrude / fall short
            # on purpose (hanging or compressed punctuation, margin kerning)
            items.append((L["x1"], L, lastc in CJK_PUNCT_ALL or lastc in PROTRUDING))
        if items:
            per_page.append((pg["no"], items))
        # last lines of multi-line paragraphs: an "orphan" holds <= 2 characters
        # besides punctuation (e.g. "发。" alone on the last line)
        for j in cont - nonfinal:
            t = pg["lines"][j]["text"]
            core = [c for c in t if not c.isspace() and c not in CJK_PUNCT_ALL and c not in PROTRUDING]
            last_lines += 1
            if len(core) <= 2:
                orphans += 1
                if len(orphan_ex) < k_examples:
                    orphan_ex.append({"page": pg["no"], "text": t})
    all_x = [x for _, it in per_page for x, _, _ in it]
    if not all_x:
        return {"lines": 0, "body_line_height_pt": body_h, "line_pitch_pt": pitch, "em_pt": rnd(em, 2)}
    doc_edge = pct([x for _, it in per_page for x, _, p in it if not p] or all_x, 0.9)
    # A "non-final" line that fills less than half of the measure is not a
    # paragraph line but a body-size heading, a forced break or an item end
    # whose list marker is drawn as a graphic: leave it out, but count it.
    left = min(L["x0"] for _, it in per_page for _, L, _ in it)
    half = doc_edge - 0.5 * (doc_edge - left)
    excluded_half = sum(1 for _, it in per_page for x, _, _ in it if x < half)
    per_page = [(p, [t for t in it if t[0] >= half]) for p, it in per_page]
    per_page = [(p, it) for p, it in per_page if it]
    dev_all, dev_np, overflow, short, punct_protrude = [], [], [], [], 0
    within = 0
    for pno, items in per_page:
        np_x = [x for x, _, p in items if not p]
        edge = pct(np_x, 0.9) if len(np_x) >= 5 else doc_edge
        for x, L, punct_end in items:
            d = x - edge
            dev_all.append(d)
            if punct_end:
                if d > 0.25 * em:
                    punct_protrude += 1
                continue
            dev_np.append(d)
            if abs(d) <= 1.0:
                within += 1
            if d > 1.0:
                overflow.append({"page": pno, "over_pt": round(d, 2), "text": L["text"][-30:]})
            if d < -em:
                short.append({"page": pno, "short_pt": round(-d, 2), "text": L["text"][-30:]})

    def sd(v):
        return rnd(statistics.pstdev(v), 2) if len(v) > 1 else None

    return {
        "body_line_height_pt": body_h,
        "line_pitch_pt": pitch,
        "em_pt": rnd(em, 2),
        "text_edge_pt": rnd(doc_edge, 2),
        "lines": len(dev_np),
        "excluded_under_half_measure": excluded_half,
        "std_pt": sd(dev_np),
        "within_1pt_frac": rnd(within / len(dev_np), 3) if dev_np else None,
        "mean_abs_dev_pt": rnd(statistics.fmean(abs(d) for d in dev_np), 2) if dev_np else None,
        "overflow_lines": len(overflow),
        "short_lines": len(short),
        "lines_incl_punct_or_hyphen_end": len(dev_all),
        "std_pt_incl_punct_or_hyphen_end": sd(dev_all),
        "punct_or_hyphen_end_protruding": punct_protrude,
        "paragraph_last_lines": last_lines,
        "orphan_last_lines_le2chars": orphans,
        "orphan_examples": orphan_ex,
        "overflow_examples": sorted(overflow, key=lambda o: -o["over_pt"])[:k_examples],
        "short_examples": sorted(short, key=lambda o: -o["short_pt"])[:k_examples],
    }


# ---------------------------------------------------------------- glyphs (mutool)
def mutool_lines(pdf, first=None, last=None):
    """Visual lines of glyphs: list of (page, [glyph dicts sorted by x])."""
    pages_arg = []
    if first or last:
        pages_arg = ["%d-%s" % (first or 1, last if last else "N")]
    raw = run(["mutool", "draw", "-q", "-F", "stext", "-o", "-", pdf] + pages_arg)
    # mutool may print warnings before the XML on stdout in some versions
    raw = raw[raw.find(b"<"):]
    root = ET.fromstring(raw)
    out = []
    pno = (first or 1) - 1
    for page in root.iter("page"):
        pno += 1
        glyphs = []
        for line in page.iter("line"):
            d = line.get("dir", "1 0").split()
            if abs(float(d[0]) - 1) > 0.01 or abs(float(d[1])) > 0.01:
                continue  # only horizontal left-to-right text
            for font in line.iter("font"):
                size = float(font.get("size"))
                fname = font.get("name")
                for ch in font.iter("char"):
                    c = ch.get("c")
                    if c is None or len(c) != 1:
                        continue
                    q = [float(v) for v in ch.get("quad").split()]
                    glyphs.append({"c": c, "x0": q[0], "x1": q[2], "y": float(ch.get("y")),
                                   "size": size, "font": fname})
        # group into visual lines by baseline
        glyphs.sort(key=lambda g: (round(g["y"], 1), g["x0"]))
        lines = []
        for g in sorted(glyphs, key=lambda g: g["y"]):
            if lines and abs(g["y"] - lines[-1]["y"]) <= 0.2 * max(g["size"], lines[-1]["size"]):
                lines[-1]["g"].append(g)
            else:
                lines.append({"y": g["y"], "size": g["size"], "g": [g]})
        for ln in lines:
            out.append((pno, sorted(ln["g"], key=lambda g: g["x0"])))
    return out


def han_latin_from_glyphs(glines, k_examples):
    gaps, examples = [], []
    dirs = {"han_latin": [], "latin_han": []}
    for pno, gl in glines:
        vis = [g for g in gl if g["c"] not in SPACES]
        for a, b in zip(vis, vis[1:]):
            if is_han(a["c"]) and is_latin_alnum(b["c"]):
                key, em = "han_latin", a["size"]
            elif is_latin_alnum(a["c"]) and is_han(b["c"]):
                key, em = "latin_han", b["size"]
            else:
                continue
            if b["x0"] - a["x1"] > 3 * em:
                continue  # not adjacent (e.g. a tab stop / other column)
            gap = (b["x0"] - a["x1"]) / em
            gaps.append(gap)
            dirs[key].append(gap)
            if len(examples) < k_examples:
                examples.append({"page": pno, "pair": a["c"] + b["c"], "gap_em": round(gap, 3)})
    res = summary(gaps)
    if gaps:
        res["no_gap_lt_0.05em"] = sum(1 for g in gaps if g < 0.05)
        res["quarter_em_0.15_0.35"] = sum(1 for g in gaps if 0.15 <= g <= 0.35)
        res["wide_gt_0.5em"] = sum(1 for g in gaps if g > 0.5)
        res["by_direction_median"] = {k: rnd(statistics.median(v)) if v else None for k, v in dirs.items()}
    res["examples"] = examples
    return res


def han_latin_from_words(pages, em, k_examples):
    """Fallback without glyph positions: word-boundary gaps, in-word transitions = 0."""
    gaps = []
    for pg in pages:
        for ln in pg["lines"]:
            if True:
                ws = ln["words"]
                for w in ws:
                    t = w["t"]
                    for a, b in zip(t, t[1:]):
                        if (is_han(a) and is_latin_alnum(b)) or (is_latin_alnum(a) and is_han(b)):
                            gaps.append(0.0)
                for w1, w2 in zip(ws, ws[1:]):
                    a, b = w1["t"][-1:], w2["t"][:1]
                    if a and b and ((is_han(a) and is_latin_alnum(b)) or (is_latin_alnum(a) and is_han(b))):
                        gaps.append((w2["x0"] - w1["x1"]) / em)
    res = summary(gaps)
    if gaps:
        res["no_gap_lt_0.05em"] = sum(1 for g in gaps if g < 0.05)
        res["quarter_em_0.15_0.35"] = sum(1 for g in gaps if 0.15 <= g <= 0.35)
        res["wide_gt_0.5em"] = sum(1 for g in gaps if g > 0.5)
    res["note"] = "approximate: poppler word boxes only; in-word transitions counted as 0"
    return res


def punct_pairs_from_glyphs(glines, k_examples):
    spans, examples, skipped = [], [], 0
    qwidths = []
    kinds = {}
    for pno, gl in glines:
        vis = [g for g in gl if g["c"] not in SPACES]
        for g in vis:
            if g["c"] in QUOTES:
                qwidths.append((g["x1"] - g["x0"]) / g["size"])
        for a, b in zip(vis, vis[1:]):
            if a["c"] not in PAIR_PUNCT or b["c"] not in PAIR_PUNCT:
                continue
            em = max(a["size"], b["size"])
            if b["x0"] - a["x1"] > em:
                continue
            wa, wb = (a["x1"] - a["x0"]) / a["size"], (b["x1"] - b["x0"]) / b["size"]
            # a proportional (Latin-font) quote is not a fullwidth pair
            if (a["c"] in QUOTES and wa < 0.7 and a["x1"] - a["x0"] > 0) or \
               (b["c"] in QUOTES and wb < 0.7 and b["x1"] - b["x0"] > 0):
                skipped += 1
                continue
            span = (b["x1"] - a["x0"]) / em
            spans.append(span)
            k = a["c"] + b["c"]
            kinds.setdefault(k, []).append(span)
            if len(examples) < k_examples:
                examples.append({"page": pno, "pair": k, "span_em": round(span, 3)})
    # effective advance of single fullwidth punctuation marks inside a line:
    # origin of the next glyph minus own origin (1 em = not compressed)
    adv = []
    for pno, gl in glines:
        vis = [g for g in gl if g["c"] not in SPACES]
        for a, b in zip(vis, vis[1:]):
            if a["c"] in PAIR_PUNCT and b["c"] not in PAIR_PUNCT and \
                    (a["c"] not in QUOTES or (a["x1"] - a["x0"]) / a["size"] >= 0.7):
                d = (b["x0"] - a["x0"]) / a["size"]
                if 0 < d < 2:
                    adv.append(d)
    res = {"pairs": len(spans)}
    res["single_punct_advance_em"] = summary(adv)
    if adv:
        res["single_punct_advance_em"]["lt_0.75em"] = sum(1 for d in adv if d < 0.75)
    if spans:
        comp = sum(1 for s in spans if s <= 1.75)
        res.update({
            "compressed": comp,
            "compressed_frac": rnd(comp / len(spans)),
            "span_em": summary(spans),
            "by_pair": {k: {"n": len(v), "median_span_em": rnd(statistics.median(v))}
                        for k, v in sorted(kinds.items(), key=lambda kv: -len(kv[1]))[:12]},
        })
    res["skipped_proportional_quote_pairs"] = skipped
    res["quote_glyph_width_em_median"] = rnd(statistics.median(qwidths)) if qwidths else None
    res["examples"] = examples
    return res


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdf")
    ap.add_argument("--first", type=int)
    ap.add_argument("--last", type=int)
    ap.add_argument("--examples", type=int, default=5)
    ap.add_argument("--no-mutool", action="store_true", help="force the poppler-only fallback")
    ap.add_argument("--max-kinsoku", type=int)
    ap.add_argument("--max-ragged-pt", type=float)
    ap.add_argument("--max-overflow", type=int)
    ap.add_argument("--min-han-latin-em", type=float, help="lower bound on the median Han/Latin gap")
    ap.add_argument("--max-han-latin-em", type=float, help="upper bound on the median Han/Latin gap")
    ap.add_argument("--min-punct-compressed-frac", type=float)
    ap.add_argument("--indent", type=int, default=None)
    a = ap.parse_args()

    try:
        pages = poppler_pages(a.pdf, a.first, a.last)
    except Exception as e:  # noqa
        print(json.dumps({"pdf": a.pdf, "error": str(e)}))
        return 2
    em = estimate_em(pages)
    out = {"pdf": a.pdf, "pages": len(pages)}
    out["kinsoku"] = kinsoku(pages, a.examples)
    out["ragged"] = raggedness(pages, em, a.examples)
    glines = None
    if not a.no_mutool and shutil.which("mutool"):
        try:
            glines = mutool_lines(a.pdf, a.first, a.last)
        except Exception as e:  # noqa
            out["char_backend_error"] = str(e)[:300]
    if glines is not None:
        out["char_backend"] = "mutool-stext"
        out["han_latin_gap_em"] = han_latin_from_glyphs(glines, a.examples)
        out["punct_pairs"] = punct_pairs_from_glyphs(glines, a.examples)
    else:
        out["char_backend"] = "poppler-words"
        out["han_latin_gap_em"] = han_latin_from_words(pages, em, a.examples)
        out["punct_pairs"] = {"pairs": None, "note": "needs glyph positions (mutool)"}

    failed = []
    k = out["kinsoku"]["violations"]
    if a.max_kinsoku is not None and k > a.max_kinsoku:
        failed.append("kinsoku violations %d > %d" % (k, a.max_kinsoku))
    r = out["ragged"].get("std_pt")
    if a.max_ragged_pt is not None and (r is None or r > a.max_ragged_pt):
        failed.append("ragged std %s pt > %s" % (r, a.max_ragged_pt))
    ov = out["ragged"].get("overflow_lines", 0)
    if a.max_overflow is not None and ov > a.max_overflow:
        failed.append("overflow lines %d > %d" % (ov, a.max_overflow))
    hm = out["han_latin_gap_em"].get("median")
    if a.min_han_latin_em is not None and (hm is None or hm < a.min_han_latin_em):
        failed.append("han/latin median gap %s em < %s" % (hm, a.min_han_latin_em))
    if a.max_han_latin_em is not None and (hm is None or hm > a.max_han_latin_em):
        failed.append("han/latin median gap %s em > %s" % (hm, a.max_han_latin_em))
    pf = out["punct_pairs"].get("compressed_frac")
    if a.min_punct_compressed_frac is not None and out["punct_pairs"].get("pairs") and \
            (pf is None or pf < a.min_punct_compressed_frac):
        failed.append("compressed punct pairs %s < %s" % (pf, a.min_punct_compressed_frac))
    out["checks"] = {"failed": failed, "ok": not failed}
    print(json.dumps(out, ensure_ascii=False, indent=a.indent))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
