// Long ("tidy") tables: one row per (series, time), with a text column naming the series, e.g.
// year,source,net_generation. detectKeys finds the columns that name series; pivotLong turns the
// chosen series into columns of their own, one row per time, so a model can read them side by side.

import { DataError, listNames, type DataWarning } from './errors';
import { indexReason } from './indexColumn';
import { PREVIEW_ROWS } from './limits';
import { isMissingCell } from './numbers';
import { refText } from './parse/warnings';
import { columnStats } from './stats';
import { formatTime, readTimeColumn, type TimeAxis } from './timeAxis';
import type { LabelColumn, NumericColumn, TableDataset } from './types';

export interface KeyColumn {
  name: string;
  /** The series names, in first-seen order. */
  values: string[];
  /** Rows per value, same order. */
  rows: number[];
}

/** Most series a key column may name. */
const MAX_KEYS = 500;
/** Share of rows that may repeat a (series, time) pair already seen, in a key column. */
const MAX_DUPLICATE_SHARE = 0.05;
/** Share of the distinct times that must appear under two series or more. */
const MIN_SHARED_TIMES = 0.5;

interface Candidate {
  key: KeyColumn;
  /** Series index per row; -1 where the cell is missing. */
  ofRow: Int32Array;
  score: number;
}

function keyValues(col: LabelColumn): Candidate | null {
  const index = new Map<string, number>();
  const rows: number[] = [];
  const ofRow = new Int32Array(col.values.length).fill(-1);
  for (let i = 0; i < col.values.length; i++) {
    const v = col.values[i];
    if (isMissingCell(v)) continue;
    let k = index.get(v);
    if (k === undefined) {
      if (index.size === MAX_KEYS) return null;
      k = index.size;
      index.set(v, k);
      rows.push(0);
    }
    rows[k]++;
    ofRow[i] = k;
  }
  if (index.size < 2 || rows.some((r) => r < 2)) return null;
  return { key: { name: col.name, values: [...index.keys()], rows }, ofRow, score: 0 };
}

/** With a time axis: each series has (almost) one row per time, and most times appear under several series. */
function scoreWithTime(c: Candidate, time: TimeAxis): number | null {
  const seen = c.key.values.map(() => new Set<number>());
  const seriesAt = new Map<number, number>();
  let pairs = 0;
  let duplicates = 0;
  for (let i = 0; i < c.ofRow.length; i++) {
    const k = c.ofRow[i];
    const t = time.ms[i];
    if (k < 0 || t !== t) continue;
    if (seen[k].has(t)) {
      duplicates++;
      continue;
    }
    seen[k].add(t);
    pairs++;
    seriesAt.set(t, (seriesAt.get(t) ?? 0) + 1);
  }
  let shared = 0;
  for (const n of seriesAt.values()) if (n >= 2) shared++;
  if (pairs === 0 || duplicates > MAX_DUPLICATE_SHARE * (pairs + duplicates)) return null;
  if (shared < MIN_SHARED_TIMES * seriesAt.size) return null;
  return pairs / (c.key.values.length * seriesAt.size);
}

/** Without a time axis: the series come in blocks (all of A, then all of B) or take turns (A, B, A, B). */
function scoreWithoutTime(c: Candidate): number | null {
  const k = c.key.values.length;
  const o = c.ofRow;
  if (o.includes(-1)) return null;
  let blocks = true;
  const done = new Uint8Array(k);
  for (let i = 1; i < o.length && blocks; i++) {
    if (o[i] === o[i - 1]) continue;
    done[o[i - 1]] = 1;
    if (done[o[i]]) blocks = false;
  }
  let turns = true;
  for (let i = 0; i < o.length && turns; i++) if (o[i] !== (i < k ? i : o[i - k])) turns = false;
  if (!blocks && !turns) return null;
  return Math.min(...c.key.rows) / Math.max(...c.key.rows);
}

/**
 * Text columns that key a long-format table, best first: 2 to 500 distinct values, each on two rows
 * or more, not reading as time. With a time axis, each series must have (almost) one row per time
 * and most times must appear under several series (so a category such as the day's weather is no
 * key); without one, the series must come in blocks or take turns row by row.
 */
