// Numeric columns that number or name rows instead of measuring something: row numbers (1, 2, 3…),
// ids (county FIPS codes). They are never a model input, and never a series of a long table.

import { isIdName, isUnnamed } from './columnNames';
import type { NumericColumn } from './types';

/** A number for a column description: whole numbers as they are, others to 4 significant digits. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/**
 * Why `col` is an index rather than a measurement, in a few words for the column table, or null when
 * it is a measurement. Whole numbers count as an index when they are named as ids ("id",
 * "county_id", "#") and all different, or go up or down by exactly 1 (row numbers, years), or rise
 * or fall strictly in a column without a name of its own. A strictly rising column with a name of
 * its own and other steps stays a measurement: a running total rises strictly too. Three values at
 * least, except for columns named as ids.
 */
export function indexReason(col: NumericColumn): string | null {
  const v = col.values;
  let count = 0;
  let prev = NaN;
  let step = NaN;
  let rising = true;
  let falling = true;
  let even = true;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) continue;
    if (!Number.isInteger(x)) return null;
    if (count > 0) {
      const d = x - prev;
      if (d <= 0) rising = false;
      if (d >= 0) falling = false;
      if (count === 1) step = d;
      else if (d !== step) even = false;
    }
    prev = x;
    count++;
  }
  const idName = isIdName(col.name);
  if (count < (idName ? 2 : 3)) return null;
  const range = `${formatValue(col.stats.min)}–${formatValue(col.stats.max)}`;
  if (idName && allDifferent(v)) return `ids ${range}, every one different: an identifier, not a measurement`;
  const way = rising ? 'rising' : 'falling';
  if ((rising || falling) && even && Math.abs(step) === 1) {
    return `whole numbers ${range} ${way} by 1: a row number, not a measurement`;
  }
  if ((rising || falling) && isUnnamed(col.name)) {
    return `whole numbers ${range} ${way} row by row: a row number, not a measurement`;
  }
  return null;
}

function allDifferent(v: Float64Array): boolean {
  const seen = new Set<number>();
  for (const x of v) {
    if (x !== x) continue;
    if (seen.has(x)) return false;
    seen.add(x);
  }
  return true;
}
