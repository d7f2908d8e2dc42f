import type { Severity } from '../core/diagnostic.js';

/** What a code-scanning UI shows for a rule: a one-line description, its usual level, and the README section that explains it. */
export interface RuleInfo {
  level: Severity;
  short: string;
  /** The README heading (its text as written) whose section documents the rule. */
  section: string;
}

/** Where the README is read; the anchors are GitHub's for the headings below (test/sarif.test.ts holds them to README.md). */
export const DOCS_URL = 'https://www.npmjs.com/package/nixpod';

const CHECKED = 'What is checked';
const LOCAL = 'Local files';
const PACKAGES = 'Packages that exist: `--nix` and `--package-index`';
const SETTINGS = 'Checks';
const RENDER = '`nixpod render [PATH...]`';
const RUNTIMES = 'Runtimes: how the Pod gets its packages';
const FLAKE = '`#! nix` scripts: what is checked';
const VERSION = 'The Nix the Pod runs';
const EXPR = 'Nix expressions in `--arg` and `-E`';

const e = (short: string, section: string): RuleInfo => ({ level: 'error', short, section });
const w = (short: string, section: string): RuleInfo => ({ level: 'warning', short, section });

/** Every rule nixpod reports. A rule missing here still gets a descriptor (see sarif.ts), but a poorer one. */
export const RULES: Readonly<Record<string, RuleInfo>> = {
  'not-a-script': e('The first line is not a #! line', CHECKED),
  'no-nix-shell-line': e('No #! nix-shell line', CHECKED),
  'unterminated-quote': e('A quote is not closed: nix-shell stops there', CHECKED),
  'trailing-backslash': e('A #! nix-shell line ends in a backslash: nix-shell loops forever', CHECKED),
  'unknown-flag': e('A flag nix-shell does not know', CHECKED),
  'flag-missing-value': e('A flag without its value', CHECKED),
  'packages-and-expr': e('-p together with -E', CHECKED),
  'no-command': e('No -i, --run or --command: nix-shell only sets up a shell', CHECKED),
  'no-packages': e('Nothing to build', CHECKED),
  'never-runs': e('--help, --version or - : the script never runs', CHECKED),
  'attr-with-packages': e('-A together with -p', CHECKED),
  'missing-file': e('A local file the script names does not exist', CHECKED),
  'local-file': e('A file named by an absolute or ~/ path cannot be shipped', CHECKED),
  'invalid-setting-value': e('A Nix setting flag with a value Nix rejects', CHECKED),
  'empty-package': e('An empty package word', CHECKED),
  'nix-comment': e('# in a package word starts a Nix comment', CHECKED),
  'nix-syntax': e('A package word that is not a valid Nix expression', CHECKED),
  'invalid-attr-path': e('A package word that is not a valid attribute path', CHECKED),
  crlf: e('CRLF line endings', CHECKED),
  bom: e('A byte-order mark before #!', CHECKED),
  'too-large': e('The script and its files exceed the 1 MiB ConfigMap limit', CHECKED),
  'duplicate-name': e('Two scripts would get the same resource name', CHECKED),
  'duplicate-package': w('The same package twice', CHECKED),
  'single-quotes': w('Single quotes, which Nix before 2.19 splits', CHECKED),
  'impure-after-pure': w('--impure cannot undo --pure', CHECKED),
  'long-first-line': w('The #! line is over the kernel\'s 255-byte limit', CHECKED),
  'unpinned-nixpkgs': w('No -I nixpkgs= pin: the Pod uses whatever nixpkgs its image has', CHECKED),
  'absolute-path': w('An absolute path that will not exist in the Pod', CHECKED),
  'outside-root': e('A file outside the repository cannot be shipped', LOCAL),
  'hidden-file': e('A dot-file is never shipped', LOCAL),
  'unreadable-file': e('A file the script needs cannot be read', LOCAL),
  'unknown-package': e('A package that does not exist in nixpkgs', PACKAGES),
  'package-throws': e('A package that exists but fails to evaluate', PACKAGES),
  'nixpkgs-unavailable': e('The nixpkgs to check against cannot be evaluated', PACKAGES),
  'config-syntax': e('YAML syntax error in nixpod.yaml', SETTINGS),
  'duplicate-key': e('The same key twice in one map', SETTINGS),
  'unknown-key': e('A setting nixpod does not know', SETTINGS),
  'wrong-type': e('A setting of the wrong type', SETTINGS),
  'missing-key': e('A required field is missing', SETTINGS),
  'bad-value': e('A value out of range or not one of those allowed', SETTINGS),
  'bad-quantity': e('A resource quantity Kubernetes rejects', SETTINGS),
  'request-above-limit': e('A resource request above its limit', SETTINGS),
  'resource-needs-limit': e('Hugepages or an extended resource requested without a limit', SETTINGS),
  'resource-request-not-limit': e('Hugepages or an extended resource whose request differs from its limit', SETTINGS),
  'hugepages-need-cpu-or-memory': e('Hugepages without a cpu or memory request or limit', SETTINGS),
  'nixery-unsupported': e('A -p word, flag or script form Nixery cannot serve', RUNTIMES),
  'args-with-flakes': e('--arg or --argstr with flake installables (nix stops)', FLAKE),
  'duplicate-set-env-var': e('A repeated --set-env-var (nix stops)', FLAKE),
  'flag-as-value': e('A flag taken as the value of the flag before it', FLAKE),
  'flake-attr': e('An attribute path Nix cannot have', FLAKE),
  'flake-ref': e('Not a flake reference', FLAKE),
  'inputs-from-search-path': e('A <…> lookup after --inputs-from', FLAKE),
  'keep-without-ignore-env': e('--keep-env-var without --ignore-env (nix stops)', FLAKE),
  'unset-with-ignore-env': e('--unset-env-var with --ignore-env (nix stops)', FLAKE),
  'local-flake': e('A local flake, which the Pod does not have', FLAKE),
  'no-installable': e('nix run without an installable', FLAKE),
  'pure-eval': e('<nixpkgs> or builtins.currentSystem in --expr without --impure', FLAKE),
  'unknown-flake-id': e('A flake id the global registry does not have', FLAKE),
  'unsupported-nix-command': e('A nix command that does not run the script', FLAKE),
  'unpinned-flake': w('A flake reference that follows a registry or a branch', FLAKE),
  'nix-too-old': e('A #! nix script for a Pod whose Nix is older than 2.19', VERSION),
  'nix-version-reading': w('A line the Pod\'s Nix reads differently from current Nix', VERSION),
  'undefined-variable': e('An undefined variable in an --arg or -E expression', EXPR),
  'expr-syntax': e('An --arg or -E expression Nix cannot parse', EXPR),
  'nixpkgs-ignores-arg': w('An --arg or --argstr nixpkgs does not take', EXPR),
  'nixpkgs-arg-type': e('--argstr for a nixpkgs argument that must be a list', EXPR),
  'nixpkgs-arg-conflict': e('Both system and localSystem for nixpkgs', EXPR),
  'nixpkgs-folder': e('-I nixpkgs= a relative folder without default.nix', EXPR),
  'runtime-needs-nix-shell': e('A runtime other than nix-shell for a #! nix script', RUNTIMES),
  'nixery-pin': e('A nixpkgs pin that maps to no Nixery tag', RUNTIMES),
  'missing-nixery': e('runtime: nixery without a Nixery host', RUNTIMES),
  'nixery-setup-hook': w('A package that needs nix-shell setup hooks, which Nixery images do not run', RUNTIMES),
  'nixery-include-ignored': w('An -I entry Nixery ignores', RUNTIMES),
  'runtime-ignores-image': w('An image setting the runtime replaces', RUNTIMES),
  'runtime-ignores-nix-config': w('A nixConfig setting the runtime does not use', RUNTIMES),
  'image-unsupported': e('A script form a prebuilt image cannot hold', RUNTIMES),
  'missing-registry': e('runtime: image or nixpod image without a registry', RUNTIMES),
  'image-unpinned': w('An image built from an unpinned nixpkgs', RUNTIMES),
  'image-include-ignored': w('An -I entry the image build ignores', RUNTIMES),
  'runtime-pure-path': w('--pure on runtime nixery or image, whose PATH lacks stdenv\'s tools', RUNTIMES),
  'unsafe-sysctl': w("A sysctl outside the kubelet's safe set", SETTINGS),
  'bad-cron': e('A CronJob schedule Kubernetes rejects', SETTINGS),
  'missing-schedule': e('A CronJob without a schedule', SETTINGS),
  'bad-env-name': e('An environment variable name Kubernetes rejects', SETTINGS),
  'bad-label': e('A label Kubernetes rejects', SETTINGS),
  'bad-annotation': e('An annotation key Kubernetes rejects', SETTINGS),
  'bad-name': e('A name Kubernetes rejects', SETTINGS),
  'bad-glob': e('A match glob that cannot be read', SETTINGS),
  'glob-matches-nothing': w('A match glob that matches no script', SETTINGS),
  'inline-secret': e('A secret value written where a reference belongs', SETTINGS),
  'bad-setting-word': e('A #! nixpod word nixpod cannot read', SETTINGS),
  'config-only': e('A setting only nixpod.yaml can give', SETTINGS),
  'duplicate-setting': e('The same setting twice in #! nixpod lines', SETTINGS),
  'unknown-nix-setting': w('A nixConfig key that is not a Nix 2.26 setting', SETTINGS),
  'pure-drops-env': e('nix-shell --pure erases a variable the Pod sets', SETTINGS),
  'pure-env-from': w('envFrom on a --pure script: only --keep names reach it', SETTINGS),
  'keep-unset': w('A --keep NAME that nothing in the Pod sets', SETTINGS),
  'literal-credential': w('A credential-like env value written in plain text', SETTINGS),
  'invalid-name': e('A name, label or key Kubernetes rejects', RENDER),
  'env-clash': e('An env variable nixpod also sets', RENDER),
  'bad-nix-config': e('A Nix setting that is not one line', RENDER),
  'own-label': w('A label nixpod sets itself', RENDER),
  'own-annotation': w('An annotation nixpod sets itself', RENDER),
};

/** GitHub's anchor for a heading: lowercase, punctuation dropped (but `-` and `_`), spaces to `-`. */
export function githubAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');
}