export function detectKeys(ds: TableDataset, time: TimeAxis | null): KeyColumn[] {
  const found: Candidate[] = [];
  for (const col of ds.labels) {
    if (time && col.name === time.column) continue;
    if (readTimeColumn(ds, col.name)) continue; // dates name times, not series
    const c = keyValues(col);
    if (!c) continue;
    const score = time ? scoreWithTime(c, time) : scoreWithoutTime(c);
    if (score === null) continue;
    c.score = score;
    found.push(c);
  }
  const order = (name: string) => ds.preview.header.indexOf(name);
  found.sort((a, b) => b.score - a.score || order(a.key.name) - order(b.key.name));
  return found.map((c) => c.key);
}

export interface PivotResult {
  table: TableDataset;
  /** The time axis of the new rows (sorted, distinct); null without one. */
  time: TimeAxis | null;
  warnings: DataWarning[];
  /** (series, time) pairs without a row: missing values in the new table. */
  gaps: number;
  /** Rows that repeated a (series, time) pair; the last of each was kept. */
  duplicates: number;
}

/** "1 row has", "3 rows have". */
const rowsHave = (n: number) => (n === 1 ? '1 row has' : `${n} rows have`);

function badOption(ds: TableDataset, message: string): DataError {
  return new DataError('bad-option', ds.name, `${ds.name}: ${message}`);
}

/** Makes names unique the way the parser does: "a", "a (2)". */
function uniqueNames(names: string[], taken: string[]): string[] {
  const used = new Set(taken);
  return names.map((n) => {
    let name = n;
    for (let k = 2; used.has(name); k++) name = `${n} (${k})`;
    used.add(name);
    return name;
  });
}

/** Where each new row's values come from: slot[k * rows + r] = source row of series k, or -1. */
interface Layout {
  rows: number;
  slot: Int32Array;
  /** For each new row, the first source row that has it (for rowRefs and the time cell). */
  firstRow: Int32Array;
  times: Float64Array | null;
  duplicates: { count: number; series: number; row: number; earlier: number } | null;
  leftOut: number;
  firstLeftOut: number;
}

function layoutByTime(ofRow: Int32Array, keys: number, time: TimeAxis): Layout {
  const distinct = new Set<number>();
  let leftOut = 0;
  let firstLeftOut = -1;
  for (let i = 0; i < ofRow.length; i++) {
    if (ofRow[i] < 0) continue;
    const t = time.ms[i];
    if (t === t) distinct.add(t);
    else if (leftOut++ === 0) firstLeftOut = i;
  }
  const times = Float64Array.from(distinct).sort();
  const at = new Map<number, number>();
  times.forEach((t, r) => at.set(t, r));
  const rows = times.length;
  const slot = new Int32Array(keys * rows).fill(-1);
  const firstRow = new Int32Array(rows).fill(-1);
  let duplicates: Layout['duplicates'] = null;
  for (let i = 0; i < ofRow.length; i++) {
    const k = ofRow[i];
    const r = k < 0 ? undefined : at.get(time.ms[i]);
    if (r === undefined) continue;
    if (firstRow[r] < 0) firstRow[r] = i;
    const s = k * rows + r;
    if (slot[s] >= 0) {
      if (duplicates) duplicates.count++;
      else duplicates = { count: 1, series: k, row: i, earlier: slot[s] };
    }
    slot[s] = i;
  }
  return { rows, slot, firstRow, times, duplicates, leftOut, firstLeftOut };
}

function layoutByPosition(ofRow: Int32Array, keys: number): Layout {
  const lists: number[][] = Array.from({ length: keys }, () => []);
  for (let i = 0; i < ofRow.length; i++) if (ofRow[i] >= 0) lists[ofRow[i]].push(i);
  const rows = Math.max(...lists.map((l) => l.length));
  const slot = new Int32Array(keys * rows).fill(-1);
  const firstRow = new Int32Array(rows).fill(-1);
  lists.forEach((l, k) => l.forEach((i, p) => (slot[k * rows + p] = i)));
  for (let p = 0; p < rows; p++) {
    for (let k = 0; k < keys && firstRow[p] < 0; k++) firstRow[p] = slot[k * rows + p];
  }
  return { rows, slot, firstRow, times: null, duplicates: null, leftOut: 0, firstLeftOut: -1 };
}

