/**
 * A CronJob schedule as Kubernetes validates it: `cron.ParseStandard` of
 * robfig/cron v3 (five fields, or a descriptor), so a schedule passes here
 * exactly when the API server would take it.
 */
const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface Bounds {
  what: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** The value of names[0]. */
  namesFrom?: number;
}

const FIELDS: Bounds[] = [
  { what: 'minute', min: 0, max: 59 },
  { what: 'hour', min: 0, max: 23 },
  { what: 'day of month', min: 1, max: 31 },
  { what: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { what: 'day of week', min: 0, max: 6, names: DAYS, namesFrom: 0 },
];

/** A problem with a schedule: what is wrong, and at which character of it (0-based). */
export interface CronProblem {
  message: string;
  offset: number;
}

/** Undefined when Kubernetes accepts the schedule. */
export function checkCron(spec: string): CronProblem | undefined {
  let s = spec;
  let base = 0;
  // robfig/cron v3 takes a leading TZ=… or CRON_TZ=… (checked by the caller against timeZone).
  const tz = /^(?:CRON_)?TZ=(\S*)\s+/.exec(s);
  if (tz) {
    base = tz[0].length;
    s = s.slice(base);
  }
  if (s.trim() === '') return { message: 'the schedule is empty', offset: 0 };
  if (s.startsWith('@')) return checkDescriptor(s, base);
  const fields = [...s.matchAll(/\S+/g)];
  if (fields.length !== 5) return { message: `a schedule has 5 fields (minute hour day-of-month month day-of-week), this one has ${fields.length}`, offset: base };
  for (let i = 0; i < 5; i++) {
    const f = fields[i] as RegExpMatchArray;
    const p = checkField(f[0], FIELDS[i] as Bounds);
    if (p) return { message: p.message, offset: base + (f.index ?? 0) + p.offset };
  }
  return undefined;
}

function checkDescriptor(s: string, base: number): CronProblem | undefined {
  if (DESCRIPTORS.has(s)) return undefined;
  if (s.startsWith('@every ')) {
    return isGoDuration(s.slice(7)) ? undefined : { message: `'${s.slice(7)}' is not a duration (e.g. 1h30m)`, offset: base + 7 };
  }
  return { message: `unknown descriptor '${s}' (Kubernetes takes @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every DURATION)`, offset: base };
}

function isGoDuration(d: string): boolean {
  return d === '0' || /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$/.test(d);
}

/** One field: a comma-separated list of ranges (empty items are skipped, as strings.FieldsFunc does). */
function checkField(field: string, b: Bounds): CronProblem | undefined {
  let offset = 0;
  for (const item of field.split(',')) {
    if (item !== '') {
      const p = checkRange(item, b);
      if (p) return { message: p, offset };
    }
    offset += item.length + 1;
  }
  return undefined;
}

function checkRange(expr: string, b: Bounds): string | undefined {
  const [range = '', ...steps] = expr.split('/');
  if (steps.length > 1) return `too many slashes in '${expr}'`;
  const lowHigh = range.split('-');
  let start = b.min;
  let end = b.max;
  if (lowHigh[0] !== '*' && lowHigh[0] !== '?') {
    if (lowHigh.length > 2) return `too many hyphens in '${expr}'`;
    const s = parseValue(lowHigh[0] ?? '', b);
    if (typeof s === 'string') return s;
    start = s;
    end = s;
    if (lowHigh.length === 2) {
      const e = parseValue(lowHigh[1] ?? '', b);
      if (typeof e === 'string') return e;
      end = e;
    }
  } else if (lowHigh.length > 1) return `'${expr}': a range cannot start at '${lowHigh[0]}'`;
  if (steps.length === 1) {
    const step = parseInt10(steps[0] ?? '');
    if (step === undefined) return `'${steps[0]}' in '${expr}' is not a number`;
    if (step === 0) return `the step in '${expr}' must be a positive number`;
    if (lowHigh.length === 1) end = b.max;
  }
  if (start < b.min) return `${b.what} ${start} is below ${b.min}`;
  if (end > b.max) return `${b.what} ${end} is above ${b.max}`;
  if (start > end) return `the range '${range}' starts after it ends`;
  return undefined;
}

function parseValue(v: string, b: Bounds): number | string {
  const named = b.names?.indexOf(v.toLowerCase()) ?? -1;
  if (named >= 0) return named + (b.namesFrom ?? 0);
  const n = parseInt10(v);
  if (n === undefined) return `'${v}' is not a ${b.what}${b.names ? ` (a number or a name such as ${b.names[0]})` : ''}`;
  return n;
}

/** Go's strconv.Atoi, for the non-negative numbers cron takes. */
function parseInt10(v: string): number | undefined {
  if (!/^\+?\d+$/.test(v)) return undefined;
  return Number(v);
}
