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
