// From a dataset to training samples: a split by time, normalisation fitted on the training part
// only (./normalize.ts), and windows of (sequence length, stride); ./batches.ts makes batches of them.

import { DataError, type DataWarning } from './errors';
import { differences, fitChanges, fitNormalizer, type Normalization, type Normalizer } from './normalize';
import type { Dataset, SequenceDataset, TableDataset, TargetKind, Task, TokenDataset } from './types';

// ---------------------------------------------------------------- split and windows

/** Rows [0, k) train, [k, n) validate, with k = round(n × trainFraction). */
export function splitIndex(n: number, trainFraction: number): number {
  return Math.max(0, Math.min(n, Math.round(n * trainFraction)));
}

/** Window starts s = from, from + stride, ... with s + span <= to. */
export function windowStarts(from: number, to: number, span: number, stride: number): Int32Array {
  if (to - from < span) return new Int32Array(0);
  const count = Math.floor((to - from - span) / stride) + 1;
  const out = new Int32Array(count);
  for (let k = 0; k < count; k++) out[k] = from + k * stride;
  return out;
}

// ---------------------------------------------------------------- sample sets

interface SetShape {
  count: number;
  seqLen: number;
  /** Features per input step (the vocabulary size for one-hot tokens). */
  inputSize: number;
  targetLen: number;
  /** Values per target step (the number of classes for class targets). */
  targetSize: number;
  targetKind: TargetKind;
}

/** Windows over a normalised table: data is [rows, cols] row-major. */
export interface WindowSet extends SetShape {
  kind: 'windows';
  data: Float32Array;
  cols: number;
  inputCols: Int32Array;
  targetCols: Int32Array;
  starts: Int32Array;
  /** Rows from a window's start to its first target row. */
  targetOffset: number;
}

/** Windows over token ids; the target of each step is the next token. */
export interface TokenWindowSet extends SetShape {
  kind: 'token-windows';
  ids: Uint16Array;
  starts: Int32Array;
}

/** A subset of ready-made sequences. */
export interface DenseSet extends SetShape {
  kind: 'dense';
  source: SequenceDataset;
  indices: Int32Array;
}

export type SampleSet = WindowSet | TokenWindowSet | DenseSet;

export interface Prepared {
  train: SampleSet;
  /** null when there is no validation split (trainFraction 1, or too little data). */
  val: SampleSet | null;
  normalizer: Normalizer | null;
  task: Task;
  inputNames: string[];
  targetNames: string[];
  targetKind: TargetKind;
  /** For class targets: the class names (the vocabulary for text). */
  classNames: string[] | null;
  warnings: DataWarning[];
  /** Tables: rows [0, trainRows) are the training split (the normaliser's fit included). */
  trainRows?: number;
}

function badOption(file: string, message: string): DataError {
  return new DataError('bad-option', file, `${file}: ${message}`);
}

function checkInt(file: string, what: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw badOption(file, `the ${what} must be a whole number of at least ${min} (got ${v}).`);
  }
}

function checkFraction(file: string, f: number): void {
  if (!(f > 0 && f <= 1)) {
    throw badOption(file, `the training fraction must be above 0 and at most 1 (got ${f}).`);
  }
}

// ---------------------------------------------------------------- tables

export interface TableSpec {
  /** Numeric columns fed to the model at each step. */
  inputs: string[];
  /** Numeric columns to predict (default: the inputs). */
  targets?: string[];
  task?: Task;
  seqLen: number;
  /** Steps between window starts (default 1). */
  stride?: number;
  /** many-to-many and many-to-one: how many steps ahead the target lies (default 1; 0 = same step). */
  horizon?: number;
  /** seq2seq: output steps after the input window (default: seqLen). */
  outputLen?: number;
  /** Share of rows (from the start) used for training (default 0.8). */
  trainFraction?: number;
  normalization?: Normalization;
}

