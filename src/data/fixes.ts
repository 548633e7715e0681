// The two fixes offered for missing values: drop the rows that have them, or fill each gap with the
// last value before it (leading gaps take the first value after them).

import { DataError, type MissingFix } from './errors';
import { columnStats } from './stats';
import type { NumericColumn, TableDataset } from './types';

function pick(ds: TableDataset, columns?: string[]): NumericColumn[] {
  if (!columns) return ds.columns;
  return columns.map((name) => {
    const c = ds.columns.find((x) => x.name === name);
    if (!c) throw new DataError('bad-option', ds.name, `${ds.name}: there is no numeric column ${JSON.stringify(name)}.`);
    return c;
  });
}

/** Number of missing values per numeric column (only columns that have some). */
export function countMissing(ds: TableDataset, columns?: string[]): { name: string; count: number }[] {
  return pick(ds, columns)
    .filter((c) => c.stats.missing > 0)
    .map((c) => ({ name: c.name, count: c.stats.missing }));
}

/** A copy without the rows that miss a value in any of `columns` (default: every numeric column). */
export function dropMissingRows(ds: TableDataset, columns?: string[]): TableDataset {
  const check = pick(ds, columns);
  const keep = new Uint8Array(ds.rowCount).fill(1);
  let kept = ds.rowCount;
  for (const c of check) {
    const v = c.values;
    for (let i = 0; i < ds.rowCount; i++) {
      if (keep[i] && v[i] !== v[i]) {
        keep[i] = 0;
        kept--;
      }
    }
  }
  if (kept === 0) {
    throw new DataError(
      'missing-values',
      ds.name,
      `${ds.name}: every row misses a value; dropping them would leave nothing. Try filling forward instead.`,
    );
  }
  const idx = new Int32Array(kept);
  for (let i = 0, k = 0; i < ds.rowCount; i++) if (keep[i]) idx[k++] = i;
  const columnsOut = ds.columns.map((c) => {
    const values = new Float64Array(kept);
    for (let k = 0; k < kept; k++) values[k] = c.values[idx[k]];
    return { name: c.name, values, stats: columnStats(values) };
  });
  const rowRefs = new Int32Array(kept);
  for (let k = 0; k < kept; k++) rowRefs[k] = ds.rowRefs[idx[k]];
  return {
    ...ds,
    rowCount: kept,
    columns: columnsOut,
    labels: ds.labels.map((l) => ({ ...l, values: Array.from(idx, (i) => l.values[i]) })),
    rowRefs,
  };
}

/** Fills one array in place: forward, then backward for a leading gap. Returns how many it filled. */
export function fillForwardValues(v: Float64Array): number {
  let last = NaN;
  let filled = 0;
  let firstValid = -1;
  for (let i = 0; i < v.length; i++) {
    if (v[i] === v[i]) {
      last = v[i];
      if (firstValid < 0) firstValid = i;
    } else if (last === last) {
      v[i] = last;
      filled++;
    }
  }
  for (let i = 0; i < firstValid; i++) {
    v[i] = v[firstValid];
    filled++;
  }
  return filled;
}

/** A copy where each missing value in `columns` (default: all) repeats the last value before it. */
export function fillForward(ds: TableDataset, columns?: string[]): TableDataset {
  const fill = new Set(pick(ds, columns).map((c) => c.name));
  return {
    ...ds,
    columns: ds.columns.map((c) => {
      if (!fill.has(c.name) || c.stats.missing === 0) return c;
      const values = c.values.slice();
      fillForwardValues(values);
      return { name: c.name, values, stats: columnStats(values) };
    }),
  };
}

export function applyFix(ds: TableDataset, fix: MissingFix, columns?: string[]): TableDataset {
  return fix === 'drop-rows' ? dropMissingRows(ds, columns) : fillForward(ds, columns);
}
