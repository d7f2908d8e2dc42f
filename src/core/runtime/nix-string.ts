/**
 * A Nix string literal with exactly the characters of `s`. In a `"…"` string
 * Nix treats `\`, `"` and `${` specially (`$${` too, in some versions); a
 * backslash before any character yields that character, except `\n`, `\r`
 * and `\t`. So every `\`, `"` and `$` gets a backslash, and the three control
 * characters Nix has escapes for are written as them. Other control
 * characters are valid as they are (Nix strings may hold any byte but NUL).
 */
export function nixString(s: string): string {
  if (s.includes('\0')) throw new Error('a Nix string cannot hold a NUL character');
  const body = s.replace(/[\\"$\n\r\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\${c}`));
  return `"${body}"`;
}

/** An attribute name: bare when it is a plain identifier (and no keyword), else a string. */
export function nixAttrName(s: string): string {
  return /^[a-zA-Z_][a-zA-Z0-9_'-]*$/.test(s) && !NIX_KEYWORDS.has(s) ? s : nixString(s);
}

const NIX_KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or', '__curPos']);

/** A path made of a literal folder (`./name`: name is ours, always a plain word) and a string for the rest, so any file name works. */
export function nixPathUnder(folder: string, rest: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(folder)) throw new Error(`not a plain folder name: ${folder}`);
  return rest === '' ? `./${folder}` : `(./${folder} + ${nixString(`/${rest}`)})`;
}
