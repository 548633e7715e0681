// From a loaded dataset and the person's choices to what the training loop needs: a BatchSource
// (windows, normalisation fitted on the training split, targets in the head's layout).

import { applyFix } from './fixes';
import { makeBatch } from './batches';
import { changesToLevels, denormalize } from './normalize';
import { fitWindow } from './fitWindow';
import { prepare, type Prepared, type SampleSet, type WindowSet } from './prep';
import { scaleWarnings, trendWarnings } from './scaleCheck';
import type { Batch, BatchSource, DataChoice, TableSeries } from './source';
import type { Dataset } from './types';

/** The columns a table trains on when the user has not chosen: all numeric inputs, predict the first. */
export function defaultChoice(ds: Dataset): DataChoice {
  const numeric = ds.kind === 'table' ? ds.columns.map((c) => c.name) : [];
  return { time: 'auto', key: 'auto', keys: [], inputColumns: numeric, targetColumns: numeric.slice(0, 1), normalize: 'zscore', validationFraction: 0.2, missing: 'none' };
}

export function makeBatchSource(loaded: Dataset, choice: DataChoice, seqLen: number): BatchSource {
  let prepared: Prepared;
  let fit: ReturnType<typeof fitWindow> | null = null;
  // The user's answer to missing values: drop those rows, or carry the last value forward.
  const ds = loaded.kind === 'table' && choice.missing !== 'none' ? applyFix(loaded, choice.missing === 'drop' ? 'drop-rows' : 'fill-forward') : loaded;
  if (ds.kind === 'table') {
    const known = new Set(ds.columns.map((c) => c.name));
    const inputs = choice.inputColumns.filter((c) => known.has(c));
    const targets = choice.targetColumns.filter((c) => known.has(c));
    if (inputs.length === 0) throw new Error(`${ds.name}: choose at least one numeric input column.`);
    // A short series gets a window (and validation share) that fits it, each change said beside its field.
    fit = fitWindow(ds.rowCount, { seqLen, validationFraction: choice.validationFraction, horizon: 1 });
    prepared = prepare(ds, {
      inputs,
      targets: targets.length ? targets : inputs.slice(0, 1),
      task: 'many-to-many',
      seqLen: fit.seqLen,
      stride: 1,
      horizon: 1,
      trainFraction: 1 - fit.validationFraction,
      normalization: choice.normalize,
    });
  } else if (ds.kind === 'tokens') {
    prepared = prepare(ds, { seqLen, stride: Math.max(1, Math.floor(seqLen / 2)), trainFraction: 1 - choice.validationFraction });
  } else {
    prepared = prepare(ds, { trainFraction: 1 - choice.validationFraction });
  }
  if (prepared.task === 'seq2seq') return seq2seqSource(prepared);
  const train = prepared.train;
  const classes = prepared.targetKind === 'class';
  const fixedT = ds.kind === 'sequences' ? train.seqLen : (fit?.seqLen ?? seqLen);
  const task = prepared.task;
  const toBatch = (set: SampleSet, samples: ArrayLike<number>): Batch => {
    const b = makeBatch(set, samples, true);
    if (!classes) return { x: b.x, y: b.y, rows: set.kind === 'windows' ? Int32Array.from(b.indices, (i) => set.starts[i]) : undefined };
    // Class targets go to the loss kernel as ids; -1 marks a step the loss ignores (mask 0).
    const y = new Float32Array(b.yIds!.length);
    for (let i = 0; i < y.length; i++) y[i] = b.mask && b.mask[i] === 0 ? -1 : b.yIds![i];
    return { x: b.x, y };
  };
  const norm = prepared.normalizer;
  const sameColumns = ds.kind === 'table' && prepared.inputNames.length === prepared.targetNames.length && prepared.inputNames.every((n, i) => n === prepared.targetNames[i]);
  return {
    seqLen: fixedT,
    inputSize: train.inputSize,
    outputSize: train.targetSize,
    loss: classes ? 'cross_entropy' : 'mse',
    task: task === 'many-to-one' ? 'many-to-one' : 'many-to-many',
    vocab: ds.kind === 'tokens' ? ds.vocab : undefined,
    forecastable: sameColumns && !classes,
    targetNames: prepared.targetNames,
    warnings: [
      ...prepared.warnings.map((w) => w.message),
      ...(ds.kind === 'table' ? scaleWarnings(ds, [...prepared.inputNames, ...prepared.targetNames], choice.normalize) : []),
      ...(ds.kind === 'table' && prepared.val ? trendWarnings(ds, prepared.targetNames, prepared.trainRows ?? ds.rowCount, choice.normalize) : []),
    ],
    fitNotes: fit?.notes ?? [],
    noValidation: fit?.noValidation ?? (prepared.val && prepared.val.count > 0 ? null : noValidationReason(prepared)),
    denormalize(j, values, at) {
      if (!norm || norm.kind === 'none') return Float32Array.from(values);
      const column = prepared.targetNames[j];
      if (norm.kind !== 'changes') return Float32Array.from(denormalize(norm, column, values));
      if (!at) throw new Error('This run models changes: say which table row the predictions start at, to add them to the true levels.');
      return Float32Array.from(changesToLevels(norm, column, values, at.firstRow, at.how));
    },
    table: train.kind === 'windows' ? tableSeries(train, prepared.trainRows ?? train.data.length / train.cols, norm?.kind === 'changes' ? 1 : 0) : undefined,
    ...samplers(prepared, toBatch, true),
  };
}

/** Why a run has no validation: what preparation said, or the share asked for. */
function noValidationReason(prepared: Prepared): string {
  return prepared.warnings.find((w) => w.code === 'few-rows')?.message ?? 'no validation split';
}

