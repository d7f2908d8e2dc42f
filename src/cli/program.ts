import { Argument, Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import type { WorkloadKind } from '../core/settings/types.js';
import type { RuntimeFlag } from '../core/runtime/flag.js';
import type { CliIo } from './io.js';
import { version } from './version.js';
import { polishHelp } from './help-examples.js';
import { applysetArg, clusterFlags, CONFIG_FLAG, IMAGE_FLAG, kindOption, namespaceArg, NIX_VERSION_FLAG, positiveInt, QUIET_FLAG, registryArg, requirePruneFor, RUNTIME_FLAG, timeoutOption } from './flags.js';

/** What a command's definition needs: where its output goes, and how it sets the exit code. */
interface Ctx {
  io: CliIo;
  setCode: (code: number) => void;
}

function defineCheck(program: Command, { io, setCode }: Ctx): void {
  program
    .command('check')
    .description('check the #! nix-shell (or #! nix) lines of scripts (files, or folders searched recursively)')
    .argument('[paths...]', 'script files or folders', [])
    .addOption(new Option('--format <format>', 'output format (sarif: SARIF 2.1.0 for code scanning)').choices(['text', 'json', 'github', 'sarif']).default('text'))
    .option('--nix', 'also check that every -p package exists, with the local nix-instantiate')
    .option('--nixpkgs <path>', 'with --nix: the nixpkgs for scripts without an -I nixpkgs= pin, when NIX_PATH has none')
    .option('--package-index <file>', 'also check that every -p package exists in this list (nixpod index, or nix-env -qaP --json); no Nix needed')
    .option(...CONFIG_FLAG)
    .option('--fix', 'rewrite what has one safe fix (CRLF, single quotes, repeated packages, a missing pin with --nixpkgs-pin), then check again')
    .option('--dry-run', 'with --fix: print the changes as a unified diff and write nothing')
    .option('--nixpkgs-pin <url>', "with --fix: add -I nixpkgs=<url> to scripts that do not pin nixpkgs ('config': each script's nixpkgs setting)")
    .option(...QUIET_FLAG)
    .option(...NIX_VERSION_FLAG)
    .option('--skip-non-scripts', 'leave out named files that are not nix-shell scripts, as in a folder (for pre-commit and tools that pass every changed file)')
    .action(async (paths: string[], o: { format: 'text' | 'json' | 'github' | 'sarif'; nix?: boolean; nixpkgs?: string; packageIndex?: string; config?: string; quiet?: boolean; skipNonScripts?: boolean; nixVersion?: string }) => {
      if (o.nix && o.packageIndex !== undefined) throw new UsageError('--nix and --package-index are two ways to do one check: give one', 'use --nix with a local Nix, --package-index without');
      if (o.nixpkgs !== undefined && !o.nix) throw new UsageError('--nixpkgs is used only with --nix', 'add --nix');
      const { runCheck } = await import('./commands/check.js');
      const packages = o.nix || o.packageIndex !== undefined ? { nix: o.nix === true, nixpkgs: o.nixpkgs, packageIndex: o.packageIndex } : undefined;
      const f = o as { fix?: boolean; dryRun?: boolean; nixpkgsPin?: string };
      if (f.fix || f.dryRun || f.nixpkgsPin !== undefined) {
        const { fixFlags, runFix } = await import('./commands/fix.js');
        return setCode(await runFix({ paths, format: o.format, packages, config: o.config, quiet: o.quiet === true, skipNonScripts: o.skipNonScripts === true, nixVersion: o.nixVersion }, fixFlags(f), io));
      }
      setCode(await runCheck({ paths, format: o.format, packages, config: o.config, version: version(), quiet: o.quiet === true, skipNonScripts: o.skipNonScripts === true, nixVersion: o.nixVersion }, io));
    });
}

function defineIndex(program: Command, { io, setCode }: Ctx): void {
  program
    .command('index')
    .description('write the attribute paths of a local nixpkgs (for check --package-index where there is no Nix)')
    .option('--nixpkgs <path>', 'the nixpkgs to list (default: <nixpkgs> from NIX_PATH)')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (o: { nixpkgs?: string; output?: string }) => {
      const { runIndex } = await import('./commands/index.js');
      setCode(await runIndex({ nixpkgs: o.nixpkgs, output: o.output }, io));
    });
}

function defineImage(program: Command, { io, setCode }: Ctx): void {
  program
    .command('image')
    .description('write per script a Nix expression that builds its image (dockerTools.streamLayeredImage), for runtime image')
    .argument('<paths...>', 'script files or folders')
    .requiredOption('-o, --output-dir <dir>', 'write <dir>/<name>.nix and <dir>/<name>/ (the script and its files) per script; only entries nixpod image wrote are replaced')
    .option('--registry <repo>', 'the repository the images are pushed to (default: the registry setting; one of them is needed)', registryArg)
    .option(...CONFIG_FLAG)
    .action(async (paths: string[], o: { outputDir: string; registry?: string; config?: string }) => {
      const { runImage } = await import('./commands/image.js');
      setCode(await runImage({ paths, outputDir: o.outputDir, registry: o.registry, config: o.config }, io));
    });
}

