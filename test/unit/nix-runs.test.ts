import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lexNix } from '../../src/core/nix/lexer.js';
import { followsRun, PATH_RUN, URI_RUN } from '../../src/core/nix/scanner.js';
import { rng } from '../helpers/random.js';

/** The regexes the shortcut stands in front of (lexer.ts, scanner.ts). */
const PC = '[a-zA-Z0-9._\\-+]';
const PATH = new RegExp(`${PC}*(?:/${PC}+)+/?`, 'y');
const PATH_SEG = new RegExp(`${PC}*/(?=\\$\\{)`, 'y');
const URI = /[a-zA-Z][a-zA-Z0-9+\-.]*:[a-zA-Z0-9%/?:@&=+$,\-_.!~*']+/y;
const matchesAt = (re: RegExp, s: string, p: number): boolean => {
  re.lastIndex = p;
  return re.test(s);
};

describe('the lexers\' run shortcut (paths and URIs in long dotted words)', () => {
  it('skips a path or URI rule only where its regex cannot match', () => {
    const r = rng(20261130);
    const alphabet = 'aZ9._-+/:~<>${}"\' x';
    for (let n = 0; n < 3000; n++) {
      let s = '';
      const len = 1 + Math.floor(r() * 24);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(r() * alphabet.length)];
      // Every position, in a random order: the remembered run must serve any token inside it.
      const order = [...s].map((_, i) => i).sort(() => r() - 0.5);
      for (const p of order) {
        if (!followsRun(s, p, PATH_RUN)) {
          assert.ok(!matchesAt(PATH, s, p) && !matchesAt(PATH_SEG, s, p), `${JSON.stringify(s)} at ${p}`);
        }
        if (!followsRun(s, p, URI_RUN)) assert.ok(!matchesAt(URI, s, p), `${JSON.stringify(s)} at ${p}`);
      }
    }
  });

  it('reads a dotted word of 20,000 parts, token by token', () => {
    const { tokens, error } = lexNix(`x${'.a'.repeat(20_000)}`);
    assert.equal(error, undefined);
    assert.equal(tokens.length, 40_001);
    assert.deepEqual(tokens.slice(0, 3).map((t) => [t.kind, t.text]), [['id', 'x'], ['op', '.'], ['id', 'a']]);
  });
});
