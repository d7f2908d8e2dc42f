import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface ActionStep {
  name: string;
  shell: string;
  run: string;
  env: Record<string, string>;
}

export interface Action {
  inputs: Record<string, { default?: string }>;
  steps: ActionStep[];
}

export function readAction(file: string): Action {
  const doc = parse(readFileSync(file, 'utf8')) as { inputs: Action['inputs']; runs: { using: string; steps: ActionStep[] } };
  if (doc.runs.using !== 'composite') throw new Error(`${file}: runs.using is ${doc.runs.using}, not composite`);
  return { inputs: doc.inputs, steps: doc.runs.steps };
}

/** What a runner puts in `${{ }}`: inputs (given, else their default) and github.action_path; anything else is a test failure. */
export function evaluate(text: string, inputs: Record<string, string>, action: Action, actionPath: string): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
    const input = /^inputs\.([\w-]+)$/.exec(expr)?.[1];
    if (input !== undefined) {
      if (!(input in action.inputs)) throw new Error(`action.yml reads an undeclared input ${input}`);
      return inputs[input] ?? action.inputs[input]?.default ?? '';
    }
    if (expr === 'github.action_path') return actionPath;
    throw new Error(`the test runner does not know the expression ${expr}`);
  });
}

export interface Runner {
  workspace: string;
  actionPath: string;
  /** PATH as the runner builds it: GITHUB_PATH lines from earlier steps first. */
  path: string[];
  env: Record<string, string>;
}

export function newRunner(workspace: string, actionPath: string, env: Record<string, string> = {}): Runner {
  const home = mkdtempSync(join(tmpdir(), 'nixpod-runner-'));
  const files = { GITHUB_PATH: 'path', GITHUB_ENV: 'env', GITHUB_OUTPUT: 'output', GITHUB_STEP_SUMMARY: 'summary' };
  const ghEnv = Object.fromEntries(Object.entries(files).map(([k, f]) => (writeFileSync(join(home, f), ''), [k, join(home, f)])));
  // A runner's steps see the machine's environment (here: the CA that npm needs to reach its registry).
  const machine = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !e[0].startsWith('GITHUB_')));
  const base = { ...machine, HOME: process.env.HOME ?? home, RUNNER_TEMP: home, GITHUB_ACTIONS: 'true', CI: 'true', GITHUB_WORKSPACE: workspace, GITHUB_ACTION_PATH: actionPath, ...ghEnv, ...env };
  return { workspace, actionPath, path: (process.env.PATH ?? '/usr/bin:/bin').split(':'), env: base };
}

/** One `run:` step as the runner runs a bash step: `bash --noprofile --norc -eo pipefail FILE` in the workspace. */
export function runStep(runner: Runner, action: Action, step: ActionStep, inputs: Record<string, string>): { code: number; stdout: string; stderr: string } {
  if (step.shell !== 'bash') throw new Error(`step ${step.name}: shell ${step.shell}`);
  const file = join(runner.env.RUNNER_TEMP ?? tmpdir(), 'step.sh');
  writeFileSync(file, step.run);
  const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(String(v), inputs, action, runner.actionPath)]));
  const added = readFileSync(runner.env.GITHUB_PATH ?? '', 'utf8').split('\n').filter((l) => l !== '').reverse();
  const env = { ...runner.env, ...stepEnv, PATH: [...added, ...runner.path].join(':') };
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], { cwd: runner.workspace, env, encoding: 'utf8', timeout: 600_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