/** The whole table behind a set of windows: any rows, read as the windows read them. */
function tableSeries(set: WindowSet, trainRows: number, firstRow: number): TableSeries {
  const rows = set.data.length / set.cols;
  return {
    rows,
    firstRow,
    validationStart: trainRows,
    window(startRow, length) {
      if (!(Number.isInteger(startRow) && Number.isInteger(length) && startRow >= firstRow && length >= 1 && startRow + length <= rows)) {
        throw new RangeError(`rows ${startRow}..${startRow + length - 1} are not all in the table's ${rows} rows`);
      }
      // One window starting at startRow whose targets are its own rows (no offset).
      const one: WindowSet = { ...set, count: 1, seqLen: length, targetLen: length, starts: Int32Array.of(startRow), targetOffset: 0 };
      const b = makeBatch(one, [0], false);
      return { x: b.x, targets: b.y };
    },
  };
}

/** The validation batch of B samples out of `count`: evenly spread, in order. */
function validationSamples(count: number, B: number): Int32Array {
  return Int32Array.from({ length: B }, (_, i) => Math.floor((i * count) / B) % count);
}

/**
 * Random training batches, one fixed, evenly spread validation batch (so successive losses
 * compare), and the samples for export: compact (table or token windows) when `compact` and the
 * batches are plain windows, else every sample as `toBatch` makes it.
 */
function samplers(prepared: Prepared, toBatch: (set: SampleSet, samples: ArrayLike<number>) => Batch, compact: boolean): Pick<BatchSource, 'train' | 'validation' | 'exportSamples'> {
  const { train, val } = prepared;
  let valCache: Batch | null = null;
  const every = (set: SampleSet) => toBatch(set, Array.from({ length: set.count }, (_, i) => i));
  return {
    train: (B, rng) => toBatch(train, Array.from({ length: B }, () => rng.int(train.count))),
    validation(B) {
      if (!val || val.count === 0) return null;
      valCache ??= toBatch(val, validationSamples(val.count, B));
      return valCache;
    },
    exportSamples(B) {
      const hasVal = val !== null && val.count > 0;
      const counts = { trainCount: train.count, valCount: hasVal ? val.count : 0, valBatch: hasVal ? validationSamples(val.count, B) : null };
      if (compact && train.kind === 'windows' && (!val || val.kind === 'windows')) {
        const { data, cols, inputCols, targetCols, targetOffset } = train;
        const n = prepared.normalizer;
        const normalization = n
          ? { kind: n.kind, columns: n.columns, offset: Array.from(n.offset), scale: Array.from(n.scale), fitRows: n.fitRows }
          : { kind: 'none' as const, columns: [...prepared.inputNames, ...prepared.targetNames.filter((c) => !prepared.inputNames.includes(c))], offset: [], scale: [], fitRows: 0 };
        return { kind: 'windows', table: data, cols, inputCols, targetCols, targetOffset, trainStarts: train.starts, valStarts: hasVal ? val.starts : null, normalization, ...counts };
      }
      if (compact && train.kind === 'token-windows' && (!val || val.kind === 'token-windows')) {
        return { kind: 'tokens', ids: Int32Array.from(train.ids), vocabSize: train.inputSize, trainStarts: train.starts, valStarts: hasVal ? val.starts : null, ...counts };
      }
      const v = hasVal ? every(val) : null;
      const t = every(train);
      return { kind: 'samples', trainX: t.x, trainY: t.y, valX: v?.x ?? null, valY: v?.y ?? null, ...counts };
    },
  };
}

/**
 * A sequence-to-sequence task as one many-to-many window of S + U steps (see src/models/seq2seq.ts):
 * rows [0, S) the source tokens (one-hot), row S a start token, rows S+1 .. S+U-1 the target
 * shifted right (teacher forcing: the decoder reads the true previous token); targets -1 (ignored
 * by the loss) on the source steps, then the U target tokens. Input width: max(source vocabulary,
 * target classes + 1); the start token is index `classes`.
 */
function seq2seqSource(prepared: Prepared): BatchSource {
  const train = prepared.train;
  const classes = prepared.classNames?.length ?? 0;
  if (prepared.targetKind !== 'class' || classes === 0) throw new Error('A sequence-to-sequence task needs class (token) targets: the decoder reads its previous output token.');
  const S = train.seqLen;
  const U = train.targetLen;
  const V = train.inputSize;
  const I = Math.max(V, classes + 1);
  const T = S + U;
  const toBatch = (set: SampleSet, samples: ArrayLike<number>): Batch => {
    const b = makeBatch(set, samples, false);
    const B = b.size;
    const x = new Float32Array(B * T * I);
    const y = new Float32Array(B * T).fill(-1);
    for (let i = 0; i < B; i++) {
      for (let t = 0; t < S; t++) x.set(b.x.subarray((i * S + t) * V, (i * S + t + 1) * V), (i * T + t) * I);
      for (let k = 0; k < U; k++) {
        const id = b.yIds![i * U + k];
        const previous = k === 0 ? classes : b.yIds![i * U + k - 1];
        x[(i * T + S + k) * I + previous] = 1;
        if (!b.mask || b.mask[i * U + k] !== 0) y[i * T + S + k] = id;
      }
    }
    return { x, y };
  };
  return {
    seqLen: T,
    inputSize: I,
    outputSize: classes,
    loss: 'cross_entropy',
    task: 'many-to-many',
    seq2seq: { sourceLength: S, targetLength: U },
    forecastable: false,
    targetNames: prepared.targetNames,
    warnings: prepared.warnings.map((w) => w.message),
    fitNotes: [],
    noValidation: prepared.val && prepared.val.count > 0 ? null : noValidationReason(prepared),
    denormalize: (_j, values) => Float32Array.from(values),
    ...samplers(prepared, toBatch, false),
  };
}
