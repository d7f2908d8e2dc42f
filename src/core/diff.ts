const NO_EOL = '\\ No newline at end of file\n';

/**
 * A unified diff (`diff -u`) of two texts, by lines, with 3 lines of context:
 * Myers' O(ND) algorithm in linear space, so large scripts stay cheap in time and memory.
 * It is what GNU diff prints, so that `patch -p1` and `git apply` take it: a
 * last line without a newline differs from the same line with one and is
 * followed by `\ No newline at end of file`, and labels are spelled as
 * diffLabel says.
 */
export function unifiedDiff(a: string, b: string, fromLabel: string, toLabel: string, context = 3): string {
  const x = splitLines(a);
  const y = splitLines(b);
  const ops = myers(x, y);
  if (ops.every((o) => o.op === ' ')) return '';
  // The op after which the marker goes: the one holding a's (or b's) last line when it lacks its newline.
  const marked = (o: Op): boolean => (o.op !== '+' && x.noEol && o.ai === x.lines.length - 1) || (o.op !== '-' && y.noEol && o.bi === y.lines.length - 1);
  const hunks: string[] = [];
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i]?.op === ' ') i++;
    if (i >= ops.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    // Extend while changes are within 2*context of each other.
    for (let j = i; j < ops.length; j++) {
      if (ops[j]?.op !== ' ') end = j;
      else if (j - end > 2 * context) break;
    }
    const stop = Math.min(ops.length, end + context + 1);
    const slice = ops.slice(start, stop);
    const aStart = (slice[0]?.ai ?? 0) + 1;
    const bStart = (slice[0]?.bi ?? 0) + 1;
    const aLen = slice.filter((o) => o.op !== '+').length;
    const bLen = slice.filter((o) => o.op !== '-').length;
    hunks.push(`@@ -${aLen === 0 ? aStart - 1 : aStart},${aLen} +${bLen === 0 ? bStart - 1 : bStart},${bLen} @@\n${slice.map((o) => `${o.op}${o.line}\n${marked(o) ? NO_EOL : ''}`).join('')}`);
    i = stop;
  }
  return `--- ${diffLabel(fromLabel)}\n+++ ${diffLabel(toLabel)}\n${hunks.join('')}`;
}

/**
 * A path as a `---`/`+++` label that patch and git apply read back whole: as
 * git writes it, C-quoted when it holds a quote, a backslash or a control
 * character, and followed by a tab when it holds a space (GNU diff's
 * terminator before the date; both tools cut the name there).
 */
