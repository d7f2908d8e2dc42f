/** A small seeded PRNG (mulberry32), so failures can be replayed from the printed seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

// Pieces that have broken YAML round trips somewhere: YAML 1.1 scalars, indicators, blanks, line breaks.
const PIECES = [
  '\n', '\n', '\n', '\n\n', ' ', '  ', '\t', 'a', 'echo hi', '---', '...', '{{', '}}', '{{{x}}}', '"', "'", '\\', ': ', ' #', '#', '- ', '? ',
  '|', '>', '&a', '*a', '!tag', '%YAML', '@', '`', 'yes', 'no', 'on', 'off', 'y', '~', 'null', '0755', '010', '0x1f', '1e3', '12:30', '.inf',
  'é', '中文', '🚀', '\u00a0', '\u0085', '\u2028', '\u2029', '\ufeff', '\r', '\r\n', '\x00', '\x01', '\x1b[31m', '\x7f', '\u0080', '\u009f',
  '\ufffd', '\ufffe', 'x'.repeat(200), '#! /usr/bin/env nix-shell\n', '#! nix-shell -i bash -p jq\n',
];

/** A random script text: any content a user could have in a file. */
export function randomText(r: () => number): string {
  const n = Math.floor(r() * 24);
  let s = '';
  for (let i = 0; i < n; i++) {
    if (r() < 0.15) s += String.fromCodePoint(randomCodePoint(r));
    else s += pick(r, PIECES);
  }
  return s;
}

function randomCodePoint(r: () => number): number {
  for (;;) {
    const cp = r() < 0.7 ? Math.floor(r() * 0x80) : r() < 0.8 ? Math.floor(r() * 0x3000) : Math.floor(r() * 0x10ffff);
    if (cp < 0xd800 || cp > 0xdfff) return cp;
  }
}