function defineRender(program: Command, { io, setCode }: Ctx): void {
  program
    .command('render')
    .description('render a ConfigMap and a Pod for each script')
    .argument('[paths...]', 'script files or folders', [])
    .option('-n, --namespace <namespace>', 'set metadata.namespace', namespaceArg)
    .option(...IMAGE_FLAG)
    .addOption(kindOption())
    .option(...RUNTIME_FLAG)
    .option('--templates <dir>', 'folder with templates (configmap, pod, job, cronjob, pod-spec .yaml.hbs) overriding the built-in ones')
    .option('-o, --output-dir <dir>', 'write <dir>/<name>.yaml per script and a kustomization.yaml listing them (removing nixpod\'s files of scripts that are gone) instead of one stream on stdout; apply the folder with kubectl apply -k <dir> (for kubectl apply -f, add --no-kustomization)')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--check', 'with -o: write nothing, list the files of <dir> that differ from what would be written, exit 1 if any (for CI)')
    .option('--no-kustomization', 'with -o: write no kustomization.yaml (and remove nixpod\'s earlier one), so that kubectl apply -f <dir> takes the folder')
    .option(...CONFIG_FLAG)
    .option(...QUIET_FLAG)
    .option(...NIX_VERSION_FLAG)
    .action(async (paths: string[], o: { namespace?: string; image?: string; kind?: WorkloadKind; runtime?: RuntimeFlag; templates?: string; outputDir?: string; format: 'yaml' | 'json'; config?: string; check?: boolean; kustomization: boolean; quiet?: boolean; nixVersion?: string }) => {
      if (o.check && o.outputDir === undefined) throw new UsageError('--check compares a folder written by -o DIR: give -o DIR', 'run nixpod render -o DIR --check');
      if (!o.kustomization && o.outputDir === undefined) throw new UsageError('--no-kustomization is about the folder written by -o DIR: give -o DIR', 'run nixpod render -o DIR --no-kustomization');
      const { runRender } = await import('./commands/render.js');
      const opts = { paths, namespace: o.namespace ?? null, image: o.image, kind: o.kind, runtime: o.runtime, templates: o.templates, outputDir: o.outputDir, format: o.format, config: o.config, check: o.check, kustomization: o.kustomization, quiet: o.quiet === true, nixVersion: o.nixVersion };
      setCode(await runRender(opts, io));
    });
}

