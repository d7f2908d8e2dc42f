import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, script, tempTree } from '../helpers/cli.js';

/** @kubernetes/client-node takes most of a second to import: check and render must never load it. */
describe('client-node is loaded lazily', () => {
  it('check, render and exec credential plugins do not load it; an auth-provider does', () => {
    const dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq') });
    const log = join(dir, 'loaded.log');
    // A module hook that writes down every module resolved.
    writeFileSync(join(dir, 'hook.mjs'), `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`);
    writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${join(dir, 'hook.mjs')}`)});\n`);
    const run = (...args: string[]) => {
      writeFileSync(log, '');
      spawnSync(process.execPath, ['--import', join(dir, 'register.mjs'), BIN, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir } });
      return readFileSync(log, 'utf8');
    };
    for (const cmd of [['check', 'a.sh'], ['render', 'a.sh'], ['--version']]) {
      const loaded = run(...cmd);
      assert.match(loaded, /nixpod\.mjs/, 'the hook sees the CLI');
      assert.doesNotMatch(loaded, /@kubernetes\/client-node/, cmd.join(' '));
    }
    const kc = (user: string) => writeFileSync(join(dir, 'kc'), `apiVersion: v1\nkind: Config\ncurrent-context: x\nclusters: [{name: x, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: x, user: ${user}}]\ncontexts: [{name: x, context: {cluster: x, user: x}}]\n`);
    // nixpod runs exec credential plugins itself; only auth-provider still goes through client-node.
    kc('{exec: {apiVersion: client.authentication.k8s.io/v1, command: "true", interactiveMode: Never}}');
    assert.doesNotMatch(run('apply', '--kubeconfig', 'kc', 'a.sh'), /@kubernetes\/client-node/);
    kc('{auth-provider: {name: oidc, config: {id-token: x, idp-issuer-url: "https://127.0.0.1:9"}}}');
    assert.match(run('apply', '--kubeconfig', 'kc', 'a.sh'), /@kubernetes\/client-node/);
  });
});
