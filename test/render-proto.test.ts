import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, script, tempTree } from './helpers/cli.js';

const BODY = script('#! nix-shell -i bash -p jq -I nixpkgs=https://example.org/n.tar.gz');

/** File names that are also names of Object.prototype's members: the script must still be the ConfigMap's data. */
describe('scripts named like JavaScript object internals', () => {
  for (const name of ['__proto__', 'constructor', 'hasOwnProperty']) {
    for (const args of [['--format', 'json'], ['--format', 'json', '--kind', 'job']]) {
      it(`${name} ${args.join(' ')}: its text is the ConfigMap's data`, async () => {
        const dir = tempTree({ [name]: BODY });
        const r = await runCli(['render', ...args, name], dir);
        assert.equal(r.code, 0, r.stderr);
        const list = JSON.parse(r.stdout) as { items: { kind: string; data?: Record<string, string> }[] };
        const cm = list.items.find((o) => o.kind === 'ConfigMap');
        assert.ok(cm?.data && Object.hasOwn(cm.data, name), JSON.stringify(cm));
        assert.equal(cm.data[name], BODY);
        assert.deepEqual(Object.keys(cm.data), [name]);
      });
    }
  }

  it('__proto__ in YAML too', async () => {
    const dir = tempTree({ ['__proto__']: BODY });
    const yaml = await runCli(['render', '__proto__'], dir);
    assert.match(yaml.stdout, /\ndata:\n {2}__proto__: \|/);
  });
});
