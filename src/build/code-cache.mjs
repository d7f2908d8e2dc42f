// The V8 code cache of the bundled program (see src/io/code-cache.ts): the program is compiled exactly as
// the entry compiles it, run through the commands a short run uses most (so that the functions they call
// are compiled too), and the compiled code written beside it. Run by bundle.mjs, its output discarded.
import { existsSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { compileProgram, sealCache } from '../../dist/src/io/code-cache.js';

const [file, which] = process.argv.slice(2);
const { script, run, source } = compileProgram(file);
const { start } = run();
const examples = 'scripts';
// The check program (which = check) has only `check`.
const all = existsSync(examples) ? [['check', examples], ['render', examples], ['render', '--format', 'json', examples], ['--help']] : [['--help']];
const workloads = which === 'check' ? [existsSync(examples) ? ['check', examples] : ['check', '--help']] : all;
for (const argv of workloads) {
  const code = await start(argv, 'nixpod');
  if (code > 1) throw new Error(`nixpod ${argv.join(' ')} exited ${code}`);
}
writeFileSync(`${file}.cache`, sealCache(source, script.createCachedData()));
process.exit(0);
