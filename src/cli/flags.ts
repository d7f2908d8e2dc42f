import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { parseRuntimeFlag, type RuntimeFlag } from '../core/runtime/flag.js';
import { imageRepository } from '../core/runtime/reference.js';
import { imageName } from '../core/settings/validate.js';
import { parseNixVersion } from '../core/shebang/nix-version.js';
import { DEFAULT_IMAGE } from '../core/render/settings-context.js';

/** The flags several commands share, and how their values are read and checked (commander's argParsers). */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Which Nix the Pods run, when the image's tag does not say (see core/check/nix-version-rules.ts). */
export const NIX_VERSION_FLAG = ['--nix-version <version>', 'the Nix version the Pods run on runtime nix-shell (default: the nixVersion setting, else the image tag nixos/nix:X.Y.Z, else current Nix)', nixVersionArg] as const;

function nixVersionArg(v: string): string {
  if (!parseNixVersion(v)) throw new InvalidArgumentError(`'${v}' is not a Nix version (e.g. 2.18.1).`);
  return v;
}

/** Shared by every command that reads settings (see io/config.ts). */
export const QUIET_FLAG = ['-q, --quiet', 'print no warnings (errors are always printed)'] as const;
export const CONFIG_FLAG = ['--config <file>', 'the nixpod.yaml for every script (default: the nearest one in each script\'s folder or above, up to the repository root)'] as const;
/** Not a commander default: nixpod.yaml's image wins over the built-in one, and --image over both. */
export const IMAGE_FLAG = ['--image <image>', `container image for the Pods (default: nixpod.yaml's image, else ${DEFAULT_IMAGE})`, imageArg] as const;
export const kindOption = (): Option => new Option('--kind <kind>', 'what runs each script; wins over nixpod.yaml and #! nixpod lines (default: the kind they set, else pod)').choices(['pod', 'job', 'cronjob']);
/** --timeout, a Go duration as kubectl takes it: `what` says what it bounds, `shown` is the default as help prints it. */
export const timeoutOption = (what: string, ms: number, shown: string): Option => new Option('--timeout <duration>', what).argParser(duration).default(ms, shown);


export const RUNTIME_FLAG = ['--runtime <runtime>', 'how the Pods get their packages: nix-shell, nixery[=HOST] or image[=REPO] (wins over nixpod.yaml and #! nixpod lines)', runtimeArg] as const;

function runtimeArg(v: string): RuntimeFlag {
  const r = parseRuntimeFlag(v);
  if (typeof r === 'string') throw new InvalidArgumentError(`${r}.`);
  return r;
}

/** As the image setting is checked (an empty image would render `image: ""`, which the API server refuses). */
function imageArg(v: string): string {
  const why = imageName(v);
  if (why) throw new InvalidArgumentError(`'${v}' ${why}.`);
  return v;
}

export function registryArg(v: string): string {
  const why = imageRepository(v);
  if (why) throw new InvalidArgumentError(`'${v}' ${why}.`);
  return v;
}

const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function applysetArg(v: string): string {
  if (!DNS_SUBDOMAIN.test(v)) throw new InvalidArgumentError(`'${v}' is not a valid ConfigMap name (lowercase letters, digits, '-' and '.', at most 253).`);
  return v;
}

/** --applyset means something only with --prune; kubectl refuses it alone too. */
export function requirePruneFor(cmd: Command, o: Record<string, unknown>): void {
  if (cmd.getOptionValueSource('applyset') === 'cli' && o.prune !== true) throw new UsageError('--applyset is used only with --prune', 'add --prune, or leave --applyset out');
}

export function namespaceArg(v: string): string {
  if (!DNS_LABEL.test(v)) throw new InvalidArgumentError(`'${v}' is not a valid namespace name (lowercase letters, digits and '-', at most 63).`);
  return v;
}

/** kubectl's connection flags, and how the objects are rendered and applied: shared by apply, diff and run. */
export function clusterFlags(cmd: Command): Command {
  return cmd
    .option('-n, --namespace <namespace>', 'namespace (default: the context\'s, else default)', namespaceArg)
    .option('--context <name>', 'kubeconfig context to use (default: the current context)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
    .option(...IMAGE_FLAG)
    .addOption(kindOption())
    .option(...RUNTIME_FLAG)
    .option('--templates <dir>', 'folder with templates (configmap, pod, job, cronjob, pod-spec .yaml.hbs) overriding the built-in ones')
    .option('--field-manager <name>', 'field manager for server-side apply', 'nixpod')
    .option(...CONFIG_FLAG)
    .option(...QUIET_FLAG)
    .option(...NIX_VERSION_FLAG);
}

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`'${v}' is not a positive whole number.`);
  return n;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration as kubectl takes it (`90s`, `5m`, `1h30m`, `1.5h`, `500ms`), or plain seconds; more than zero. */
export function duration(v: string): number {
  const parts = /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(v) ? [[v, v, 's']] : [...v.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|ms|s|m|h)/g)];
  const ms = parts.reduce((sum, m) => sum + Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000), 0);
  if (parts.map((m) => m[0]).join('') !== v || !(ms > 0) || !Number.isFinite(ms)) throw new InvalidArgumentError(`'${v}' is not a duration above zero (e.g. 90s, 5m, 1h30m).`);
  // Node's timers hold at most 2^31-1 ms (24.8 days); a longer one would fire at once.
  if (ms > 2 ** 31 - 1) throw new InvalidArgumentError(`'${v}' is longer than nixpod can wait (596h).`);
  // Whole milliseconds: timers take nothing finer (1.5ms waits 2 ms).
  return Math.ceil(ms);
}
