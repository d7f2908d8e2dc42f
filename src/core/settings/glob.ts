/**
 * The `match:` globs of nixpod.yaml, against `/`-separated paths: `*` and `?`
 * never cross a `/`, `**` as a whole segment spans any number of folders
 * (none included), `[abc]`, `[a-z]` and `[!abc]` are one character, and
 * `{a,b}` are alternatives (nestable). A leading `./` is ignored.
 */
export function globToRegExp(glob: string): RegExp {
  const g = glob.startsWith('./') ? glob.slice(2) : glob;
  return new RegExp(`^${translate(g, 0, false).re}$`);
}

/** What every path the glob matches starts with: its text up to the first `*`, `?`, `[`, `{` or `\\` (a cheap test before the regex). */
export function globPrefix(glob: string): string {
  const g = glob.startsWith('./') ? glob.slice(2) : glob;
  const i = g.search(/[*?[{\\]/);
  return i < 0 ? g : g.slice(0, i);
}

export function matchGlob(glob: string, path: string): boolean {
  return globToRegExp(glob).test(path);
}

/** A problem that makes the glob unusable (an unclosed `[` or `{`), or undefined. */
export function globProblem(glob: string): string | undefined {
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) return `'[' at ${i + 1} is never closed`;
      i = close;
    } else if (c === '{') depth++;
    else if (c === '}') depth--;
    if (depth < 0) return `'}' at ${i + 1} closes nothing`;
  }
  if (depth > 0) return "a '{' is never closed";
  if (glob.startsWith('/')) return 'a match is relative to the folder of nixpod.yaml: it cannot start with /';
  return undefined;
}

const SPECIAL = /[.+^$()|\\/]/;

function translate(g: string, from: number, inBrace: boolean): { re: string; end: number } {
  let re = '';
  let i = from;
  for (; i < g.length; i++) {
    const c = g[i] as string;
    if (c === '*') {
      const segStart = i === 0 || g[i - 1] === '/';
      if (g[i + 1] === '*' && segStart && (i + 2 === g.length || g[i + 2] === '/')) {
        // `**/` matches zero or more whole folders; a final `**` matches everything below (line breaks in names too: not `.`).
        re += i + 2 === g.length ? '[\\s\\S]*' : '(?:[^/]*/)*';
        i += 2;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = g.indexOf(']', i + 2);
      const body = g.slice(i + 1, close).replace(/\\/g, '\\\\');
      re += body.startsWith('!') ? `[^/${body.slice(1)}]` : `[${body}]`;
      i = close;
    } else if (c === '{') {
      const alts: string[] = [];
      let r = translate(g, i + 1, true);
      alts.push(r.re);
      while (g[r.end] === ',') {
        r = translate(g, r.end + 1, true);
        alts.push(r.re);
      }
      re += `(?:${alts.join('|')})`;
      i = r.end;
    } else if (inBrace && (c === ',' || c === '}')) return { re, end: i };
    else if (c === '\\' && i + 1 < g.length) re += escape(g[++i] as string);
    else re += escape(c);
  }
  return { re, end: i };
}

function escape(c: string): string {
  return SPECIAL.test(c) || c === '[' || c === ']' || c === '{' || c === '}' || c === '*' || c === '?' ? `\\${c}` : c;
}
