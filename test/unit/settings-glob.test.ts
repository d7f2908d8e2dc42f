import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globProblem, matchGlob } from '../../src/core/settings/glob.js';

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
  it('unusable globs are reported', () => {
    assert.match(globProblem('[ab') ?? '', /never closed/);
    assert.match(globProblem('{a,b') ?? '', /never closed/);
    assert.match(globProblem('a}') ?? '', /closes nothing/);
    assert.match(globProblem('/abs/*.sh') ?? '', /relative/);
    assert.equal(globProblem('**/{a,b}[0-9].sh'), undefined);
  });
});
