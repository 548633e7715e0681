// Per-column statistics, skipping missing values (NaN).

import type { ColumnStats } from './types';

export function columnStats(values: ArrayLike<number>, from = 0, to = values.length): ColumnStats {
  let count = 0;
  let missing = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (v !== v) {
      missing++;
      continue;
    }
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (count === 0) return { count, missing, min: NaN, max: NaN, mean: NaN, std: NaN };
  const mean = sum / count;
  let sq = 0;
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (v === v) sq += (v - mean) * (v - mean);
  }
  return { count, missing, min, max, mean, std: Math.sqrt(sq / count) };
}