function defineApply(program: Command, { io, setCode }: Ctx): void {
  const apply = program
    .command('apply')
    .description('check, render and server-side apply each script\'s ConfigMap and Pod')
    .argument('[paths...]', 'script files or folders', []);
  clusterFlags(apply)
    .option('--force-conflicts', 'take over fields that another field manager owns')
    .addOption(new Option('--dry-run <mode>', 'none, client (send nothing) or server (the server checks, nothing is stored)').choices(['none', 'client', 'server']).default('none'))
    .option('--create-namespace', 'create the namespace when it does not exist')
    .option('--concurrency <n>', 'scripts applied at once', positiveInt, 8)
    .option('--replace', 'delete and recreate a Pod whose spec changed (a Pod cannot be updated)')
    .option('--prune', 'delete the ConfigMaps and Pods an earlier apply of this set made that this one does not (ApplySet)')
    .option('--applyset <name>', 'name of the ApplySet parent ConfigMap used by --prune', applysetArg, 'nixpod')
    .option('--wait', 'wait until every Pod or Job has finished (Succeeded/Complete or Failed)')
    .option('--logs', 'stream each Pod\'s log, prefixed by its script (implies --wait)')
    .addOption(timeoutOption('how long the whole command may take, --wait and --logs included (e.g. 90s, 5m, 1h30m)', 300_000, '5m'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (paths: string[], o: Record<string, unknown>, cmd: Command) => {
      requirePruneFor(cmd, o);
      const { runApply } = await import('./commands/apply.js');
      setCode(
        await runApply(
          {
            paths,
            kubeconfig: o.kubeconfig as string | undefined,
            context: o.context as string | undefined,
            namespace: o.namespace as string | undefined,
            config: o.config as string | undefined,
            quiet: o.quiet === true,
            nixVersion: o.nixVersion as string | undefined,
            image: o.image as string | undefined,
            kind: o.kind as WorkloadKind | undefined,
            runtime: o.runtime as RuntimeFlag | undefined,
            templates: o.templates as string | undefined,
            fieldManager: o.fieldManager as string,
            forceConflicts: o.forceConflicts === true,
            dryRun: o.dryRun as 'none' | 'client' | 'server',
            createNamespace: o.createNamespace === true,
            concurrency: o.concurrency as number,
            replace: o.replace === true,
            prune: o.prune === true,
            applyset: o.applyset as string,
            wait: o.wait === true || o.logs === true,
            logs: o.logs === true,
            timeoutMs: o.timeout as number,
            output: o.output as 'text' | 'json',
            version: version(),
          },
          io,
        ),
      );
    });
}

function defineDiff(program: Command, { io, setCode }: Ctx): void {
  const diff = program.command('diff').description('show what apply would change: a server-side dry run compared with the live objects (exit 1 when they differ)').argument('[paths...]', 'script files or folders', []);
  clusterFlags(diff)
    .option('--force-conflicts', 'compare as if taking over fields that another field manager owns')
    .option('--prune', 'also show what apply --prune would delete')
    .option('--applyset <name>', 'name of the ApplySet parent ConfigMap (with --prune)', applysetArg, 'nixpod')
    .option('--concurrency <n>', 'objects compared at once', positiveInt, 8)
    .addOption(new Option('--color <when>', 'colour the diff: auto (on a terminal, unless NO_COLOR is set), always or never').choices(['auto', 'always', 'never']).default('auto'))
    .addOption(timeoutOption('how long the comparing may take, every request and retry included (e.g. 90s, 5m, 1h30m); not the KUBECTL_EXTERNAL_DIFF program', 300_000, '5m'))
    .action(async (paths: string[], o: Record<string, unknown>, cmd: Command) => {
      requirePruneFor(cmd, o);
      const { runDiff } = await import('./commands/diff.js');
      const opts = { paths, kubeconfig: o.kubeconfig as string | undefined, context: o.context as string | undefined, namespace: o.namespace as string | undefined, image: o.image as string | undefined, kind: o.kind as WorkloadKind | undefined, runtime: o.runtime as RuntimeFlag | undefined, templates: o.templates as string | undefined, config: o.config as string | undefined, quiet: o.quiet === true, nixVersion: o.nixVersion as string | undefined };
      setCode(await runDiff({ ...opts, fieldManager: o.fieldManager as string, forceConflicts: o.forceConflicts === true, prune: o.prune === true, applyset: o.applyset as string, concurrency: o.concurrency as number, version: version(), color: o.color as 'auto' | 'always' | 'never', timeoutMs: o.timeout as number }, io));
    });
}

function defineRun(program: Command, { io, setCode }: Ctx): void {
  const run = program.command('run').description("apply one script, stream its log, exit with the script's exit code, then delete its objects").argument('<script>', 'the script').argument('[args...]', 'arguments for the script (after --)', []);
  clusterFlags(run)
    .option('--keep', 'keep the ConfigMap and Pod afterwards')
    .addOption(timeoutOption('how long to wait for the script (e.g. 90s, 5m, 1h30m)', 3_600_000, '1h'))
    .action(async (script: string, args: string[], o: Record<string, unknown>) => {
      const { runRun } = await import('./commands/run.js');
      const opts = { kubeconfig: o.kubeconfig as string | undefined, context: o.context as string | undefined, namespace: o.namespace as string | undefined, image: o.image as string | undefined, kind: o.kind as WorkloadKind | undefined, runtime: o.runtime as RuntimeFlag | undefined, templates: o.templates as string | undefined, config: o.config as string | undefined, quiet: o.quiet === true, nixVersion: o.nixVersion as string | undefined };
      setCode(await runRun({ ...opts, script, args, fieldManager: o.fieldManager as string, keep: o.keep === true, timeoutMs: o.timeout as number, version: version() }, io));
    });
}

function defineCompletion(program: Command, { io }: Ctx): void {
  program
    .command('completion')
    .description('print a shell completion script (commands, flags, flag values and paths)')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      const { completionScript } = await import('./completion.js');
      io.stdout(completionScript(program, shell, version()));
    });
}

/** Commands by name, each with its definition. */
export type CommandTable = Readonly<Record<string, (program: Command, ctx: Ctx) => void>>;

/** Every command, in the order help lists them. */
export const COMMANDS: CommandTable = {
  check: defineCheck,
  index: defineIndex,
  image: defineImage,
  render: defineRender,
  apply: defineApply,
  diff: defineDiff,
  run: defineRun,
  completion: defineCompletion,
};

/**
 * The check program's (start-check.ts): `check` alone. What the other
 * commands import is then not in it (the bundler drops what nothing uses:
 * so neither buildProgram nor commandOf may default to COMMANDS).
 */
export const CHECK_ONLY: CommandTable = { check: defineCheck };

/**
 * The command of `commands` that `argv` runs, when it is one whose run needs
 * no other command defined: then only it is. Defining all of them (some 90
 * options) is ~3 ms of every short run, and a command's help, parsing and
 * errors do not depend on its siblings. Not completion, which lists them all,
 * nor the root's help.
 */
export function commandOf(argv: readonly string[], commands: CommandTable): string | undefined {
  const first = argv[0];
  return first !== undefined && first !== 'completion' && Object.hasOwn(commands, first) ? first : undefined;
}

/** The program with every command of `commands`, or only `only` (see commandOf). */
export function buildProgram(io: CliIo, setCode: (code: number) => void, name: string, commands: CommandTable, only?: string): Command {
  const program = new Command(name)
    .description('Run self-describing nix-shell scripts on Kubernetes.')
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (s, write) => write(`nixpod: ${s.replace(/^error: /, 'error: ')}`) })
    .showHelpAfterError(`(run ${name} --help for usage)`);
  for (const [command, define] of Object.entries(commands)) if (only === undefined || command === only) define(program, { io, setCode });
  polishHelp(program, name);
  return program;
}
