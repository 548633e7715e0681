// Normalisation of numeric columns, fitted on the training part only and inverted for display.

export type Normalization = 'none' | 'zscore' | 'minmax';

/** Per column: normalised = (x - offset) / scale. z-score: mean and std; min-max: min and range (to [0, 1]). */
export interface Normalizer {
  kind: Normalization;
  columns: string[];
  offset: Float64Array;
  scale: Float64Array;
  /** The fit used rows [0, fitRows): the training split. */
  fitRows: number;
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

/** The inverse, for showing predictions in the data's own units. */
export function denormalize(norm: Normalizer, column: string | number, values: ArrayLike<number>): Float64Array {
  const j = columnIndex(norm, column);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] * norm.scale[j] + norm.offset[j];
  return out;
}
