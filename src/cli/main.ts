import { createRequire } from 'node:module';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { NixpodError, UsageError } from '../core/errors.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

// dist/src/cli/main.js and the bundle dist/pkg/cli/nixpod.mjs are both three levels below the package root.
function version(): string {
  return (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
}

function namespaceArg(v: string): string {
  if (!DNS_LABEL.test(v)) throw new InvalidArgumentError(`'${v}' is not a valid namespace name (lowercase letters, digits and '-', at most 63).`);
  return v;
}

function buildProgram(io: CliIo, setCode: (code: number) => void): Command {
  const program = new Command('nixpod')
    .description('Run self-describing nix-shell scripts on Kubernetes.')
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (s, write) => write(`nixpod: ${s.replace(/^error: /, 'error: ')}`) })
    .showHelpAfterError('(run nixpod --help for usage)');

  program
    .command('check')
    .description('check the #! nix-shell lines of scripts (files, or folders searched recursively)')
    .argument('[paths...]', 'script files or folders', [])
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .option('--nix', 'also check that every -p package exists, with the local nix-instantiate')
    .option('--nixpkgs <path>', 'with --nix: the nixpkgs for scripts without an -I nixpkgs= pin, when NIX_PATH has none')
    .option('--package-index <file>', 'also check that every -p package exists in this list (nixpod index, or nix-env -qaP --json); no Nix needed')
    .action(async (paths: string[], o: { format: 'text' | 'json' | 'github'; nix?: boolean; nixpkgs?: string; packageIndex?: string }) => {
      if (o.nix && o.packageIndex !== undefined) throw new UsageError('--nix and --package-index are two ways to do one check: give one', 'use --nix with a local Nix, --package-index without');
      if (o.nixpkgs !== undefined && !o.nix) throw new UsageError('--nixpkgs is used only with --nix', 'add --nix');
      const { runCheck } = await import('./commands/check.js');
      const packages = o.nix || o.packageIndex !== undefined ? { nix: o.nix === true, nixpkgs: o.nixpkgs, packageIndex: o.packageIndex } : undefined;
      setCode(await runCheck({ paths, format: o.format, packages }, io));
    });

  program
    .command('index')
    .description('write the attribute paths of a local nixpkgs (for check --package-index where there is no Nix)')
    .option('--nixpkgs <path>', 'the nixpkgs to list (default: <nixpkgs> from NIX_PATH)')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (o: { nixpkgs?: string; output?: string }) => {
      const { runIndex } = await import('./commands/index.js');
      setCode(await runIndex({ nixpkgs: o.nixpkgs, output: o.output }, io));
    });

  program
    .command('render')
    .description('render a ConfigMap and a Pod for each script')
    .argument('[paths...]', 'script files or folders', [])
    .option('-n, --namespace <namespace>', 'set metadata.namespace', namespaceArg)
    .option('--image <image>', 'container image for the Pods')
    .option('--templates <dir>', 'folder with configmap.yaml.hbs and/or pod.yaml.hbs overriding the built-in ones')
    .option('-o, --output-dir <dir>', 'write <dir>/<name>.yaml per script instead of one stream on stdout')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .action(async (paths: string[], o: { namespace?: string; image?: string; templates?: string; outputDir?: string; format: 'yaml' | 'json' }) => {
      const { runRender } = await import('./commands/render.js');
      const opts = { paths, namespace: o.namespace ?? null, image: o.image, templates: o.templates, outputDir: o.outputDir, format: o.format };
      setCode(await runRender(opts, io));
    });
  return program;
}

/** The one place that turns failures into messages and exit codes. */
export async function runMain(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof NixpodError) {
      io.stderr(`nixpod: error: ${e.message}\n${e.hint ? `  hint: ${e.hint}\n` : ''}`);
      return e.code === 'cluster' ? EXIT.cluster : EXIT.usage;
    }
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    io.stderr(`nixpod: internal error (please report it, with the command you ran):\n${detail}\n`);
    return EXIT.usage;
  }
}
