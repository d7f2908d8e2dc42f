import { isatty } from 'node:tty';

/** `--color`: as git's and ls's. */
export type ColourWhen = 'auto' | 'always' | 'never';

/**
 * Whether to colour stdout. `always`/`never` win; with `auto`: no colour when
 * NO_COLOR is set to anything but '' (no-color.org), colour when FORCE_COLOR is
 * set (except '0' and 'false', as Node and chalk read it), none for TERM=dumb,
 * else only on a terminal.
 */
export function useColour(when: ColourWhen, env: Readonly<Record<string, string | undefined>>, isTerminal: boolean): boolean {
  if (when !== 'auto') return when === 'always';
  if ((env.NO_COLOR ?? '') !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.TERM === 'dumb') return false;
  return isTerminal;
}

export const stdoutIsTerminal = (): boolean => isatty(1);

const SGR = { bold: '1', red: '31', green: '32', yellow: '33', cyan: '36' } as const;
export type Colour = keyof typeof SGR;

/** Wrap text in one SGR colour and a reset, as git does (`\x1b[31m…\x1b[m`). */
export const paint = (colour: Colour, text: string): string => (text === '' ? '' : `\x1b[${SGR[colour]}m${text}\x1b[m`);

/**
 * git's diff colours on one object's unified diff: the header lines bold, `@@`
 * lines cyan, removed lines red, added lines green. Lines before the first
 * `@@` are the header; after it every line starts with ' ', '+', '-' or '@',
 * so a removed line that reads `--- x` is still a removed line.
 */
export function colourDiff(diff: string): string {
  let inHunks = false;
  return diff.replace(/^.*$/gm, (line) => {
    if (line.startsWith('@@')) inHunks = true;
    if (!inHunks) return paint('bold', line);
    if (line.startsWith('@@')) return paint('cyan', line);
    if (line.startsWith('+')) return paint('green', line);
    if (line.startsWith('-')) return paint('red', line);
    return line;
  });
}
