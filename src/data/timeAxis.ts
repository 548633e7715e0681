// Which columns of a table read as time, and how: ISO dates and date-times, year-months, dates with
// month names, slash dates (day/month or month/day, decided by a part above 12), whole-number years
// and Unix times. Every time becomes milliseconds since 1970-01-01 UTC; `described` says in words
// what was assumed, so the page never guesses silently.

import { isUnixName, isYearName } from './columnNames';
import { isMissingCell } from './numbers';
import { refText } from './parse/warnings';
import type { LabelColumn, NumericColumn, TableDataset } from './types';

export type TimeUnit = 'year' | 'month' | 'day' | 'minute' | 'second';
export type TimeFormat =
  | 'iso-date'
  | 'iso-datetime'
  | 'iso-month'
  | 'month-name'
  | 'day-month-slash'
  | 'month-day-slash'
  | 'year'
  | 'unix-seconds'
  | 'unix-milliseconds';

export interface TimeAxis {
  column: string;
  format: TimeFormat;
  /**
   * How the column was read, for the page, e.g. "ISO dates (YYYY-MM-DD)", "years (YYYY)",
   * "Unix time in seconds", "day/month/year (a first part above 12 was seen on line 14)".
   */
  described: string;
  /** ms since 1970-01-01T00:00:00Z for every row (NaN where the cell is missing or unreadable). UTC always. */
  ms: Float64Array;
  /** The finest part the values use: all on Jan 1 → 'year', all on the 1st → 'month', all at 00:00 → 'day'. */
  unit: TimeUnit;
  /** Non-missing cells that did not read in this format. */
  unreadable: number;
  /** Non-decreasing over the readable cells. */
  ascending: boolean;
}

/** Share of a text column's non-missing cells that must read for it to count as time. */
const MIN_READ_SHARE = 0.9;

// ---------------------------------------------------------------- one cell

const DAY_MS = 86_400_000;

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** UTC ms of a calendar time, or NaN when a part is out of range (Feb 30, 25:00, month 13). */
function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, msPart = 0): number {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return NaN;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, msPart);
  if (y >= 100) return t;
  const early = new Date(t); // Date.UTC reads years 0–99 as 1900–1999
  early.setUTCFullYear(y);
  return early.getTime();
}

const ISO_DATE = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})$/;
const ISO_DATETIME =
  /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?)?$/;
const ISO_MONTH = /^(\d{4})-(\d{1,2})$/;
const NAME_DAY_YEAR = /^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/;
const DAY_NAME_YEAR = /^(\d{1,2})(?:st|nd|rd|th)?[\s-]+([A-Za-z]{3,9})\.?,?[\s-]+(\d{4})$/;
const NAME_YEAR = /^([A-Za-z]{3,9})\.?[\s-]+(\d{4})$/;
const SLASH = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const FULL_MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];

/** 1–12 for "Jan", "january", "Sept"; 0 for anything else. */
function monthNumber(word: string): number {
  const w = word.toLowerCase();
  if (w === 'sept') return 9;
  const i = w.length === 3 ? MONTHS.indexOf(w) : FULL_MONTHS.indexOf(w);
  return i + 1;
}

function readIsoDate(s: string): number {
  const m = ISO_DATE.exec(s);
  return m ? utcMs(+m[1], +m[3], +m[4]) : NaN;
}

/** A date-time, or a bare date (midnight); a zone (Z, UTC, +05:30) shifts it to UTC, none reads as UTC. */
function readIsoDatetime(s: string): number {
  const m = ISO_DATETIME.exec(s);
  if (!m) return NaN;
  const frac = m[8] ? Number(`0.${m[8]}`) * 1000 : 0;
  const t = utcMs(+m[1], +m[3], +m[4], m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, m[7] ? +m[7] : 0, frac);
  const zone = m[9];
  if (!zone || zone === 'Z' || zone === 'z' || zone === 'UTC') return t;
  const hh = +zone.slice(1, 3);
  const mm = zone.length > 3 ? +zone.slice(-2) : 0;
  if (hh > 14 || mm > 59) return NaN;
  const sign = zone[0] === '-' ? -1 : 1;
  return t - sign * (hh * 60 + mm) * 60_000;
}

