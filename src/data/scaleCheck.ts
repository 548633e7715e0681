// Values too large for a model without normalisation: a tanh or sigmoid fed 1e6 saturates, its
// gradient vanishes, and the loss stays huge; a column 1e4 times smaller than another is drowned out.

import type { Normalization } from './normalize';
import type { TableDataset } from './types';

/** A column's values reach this magnitude, or the chosen columns' magnitudes differ by this factor. */
const SCALE_LIMIT = 1e4;

/** 1.0e9, -2.3e5, 1.0e-3. */
function sci(v: number): string {
  return v.toExponential(1).replace('e+', 'e');
}

/**
 * A warning (with the fix) per input/target column whose values reach about 1e4 (max |value| ≥ 1e4),
 * and one when the largest and smallest magnitudes across the chosen columns differ by 1e4 or more,
 * when normalisation is 'none'; [] otherwise. Names that are not numeric columns are skipped.
 */
export function scaleWarnings(ds: TableDataset, columns: string[], normalize: Normalization): string[] {
  if (normalize !== 'none') return [];
  const fix = 'Choose z-score normalisation.';
  const out: string[] = [];
  const sized: { name: string; size: number; peak: number }[] = [];
  for (const name of new Set(columns)) {
    const c = ds.columns.find((x) => x.name === name);
    if (!c || c.stats.count === 0) continue;
    const { min, max } = c.stats;
    const peak = Math.abs(min) > Math.abs(max) ? min : max;
    const size = Math.abs(peak);
    if (size >= SCALE_LIMIT) {
      const what = 'without normalisation: the model saturates and the loss stays huge';
      out.push(`${name} reaches ${sci(peak)} ${what}. ${fix}`);
    }
    if (size > 0) sized.push({ name, size, peak });
  }
  if (sized.length >= 2) {
    const big = sized.reduce((a, b) => (b.size > a.size ? b : a));
    const small = sized.reduce((a, b) => (b.size < a.size ? b : a));
    const ratio = big.size / small.size;
    if (ratio >= SCALE_LIMIT) {
      out.push(
        `${small.name} (up to ${sci(small.peak)}) is ${sci(ratio)} times smaller than ` +
          `${big.name} (up to ${sci(big.peak)}) without normalisation: the model hardly sees it. ${fix}`,
      );
    }
  }
  return out;
}

/** Shown with 4 significant digits: 412.3, 0.001234, 1.2e6. */
function short(v: number): string {
  return Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? sci(v) : String(Number(v.toPrecision(4)));
}

/**
 * A warning per target column when most of its validation rows [trainRows, rows) lie outside the
 * range of its training rows: a model of z-scored (or raw, or min-max) levels has never seen such
 * values and rarely predicts past them, so a rising series is forecast flat or falling. Modelling
 * changes fixes that. Nothing for 'changes', or when there is no validation part.
 */
export function trendWarnings(ds: TableDataset, targets: string[], trainRows: number, normalize: Normalization): string[] {
  if (normalize === 'changes') return [];
  const out: string[] = [];
  for (const name of new Set(targets)) {
    const c = ds.columns.find((x) => x.name === name);
    if (!c || trainRows < 2 || trainRows >= ds.rowCount) continue;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < trainRows; i++) {
      const v = c.values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    let outside = 0;
    let counted = 0;
    let extreme = NaN;
    for (let i = trainRows; i < ds.rowCount; i++) {
      const v = c.values[i];
      if (v !== v) continue;
      counted++;
      if (v > max || v < min) {
        outside++;
        if (!(Math.abs(v - (min + max) / 2) <= Math.abs(extreme - (min + max) / 2))) extreme = v;
      }
    }
    if (counted > 0 && outside * 2 > counted) {
      out.push(
        `${name}: ${outside} of the ${counted} validation rows lie outside the range it trains on (${short(min)} to ${short(max)}; ` +
          `it reaches ${short(extreme)}). A model of levels rarely predicts past what it saw: normalise by "changes" to model each step's change.`,
      );
    }
  }
  return out;
}