export function diffLabel(path: string): string {
  // eslint-disable-next-line no-control-regex
  if (/["\\\x00-\x1f\x7f]/.test(path)) return `"${path.replace(/["\\\x00-\x1f\x7f]/g, cEscape)}"`;
  return path.includes(' ') ? `${path}\t` : path;
}

const C_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\v': '\\v' };

function cEscape(c: string): string {
  return C_ESCAPES[c] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`;
}

/** A text's lines, and whether its last line lacks the newline (then it compares unequal to the same line with one). */
interface Lines {
  lines: string[];
  noEol: boolean;
}

function splitLines(s: string): Lines {
  if (s === '') return { lines: [], noEol: false };
  const lines = s.split('\n');
  const noEol = lines[lines.length - 1] !== '';
  if (!noEol) lines.pop();
  return { lines, noEol };
}

interface Op {
  op: ' ' | '-' | '+';
  line: string;
  /** Index in a (for ' ' and '-') or the a-position before which a '+' goes. */
  ai: number;
  bi: number;
}

/**
 * Myers' algorithm in linear space (the paper's section 4b): find the middle
 * snake of the shortest edit script, then solve both halves. Memory is O(N+M)
 * whatever the distance: a new 20,000-line object is a 20,000-line diff, not a
 * 20,000 x 40,000 table.
 */
function myers(la: Lines, lb: Lines): Op[] {
  const { lines: a } = la;
  const { lines: b } = lb;
  const ids = new Map<string, number>();
  const intern = (l: string): number => {
    let id = ids.get(l);
    if (id === undefined) ids.set(l, (id = ids.size));
    return id;
  };
  // A line never holds '\n': so marked, a last line without its newline has an identity of its own.
  const keyed = (ls: Lines) => (l: string, i: number): number => intern(ls.noEol && i === ls.lines.length - 1 ? `\n${l}` : l);
  const x = Int32Array.from(a, keyed(la));
  const y = Int32Array.from(b, keyed(lb));
  const size = a.length + b.length + 2;
  const ctx: Ctx = { a, b, x, y, vf: new Int32Array(2 * size + 1), vb: new Int32Array(2 * size + 1), off: size, ops: [] };
  solve(ctx, 0, a.length, 0, b.length);
  return ctx.ops;
}

interface Ctx {
  a: readonly string[];
  b: readonly string[];
  x: Int32Array;
  y: Int32Array;
  vf: Int32Array;
  vb: Int32Array;
  off: number;
  ops: Op[];
}

function same(c: Ctx, ai: number, bi: number): void {
  c.ops.push({ op: ' ', line: c.a[ai] as string, ai, bi });
}

function solve(c: Ctx, aLo: number, aHi: number, bLo: number, bHi: number): void {
  while (aLo < aHi && bLo < bHi && c.x[aLo] === c.y[bLo]) same(c, aLo++, bLo++);
  let tail = 0;
  while (aLo < aHi - tail && bLo < bHi - tail && c.x[aHi - 1 - tail] === c.y[bHi - 1 - tail]) tail++;
  aHi -= tail;
  bHi -= tail;
  if (aLo === aHi) for (let j = bLo; j < bHi; j++) c.ops.push({ op: '+', line: c.b[j] as string, ai: aLo, bi: j });
  else if (bLo === bHi) for (let i = aLo; i < aHi; i++) c.ops.push({ op: '-', line: c.a[i] as string, ai: i, bi: bLo });
  else {
    const [sx, sy, ux, uy] = middleSnake(c, aLo, aHi, bLo, bHi);
    solve(c, aLo, sx, bLo, sy);
    for (let i = sx, j = sy; i < ux; i++, j++) same(c, i, j);
    solve(c, ux, aHi, uy, bHi);
  }
  for (let t = 0; t < tail; t++) same(c, aHi + t, bHi + t);
}

/** The middle snake of the box [aLo,aHi) x [bLo,bHi): its start and end, absolute. */
function middleSnake(c: Ctx, aLo: number, aHi: number, bLo: number, bHi: number): [number, number, number, number] {
  const n = aHi - aLo;
  const m = bHi - bLo;
  const delta = n - m;
  const odd = (delta & 1) !== 0;
  const { vf, vb, off, x: xs, y: ys } = c;
  vf[off + 1] = 0;
  vb[off + 1] = 0;
  for (let d = 0, max = Math.ceil((n + m) / 2); d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (vf[off + k - 1] as number) < (vf[off + k + 1] as number)) ? (vf[off + k + 1] as number) : (vf[off + k - 1] as number) + 1;
      let y = x - k;
      const x0 = x;
      const y0 = y;
      while (x < n && y < m && xs[aLo + x] === ys[bLo + y]) {
        x++;
        y++;
      }
      vf[off + k] = x;
      const kb = delta - k;
      if (odd && kb >= -(d - 1) && kb <= d - 1 && x + (vb[off + kb] as number) >= n) return [aLo + x0, bLo + y0, aLo + x, bLo + y];
    }
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (vb[off + k - 1] as number) < (vb[off + k + 1] as number)) ? (vb[off + k + 1] as number) : (vb[off + k - 1] as number) + 1;
      let y = x - k;
      const x0 = x;
      const y0 = y;
      while (x < n && y < m && xs[aHi - 1 - x] === ys[bHi - 1 - y]) {
        x++;
        y++;
      }
      vb[off + k] = x;
      const kf = delta - k;
      if (!odd && kf >= -d && kf <= d && x + (vf[off + kf] as number) >= n) return [aHi - x, bHi - y, aHi - x0, bHi - y0];
    }
  }
  throw new Error('unreachable: the forward and backward searches always meet');
}
