import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globPrefix, globProblem, globToRegExp, matchGlob } from '../../src/core/settings/glob.js';
import { pick, rng } from '../helpers/random.js';

describe('match globs', () => {
  const yes = (g: string, p: string) => assert.ok(matchGlob(g, p), `${g} should match ${p}`);
  const no = (g: string, p: string) => assert.ok(!matchGlob(g, p), `${g} should not match ${p}`);
  it('* and ? stay within a folder', () => {
    yes('*.sh', 'a.sh');
    no('*.sh', 'sub/a.sh');
    yes('backup-?.sh', 'backup-1.sh');
    no('backup-?.sh', 'backup-12.sh');
    no('a?b', 'a/b');
    yes('sub/*', 'sub/x.py');
    no('sub/*', 'sub/deep/x.py');
  });
  it('** spans folders, none included', () => {
    yes('**/*.sh', 'a.sh');
    yes('**/*.sh', 'x/y/a.sh');
    yes('jobs/**', 'jobs/a/b.sh');
    yes('jobs/**/run.sh', 'jobs/run.sh');
    yes('jobs/**/run.sh', 'jobs/a/b/run.sh');
    no('jobs/**/run.sh', 'other/run.sh');
    no('a**b', 'a/x/b');
  });
  it('[...] classes, [!...] negation, {a,b} alternatives (nested)', () => {
    yes('[ab].sh', 'a.sh');
    no('[ab].sh', 'c.sh');
    yes('[a-c]x', 'bx');
    yes('[!a]x', 'bx');
    no('[!a]x', 'ax');
    no('[!a]x', '/x');
    yes('{backup,restore}-*.sh', 'restore-db.sh');
    no('{backup,restore}-*.sh', 'report.sh');
    yes('{a,b{c,d}}.sh', 'bd.sh');
    yes('{,x}y', 'y');
  });
  it('regex characters are literal; ./ is ignored; \\ escapes', () => {
    yes('a.b+(c)$.sh', 'a.b+(c)$.sh');
    no('a.sh', 'axsh');
    yes('./a.sh', 'a.sh');
    yes('\\*.sh', '*.sh');
    no('\\*.sh', 'a.sh');
  });
  it('a final ** matches names with line breaks too (every character a file name may hold)', () => {
    yes('x/**', 'x/y/a\u2028b.sh');
    yes('x/**', 'x/y/c\nd.sh');
    yes('x/**', 'x/\r.sh');
    no('x/**', 'y/c\nd.sh');
    yes('**/*.sh', 'x/c\nd.sh');
  });
  it('every path a glob matches starts with its literal prefix (the test before the regex)', () => {
    const r = rng(11);
    const pieces = ['a', 'b/', '*', '**/', '?', '[ab]', '[!a]', '{a,b/c}', '\\*', '.', './', 'x.sh', '-'];
    const chars = 'ab/c*.x-';
    for (let n = 0; n < 2000; n++) {
      let glob = '';
      for (let j = 1 + Math.floor(r() * 5); j > 0; j--) glob += pick(r, pieces);
      if (globProblem(glob) !== undefined) continue;
      const re = globToRegExp(glob);
      const prefix = globPrefix(glob);
      for (let k = 0; k < 30; k++) {
        let path = '';
        for (let j = Math.floor(r() * 8); j > 0; j--) path += pick(r, [...chars]);
        // Paths that start like the glob too, so that some match.
        for (const p of [path, prefix + path]) if (re.test(p)) assert.ok(p.startsWith(prefix), `${glob} matches ${p}, prefix ${prefix}`);
      }
    }
  });

  it('unusable globs are reported', () => {
    assert.match(globProblem('[ab') ?? '', /never closed/);
    assert.match(globProblem('{a,b') ?? '', /never closed/);
    assert.match(globProblem('a}') ?? '', /closes nothing/);
    assert.match(globProblem('/abs/*.sh') ?? '', /relative/);
    assert.equal(globProblem('**/{a,b}[0-9].sh'), undefined);
  });
});