export function prepareTable(ds: TableDataset, spec: TableSpec): Prepared {
  const file = ds.name;
  const task = spec.task ?? 'many-to-many';
  const seqLen = spec.seqLen;
  const stride = spec.stride ?? 1;
  const horizon = spec.horizon ?? 1;
  const outputLen = spec.outputLen ?? seqLen;
  const trainFraction = spec.trainFraction ?? 0.8;
  checkInt(file, 'sequence length', seqLen, 1);
  checkInt(file, 'stride', stride, 1);
  checkInt(file, 'horizon', horizon, 0);
  if (task === 'seq2seq') checkInt(file, 'output length', outputLen, 1);
  checkFraction(file, trainFraction);
  if (spec.inputs.length === 0) throw badOption(file, 'choose at least one input column.');

  const targets = spec.targets && spec.targets.length ? spec.targets : spec.inputs;
  const used = [...spec.inputs];
  for (const t of targets) if (!used.includes(t)) used.push(t);
  const columns = used.map((name) => {
    const c = ds.columns.find((x) => x.name === name);
    if (!c) {
      const label = ds.labels.some((l) => l.name === name);
      throw badOption(
        file,
        label
          ? `column ${JSON.stringify(name)} is not numeric, so it cannot be an input or a target.`
          : `there is no numeric column ${JSON.stringify(name)}.`,
      );
    }
    if (c.stats.missing > 0) {
      let first = 0;
      while (first < ds.rowCount && c.values[first] === c.values[first]) first++;
      const ref = ds.rowRefKind === 'line' ? `line ${ds.rowRefs[first]}` : `item [${ds.rowRefs[first]}]`;
      throw new DataError(
        'missing-values',
        file,
        `${file}: column ${JSON.stringify(name)} has ${c.stats.missing} missing value${c.stats.missing === 1 ? '' : 's'} ` +
          `(first on ${ref}); drop those rows or fill forward before training.`,
        { column: name, line: ds.rowRefKind === 'line' ? ds.rowRefs[first] : undefined },
      );
    }
    return c;
  });

  const targetOffset = task === 'many-to-many' ? horizon : task === 'many-to-one' ? seqLen - 1 + horizon : seqLen;
  const targetLen = task === 'many-to-many' ? seqLen : task === 'many-to-one' ? 1 : outputLen;
  const span = Math.max(seqLen, targetOffset + targetLen);
  const n = ds.rowCount;
  const trainEnd = splitIndex(n, trainFraction);
  const kind = spec.normalization ?? 'zscore';
  // Changes: row 0 has no change before it, so no window reads it.
  const firstRow = kind === 'changes' ? 1 : 0;

  const trainStarts = windowStarts(firstRow, trainEnd, span, stride);
  if (trainStarts.length === 0) {
    const ahead = span - seqLen;
    const detail =
      task === 'seq2seq' ? ` (${seqLen} in + ${ahead} out)` : ahead > 0 ? ` (${seqLen} + ${ahead} ahead)` : '';
    const have =
      (trainFraction < 1 ? `the training split has only ${trainEnd} of the ${n} rows` : `the file has only ${n} rows`) +
      (firstRow > 0 ? ' (modelling changes, the first row has none and is left out)' : '');
    throw new DataError(
      'too-few-rows',
      file,
      `${file}: too few rows for sequence length ${seqLen}: a window spans ${span} rows${detail}, but ${have}.`,
    );
  }
  const warnings: DataWarning[] = [];
  let valStarts: Int32Array | null = null;
  if (trainEnd < n) {
    valStarts = windowStarts(Math.max(firstRow, trainEnd - targetOffset), n, span, stride);
    if (valStarts.length === 0) {
      valStarts = null;
      warnings.push({
        code: 'few-rows',
        message: `${file}: the validation split (${n - trainEnd} rows) is too short for a window of ${span} rows; training without validation.`,
        fixes: [],
        columns: [],
      });
    }
  }

  const normalizer = kind === 'changes' ? fitChanges(columns, trainEnd) : fitNormalizer(kind, columns, trainEnd);
  const cols = columns.length;
  const data = new Float32Array(n * cols);
  for (let j = 0; j < cols; j++) {
    const v = kind === 'changes' ? differences(columns[j].values) : columns[j].values;
    const o = normalizer.offset[j];
    const s = normalizer.scale[j];
    for (let i = firstRow; i < n; i++) data[i * cols + j] = (v[i] - o) / s;
  }
  const inputCols = Int32Array.from(spec.inputs, (name) => used.indexOf(name));
  const targetCols = Int32Array.from(targets, (name) => used.indexOf(name));
  const make = (starts: Int32Array): WindowSet => ({
    kind: 'windows',
    count: starts.length,
    seqLen,
    inputSize: inputCols.length,
    targetLen,
    targetSize: targetCols.length,
    targetKind: 'real',
    data,
    cols,
    inputCols,
    targetCols,
    starts,
    targetOffset,
  });
  return {
    train: make(trainStarts),
    val: valStarts ? make(valStarts) : null,
    normalizer,
    task,
    inputNames: [...spec.inputs],
    targetNames: [...targets],
    targetKind: 'real',
    classNames: null,
    warnings,
    trainRows: trainEnd,
  };
}

