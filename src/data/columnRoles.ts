// What each column of a table is for: the time axis, an index (row numbers, ids), the key of a long
// table, a value (a measurement the model can read and predict) or a text label; and the default
// inputs and target that follow. Each role comes with a few words saying why, for the column table.

import { DataError } from './errors';
import { formatValue, indexReason } from './indexColumn';
import { detectKeys, type KeyColumn } from './longFormat';
import { isMissingCell } from './numbers';
import { detectTimeColumns, formatTime, type TimeAxis, type TimeUnit } from './timeAxis';
import type { LabelColumn, NumericColumn, TableDataset } from './types';

export type ColumnRole = 'time' | 'index' | 'key' | 'value' | 'label';

export interface ColumnInfo {
  name: string;
  numeric: boolean;
  role: ColumnRole;
  /**
   * A few words for the column table: "years 1880–2023: the time axis", "ids 1001–56045, every one
   * different: an identifier, not a measurement", "3 series (Fossil Fuels, Nuclear Energy, …): the
   * long-format key", "text with 412 distinct values: not an input".
   */
  reason: string;
}

export interface TableLayout {
  /** Every column, numeric and text, in file order (numeric first where the order is not known). */
  columns: ColumnInfo[];
  /** The time axis in use. */
  time: TimeAxis | null;
  /** Every column that reads as time, best first. */
  timeCandidates: TimeAxis[];
  /** Long-format key candidates, best first. */
  keys: KeyColumn[];
  /** Value columns: numeric, not time, not index. */
  defaultInputs: string[];
  /** The last value column, or null when there is none. */
  defaultTarget: string | null;
}

const UNIT_WORDS: Record<TimeUnit, string> = {
  year: 'years',
  month: 'months',
  day: 'dates',
  minute: 'times',
  second: 'times',
};

/** "years 1880–2023", "months 1958-03–2020-04": the span of a time axis at its unit. */
function timeSpan(axis: TimeAxis): string {
  let min = Infinity;
  let max = -Infinity;
  for (const t of axis.ms) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  return `${UNIT_WORDS[axis.unit]} ${formatTime(min, axis.unit)}–${formatTime(max, axis.unit)}`;
}

function timeReason(axis: TimeAxis, long: boolean): string {
  const order = axis.ascending ? '' : long ? ', repeated per series' : ', rows not in time order';
  return `${timeSpan(axis)}${order}: the time axis`;
}

function notInUse(axis: TimeAxis): string {
  return `${timeSpan(axis)}: time, but not the axis in use; not an input`;
}

function valueReason(col: NumericColumn, target: boolean): string {
  const { min, max, missing } = col.stats;
  const gaps = missing > 0 ? `, ${missing} missing` : '';
  const use = target ? 'an input and the target' : 'an input';
  return `numbers ${formatValue(min)} to ${formatValue(max)}${gaps}: ${use}`;
}

function keyReason(key: KeyColumn, first: boolean): string {
  const shown = key.values.slice(0, 2).join(', ');
  const more = key.values.length > 2 ? ', …' : '';
  const n = key.values.length;
  return first
    ? `${n} series (${shown}${more}): the long-format key`
    : `${n} values (${shown}${more}): another possible long-format key`;
}

function labelReason(col: LabelColumn): string {
  const distinct = new Set<string>();
  for (const v of col.values) if (!isMissingCell(v)) distinct.add(v);
  if (distinct.size === 1) return `text, always ${JSON.stringify([...distinct][0])}: not an input`;
  return `text with ${distinct.size} distinct values: not an input`;
}

/** The axis `time` asks for: undefined = the best candidate, null = none, a name = that column. */
function pickTime(ds: TableDataset, candidates: TimeAxis[], time: string | null | undefined): TimeAxis | null {
  if (time === undefined) return candidates[0] ?? null;
  if (time === null) return null;
  const found = candidates.find((a) => a.column === time);
  if (found) return found;
  const q = JSON.stringify(time);
  const label = ds.labels.find((l) => l.name === time);
  const numeric = ds.columns.find((c) => c.name === time);
  let why: string;
  if (label) {
    const i = label.values.findIndex((v) => !isMissingCell(v));
    why =
      i < 0
        ? 'it is empty'
        : `its first value ${JSON.stringify(label.values[i])} is not a date this reads, and 90% of its cells must be`;
  } else if (numeric) {
    const { min, max } = numeric.stats;
    why =
      `its numbers (${formatValue(min)} to ${formatValue(max)}) are neither whole years 1000–2999 that rise ` +
      'row by row or sit under a name like "year", nor Unix times';
  } else {
    throw new DataError('bad-option', ds.name, `${ds.name}: there is no column ${q}.`, { column: time });
  }
  const message = `${ds.name}: column ${q} does not read as time: ${why}.`;
  throw new DataError('bad-option', ds.name, message, { column: time });
}

/** The column names in file order, from the preview's header; any it lacks go last, numeric first. */
function fileOrder(ds: TableDataset): string[] {
  const known = new Set([...ds.columns.map((c) => c.name), ...ds.labels.map((l) => l.name)]);
  const order = ds.preview.header.filter((n) => known.has(n));
  const listed = new Set(order);
  for (const n of known) if (!listed.has(n)) order.push(n);
  return order;
}

/**
 * Roles and defaults for a table. `time`: undefined = detect (the best candidate), null = no time
 * column, a name = that column (a DataError naming it when it does not read as time). Columns that
 * read as time but are not the axis in use are no input either: a numeric one is an index, a text
 * one a label.
 */
export function analyzeTable(ds: TableDataset, time?: string | null): TableLayout {
  const timeCandidates = detectTimeColumns(ds);
  const axis = pickTime(ds, timeCandidates, time);
  const keys = detectKeys(ds, axis);
  const numeric = new Map(ds.columns.map((c) => [c.name, c]));
  const labels = new Map(ds.labels.map((l) => [l.name, l]));
  const otherTime = new Map(timeCandidates.filter((a) => a !== axis).map((a) => [a.column, a]));

  const columns: ColumnInfo[] = fileOrder(ds).map((name) => {
    const col = numeric.get(name);
    const other = otherTime.get(name);
    if (axis && name === axis.column) {
      return { name, numeric: !!col, role: 'time', reason: timeReason(axis, keys.length > 0) };
    }
    if (col) {
      if (other) return { name, numeric: true, role: 'index', reason: notInUse(other) };
      const index = indexReason(col);
      if (index) return { name, numeric: true, role: 'index', reason: index };
      return { name, numeric: true, role: 'value', reason: '' };
    }
    const k = keys.findIndex((key) => key.name === name);
    if (k >= 0) return { name, numeric: false, role: 'key', reason: keyReason(keys[k], k === 0) };
    if (other) return { name, numeric: false, role: 'label', reason: notInUse(other) };
    return { name, numeric: false, role: 'label', reason: labelReason(labels.get(name)!) };
  });

  const defaultInputs = columns.filter((c) => c.role === 'value').map((c) => c.name);
  const defaultTarget = defaultInputs.length ? defaultInputs[defaultInputs.length - 1] : null;
  for (const c of columns) {
    if (c.role === 'value') c.reason = valueReason(numeric.get(c.name)!, c.name === defaultTarget);
  }
  return { columns, time: axis, timeCandidates, keys, defaultInputs, defaultTarget };
}