/**
 * One column per (value column, selected series), rows aligned on time (sorted, distinct) or,
 * without a time axis, on position within each series' rows. Value columns are the numeric columns
 * other than the time axis and index columns (./indexColumn.ts). New names: with one series the
 * value columns keep their names; with one value column the series names are the names; else
 * "value · series". A (series, time) without a row is a missing value (a `pivot-gaps` warning per
 * series); a repeated one keeps its last row (a `pivot-duplicates` warning naming the lines).
 */
export function pivotLong(ds: TableDataset, key: string, keys: string[], time: TimeAxis | null): PivotResult {
  const file = ds.name;
  if (time && time.ms.length !== ds.rowCount) {
    throw badOption(ds, `the time axis ${JSON.stringify(time.column)} is not this table's.`);
  }
  const keyCol = ds.labels.find((l) => l.name === key);
  if (!keyCol) throw badOption(ds, `there is no text column ${JSON.stringify(key)} to take series names from.`);
  if (keys.length === 0) throw badOption(ds, `choose at least one series of column ${JSON.stringify(key)}.`);
  const index = new Map<string, number>();
  keys.forEach((k, i) => index.set(k, i));
  if (index.size !== keys.length) throw badOption(ds, `a series is chosen twice (${listNames(keys)}).`);
  const ofRow = new Int32Array(ds.rowCount).fill(-1);
  const present = new Uint8Array(keys.length);
  let noKey = 0;
  for (let i = 0; i < ds.rowCount; i++) {
    const v = keyCol.values[i];
    const k = index.get(v);
    if (k !== undefined) {
      ofRow[i] = k;
      present[k] = 1;
    } else if (isMissingCell(v)) noKey++;
  }
  const absent = keys.filter((_, k) => !present[k]);
  if (absent.length) throw badOption(ds, `column ${JSON.stringify(key)} has no series ${listNames(absent)}.`);
  const valueCols = ds.columns.filter((c) => c.name !== time?.column && indexReason(c) === null);
  if (valueCols.length === 0) {
    const message = `${file}: no numeric column is left to split by ${JSON.stringify(key)}.`;
    throw new DataError('no-numeric-columns', file, message);
  }

  const lay = time ? layoutByTime(ofRow, keys.length, time) : layoutByPosition(ofRow, keys.length);
  const T = lay.rows;
  const rawNames = valueCols.flatMap((v) =>
    keys.map((k) => (keys.length === 1 ? v.name : valueCols.length === 1 ? k : `${v.name} · ${k}`)),
  );
  const names = uniqueNames(rawNames, time ? [time.column] : []);
  const series: NumericColumn[] = [];
  valueCols.forEach((v, j) =>
    keys.forEach((_, k) => {
      const values = new Float64Array(T);
      for (let r = 0; r < T; r++) {
        const src = lay.slot[k * T + r];
        values[r] = src < 0 ? NaN : v.values[src];
      }
      const name = names[j * keys.length + k];
      series.push({ name, values, stats: columnStats(values) });
    }),
  );

  // The time column, kept as it was written (text) or as its numbers (years, Unix times).
  const labels: LabelColumn[] = [];
  const columns = [...series];
  let timeText: string[] = [];
  if (time) {
    const label = ds.labels.find((l) => l.name === time.column);
    const numeric = ds.columns.find((c) => c.name === time.column);
    if (label) {
      timeText = Array.from(lay.firstRow, (i) => label.values[i]);
      labels.push({ name: time.column, values: timeText, categories: T <= 64 ? [...timeText] : null });
    } else if (numeric) {
      const values = Float64Array.from(lay.firstRow, (i) => numeric.values[i]);
      timeText = Array.from(values, String);
      columns.unshift({ name: time.column, values, stats: columnStats(values) });
    }
  }

  const previewRows: string[][] = [];
  for (let r = 0; r < Math.min(T, PREVIEW_ROWS); r++) {
    const cells = series.map((c) => (c.values[r] === c.values[r] ? String(c.values[r]) : ''));
    previewRows.push(time ? [timeText[r], ...cells] : cells);
  }
  const table: TableDataset = {
    kind: 'table',
    name: file,
    rowCount: T,
    columns,
    labels,
    rowRefs: Int32Array.from(lay.firstRow, (i) => ds.rowRefs[i]),
    rowRefKind: ds.rowRefKind,
    preview: { header: time ? [time.column, ...names] : names, rows: previewRows },
  };

  const warnings: DataWarning[] = [];
  const gaps = gapWarnings(ds, keys, names, valueCols.length, lay, time, warnings);
  if (lay.duplicates && time) {
    const d = lay.duplicates;
    const at = formatTime(time.ms[d.row], time.unit);
    const [a, b] = [ds.rowRefs[d.earlier], ds.rowRefs[d.row]];
    const lines = ds.rowRefKind === 'line' ? `lines ${a} and ${b}` : `items [${a}] and [${b}]`;
    const first = `${keys[d.series]} has two rows at ${at} (${lines})`;
    warnings.push({
      code: 'pivot-duplicates',
      message:
        d.count === 1
          ? `${file}: ${first}; the last is kept.`
          : `${file}: ${d.count} rows repeat a series and time already seen, first: ${first}; ` +
            'the last row of each is kept.',
      fixes: [],
      columns: [],
    });
  }
  if (lay.leftOut > 0 && time) {
    const n = lay.leftOut;
    const where = `${n === 1 ? '' : 'first '}on ${refText(ds.rowRefKind, ds.rowRefs[lay.firstLeftOut])}`;
    warnings.push({
      code: 'pivot-left-out',
      message: `${file}: ${rowsHave(n)} no readable ${time.column} and ${n === 1 ? 'was' : 'were'} left out (${where}).`,
      fixes: [],
      columns: [time.column],
    });
  }
  if (noKey > 0) {
    warnings.push({
      code: 'pivot-left-out',
      message: `${file}: ${rowsHave(noKey)} no ${key} and ${noKey === 1 ? 'was' : 'were'} left out.`,
      fixes: [],
      columns: [key],
    });
  }

  const newTime = time && lay.times ? { ...time, ms: lay.times, unreadable: 0, ascending: true } : null;
  return { table, time: newTime, warnings, gaps, duplicates: lay.duplicates?.count ?? 0 };
}