// ---------------------------------------------------------------- tokens (text, melodies)

export interface TokenSpec {
  seqLen: number;
  /** Tokens between window starts (default: seqLen, i.e. windows do not overlap). */
  stride?: number;
  trainFraction?: number;
}

export function prepareTokens(ds: TokenDataset, spec: TokenSpec): Prepared {
  const file = ds.name;
  const seqLen = spec.seqLen;
  const stride = spec.stride ?? seqLen;
  const trainFraction = spec.trainFraction ?? 0.9;
  checkInt(file, 'sequence length', seqLen, 1);
  checkInt(file, 'stride', stride, 1);
  checkFraction(file, trainFraction);
  const unit = ds.unit === 'character' ? 'characters' : 'notes';
  const n = ds.ids.length;
  const span = seqLen + 1;
  const trainEnd = splitIndex(n, trainFraction);
  const trainStarts = windowStarts(0, trainEnd, span, stride);
  if (trainStarts.length === 0) {
    const have =
      trainFraction < 1 ? `the training split has only ${trainEnd} of the ${n} ${unit}` : `the file has only ${n} ${unit}`;
    throw new DataError(
      'too-few-rows',
      file,
      `${file}: too few ${unit} for sequence length ${seqLen}: a window spans ${span} (${seqLen} + 1 ahead), but ${have}.`,
    );
  }
  const warnings: DataWarning[] = [];
  let valStarts: Int32Array | null = null;
  if (trainEnd < n) {
    valStarts = windowStarts(Math.max(0, trainEnd - 1), n, span, stride);
    if (valStarts.length === 0) {
      valStarts = null;
      warnings.push({
        code: 'few-rows',
        message: `${file}: the validation split (${n - trainEnd} ${unit}) is too short for a window of ${span}; training without validation.`,
        fixes: [],
        columns: [],
      });
    }
  }
  const V = ds.vocab.length;
  const make = (starts: Int32Array): TokenWindowSet => ({
    kind: 'token-windows',
    count: starts.length,
    seqLen,
    inputSize: V,
    targetLen: seqLen,
    targetSize: V,
    targetKind: 'class',
    ids: ds.ids,
    starts,
  });
  return {
    train: make(trainStarts),
    val: valStarts ? make(valStarts) : null,
    normalizer: null,
    task: 'many-to-many',
    inputNames: [ds.unit],
    targetNames: [`next ${ds.unit}`],
    targetKind: 'class',
    classNames: ds.vocab,
    warnings,
  };
}

// ---------------------------------------------------------------- ready-made sequences

export interface SequenceSpec {
  /** Share of samples used for training (default 0.8); the rest validate. */
  trainFraction?: number;
}

export function prepareSequences(ds: SequenceDataset, spec: SequenceSpec = {}): Prepared {
  const trainFraction = spec.trainFraction ?? 0.8;
  checkFraction(ds.name, trainFraction);
  const trainCount = Math.max(1, splitIndex(ds.count, trainFraction));
  const shape = {
    seqLen: ds.seqLen,
    inputSize: ds.inputSize,
    targetLen: ds.targetLen,
    targetSize: ds.target.kind === 'real' ? ds.target.size : ds.target.classNames.length,
    targetKind: ds.target.kind,
  };
  const make = (from: number, to: number): DenseSet => {
    const indices = new Int32Array(to - from);
    for (let i = 0; i < indices.length; i++) indices[i] = from + i;
    return { kind: 'dense', count: indices.length, ...shape, source: ds, indices };
  };
  return {
    train: make(0, trainCount),
    val: trainCount < ds.count ? make(trainCount, ds.count) : null,
    normalizer: null,
    task: ds.task,
    inputNames: ds.inputNames,
    targetNames: ds.target.kind === 'real' ? ds.target.names : ['class'],
    targetKind: ds.target.kind,
    classNames: ds.target.kind === 'class' ? ds.target.classNames : null,
    warnings: [],
  };
}

export type PrepareSpec = TableSpec | TokenSpec | SequenceSpec;

/** Dispatches on the dataset kind; the spec must match it (TableSpec for tables, and so on). */
export function prepare(ds: Dataset, spec: PrepareSpec): Prepared {
  if (ds.kind === 'table') return prepareTable(ds, spec as TableSpec);
  if (ds.kind === 'tokens') return prepareTokens(ds, spec as TokenSpec);
  return prepareSequences(ds, spec as SequenceSpec);
}
