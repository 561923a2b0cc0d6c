#!/usr/bin/env python3
"""epub_render_test.py — the EPUB as a reader's engine shows it, against the PDF.

Builds the seed manuscript, the content/ samples and the typography fixture
with `moyin build` (EPUB and PDF from the same style sheet), opens every
chapter of each EPUB in headless Chromium at 360 px (a phone) and 800 px,
with the book's own CSS and fonts, and measures what a reader sees:

  han_latin_gap_em   gap between a Han character and an adjacent Latin
                     letter/digit on the same line, in em (median)
  punct_pairs        two adjacent fullwidth marks ("），"): the advance of the
                     first; compressed when at most 0.75 em
  li_text_start_em   a list item's first character from the item's content
                     edge (0 = at the text edge, the marker hanging)
  overflow           elements wider than the viewport, horizontal scrolling

and compares them with the PDF of the same run, measured by
pdf_typo_metrics.py (glyph positions from mutool):

  * Han–Latin gap median within 0.03 em of the PDF's;
  * punctuation pairs compressed like the PDF's (fractions within 0.15);
  * list text at the text edge (every item within 0.1 em);
  * no overflow at 360 px or 800 px.

A vertical-writing build (epub.writing-mode: vertical-rl) of the seed is
checked too: Han characters run top to bottom, columns right to left, and the
package turns pages right to left. Screenshots of the seed's second chapter
at both widths (and the vertical one) are written to the output folder for
looking. A JSON report goes to OUT/render-report.json.

Chromium runs with no network, no sandbox (root in CI), a throw-away
profile and a hard timeout: one process per EPUB and width measures all
chapters in iframes, so the whole run takes well under a minute.

usage: epub_render_test.py --moyin BIN --source DIR --out DIR [--keep]
Exit: 0 pass, 1 a check failed, 77 skipped (no Chromium, or the sanitizer
run: the EPUB bytes are the same as in the release run).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
WIDTHS = (360, 800)
GAP_TOLERANCE_EM = 0.03
PUNCT_FRACTION_TOLERANCE = 0.15
LI_EDGE_TOLERANCE_EM = 0.1

# The measuring script, run in the top page over each chapter's iframe.
# Character classes follow pdf_typo_metrics.py (PAIR_PUNCT, is_han,
# is_latin_alnum) so both sides count the same places.
PROBE = r"""
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007\u2e80-\u2fdf]/u;
const LATIN = /[0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]/;
const QUOTE = /[“”‘’]/;
const PAIR = /[，。、；：？！（）《》「」『』【】〔〕〈〉〖〗〘〙［］｛｝“”‘’]/;
function charRect(node, i) {
  const r = node.ownerDocument.createRange();
  r.setStart(node, i); r.setEnd(node, i + 1);
  return r.getBoundingClientRect();
}
function measure(doc) {
  const win = doc.defaultView;
  const vertical = win.getComputedStyle(doc.documentElement).writingMode.startsWith('vertical');
  const size = el => parseFloat(win.getComputedStyle(el).fontSize);
  const out = {gaps: [], pairs: [], li: [], overflow: [], scroll: 0, vertical, han_down: 0, han_pairs: 0};
  const walker = doc.createTreeWalker(doc.body, win.NodeFilter.SHOW_TEXT);
  // Justification widens every character of a CJK line alike: the extra
  // advance of the line's last Han character is taken out of a pair's advance.
  let prev = null, stretch = 0, lineTop = null;
  while (walker.nextNode()) {
    const n = walker.currentNode;
    if (n.parentElement.closest('pre,code,nav,script,style,sup')) { prev = null; continue; }
    for (let i = 0; i < n.data.length; i++) {
      const c = n.data[i];
      if (/\s/.test(c)) { prev = null; continue; }
      if (prev) {
        const [pn, pi, pc] = prev, a = charRect(pn, pi), b = charRect(n, i);
        if (a.width > 0 && b.width > 0) {
          if (!vertical && Math.abs(a.top - b.top) < 2) {
            if (lineTop === null || Math.abs(lineTop - a.top) >= 2) { lineTop = a.top; stretch = 0; }
            if (HAN.test(pc) && HAN.test(c)) stretch = Math.max(0, (b.left - a.left) / size(pn.parentElement) - 1);
            if (HAN.test(pc) && LATIN.test(c)) out.gaps.push((b.left - a.right) / size(pn.parentElement));
            else if (LATIN.test(pc) && HAN.test(c)) out.gaps.push((b.left - a.right) / size(n.parentElement));
            // Like pdf_typo_metrics: a quote drawn proportional is not a fullwidth mark.
            const em = size(pn.parentElement), narrow = (ch, r) => QUOTE.test(ch) && r.width < 0.7 * em;
            if (PAIR.test(pc) && PAIR.test(c) && !narrow(pc, a) && !narrow(c, b)) out.pairs.push((b.left - a.left) / em - stretch);
          }
          if (vertical && Math.abs(a.left - b.left) < 2) {
            if (HAN.test(pc) && HAN.test(c)) { out.han_pairs++; if (b.top > a.top) out.han_down++; }
            if (HAN.test(pc) && LATIN.test(c)) out.gaps.push((b.top - a.bottom) / size(pn.parentElement));
            else if (LATIN.test(pc) && HAN.test(c)) out.gaps.push((b.top - a.bottom) / size(n.parentElement));
          }
        }
      }
      prev = [n, i, c];
    }
  }
  for (const li of doc.querySelectorAll('li')) {
    if (li.closest('nav') || li.querySelector(':scope > input')) continue;
    const tw = doc.createTreeWalker(li, win.NodeFilter.SHOW_TEXT);
    let t = null;
    while (tw.nextNode()) if (tw.currentNode.data.trim()) { t = tw.currentNode; break; }
    if (!t) continue;
    const r = charRect(t, t.data.search(/\S/)), box = li.getBoundingClientRect();
    const cs = win.getComputedStyle(li);
    const edge = vertical ? box.top + parseFloat(cs.paddingTop) : box.left + parseFloat(cs.paddingLeft);
    out.li.push(((vertical ? r.top : r.left) - edge) / size(li));
  }
  if (!vertical) {
    const w = win.innerWidth;
    for (const el of doc.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (r.right > w + 1 || r.left < -1))
        out.overflow.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' ' +
                          Math.round(r.left) + '..' + Math.round(r.right));
    }
    out.scroll = doc.documentElement.scrollWidth - w;
  }
  return out;
}
window.addEventListener('load', async () => {
  const results = {};
  for (const f of document.querySelectorAll('iframe')) {
    const doc = f.contentDocument;
    if (!doc || !doc.body) { results[f.dataset.name] = {error: 'not loaded'}; continue; }
    try { await doc.fonts.ready; results[f.dataset.name] = measure(doc); }
    catch (e) { results[f.dataset.name] = {error: String(e)}; }
  }
  document.body.setAttribute('data-probe', JSON.stringify(results));
});
"""

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
]


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run(cmd, timeout, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                          text=True, **kw)


def chromium(browser, args, timeout=60):
    profile = tempfile.mkdtemp(prefix="moyin-chromium-")
    try:
        return run([browser] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile] + args, timeout).stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def spine_documents(root):
    """XHTML files of the reading order (chapters), without nav/cover/title."""
    container = ET.parse(os.path.join(root, "META-INF", "container.xml")).getroot()
    opf_rel = [e.get("full-path") for e in container.iter() if e.tag.endswith("rootfile")][0]
    opf_path = os.path.join(root, opf_rel)
    opf = ET.parse(opf_path).getroot()
    manifest = {e.get("id"): e.get("href") for e in opf.iter() if e.tag.endswith("}item")}
    spine = [e for e in opf.iter() if e.tag.endswith("}spine")][0]
    docs = []
    for ref in spine:
        href = manifest.get(ref.get("idref"), "")
        if ref.get("linear") == "no" or href in ("cover.xhtml", "title.xhtml", "nav.xhtml"):
            continue
        docs.append(os.path.join(os.path.dirname(opf_path), href))
    return docs, spine.get("page-progression-direction")


def probe_epub(browser, root, width):
    """Measures every chapter of an unpacked EPUB at one viewport width."""
    docs, _ = spine_documents(root)
    folder = os.path.dirname(docs[0])
    frames = "".join(
        '<iframe data-name="%s" src="%s" style="width:%dpx;height:700px;border:0;display:block"></iframe>'
        % (os.path.basename(d), os.path.basename(d), width) for d in docs)
    page = os.path.join(folder, "_probe_%d.html" % width)
    with open(page, "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body style='margin:0'>" +
                frames + "<script>" + PROBE + "</script></body></html>")
    dom = chromium(browser, ["--allow-file-access-from-files", "--virtual-time-budget=5000",
                             "--window-size=%d,800" % (width + 40), "--dump-dom", "file://" + page])
    os.remove(page)
    m = re.search(r'data-probe="([^"]*)"', dom)
    if not m:
        raise RuntimeError("Chromium returned no measurements for %s at %d px" % (root, width))
    raw = m.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return json.loads(raw)


def screenshot(browser, page, png, width, height):
    """A picture of `page` in a width × height viewport. The chapter is shown
    in an iframe: a top-level vertical-rl document is captured from its
    scroll origin, which is the end of the text, not its start."""
    frame = os.path.join(os.path.dirname(page), "_shot.html")
    with open(frame, "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html><html><body style='margin:0'><iframe src='%s' "
                "style='width:%dpx;height:%dpx;border:0;display:block'></iframe></body></html>"
                % (os.path.basename(page), width, height))
    chromium(browser, ["--screenshot=" + png, "--window-size=%d,%d" % (width, height),
                       "--virtual-time-budget=3000", "file://" + frame])
    os.remove(frame)
    return os.path.exists(png)


def median(values):
    return round(statistics.median(values), 3) if values else None


def summarize(per_chapter):
    gaps, pairs, li, overflow, scroll = [], [], [], [], 0
    errors = []
    for name, r in sorted(per_chapter.items()):
        if "error" in r:
            errors.append(name + ": " + r["error"])
            continue
        gaps += r["gaps"]
        pairs += r["pairs"]
        li += r["li"]
        overflow += [name + ": " + o for o in r["overflow"]]
        scroll = max(scroll, r["scroll"])
    compressed = sum(1 for p in pairs if p <= 0.75)
    return {
        "han_latin_gap_em": {"median": median(gaps), "n": len(gaps)},
        "punct_pairs": {"n": len(pairs), "first_advance_median_em": median(pairs),
                        "compressed": compressed,
                        "compressed_frac": round(compressed / len(pairs), 3) if pairs else None},
        "li_text_start_em": {"median": median(li), "max_abs": round(max(map(abs, li)), 3) if li else None,
                             "n": len(li)},
        "overflow": {"elements": len(overflow), "examples": overflow[:5], "page_scroll_px": scroll},
        "errors": errors,
    }


def pdf_figures(pdf):
    out = run([sys.executable, os.path.join(HERE, "pdf_typo_metrics.py"), pdf, "--examples", "0"], 120)
    data = json.loads(out.stdout)
    if data.get("char_backend") != "mutool-stext":
        raise RuntimeError("pdf_typo_metrics needs mutool (mupdf-tools; run scripts/setup)")
    return {"han_latin_gap_em": data["han_latin_gap_em"].get("median"),
            "han_latin_n": data["han_latin_gap_em"].get("n", 0),
            "punct_pairs": data["punct_pairs"].get("pairs") or 0,
            "punct_compressed_frac": data["punct_pairs"].get("compressed_frac")}


def check(name, epub, pdf, failures):
    """The comparisons of the module docstring for one book at one width."""
    g_epub, g_pdf = epub["han_latin_gap_em"], pdf["han_latin_gap_em"]
    if epub["han_latin_gap_em"]["n"] >= 5 and pdf["han_latin_n"] >= 5:
        if g_epub["median"] is None or abs(g_epub["median"] - g_pdf) > GAP_TOLERANCE_EM:
            failures.append("%s: Han–Latin gap median %s em, the PDF's %s em (tolerance %s)"
                            % (name, g_epub["median"], g_pdf, GAP_TOLERANCE_EM))
    p_epub = epub["punct_pairs"]
    if p_epub["n"] >= 3 and pdf["punct_pairs"] >= 3:
        if abs(p_epub["compressed_frac"] - pdf["punct_compressed_frac"]) > PUNCT_FRACTION_TOLERANCE:
            failures.append("%s: %s of %s punctuation pairs compressed (%.2f), the PDF %.2f"
                            % (name, p_epub["compressed"], p_epub["n"], p_epub["compressed_frac"],
                               pdf["punct_compressed_frac"]))
    li = epub["li_text_start_em"]
    if li["n"] and li["max_abs"] > LI_EDGE_TOLERANCE_EM:
        failures.append("%s: list item text up to %s em from the item's edge (median %s)"
                        % (name, li["max_abs"], li["median"]))
    ov = epub["overflow"]
    if ov["elements"] or ov["page_scroll_px"] > 1:
        failures.append("%s: %d elements wider than the screen, page scrolls %s px: %s"
                        % (name, ov["elements"], ov["page_scroll_px"], "; ".join(ov["examples"])))
    for e in epub["errors"]:
        failures.append("%s: %s" % (name, e))


def build(moyin, source, out_dir, extra=(), to="all"):
    r = run([moyin, "build", source, "--to", to, "-o", out_dir, "--quiet"] + list(extra), 300)
    if r.returncode != 0:
        raise RuntimeError("moyin build %s failed:\n%s" % (source, r.stderr))
    stem = os.path.splitext(os.path.basename(source))[0]
    return os.path.join(out_dir, stem + ".epub"), os.path.join(out_dir, stem + ".pdf")


def unpack(epub, folder):
    shutil.rmtree(folder, ignore_errors=True)
    with zipfile.ZipFile(epub) as z:
        z.extractall(folder)
    return folder


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--moyin", required=True)
    ap.add_argument("--source", required=True, help="the repository root")
    ap.add_argument("--out", required=True, help="folder for EPUBs, PDFs, screenshots, the report")
    a = ap.parse_args()

    if os.environ.get("MOYIN_SANITIZER_RUN"):
        print("SKIP: the rendering check runs in the release pass (same EPUB bytes)")
        return SKIP
    browser = find_chromium()
    if not browser:
        print("SKIP: Chromium is not installed, the EPUB rendering check did not run "
              "(scripts/setup installs the `chromium` package)")
        return SKIP
    if not shutil.which("mutool"):
        print("FAIL: mutool (mupdf-tools) is needed to measure the PDF: run scripts/setup")
        return 1

    started = time.monotonic()
    src = os.path.abspath(a.source)
    out = os.path.abspath(a.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    inputs = [("seed", os.path.join(src, "tests/data/corpus/llm-survey-2025.md"), ())]
    for f in sorted(os.listdir(os.path.join(src, "content"))):
        if f.endswith(".md"):
            inputs.append(("content/" + f[:-3], os.path.join(src, "content", f), ()))
    inputs.append(("typography", os.path.join(src, "tests/fixtures/epub/typography.md"), ()))
    inputs.append(("typography-ebook", os.path.join(src, "tests/fixtures/epub/typography.md"),
                   ("--style", "ebook")))

    report, failures = {}, []
    for name, path, extra in inputs:
        folder = os.path.join(out, name)
        epub, pdf = build(a.moyin, path, folder, extra)
        pdf_side = pdf_figures(pdf)
        root = unpack(epub, os.path.join(folder, "unpacked"))
        entry = {"pdf": pdf_side}
        for width in WIDTHS:
            measured = probe_epub(browser, root, width)
            summary = summarize(measured)
            entry["epub_%d" % width] = summary
            check("%s at %d px" % (name, width), summary, pdf_side, failures)
        report[name] = entry

    # Screenshots of the seed's second chapter, for looking.
    seed_root = os.path.join(out, "seed", "unpacked")
    docs, _ = spine_documents(seed_root)
    chapter = docs[1] if len(docs) > 1 else docs[0]
    for width in WIDTHS:
        png = os.path.join(out, "seed-chapter2-%d.png" % width)
        if not screenshot(browser, chapter, png, width, 1400):
            failures.append("no screenshot at %d px" % width)

    # Vertical writing: the seed with epub.writing-mode: vertical-rl.
    v_epub, _ = build(a.moyin, inputs[0][1], os.path.join(out, "vertical"),
                      ("--set", "epub.writing-mode=vertical-rl"), to="epub")
    v_root = unpack(v_epub, os.path.join(out, "vertical", "unpacked"))
    v_docs, direction = spine_documents(v_root)
    if direction != "rtl":
        failures.append("vertical: the spine's page-progression-direction is %r, not rtl" % direction)
    vertical = probe_epub(browser, v_root, 800)
    down = sum(r.get("han_down", 0) for r in vertical.values())
    pairs = sum(r.get("han_pairs", 0) for r in vertical.values())
    v_gaps = [g for r in vertical.values() for g in r.get("gaps", [])]
    report["vertical"] = {"han_pairs": pairs, "han_top_to_bottom": down,
                          "han_latin_gap_em": {"median": median(v_gaps), "n": len(v_gaps)}}
    if not all(r.get("vertical") for r in vertical.values()) or pairs == 0 or down < 0.99 * pairs:
        failures.append("vertical: Han text does not run top to bottom (%d of %d pairs)" % (down, pairs))
    if v_gaps and abs(median(v_gaps) - report["seed"]["pdf"]["han_latin_gap_em"]) > GAP_TOLERANCE_EM:
        failures.append("vertical: Han–Latin gap median %s em" % median(v_gaps))
    v_chapter = v_docs[1] if len(v_docs) > 1 else v_docs[0]
    screenshot(browser, v_chapter, os.path.join(out, "seed-chapter2-vertical.png"), 800, 600)

    report["seconds"] = round(time.monotonic() - started, 1)
    report["failures"] = failures
    with open(os.path.join(out, "render-report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)

    print("%-22s %5s  %-16s %-22s %-14s %s" % ("book", "px", "Han–Latin em", "punct pairs compressed",
                                               "li start em", "overflow"))
    for name, e in report.items():
        if not isinstance(e, dict) or "pdf" not in e:
            continue
        p = e["pdf"]
        print("%-22s %5s  %-16s %-22s" % (name, "PDF", p["han_latin_gap_em"],
                                          "%s of %s" % (p["punct_compressed_frac"], p["punct_pairs"])))
        for width in WIDTHS:
            s = e["epub_%d" % width]
            print("%-22s %5d  %-16s %-22s %-14s %d" % (
                "", width, "%s (%d)" % (s["han_latin_gap_em"]["median"], s["han_latin_gap_em"]["n"]),
                "%s of %d" % (s["punct_pairs"]["compressed_frac"], s["punct_pairs"]["n"]),
                s["li_text_start_em"]["max_abs"], s["overflow"]["elements"]))
    print("vertical: %s" % json.dumps(report["vertical"], ensure_ascii=False))
    print("screenshots and report in %s (%.1f s)" % (out, report["seconds"]))
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        print("FAIL: %s" % e)
        sys.exit(1)
