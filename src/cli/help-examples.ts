import type { Command } from 'commander';

/** One example: what it does (a `#` line in the help), then the command line after the program's name. */
type Example = readonly [what: string, args: string];

/** kubectl's "Examples:" section of each command's help. */
const EXAMPLES: Readonly<Record<string, readonly Example[]>> = {
  '': [
    ['Check every script under scripts/', 'check scripts/'],
    ['Run them all in the cluster as Jobs, and stream their logs', 'apply --kind job --logs scripts/'],
    ['See what each command takes', 'help apply'],
  ],
  check: [
    ['Check every script under scripts/ (folders are searched recursively)', 'check scripts/'],
    ['Also check that each -p package exists, without Nix, in a list written by `nixpod index`', 'check --package-index packages.json scripts/'],
    ['Findings as annotations on a GitHub pull request', 'check --format github .'],
  ],
  index: [
    ['List the packages of <nixpkgs> from NIX_PATH, for check --package-index', 'index -o packages.json'],
    ['List those of a nixpkgs checkout', 'index --nixpkgs ~/src/nixpkgs -o packages.json'],
  ],
  render: [
    ['Print the ConfigMap and CronJob of one script', 'render scripts/backup-postgres.sh'],
    ['Write one file per script, as Jobs in namespace batch', 'render --kind job -n batch -o manifests/ scripts/'],
    ['The same folder without kustomization.yaml, for kubectl apply -f manifests/', 'render --no-kustomization -o manifests/ scripts/'],
    ['Hand them to kubectl', 'render scripts/ | kubectl apply -f -'],
  ],
  apply: [
    ['Apply every script under scripts/ to the current context\'s namespace', 'apply scripts/'],
    ['Run them as Jobs, wait for them and stream their logs', 'apply --kind job --logs scripts/'],
    ['Also delete what an earlier apply made for scripts since removed', 'apply --prune scripts/'],
    ['Let the server check everything, and store nothing', 'apply --dry-run server scripts/'],
  ],
  diff: [
    ['What apply would change', 'diff scripts/'],
    ['In namespace batch, with what apply --prune would delete', 'diff --prune -n batch scripts/'],
  ],
  run: [
    ['Run a script in the cluster with two arguments, and exit with its exit code', 'run scripts/tls-expiry.sh -- nixos.org kubernetes.io'],
    ['Keep its ConfigMap and Pod afterwards, to look at them', 'run --keep -n scratch scripts/cluster-report.sh'],
  ],
  completion: [
    ['bash: load it now (add this line to ~/.bashrc for every shell)', 'source <(nixpod completion bash)'],
    ['zsh: install it where compinit finds it, then start a new shell', 'completion zsh > "${fpath[1]}/_nixpod"'],
    ['fish', 'completion fish > ~/.config/fish/completions/nixpod.fish'],
  ],
};

/** The examples as help prints them; `name` is how nixpod was called (`kubectl nixpod` as a kubectl plugin). */
export function examplesText(command: string, name: string): string {
  const examples = EXAMPLES[command] ?? [];
  if (examples.length === 0) return '';
  // An example that is a whole shell line (source <(...)) names the program itself.
  const line = (args: string): string => (args.includes('nixpod completion') ? args : `${name} ${args}`);
  return `\nExamples:\n${examples.map(([what, args]) => `  # ${what}\n  ${line(args)}\n`).join('\n')}`;
}

/**
 * Help that a kubectl user expects: examples after each command's options, and the
 * default of `[paths...]` said in words (commander would print `[]`).
 */
export function polishHelp(program: Command, name: string): void {
  program.addHelpText('after', examplesText('', name));
  for (const cmd of program.commands) {
    const text = examplesText(cmd.name(), name);
    if (text) cmd.addHelpText('after', text);
    for (const arg of cmd.registeredArguments) {
      if (Array.isArray(arg.defaultValue) && arg.defaultValue.length === 0) {
        arg.defaultValueDescription = arg.name() === 'paths' ? 'the current folder' : 'none';
      }
    }
  }
}

/** Every example's command line, by command: the test that the files they name exist reads this. */
export function exampleLines(): { command: string; args: string }[] {
  return Object.entries(EXAMPLES).flatMap(([command, list]) => list.map(([, args]) => ({ command, args })));
}

/** Every command with examples: the test that each command has some reads this. */
export const COMMANDS_WITH_EXAMPLES: readonly string[] = Object.keys(EXAMPLES).filter((k) => k !== '');
