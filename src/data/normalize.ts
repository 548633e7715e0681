// Normalisation of numeric columns, fitted on the training part only and inverted for display.
// "changes" models each row's change from the row before instead of its level: a trending series
// (CO2, prices) leaves the range of levels it trained on, but rarely the range of its changes.
// Its predictions go back to levels from the true level of the row before (./normalize.ts's
// changesToLevels), one step at a time or chained along a forecast.

export type Normalization = 'none' | 'zscore' | 'minmax' | 'changes';

/**
 * Per column: normalised = (x - offset) / scale. z-score: mean and std; min-max: min and range
 * (to [0, 1]); changes: x is the change from the row before, offset and scale its mean and std.
 */
export interface Normalizer {
  kind: Normalization;
  columns: string[];
  offset: Float64Array;
  scale: Float64Array;
  /** The fit used rows [0, fitRows): the training split. */
  fitRows: number;
  /** changes only: each column's levels (the values before differencing), to integrate predictions back. */
  levels?: Float64Array[];
}

/** Row i's change from row i - 1; row 0 has none (NaN). */
export function differences(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  out[0] = NaN;
  for (let i = 1; i < values.length; i++) out[i] = values[i] - values[i - 1];
  return out;
}

/** Fits a normaliser on rows [0, fitRows) of each column (missing values skipped). */
export function fitNormalizer(
  kind: Normalization,
  columns: { name: string; values: ArrayLike<number> }[],
  fitRows: number,
): Normalizer {
  const offset = new Float64Array(columns.length);
  const scale = new Float64Array(columns.length).fill(1);
  columns.forEach((c, j) => {
    if (kind === 'none') return;
    let n = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    const rows = Math.min(fitRows, c.values.length);
    for (let i = 0; i < rows; i++) {
      const v = c.values[i];
      if (v !== v) continue;
      n++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (n === 0) return;
    if (kind === 'minmax') {
      offset[j] = min;
      scale[j] = max > min ? max - min : 1;
      return;
    }
    const mean = sum / n;
    let sq = 0;
    for (let i = 0; i < rows; i++) {
      const v = c.values[i];
      if (v === v) sq += (v - mean) * (v - mean);
    }
    const std = Math.sqrt(sq / n);
    offset[j] = mean;
    scale[j] = std > 0 ? std : 1;
  });
  return { kind, columns: columns.map((c) => c.name), offset, scale, fitRows };
}

/**
 * Fits "changes" on rows [0, fitRows) of each column's levels: the mean and std of the changes
 * within the training split (its first row has none), the levels kept to integrate back.
 */
export function fitChanges(columns: { name: string; values: ArrayLike<number> }[], fitRows: number): Normalizer {
  const changes = columns.map((c) => ({ name: c.name, values: differences(c.values) }));
  const fitted = fitNormalizer('zscore', changes, fitRows);
  return { ...fitted, kind: 'changes', levels: columns.map((c) => Float64Array.from(c.values)) };
}

function columnIndex(norm: Normalizer, column: string | number): number {
  const j = typeof column === 'number' ? column : norm.columns.indexOf(column);
  if (j < 0 || j >= norm.columns.length) throw new RangeError(`normaliser has no column ${String(column)}`);
  return j;
}

export function normalize(norm: Normalizer, column: string | number, values: ArrayLike<number>): Float64Array {
  const j = columnIndex(norm, column);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] - norm.offset[j]) / norm.scale[j];
  return out;
}

/** The inverse, for showing predictions in the data's own units (for "changes": the changes' units; changesToLevels gives levels). */
export function denormalize(norm: Normalizer, column: string | number, values: ArrayLike<number>): Float64Array {
  const j = columnIndex(norm, column);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] * norm.scale[j] + norm.offset[j];
  return out;
}

/**
 * Normalised changes of one column for rows firstRow, firstRow + 1, … back to levels. 'each': every
 * change is added to the true level of the row before it (what a one-step-ahead prediction
 * means); 'chained': the changes are added up from the true level of row firstRow - 1 (a forecast,
 * each step built on the one before).
 */
export function changesToLevels(norm: Normalizer, column: string | number, values: ArrayLike<number>, firstRow: number, how: 'each' | 'chained'): Float64Array {
  const j = columnIndex(norm, column);
  const levels = norm.levels?.[j];
  if (norm.kind !== 'changes' || !levels) throw new Error(`changesToLevels: the normaliser models ${norm.kind}, not changes`);
  if (!(Number.isInteger(firstRow) && firstRow >= 1 && firstRow + (how === 'each' ? values.length - 1 : 0) <= levels.length)) {
    throw new RangeError(`changesToLevels: rows ${firstRow}..${firstRow + values.length - 1} need a true level before them among ${levels.length} rows`);
  }
  const changes = denormalize(norm, j, values);
  const out = new Float64Array(values.length);
  let level = levels[firstRow - 1];
  for (let t = 0; t < values.length; t++) {
    if (how === 'each') level = levels[firstRow + t - 1];
    level += changes[t];
    out[t] = level;
  }
  return out;
}
