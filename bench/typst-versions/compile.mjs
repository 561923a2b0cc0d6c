// node --no-liftoff --no-wasm-lazy-compilation compile.mjs PACKAGE IN.typ OUT.pdf FONT...
//
// Sets IN.typ into OUT.pdf with the Typst that PACKAGE (typst-0.10 or
// typst-0.14, package.json) embeds: typst.ts's web compiler, the Typst
// crates built to WASM. Both versions are the same kind of build, run the
// same way, so their ratio says how fast Typst 0.10 (the performance
// issue's reference, which no native build here embeds) is against the
// Typst that bench/typst times natively. With V8's flags above the whole
// module is compiled by the optimizing tier before the clock starts, so the
// time is the compiler's, not V8's tier-up.
//
// Prints one line: "Typst X.Y.Z<TAB>SECONDS", SECONDS the wall time of
// compile + PDF export for IN.typ (the FONT files given loaded before).
// Each run needs its own process: Typst memoizes across compiles.
import fs from 'fs';
import { createRequire } from 'module';
import { pathToFileURL } from 'url';

const [pkg, input, output, ...fonts] = process.argv.slice(2);
if (!pkg || !input || !output || fonts.length === 0) {
  console.error('usage: node compile.mjs typst-0.10|typst-0.14 IN.typ OUT.pdf FONT...');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const dir = require.resolve(`${pkg}/package.json`).replace(/package\.json$/, 'pkg/');
const web = await import(pathToFileURL(`${dir}typst_ts_web_compiler.mjs`).href);
const wasm = fs.readFileSync(`${dir}typst_ts_web_compiler_bg.wasm`);
const fontData = fonts.map((f) => new Uint8Array(fs.readFileSync(f)));

// The two releases differ in how the module and fonts are handed over.
async function makeCompiler() {
  const recent = Boolean(web.TypstFontResolverBuilder);  // typst.ts 0.7 (Typst 0.14), else 0.4 (0.10)
  await web.default(recent ? { module_or_path: wasm } : wasm);
  const builder = new web.TypstCompilerBuilder();
  builder.set_dummy_access_model();
  if (recent) {
    const resolver = new web.TypstFontResolverBuilder();
    for (const data of fontData) await resolver.add_raw_font(data);
    const compiler = await builder.build();
    compiler.set_fonts(await resolver.build());
    return { compiler, pdf: (path) => compiler.compile(path, null, 'pdf', 1) };
  }
  for (const data of fontData) await builder.add_raw_font(data);
  const compiler = await builder.build();
  return { compiler, pdf: (path) => ({ result: compiler.compile(path, 'pdf') }) };
}

const { compiler, pdf } = await makeCompiler();
compiler.add_source('/main.typ', fs.readFileSync(input, 'utf8'));
const t0 = process.hrtime.bigint();
const out = pdf('/main.typ');
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
// A missing font is only a warning to Typst; a PDF in a fallback face is
// not the comparison asked for, so any diagnostic fails the run.
if (!out.result || (out.diagnostics && out.diagnostics.length)) {
  console.error(`${input}: error: Typst reported ${JSON.stringify(out.diagnostics ?? 'no PDF')}`);
  process.exit(1);
}
fs.writeFileSync(output, out.result);
// The PDF's Creator names the version that made it.
const version = Buffer.from(out.result).toString('latin1').match(/Typst \d+\.\d+\.\d+/);
console.log(`${version ? version[0] : pkg}\t${seconds.toFixed(6)}`);