function readIsoMonth(s: string): number {
  const m = ISO_MONTH.exec(s);
  return m ? utcMs(+m[1], +m[2], 1) : NaN;
}

function readMonthName(s: string): number {
  let m = NAME_DAY_YEAR.exec(s);
  if (m) return utcMs(+m[3], monthNumber(m[1]), +m[2]);
  m = DAY_NAME_YEAR.exec(s);
  if (m) return utcMs(+m[3], monthNumber(m[2]), +m[1]);
  m = NAME_YEAR.exec(s);
  return m ? utcMs(+m[2], monthNumber(m[1]), 1) : NaN;
}

function readSlash(s: string, dayFirst: boolean): number {
  const m = SLASH.exec(s);
  if (!m) return NaN;
  const [a, b] = [+m[1], +m[2]];
  const h = m[4] ? +m[4] : 0;
  const mi = m[5] ? +m[5] : 0;
  const sec = m[6] ? +m[6] : 0;
  return dayFirst ? utcMs(+m[3], b, a, h, mi, sec) : utcMs(+m[3], a, b, h, mi, sec);
}

// ---------------------------------------------------------------- one column

/** A time at the given unit, UTC: 2001, 2001-03, 2001-03-15, 2001-03-15 14:05, 2001-03-15 14:05:09. */
export function formatTime(ms: number, unit: TimeUnit): string {
  if (!Number.isFinite(ms)) return '–';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const y = String(d.getUTCFullYear());
  if (unit === 'year') return y;
  const m = `${y}-${pad(d.getUTCMonth() + 1)}`;
  if (unit === 'month') return m;
  const day = `${m}-${pad(d.getUTCDate())}`;
  if (unit === 'day') return day;
  const hm = `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return unit === 'minute' ? hm : `${hm}:${pad(d.getUTCSeconds())}`;
}

function finestUnit(ms: Float64Array): TimeUnit {
  let unit: TimeUnit = 'year';
  for (const t of ms) {
    if (t !== t) continue;
    if (t % 60_000 !== 0) return 'second';
    if (t % DAY_MS !== 0) unit = 'minute';
    else if (unit === 'year' || unit === 'month') {
      const d = new Date(t);
      if (d.getUTCDate() !== 1) unit = 'day';
      else if (unit === 'year' && d.getUTCMonth() !== 0) unit = 'month';
    }
  }
  return unit;
}

function isAscending(ms: Float64Array): boolean {
  let last = -Infinity;
  for (const t of ms) {
    if (t !== t) continue;
    if (t < last) return false;
    last = t;
  }
  return true;
}

interface Read {
  format: TimeFormat;
  described: string;
  ms: Float64Array;
  unreadable: number;
  /** For ranking: a reading with no assumption left open (not an ambiguous slash date, not an unnamed number). */
  sure: boolean;
}

function axisFrom(ds: TableDataset, column: string, r: Read): TimeAxis {
  let described = r.described;
  if (r.unreadable > 0) {
    const cells = ds.labels.find((l) => l.name === column)?.values;
    const first = cells ? cells.findIndex((v, i) => r.ms[i] !== r.ms[i] && !isMissingCell(v)) : -1;
    const where = first >= 0 ? ` (first on ${refText(ds.rowRefKind, ds.rowRefs[first])})` : '';
    described += `; ${r.unreadable} cell${r.unreadable === 1 ? '' : 's'} did not read${where}`;
  }
  return {
    column,
    format: r.format,
    described,
    ms: r.ms,
    unit: finestUnit(r.ms),
    unreadable: r.unreadable,
    ascending: isAscending(r.ms),
  };
}

function readWith(values: string[], read: (s: string) => number): { ms: Float64Array; ok: number } {
  const ms = new Float64Array(values.length);
  let ok = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    ms[i] = isMissingCell(v) ? NaN : read(v);
    if (ms[i] === ms[i]) ok++;
  }
  return { ms, ok };
}

/** Slash dates: day/month or month/day, by the first cell whose first (or second) part is above 12. */
function readSlashColumn(ds: TableDataset, values: string[]): Omit<Read, 'unreadable'> & { ok: number } {
  let dayFirstRow = -1;
  let monthFirstRow = -1;
  for (let i = 0; i < values.length && (dayFirstRow < 0 || monthFirstRow < 0); i++) {
    const m = SLASH.exec(values[i]);
    if (!m) continue;
    if (dayFirstRow < 0 && +m[1] > 12 && +m[2] <= 12) dayFirstRow = i;
    if (monthFirstRow < 0 && +m[2] > 12 && +m[1] <= 12) monthFirstRow = i;
  }
  const at = (row: number) => refText(ds.rowRefKind, ds.rowRefs[row]);
  const dm = readWith(values, (s) => readSlash(s, true));
  const md = readWith(values, (s) => readSlash(s, false));
  if (dayFirstRow >= 0 && (monthFirstRow < 0 || dm.ok > md.ok)) {
    const against = monthFirstRow >= 0 ? `, though ${at(monthFirstRow)} reads only as month/day` : '';
    return {
      format: 'day-month-slash',
      described: `day/month/year (a first part above 12 was seen on ${at(dayFirstRow)}${against})`,
      ...dm,
      sure: monthFirstRow < 0,
    };
  }
  if (monthFirstRow >= 0) {
    const against = dayFirstRow >= 0 ? `, though ${at(dayFirstRow)} reads only as day/month` : '';
    return {
      format: 'month-day-slash',
      described: `month/day/year (a second part above 12 was seen on ${at(monthFirstRow)}${against})`,
      ...md,
      sure: dayFirstRow < 0,
    };
  }
  return {
    format: 'month-day-slash',
    described: 'ambiguous: read as month/day/year (no part above 12 tells the day from the month)',
    ...md,
    sure: false,
  };
}

/** Non-missing cells from the top of a column that a format must mostly read before the whole column is tried. */
const SAMPLE_CELLS = 200;

function readLabelColumn(ds: TableDataset, col: LabelColumn): Read | null {
  const values = col.values;
  let present = 0;
  const sample: string[] = [];
  for (const v of values) {
    if (isMissingCell(v)) continue;
    present++;
    if (sample.length < SAMPLE_CELLS) sample.push(v);
  }
  if (present === 0) return null;
  // A format that reads under half of the first cells cannot read 90% of the column (on all but
  // odd files); skipping it keeps a 50 MB file of text columns quick.
  const plausible = (reads: (s: string) => boolean) => sample.filter(reads).length >= 0.5 * sample.length;
  const sep = sample[0].charAt(4) === '/' ? '/' : '-';
  const tries: { format: TimeFormat; described: string; read: (s: string) => number }[] = [
    { format: 'iso-date', described: `ISO dates (YYYY${sep}MM${sep}DD)`, read: readIsoDate },
    { format: 'iso-month', described: 'year and month (YYYY-MM)', read: readIsoMonth },
    { format: 'month-name', described: 'dates like Jan 1 2000', read: readMonthName },
    { format: 'iso-datetime', described: `ISO date-times (YYYY${sep}MM${sep}DD hh:mm:ss)`, read: readIsoDatetime },
  ];
  let best: (Read & { ok: number }) | null = null;
  for (const t of tries) {
    if (!plausible((v) => !Number.isNaN(t.read(v)))) continue;
    const { ms, ok } = readWith(values, t.read);
    if (best && ok <= best.ok) continue;
    best = { format: t.format, described: t.described, ms, ok, unreadable: present - ok, sure: true };
  }
  if (plausible((v) => SLASH.test(v))) {
    const s = readSlashColumn(ds, values);
    if (!best || s.ok > best.ok) best = { ...s, unreadable: present - s.ok };
  }
  if (!best || best.ok === 0 || best.ok < MIN_READ_SHARE * present) return null;
  if (best.format === 'iso-datetime') {
    let zoned = 0;
    for (const v of values) if (ISO_DATETIME.exec(v)?.[9]) zoned++;
    if (zoned === 0) best.described += '; no time zone given: read as UTC';
    else best.described += zoned < best.ok ? '; times without a zone read as UTC' : ', shifted to UTC';
  }
  return best;
}

function range(values: Float64Array): { min: number; max: number; allInt: boolean; rising: boolean } {
  let min = Infinity;
  let max = -Infinity;
  let allInt = true;
  let rising = true;
  let last = -Infinity;
  for (const v of values) {
    if (v !== v) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    if (!Number.isInteger(v)) allInt = false;
    if (v <= last) rising = false;
    last = v;
  }
  return { min, max, allInt, rising };
}

function readNumericColumn(col: NumericColumn): Read | null {
  if (col.stats.count === 0) return null;
  const { min, max, allInt, rising } = range(col.values);
  const span = `${min}–${max}`;
  if (allInt && min >= 1000 && max <= 2999 && (isYearName(col.name) || rising)) {
    const named = isYearName(col.name);
    const ms = col.values.map((v) => (v === v ? utcMs(v, 1, 1) : NaN));
    const described = named ? 'years (YYYY)' : `years (YYYY): whole numbers ${span} rising row by row, read as years`;
    return { format: 'year', described, ms, unreadable: 0, sure: named };
  }
  const unix: [TimeFormat, number, number, string][] = [
    ['unix-seconds', 1e8, 4e9, 'seconds'],
    ['unix-milliseconds', 1e11, 4e12, 'milliseconds'],
  ];
  for (const [format, lo, hi, what] of unix) {
    if (min < lo || max > hi) continue;
    const named = isUnixName(col.name);
    if (!(named || (allInt && rising))) continue;
    const scale = format === 'unix-seconds' ? 1000 : 1;
    const ms = col.values.map((v) => v * scale);
    const described = named
      ? `Unix time in ${what}`
      : `Unix time in ${what}: numbers rising row by row, all in the range of Unix ${what} for 1973–2096`;
    return { format, described, ms, unreadable: 0, sure: named };
  }
  return null;
}

/** How `column` reads as time, or null when it does not (or does not exist). */
export function readTimeColumn(ds: TableDataset, column: string): TimeAxis | null {
  const label = ds.labels.find((l) => l.name === column);
  const numeric = label ? undefined : ds.columns.find((c) => c.name === column);
  const r = label ? readLabelColumn(ds, label) : numeric ? readNumericColumn(numeric) : null;
  return r ? axisFrom(ds, column, r) : null;
}

/** Every column of the table that reads as time, best first (sure readings, in order, fully read). */
export function detectTimeColumns(ds: TableDataset): TimeAxis[] {
  const order = (name: string) => {
    const i = ds.preview.header.indexOf(name);
    return i < 0 ? ds.preview.header.length : i;
  };
  const found: { axis: TimeAxis; sure: boolean }[] = [];
  for (const col of ds.labels) {
    const r = readLabelColumn(ds, col);
    if (r) found.push({ axis: axisFrom(ds, col.name, r), sure: r.sure });
  }
  for (const col of ds.columns) {
    const r = readNumericColumn(col);
    if (r) found.push({ axis: axisFrom(ds, col.name, r), sure: r.sure });
  }
  const rank = (f: { axis: TimeAxis; sure: boolean }) => [
    f.sure ? 0 : 1,
    f.axis.ascending ? 0 : 1,
    f.axis.unreadable,
    order(f.axis.column),
  ];
  found.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let k = 0; k < ra.length; k++) if (ra[k] !== rb[k]) return ra[k] - rb[k];
    return 0;
  });
  return found.map((f) => f.axis);
}
