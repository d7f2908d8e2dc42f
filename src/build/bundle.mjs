// `npm run bundle`: the package's CLI in dist/pkg/cli, from tsc's output in dist/src.
// - nixpod.mjs: the entry (launch.ts): `--version` at once, else it loads
// - nixpod-program.cjs: the whole program as one CommonJS file, compiled with
// - nixpod-program.cjs.cache: V8's code cache for it, made here by running it (see code-cache.mjs);
// - nixpod-check.cjs and its .cache: the same for `check` alone (start-check.ts), which the entry loads for it.
// The Kubernetes client stays outside (loaded only by the commands that talk to a cluster).
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'dist/pkg/cli');
rmSync(join(root, 'dist/pkg'), { recursive: true, force: true });
// Whitespace minified: a third smaller, so faster to read and to compile (names are kept, for stack traces).
// The version is written in (src/cli/version.ts): a run reads no package.json for it.
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const common = { minifyWhitespace: true, bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', external: ['@kubernetes/client-node'], define: { NIXPOD_VERSION: JSON.stringify(version) } };
await build({ ...common, entryPoints: [join(root, 'dist/src/cli/launch.js')], format: 'esm', outfile: join(out, 'nixpod.mjs') });
// The program (every command), and the check program (check alone: start-check.ts); the entry picks one.
const programs = [
  { entry: 'start.js', file: 'nixpod-program.cjs', workloads: 'all', clientImports: 1 },
  { entry: 'start-check.js', file: 'nixpod-check.cjs', workloads: 'check', clientImports: 0 },
];
for (const p of programs) await bundleProgram(p);

async function bundleProgram({ entry, file, workloads, clientImports }) {
  const program = join(out, file);
  await build({
    ...common,
    entryPoints: [join(root, 'dist/src/cli', entry)],
    format: 'cjs',
    outfile: program,
    // import.meta.url (package.json, the templates, createRequire) is the program file's URL.
    define: { ...common.define, 'import.meta.url': '__nixpodUrl' },
    banner: { js: 'const __nixpodUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  // Node 20 drops a script's dynamic-import callback when it is compiled from a code cache: the program's one
  // dynamic import (the external Kubernetes client) goes through a function the entry passes in instead.
  // The check program talks to no cluster: it has none.
  const text = readFileSync(program, 'utf8');
  const imports = text.match(/\bimport\(/g) ?? [];
  const client = 'import("@kubernetes/client-node")';
  if (imports.length !== clientImports || text.split(client).length !== clientImports + 1) fail(`${file} must have exactly ${clientImports} dynamic import${clientImports === 1 ? '' : 's'}, ${client}; it has ${imports.length}`);
  // commander loads node:child_process (with net, dgram and streams, ~3 ms) when it starts, for executable
  // subcommands nixpod never has: it is loaded when first used instead.
  const eager = 'var childProcess=require("node:child_process");';
  if (text.split(eager).length !== 2) fail(`commander's child_process require changed; expected once in ${file}: ${eager}`);
  // The program is decoded as latin1 when it is ASCII (faster than UTF-8, see src/io/code-cache.ts): keep it so.
  const wide = /[\u0080-\uffff]/.exec(text);
  if (wide) {
    const line = text.slice(0, wide.index).split('\n').length;
    fail(`${program}:${line} has the non-ASCII character ${JSON.stringify(wide[0])} (esbuild leaves those in regex literals): write it as \\u${wide[0].charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  const lazy = 'var childProcess={get spawn(){return require("node:child_process").spawn}};';
  writeFileSync(program, text.replace(client, '__nixpodImport("@kubernetes/client-node")').replace(eager, lazy));
  const r = spawnSync(process.execPath, [join(root, 'src/build/code-cache.mjs'), program, workloads], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) fail(`code cache of ${file}: ${r.stderr}`);
}

function fail(message) {
  process.stderr.write(`bundle: ${message}\n`);
  process.exit(1);
}
