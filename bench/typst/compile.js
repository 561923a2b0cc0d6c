// node compile.js IN.typ OUT.pdf [TIMES] | --version: sets IN.typ with Typst (typst.ts's
// native Node addon, the Typst compiler crates; version pinned in
// package-lock.json) into OUT.pdf, as `typst compile IN.typ OUT.pdf` would.
// scripts/bench runs it where no `typst` CLI is installed (docs/performance.md).
//
// TIMES, when given, gets one line appended: "TOTAL CPU FONTS COMPILE PDF"
// in seconds, measured inside this process after node's start-up and the
// module's load: TOTAL is the wall time from creating the compiler (which
// scans the system's fonts, as the CLI does on each run) to the PDF written,
// CPU the process's user + system time over the same span (all threads), and
// FONTS, COMPILE, PDF its three parts (the PDF part includes the write).
//
// Any warning fails the run: a font family Typst cannot find is only a
// warning, and a PDF set in a fallback face would not be a fair comparison.
'use strict';
const fs = require('fs');
const path = require('path');
const { NodeCompiler } = require('@myriaddreamin/typst-ts-node-compiler');

const [input, output, times] = process.argv.slice(2);
if (input === '--version') {
  // The Typst the addon embeds, as Typst itself reports it (sys.version).
  const query = { mainFileContent: '#metadata(str(sys.version)) <v>' };
  console.log(`Typst ${NodeCompiler.create().query(query, { selector: '<v>', field: 'value' })[0]}`);
  process.exit(0);
}
if (!input || !output) {
  console.error('usage: node compile.js IN.typ OUT.pdf [TIMES] | --version');
  process.exit(2);
}
const now = () => Number(process.hrtime.bigint()) / 1e9;
const cpu0 = process.cpuUsage();
const t0 = now();
const compiler = NodeCompiler.create({ workspace: path.dirname(path.resolve(input)) });
const t1 = now();
const result = compiler.compile({ mainFilePath: path.resolve(input) });
const t2 = now();
result.printDiagnostics();
if (result.hasError() || result.takeWarnings()) {
  console.error(`${input}: error: Typst reported the diagnostics above`);
  process.exit(1);
}
fs.writeFileSync(output, compiler.pdf(result.result));
const t3 = now();
const cpu = process.cpuUsage(cpu0);
if (times) {
  const fields = [t3 - t0, (cpu.user + cpu.system) / 1e6, t1 - t0, t2 - t1, t3 - t2];
  fs.appendFileSync(times, fields.map((s) => s.toFixed(6)).join(' ') + '\n');
}
