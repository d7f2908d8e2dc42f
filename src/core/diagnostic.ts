/** A problem found in a script: data, collected and reported all at once. */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  path: string;
  line: number;
  col: number;
  severity: Severity;
  rule: string;
  message: string;
  hint?: string;
}

/** A diagnostic before it is tied to a file. */
export type Finding = Omit<Diagnostic, 'path'>;

export interface Position {
  line: number;
  col: number;
}

export function finding(
  at: Position,
  severity: Severity,
  rule: string,
  message: string,
  hint?: string,
): Finding {
  const f: Finding = { line: at.line, col: at.col, severity, rule, message };
  if (hint !== undefined) f.hint = hint;
  return f;
}

export function withPath(path: string, findings: readonly Finding[]): Diagnostic[] {
  return findings.map((f) => ({ path, ...f }));
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else warnings++;
  }
  return { errors, warnings };
}

/** Sort by path, then position, then rule, so output is stable. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return a.line - b.line || a.col - b.col || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}
