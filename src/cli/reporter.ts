import { countBySeverity, type Diagnostic } from '../core/diagnostic.js';

export type DiagnosticFormat = 'text' | 'json' | 'github';

/** GNU style: `path:line:col: severity: message [rule]`, then an indented `hint:` line. */
export function formatText(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => `${d.path}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.rule}]${d.hint ? `\n  hint: ${d.hint}` : ''}\n`)
    .join('');
}

const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProp = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=rule::message`. */
export function formatGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const props = `file=${escapeProp(d.path)},line=${d.line},col=${d.col},title=${escapeProp(`nixpod ${d.rule}`)}`;
      const msg = d.hint ? `${d.message}\n${d.hint}` : d.message;
      return `::${d.severity} ${props}::${escapeData(msg)}\n`;
    })
    .join('');
}

export function formatSummary(diagnostics: readonly Diagnostic[], scripts: number, skipped: number): string {
  const { errors, warnings } = countBySeverity(diagnostics);
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  const skip = skipped > 0 ? ` (${plural(skipped, 'other file')} skipped: no #! nix-shell line)` : '';
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(scripts, 'script')}${skip}\n`;
}

/** One error in nixpod's own voice: `nixpod: error: …` and, when there is one, what to do. */
export function formatError(message: string, hint: string | undefined): string {
  return `nixpod: error: ${message}\n${hint ? `  hint: ${hint}\n` : ''}`;
}
