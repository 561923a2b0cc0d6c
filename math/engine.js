// Moyin's math engine: TeX → SVG (paths) and MathML with MathJax 3.
// Protocol: stdin is one JSON object
//   {"preambles": [["\\newcommand…", …], …],
//    "formulas": [{"tex": "...", "display": bool, "preamble": index}, …]};
// stdout is one JSON array, in the order of "formulas", of
// {"svg": "<svg…>", "mathml": "<math…>"} or {"error": "MathJax's message"}.
// A formula is converted after the formulas of its preamble (its document's
// macro definitions), by a TeX input that has seen no other preamble.
// Run by moyin (src/math/engine.cpp) once per invocation with every formula;
// with --serve (moyin watch), batch after batch, one JSON text a line each way.
'use strict';
const {mathjax} = require('mathjax-full/js/mathjax.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {SVG} = require('mathjax-full/js/output/svg.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
const {STATE} = require('mathjax-full/js/core/MathItem.js');
const {SerializedMmlVisitor} = require('mathjax-full/js/core/MmlTree/SerializedMmlVisitor.js');
require('mathjax-full/js/input/tex/base/BaseConfiguration.js');
require('mathjax-full/js/input/tex/ams/AmsConfiguration.js');
require('mathjax-full/js/input/tex/boldsymbol/BoldsymbolConfiguration.js');
require('mathjax-full/js/input/tex/mhchem/MhchemConfiguration.js');
require('mathjax-full/js/input/tex/textmacros/TextMacrosConfiguration.js');
require('mathjax-full/js/input/tex/newcommand/NewcommandConfiguration.js');
require('mathjax-full/js/input/tex/configmacros/ConfigMacrosConfiguration.js');
require('mathjax-full/js/input/tex/color/ColorConfiguration.js');
require('mathjax-full/js/input/tex/cancel/CancelConfiguration.js');
require('mathjax-full/js/input/tex/enclose/EncloseConfiguration.js');
require('mathjax-full/js/input/tex/braket/BraketConfiguration.js');
require('mathjax-full/js/input/tex/mathtools/MathtoolsConfiguration.js');
require('mathjax-full/js/input/tex/upgreek/UpgreekConfiguration.js');
require('mathjax-full/js/input/tex/gensymb/GensymbConfiguration.js');

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
// Text in \text{} and \mbox{} comes out as <text> elements (not MathJax's
// glyph outlines), so moyin draws it with its own fonts, CJK included.
const svg = new SVG({fontCache: 'none', mtextInheritFont: false});
const visitor = new SerializedMmlVisitor();

// A TeX input and its document. Macros a formula defines stay in the TeX
// input: a document with a preamble gets one of its own (about 3 ms).
function texDocument() {
  const tex = new TeX({
    packages: ['base', 'ams', 'boldsymbol', 'mhchem', 'textmacros', 'newcommand', 'configmacros',
               'color', 'cancel', 'enclose', 'braket', 'mathtools', 'upgreek', 'gensymb'],
    // Errors are reported to moyin, never drawn as red boxes.
    formatError: (jax, err) => { throw err; },
    tags: 'none',
  });
  return {tex, html: mathjax.document('', {InputJax: tex, OutputJax: svg})};
}

// Formulas of documents without a preamble define nothing: they share one.
const shared = texDocument();

// The document for `preamble`: the shared one, or a new one that has
// converted the preamble's formulas (their errors are reported with the
// formulas themselves).
function documentFor(preamble) {
  if (!preamble || preamble.length === 0) return shared;
  const d = texDocument();
  for (const tex of preamble) {
    try {
      d.tex.parseOptions.tags.reset();
      d.html.convert(tex, {display: true, end: STATE.COMPILED});
    } catch (err) {
      // reported when the formula itself is converted
    }
  }
  return d;
}

// Text for an XML attribute.
function escapeXml(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// MathML for EPUB: MathJax's internal data-* and class attributes removed,
// the TeX source as alttext.
function mathml(node, texSource) {
  let m = visitor.visitTree(node);
  m = m.replace(/ data-[a-z-]+="[^"]*"/g, '').replace(/ class="[^"]*"/g, '');
  return m.replace('<math ', '<math alttext="' + escapeXml(texSource) + '" ');
}

function convert(item, d) {
  const display = !!item.display;
  try {
    d.tex.parseOptions.tags.reset();
    // What MathDocument.convert does, keeping the MathItem: its internal
    // MathML (root) gives the EPUB's MathML, its typesetRoot the SVG, from
    // one parse of the TeX.
    const math = new d.html.options.MathItem(item.tex, d.tex, display);
    math.start.node = adaptor.body(d.html.document);
    math.setMetrics(10, 5, 80 * 10, 1000000, 1);
    math.convert(d.html, STATE.LAST);
    return {svg: adaptor.innerHTML(math.typesetRoot), mathml: mathml(math.root, item.tex)};
  } catch (err) {
    if (process.env.MOYIN_MATH_DEBUG) console.error(err.stack);
    return {error: String(err && err.message ? err.message : err).replace(/\s+/g, ' ').trim()};
  }
}

// The answers to one batch (parsed JSON), or null when it is not a batch.
function answer(batch) {
  if (!batch || !Array.isArray(batch.preambles) || !Array.isArray(batch.formulas)) return null;
  // Formulas come grouped by preamble: each preamble's document is made once.
  let current = -1, d = shared;
  return batch.formulas.map((item) => {
    if (item.preamble !== current) {
      current = item.preamble;
      d = documentFor(batch.preambles[current]);
    }
    return convert(item, d);
  });
}

// One batch on stdin, its answers on stdout; or, with --serve (moyin
// watch), batch after batch, one JSON text a line each way, until stdin ends.
function main() {
  process.stdin.setEncoding('utf8');
  if (process.argv.includes('--serve')) {
    const lines = require('readline').createInterface({input: process.stdin, crlfDelay: Infinity});
    lines.on('line', (line) => {
      if (!line.trim()) return;
      let results = null;
      try {
        results = answer(JSON.parse(line));
      } catch (err) {
        // not JSON: answered with null
      }
      process.stdout.write(JSON.stringify(results) + '\n');
    });
    return;
  }
  let input = '';
  process.stdin.on('data', (chunk) => { input += chunk; });
  process.stdin.on('end', () => {
    let results = null;
    try {
      results = answer(JSON.parse(input));
    } catch (err) {
      // reported below
    }
    if (!results) {
      process.stderr.write('engine: input is not a batch of formulas\n');
      process.exit(2);
    }
    process.stdout.write(JSON.stringify(results));
  });
}

// ---- Started from a V8 start-up snapshot (node --snapshot-blob BLOB engine.js)
//
// The build (src/math/CMakeLists.txt) bundles this file with MathJax
// (esbuild) and has Node.js snapshot the heap once MathJax is loaded: a run then skips loading and
// compiling MathJax's modules (about half of the engine's start-up,
// docs/math.md). The snapshot keeps the engine and the MathJax it was made
// from; it answers only when the engine.js named on its command line and
// the MathJax installed beside it are still those, else it exits with
// kStale and moyin runs engine.js itself.
const kStale = 3;
const v8 = require('v8');
const fs = require('fs');
const path = require('path');

// What the snapshot must match: the engine's source and MathJax's package.json.
function sources(engineScript) {
  const dir = path.dirname(engineScript);
  const read = (file) => { try { return fs.readFileSync(file, 'utf8'); } catch (err) { return null; } };
  return {engine: read(engineScript),
          mathjax: read(path.join(dir, 'node_modules', 'mathjax-full', 'package.json'))};
}

if (v8.startupSnapshot && v8.startupSnapshot.isBuildingSnapshot()) {
  const built = sources(process.env.MOYIN_ENGINE_SCRIPT || '');
  if (built.engine === null || built.mathjax === null) {
    throw new Error('MOYIN_ENGINE_SCRIPT must name the math/engine.js being snapshotted');
  }
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    const now = sources(process.argv[1] || '');
    if (now.engine !== built.engine || now.mathjax !== built.mathjax) {
      process.stderr.write('engine: the snapshot is not of ' + process.argv[1] + '\n');
      process.exit(kStale);
    }
    main();
  });
} else {
  main();
}