/** Counts the (series, time) pairs without a row and warns per series (or once, for many series). */
function gapWarnings(
  ds: TableDataset,
  keys: string[],
  names: string[],
  values: number,
  lay: Layout,
  time: TimeAxis | null,
  out: DataWarning[],
): number {
  const T = lay.rows;
  const withGaps: { k: number; count: number; first: number }[] = [];
  for (let k = 0; k < keys.length; k++) {
    let count = 0;
    let first = -1;
    for (let r = 0; r < T; r++) {
      if (lay.slot[k * T + r] >= 0) continue;
      if (count++ === 0) first = r;
    }
    if (count > 0) withGaps.push({ k, count, first });
  }
  const columnsOf = (k: number) => Array.from({ length: values }, (_, j) => names[j * keys.length + k]);
  const where = (g: { count: number; first: number }) =>
    lay.times && time
      ? `no value at ${g.count} of ${T} times (first ${formatTime(lay.times[g.first], time.unit)})`
      : `${T - g.count} rows where the longest has ${T}: no value at its last ${g.count}`;
  const fixes: DataWarning['fixes'] = ['drop-rows', 'fill-forward'];
  if (withGaps.length > 0 && withGaps.length <= 5) {
    for (const g of withGaps) {
      out.push({
        code: 'pivot-gaps',
        message: `${ds.name}: ${keys[g.k]} has ${where(g)}; they are missing values.`,
        fixes,
        columns: columnsOf(g.k),
      });
    }
  } else if (withGaps.length > 5) {
    const shown = withGaps.slice(0, 3).map((g) => `${keys[g.k]} (${g.count})`);
    out.push({
      code: 'pivot-gaps',
      message: `${ds.name}: ${withGaps.length} series have gaps, e.g. ${shown.join(', ')}; they are missing values.`,
      fixes,
      columns: withGaps.flatMap((g) => columnsOf(g.k)),
    });
  }
  return withGaps.reduce((s, g) => s + g.count, 0);
}
