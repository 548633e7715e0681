// What the training loop asks of a dataset: batches of windows (batch-first) for training and a
// fixed batch for validation, with the shapes and loss the head needs; and the person's choices
// that make one (./batchSource.ts builds it).

import type { FitNote } from './fitWindow';
import type { Normalization } from './normalize';

/**
 * How a loaded table is read before anything else (./shape.ts): which column is time, and for a
 * long-format file (symbol,date,price) which key column splits it into series and which of them
 * are taken.
 */
export interface DataShape {
  /** The time column (the x axis): 'auto' = the one detected, '' = none (rows), else its name. */
  time: string;
  /** The long-format key column: 'auto' = the one detected, '' = none (the table as it is), else its name. */
  key: string;
  /** The key's values taken as series, one column each ([] = the first value). */
  keys: string[];
}

/** The user's choices about a loaded table: how it is read, which columns go in, which are predicted. */
export interface DataChoice extends DataShape {
  inputColumns: string[];
  targetColumns: string[];
  normalize: Normalization;
  validationFraction: number;
  missing: 'drop' | 'ffill' | 'none';
}

export interface Batch {
  /** (B, T, inputSize) */
  x: Float32Array;
  /** many-to-many: (B, T, outputSize) values or (B, T) class ids (-1 = ignored);
   *  many-to-one: (B, outputSize) or (B). */
  y: Float32Array;
  /** Windows over a table: the table row of each window's first input step (B). */
  rows?: Int32Array;
}

/**
 * A table's whole series, normalised, in time order: what a forecast from the end of the data
 * and a backtest read (random windows do not say where they lie). The model reading row r
 * predicts the target columns of row r + 1.
 */
/** Where a column of predictions lies in the table, and how changes add up to levels (see BatchSource.denormalize). */
export interface LevelsAt {
  firstRow: number;
  how: 'each' | 'chained';
}

export interface TableSeries {
  /** Rows of the table the run trains on (after missing values were dropped or filled). */
  rows: number;
  /** The first row a window may read: 1 when the run models changes (row 0 has none), else 0. */
  firstRow: number;
  /** The first row no training window reaches: rows [validationStart, rows) were never trained on. */
  validationStart: number;
  /**
   * Rows [startRow, startRow + length): the inputs (length, inputSize) as the model reads them,
   * and the target columns of the same rows (length, outputSize), both normalised.
   */
  window(startRow: number, length: number): { x: Float32Array; targets: Float32Array };
}

export interface BatchSource {
  /** Steps per window: the run's choice, or fixed by ready-made sequences. */
  seqLen: number;
  inputSize: number;
  /** Values per target (MSE) or classes (cross-entropy). */
  outputSize: number;
  loss: 'mse' | 'cross_entropy';
  task: 'many-to-many' | 'many-to-one';
  /**
   * A sequence-to-sequence task laid out as one many-to-many window: the first `sourceLength`
   * steps are the source (targets ignored), the rest the decoder's (src/models/seq2seq.ts).
   */
  seq2seq?: { sourceLength: number; targetLength: number };
  /** Token strings when inputs are one-hot tokens (character-level text), for sampling. */
  vocab?: string[];
  /** Targets are the input columns (a forecaster can feed its predictions back in). */
  forecastable: boolean;
  /**
   * Target column j back in the data's own units (normalisation inverted for display). `at`: the
   * table row of values[0]; needed when the run models changes, whose predictions become levels
   * from the true level of the row before each ('each', one step ahead) or before the first
   * ('chained', a forecast).
   */
  denormalize(j: number, values: ArrayLike<number>, at?: LevelsAt): Float32Array;
  /** Names of the target columns. */
  targetNames: string[];
  /** Present for tables only (tokens and ready-made sequences have no one series to continue). */
  table?: TableSeries;
  /** What preparation noticed and worked around (e.g. a validation split too short: none is used). */
  warnings: string[];
  /** The sequence length or validation share changed to fit a short series, each with why (./fitWindow.ts). */
  fitNotes: FitNote[];
  /** Why there is no validation (the loss legend says so), or null when there is. */
  noValidation: string | null;
  /** A random training batch of B windows. */
  train(B: number, rng: { int(n: number): number }): Batch;
  /** The same validation batch every time (B windows), or null when there is none. */
  validation(B: number): Batch | null;
  /** Every training and validation sample, for a script elsewhere to make the same batches (src/export/). */
  exportSamples(B: number): SampleExport;
}

/**
 * A run's samples as plain arrays. Tables and text keep their compact form (the normalised table
 * or the token ids, and where each window starts); other tasks come as every sample's (x, y),
 * batch-first. `valBatch` lists the validation samples the page's validation batch holds, in order.
 */
export type SampleExport = (
  | {
      /** Window s: inputs table[start_s + t, inputCols], targets table[start_s + targetOffset + t, targetCols], t < seqLen. */
      kind: 'windows';
      /** [rows, cols], normalised. */
      table: Float32Array;
      cols: number;
      inputCols: Int32Array;
      targetCols: Int32Array;
      targetOffset: number;
      trainStarts: Int32Array;
      valStarts: Int32Array | null;
      /** The table's columns, and how each was normalised: normalised = (value - offset) / scale, fitted on rows [0, fitRows). */
      normalization: { kind: Normalization; columns: string[]; offset: number[]; scale: number[]; fitRows: number };
    }
  | {
      /** Window s: inputs one-hot ids[start_s + t], targets ids[start_s + t + 1], t < seqLen. */
      kind: 'tokens';
      ids: Int32Array;
      vocabSize: number;
      trainStarts: Int32Array;
      valStarts: Int32Array | null;
    }
  | {
      /** x [count, T, inputSize]; y as Batch.y lays out one sample, stacked. */
      kind: 'samples';
      trainX: Float32Array;
      trainY: Float32Array;
      valX: Float32Array | null;
      valY: Float32Array | null;
    }
) & { trainCount: number; valCount: number; valBatch: Int32Array | null };

/** Slices steps [t0, t0 + k) of every sequence in a batch-first (B, T, F) array. */
function sliceSteps(x: Float32Array, B: number, T: number, F: number, t0: number, k: number): Float32Array {
  const out = new Float32Array(B * k * F);
  for (let b = 0; b < B; b++) out.set(x.subarray((b * T + t0) * F, (b * T + t0 + k) * F), b * k * F);
  return out;
}

/**
 * Chunk c of k steps of a batch of B windows, for truncated BPTT: inputs always, targets where
 * there is one per step (many-to-many); many-to-one targets are per window and stay whole. With
 * k equal to the window the batch comes back as it is.
 */
export function chunk(source: BatchSource, batch: Batch, B: number, c: number, k: number): Batch {
  const T = source.seqLen;
  if (k >= T) return batch;
  const perTarget = source.loss === 'mse' ? source.outputSize : 1;
  return {
    x: sliceSteps(batch.x, B, T, source.inputSize, c * k, k),
    y: source.task === 'many-to-many' ? sliceSteps(batch.y, B, T, perTarget, c * k, k) : batch.y,
  };
}
