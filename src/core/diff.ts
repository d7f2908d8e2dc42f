/**
 * A unified diff (`diff -u`) of two texts, by lines, with 3 lines of context:
 * Myers' O(ND) algorithm, so large scripts with small changes stay cheap.
 */
export function unifiedDiff(a: string, b: string, fromLabel: string, toLabel: string, context = 3): string {
  const x = splitLines(a);
  const y = splitLines(b);
  const ops = myers(x, y);
  if (ops.every((o) => o.op === ' ')) return '';
  const hunks: string[] = [];
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i]?.op === ' ') i++;
    if (i >= ops.length) break;
    let start = Math.max(0, i - context);
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
    hunks.push(`@@ -${aLen === 0 ? aStart - 1 : aStart},${aLen} +${bLen === 0 ? bStart - 1 : bStart},${bLen} @@\n${slice.map((o) => `${o.op}${o.line}\n`).join('')}`);
    i = stop;
    start = stop;
  }
  return `--- ${fromLabel}\n+++ ${toLabel}\n${hunks.join('')}`;
}

function splitLines(s: string): string[] {
  if (s === '') return [];
  const lines = s.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

interface Op {
  op: ' ' | '-' | '+';
  line: string;
  /** Index in a (for ' ' and '-') or the a-position before which a '+' goes. */
  ai: number;
  bi: number;
}

function myers(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let xk = k === -d || (k !== d && (v[max + k - 1] as number) < (v[max + k + 1] as number)) ? (v[max + k + 1] as number) : (v[max + k - 1] as number) + 1;
      let yk = xk - k;
      while (xk < n && yk < m && a[xk] === b[yk]) {
        xk++;
        yk++;
      }
      v[max + k] = xk;
      if (xk >= n && yk >= m) break outer;
    }
  }
  // Walk back through the trace.
  const ops: Op[] = [];
  let xk = n;
  let yk = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d] as Int32Array;
    const k = xk - yk;
    const prevK = k === -d || (k !== d && (vd[max + k - 1] as number) < (vd[max + k + 1] as number)) ? k + 1 : k - 1;
    const prevX = vd[max + prevK] as number;
    const prevY = prevX - prevK;
    while (xk > prevX && yk > prevY) {
      xk--;
      yk--;
      ops.push({ op: ' ', line: a[xk] as string, ai: xk, bi: yk });
    }
    if (d > 0) {
      if (xk === prevX) ops.push({ op: '+', line: b[prevY] as string, ai: xk, bi: prevY });
      else ops.push({ op: '-', line: a[prevX] as string, ai: prevX, bi: yk });
    }
    xk = prevX;
    yk = prevY;
  }
  return ops.reverse();
}
