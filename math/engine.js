// Moyin's math engine: TeX → SVG (paths) and MathML with MathJax 3.
// Protocol: stdin is one JSON array [{"tex": "...", "display": bool}, ...];
// stdout is one JSON array, in the same order, of
// {"svg": "<svg…>", "mathml": "<math…>"} or {"error": "MathJax's message"}.
// Run by moyin (src/math/engine.cpp) once per invocation with every formula.
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
const tex = new TeX({
  packages: ['base', 'ams', 'boldsymbol', 'mhchem', 'textmacros', 'newcommand', 'configmacros', 'color',
             'cancel', 'enclose', 'braket', 'mathtools', 'upgreek', 'gensymb'],
  // Errors are reported to moyin, never drawn as red boxes.
  formatError: (jax, err) => { throw err; },
  tags: 'none',
});
// Text in \text{} and \mbox{} comes out as <text> elements (not MathJax's
// glyph outlines), so moyin draws it with its own fonts, CJK included.
const svg = new SVG({fontCache: 'none', mtextInheritFont: false});
const html = mathjax.document('', {InputJax: tex, OutputJax: svg});
const visitor = new SerializedMmlVisitor();

// MathML for EPUB: MathJax's internal data-* and class attributes removed.
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

function convert(item) {
  const display = !!item.display;
  try {
    tex.parseOptions.tags.reset();
    const node = html.convert(item.tex, {display, end: STATE.COMPILED});
    const out = html.convert(item.tex, {display, em: 10, ex: 5, containerWidth: 80 * 10});
    return {svg: adaptor.innerHTML(out), mathml: mathml(node, item.tex)};
  } catch (err) {
    if (process.env.MOYIN_MATH_DEBUG) console.error(err.stack);
    return {error: String(err && err.message ? err.message : err).replace(/\s+/g, ' ').trim()};
  }
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  let items;
  try {
    items = JSON.parse(input);
  } catch (err) {
    process.stderr.write('engine: input is not JSON: ' + err.message + '\n');
    process.exit(2);
  }
  const results = items.map(convert);
  process.stdout.write(JSON.stringify(results));
});
