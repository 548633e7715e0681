import { describe, it, expect } from 'vitest';
import { makeBatch, type Batch } from './batches';
import { changesToLevels, denormalize, differences, fitChanges, fitNormalizer, normalize } from './normalize';
import { prepare, prepareSequences, prepareTable, prepareTokens, windowStarts, type SampleSet, type WindowSet } from './prep';
import { columnStats } from './stats';
import { addingProblem, copyTask } from './generators';
import type { TableDataset, TokenDataset } from './types';

/** Every sample of a set in order, n at a time (the last batch shorter). */
function batchesOf(set: SampleSet, n: number): Batch[] {
  const out: Batch[] = [];
  for (let i = 0; i < set.count; i += n) out.push(makeBatch(set, Array.from({ length: Math.min(n, set.count - i) }, (_, k) => i + k)));
  return out;
}

function tableOf(name: string, cols: Record<string, number[]>): TableDataset {
  const entries = Object.entries(cols);
  const n = entries[0][1].length;
  return {
    kind: 'table',
    name,
    rowCount: n,
    columns: entries.map(([k, v]) => {
      const values = Float64Array.from(v);
      return { name: k, values, stats: columnStats(values) };
    }),
    labels: [],
    rowRefs: Int32Array.from({ length: n }, (_, i) => i + 2),
    rowRefKind: 'line',
    preview: { header: entries.map(([k]) => k), rows: [] },
  };
}
const range = (n: number, f = (i: number) => i) => Array.from({ length: n }, (_, i) => f(i));

describe('normalisation', () => {
  it('fits z-score on the training rows only', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 100, 200];
    const ds = tableOf('n.csv', { x: v });
    const p = prepareTable(ds, { inputs: ['x'], seqLen: 2, trainFraction: 0.8 });
    const norm = p.normalizer!;
    expect(norm.fitRows).toBe(8);
    expect(norm.offset[0]).toBeCloseTo(4.5, 12);
    expect(norm.scale[0]).toBeCloseTo(Math.sqrt(5.25), 12);
    const data = (p.train as WindowSet).data;
    const train = Array.from(data.subarray(0, 8));
    expect(train.reduce((a, b) => a + b) / 8).toBeCloseTo(0, 6);
    expect(Math.sqrt(train.reduce((a, b) => a + b * b, 0) / 8)).toBeCloseTo(1, 6);
    expect(data[9]).toBeCloseTo((200 - 4.5) / Math.sqrt(5.25), 4);
    // Changing the validation rows leaves the fit alone; changing a training row does not.
    const other = prepareTable(tableOf('n.csv', { x: [...v.slice(0, 8), -5, 1e6] }), { inputs: ['x'], seqLen: 2 });
    expect(Array.from(other.normalizer!.offset)).toEqual(Array.from(norm.offset));
    const moved = prepareTable(tableOf('n.csv', { x: [9, ...v.slice(1)] }), { inputs: ['x'], seqLen: 2 });
    expect(moved.normalizer!.offset[0]).not.toBe(norm.offset[0]);
  });

  it('fits min-max to [0, 1] on the training rows, and inverts exactly', () => {
    const norm = fitNormalizer('minmax', [{ name: 'x', values: [3, 1, 7, 5, 50] }], 4);
    expect([norm.offset[0], norm.scale[0]]).toEqual([1, 6]);
    expect(Array.from(normalize(norm, 'x', [1, 7, 4]))).toEqual([0, 1, 0.5]);
    const back = denormalize(norm, 0, normalize(norm, 'x', [3, 1, 7, 5, 50]));
    expect(Array.from(back)).toEqual([3, 1, 7, 5, 50]);
    const z = fitNormalizer('zscore', [{ name: 'c', values: [2, 2, 2] }], 3);
    expect([z.offset[0], z.scale[0]]).toEqual([2, 1]); // constant column: scale 1, not 0
    const none = fitNormalizer('none', [{ name: 'c', values: [5, 6] }], 2);
    expect([none.offset[0], none.scale[0]]).toEqual([0, 1]);
    expect(() => denormalize(norm, 'y', [1])).toThrow('normaliser has no column y');
  });
});

describe('modelling changes', () => {
  // A trend with a season and a jump, at an odd length: levels leave the training range, changes do not.
  const n = 37;
  const levels = range(n, (i) => 300 + 0.7 * i + 3 * Math.sin(i / 2) + (i > 30 ? 12 : 0));

  it('fits the mean and std of the changes within the training rows, never reading row 0 or the validation part', () => {
    const p = prepareTable(tableOf('trend.csv', { x: levels }), { inputs: ['x'], seqLen: 4, trainFraction: 0.75, normalization: 'changes' });
    const norm = p.normalizer!;
    const trainEnd = 28; // round(37 × 0.75)
    const d = range(trainEnd - 1, (i) => levels[i + 1] - levels[i]);
    const mean = d.reduce((a, b) => a + b) / d.length;
    const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
    expect(norm.kind).toBe('changes');
    expect(norm.offset[0]).toBeCloseTo(mean, 12);
    expect(norm.scale[0]).toBeCloseTo(std, 12);
    const set = p.train as WindowSet;
    for (let r = 1; r < n; r++) expect(set.data[r]).toBeCloseTo((levels[r] - levels[r - 1] - mean) / std, 5);
    // Row 0 has no change: no window, training or validation, starts there or reads it.
    expect(set.starts[0]).toBe(1);
    expect(Math.min(...(p.val as WindowSet).starts)).toBeGreaterThanOrEqual(1);
    // The validation jump does not move the fit; a training row does.
    const jumped = prepareTable(tableOf('trend.csv', { x: levels.map((v, i) => (i > 30 ? v + 1e6 : v)) }), { inputs: ['x'], seqLen: 4, trainFraction: 0.75, normalization: 'changes' });
    expect([jumped.normalizer!.offset[0], jumped.normalizer!.scale[0]]).toEqual([norm.offset[0], norm.scale[0]]);
    const moved = prepareTable(tableOf('trend.csv', { x: levels.map((v, i) => (i === 27 ? v + 5 : v)) }), { inputs: ['x'], seqLen: 4, trainFraction: 0.75, normalization: 'changes' });
    expect(moved.normalizer!.offset[0]).not.toBeCloseTo(norm.offset[0], 6);
  });

  it('adds changes back to levels exactly: each from the true row before, or chained from the first', () => {
    const norm = fitChanges([{ name: 'x', values: levels }], 28);
    const d = differences(levels);
    expect(Number.isNaN(d[0])).toBe(true);
    const z = normalize(norm, 'x', d.subarray(1));
    // True changes give back the true levels both ways.
    expect(Array.from(changesToLevels(norm, 'x', z, 1, 'each'))).toEqual(levels.slice(1).map((v) => expect.closeTo(v, 9)));
    expect(Array.from(changesToLevels(norm, 'x', z.subarray(9), 10, 'chained'))).toEqual(levels.slice(10).map((v) => expect.closeTo(v, 9)));
    // Wrong changes: 'each' errs by each change's error alone, 'chained' accumulates them.
    const off = Float64Array.from(z.subarray(19), (v) => v + 0.5);
    const each = changesToLevels(norm, 'x', off, 20, 'each');
    const chained = changesToLevels(norm, 'x', off, 20, 'chained');
    off.forEach((_, t) => {
      expect(each[t] - levels[20 + t]).toBeCloseTo(0.5 * norm.scale[0], 9);
      expect(chained[t] - levels[20 + t]).toBeCloseTo(0.5 * norm.scale[0] * (t + 1), 9);
    });
    // A forecast past the end chains from the last level.
    expect(changesToLevels(norm, 'x', [0, 0], n, 'chained')[1]).toBeCloseTo(levels[n - 1] + 2 * norm.offset[0], 9);
    expect(() => changesToLevels(norm, 'x', [0], 0, 'each')).toThrow(/true level before/);
    expect(() => changesToLevels(norm, 'x', [0, 0], n, 'each')).toThrow(/true level before/);
    expect(() => changesToLevels(fitNormalizer('zscore', [{ name: 'x', values: levels }], 9), 'x', [0], 1, 'each')).toThrow(/not changes/);
  });

  it('says the first row is left out when too few rows remain for a window', () => {
    expect(() => prepareTable(tableOf('short.csv', { x: [1, 2, 3, 4] }), { inputs: ['x'], seqLen: 3, trainFraction: 1, normalization: 'changes' })).toThrow(
      /too few rows for sequence length 3.*the file has only 4 rows \(modelling changes, the first row has none and is left out\)/,
    );
    expect(() => prepareTable(tableOf('short.csv', { x: [1, 2, 3, 4] }), { inputs: ['x'], seqLen: 3, trainFraction: 1 })).not.toThrow();
  });
});

describe('windows', () => {
  it('places window starts exactly, at odd sizes', () => {
    for (let from = 0; from < 4; from++) {
      for (let to = from; to < 30; to++) {
        for (let span = 1; span < 9; span++) {
          for (let stride = 1; stride < 6; stride++) {
            const want: number[] = [];
            for (let s = from; s + span <= to; s += stride) want.push(s);
            expect(Array.from(windowStarts(from, to, span, stride))).toEqual(want);
          }
        }
      }
    }
  });

  const ds = tableOf('w.csv', { a: range(11), b: range(11, (i) => 100 + i) });

  it('many-to-many: the target of each step is the next row, in [batch, seqLen, features] batches', () => {
    const p = prepareTable(ds, {
      inputs: ['a', 'b'],
      targets: ['b'],
      seqLen: 3,
      stride: 2,
      trainFraction: 1,
      normalization: 'none',
    });
    expect(p.val).toBeNull();
    const set = p.train as WindowSet;
    expect(Array.from(set.starts)).toEqual([0, 2, 4, 6]);
    const batches = batchesOf(set, 3);
    expect(batches.map((b) => b.size)).toEqual([3, 1]);
    const b = batches[0];
    expect([b.seqLen, b.inputSize, b.targetLen, b.targetSize]).toEqual([3, 2, 3, 1]);
    expect(b.x.length).toBe(3 * 3 * 2);
    expect(b.y.length).toBe(3 * 3 * 1);
    for (let i = 0; i < 3; i++) {
      const s = set.starts[i];
      for (let t = 0; t < 3; t++) {
        expect(b.x[(i * 3 + t) * 2 + 0]).toBe(s + t);
        expect(b.x[(i * 3 + t) * 2 + 1]).toBe(100 + s + t);
        expect(b.y[i * 3 + t]).toBe(100 + s + t + 1);
      }
    }
    expect(Array.from(batches[1].x)).toEqual([6, 106, 7, 107, 8, 108]);
    expect(Array.from(batches[1].y)).toEqual([107, 108, 109]);
  });

  it('many-to-one: one target, `horizon` steps after the last input', () => {
    const p = prepareTable(ds, { inputs: ['a'], targets: ['b'], task: 'many-to-one', seqLen: 4, horizon: 2, trainFraction: 1, normalization: 'none' });
    const set = p.train as WindowSet;
    expect(Array.from(set.starts)).toEqual([0, 1, 2, 3, 4, 5]); // span 4 + 2 = 6 rows of 11
    const b = makeBatch(set, [5, 0]);
    expect([b.targetLen, b.targetSize]).toEqual([1, 1]);
    expect(Array.from(b.x)).toEqual([5, 6, 7, 8, 0, 1, 2, 3]);
    expect(Array.from(b.y)).toEqual([100 + 10, 100 + 5]);
  });

  it('seq2seq: the output sequence follows the input window', () => {
    const p = prepareTable(ds, { inputs: ['a'], task: 'seq2seq', seqLen: 3, outputLen: 2, stride: 3, trainFraction: 1, normalization: 'none' });
    const set = p.train as WindowSet;
    expect(Array.from(set.starts)).toEqual([0, 3, 6]);
    const b = makeBatch(set, [2]);
    expect(Array.from(b.x)).toEqual([6, 7, 8]);
    expect(Array.from(b.y)).toEqual([9, 10]);
  });

  it('splits by time: training windows never touch validation rows, validation targets are all after the split', () => {
    const big = tableOf('s.csv', { a: range(20) });
    const p = prepareTable(big, { inputs: ['a'], seqLen: 4, trainFraction: 0.5, normalization: 'none' });
    const train = p.train as WindowSet;
    const val = p.val as WindowSet;
    expect(Array.from(train.starts)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(val.starts)).toEqual([9, 10, 11, 12, 13, 14, 15]);
    for (const b of batchesOf(train, 4)) for (const v of [...b.x, ...b.y]) expect(v).toBeLessThan(10);
    for (const b of batchesOf(val, 4)) for (const v of b.y) expect(v).toBeGreaterThanOrEqual(10);
  });

  it('names the problem when there are too few rows, or a missing value, or a bad option', () => {
    const small = tableOf('sales.csv', { price: range(40) });
    expect(() => prepareTable(small, { inputs: ['price'], seqLen: 50 })).toThrow(
      'sales.csv: too few rows for sequence length 50: a window spans 51 rows (50 + 1 ahead), but the training split has only 32 of the 40 rows.',
    );
    expect(() => prepareTable(small, { inputs: ['price'], seqLen: 30, task: 'seq2seq', outputLen: 20, trainFraction: 1 })).toThrow(
      'sales.csv: too few rows for sequence length 30: a window spans 50 rows (30 in + 20 out), but the file has only 40 rows.',
    );
    const gap = tableOf('gap.csv', { v: [1, 2, NaN, 4, NaN, 6] });
    expect(() => prepareTable(gap, { inputs: ['v'], seqLen: 2 })).toThrow(
      'gap.csv: column "v" has 2 missing values (first on line 4); drop those rows or fill forward before training.',
    );
    expect(() => prepareTable(small, { inputs: ['cost'], seqLen: 2 })).toThrow('sales.csv: there is no numeric column "cost".');
    expect(() => prepareTable(small, { inputs: ['price'], seqLen: 2.5 })).toThrow(
      'sales.csv: the sequence length must be a whole number of at least 1 (got 2.5).',
    );
    expect(() => prepareTable(small, { inputs: ['price'], seqLen: 2, stride: 0 })).toThrow(
      'sales.csv: the stride must be a whole number of at least 1 (got 0).',
    );
    expect(() => prepareTable(small, { inputs: ['price'], seqLen: 2, trainFraction: 0 })).toThrow(
      'sales.csv: the training fraction must be above 0 and at most 1 (got 0).',
    );
  });

  it('trains without validation, with a warning, when the validation split is too short', () => {
    const p = prepareTable(tableOf('v.csv', { a: range(30) }), { inputs: ['a'], seqLen: 10, trainFraction: 0.9 });
    expect(p.val).toBeNull();
    expect(p.warnings.map((w) => w.message)).toEqual([
      'v.csv: the validation split (3 rows) is too short for a window of 11 rows; training without validation.',
    ]);
  });
});

describe('token windows (text)', () => {
  const V = 5;
  const ids = Uint16Array.from(range(23, (i) => i % V));
  const ds: TokenDataset = {
    kind: 'tokens',
    name: 't.txt',
    unit: 'character',
    vocab: ['a', 'b', 'c', 'd', 'e'],
    ids,
    counts: new Int32Array(V),
    preview: '',
  };

  it('cuts windows of ids with next-character targets, one-hot or as ids', () => {
    const p = prepareTokens(ds, { seqLen: 4, trainFraction: 1 });
    expect(Array.from(p.train.kind === 'token-windows' ? p.train.starts : [])).toEqual([0, 4, 8, 12, 16]);
    expect(p.classNames).toEqual(ds.vocab);
    const b = makeBatch(p.train, [1, 4]);
    expect([b.size, b.seqLen, b.inputSize, b.targetLen, b.targetSize]).toEqual([2, 4, V, 4, V]);
    expect(Array.from(b.xIds!)).toEqual([4, 0, 1, 2, 16 % V, 17 % V, 18 % V, 19 % V]);
    expect(Array.from(b.yIds!)).toEqual([0, 1, 2, 3, 17 % V, 18 % V, 19 % V, 20 % V]);
    for (let k = 0; k < 8; k++) {
      const row = Array.from(b.x.subarray(k * V, (k + 1) * V));
      expect(row).toEqual(range(V, (i) => (i === b.xIds![k] ? 1 : 0)));
      expect(b.y[k * V + b.yIds![k]]).toBe(1);
    }
    const ids2 = makeBatch(p.train, [1], false);
    expect([ids2.inputSize, ids2.targetSize]).toEqual([1, 1]);
    expect(Array.from(ids2.x)).toEqual([4, 0, 1, 2]);
  });

  it('splits text by position and says when it is too short', () => {
    const p = prepareTokens(ds, { seqLen: 3, stride: 2, trainFraction: 0.6 });
    expect(p.train.kind === 'token-windows' && Array.from(p.train.starts)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(p.val?.kind === 'token-windows' && Array.from(p.val.starts)).toEqual([13, 15, 17, 19]);
    expect(() => prepareTokens(ds, { seqLen: 30 })).toThrow(
      't.txt: too few characters for sequence length 30: a window spans 31 (30 + 1 ahead), but the training split has only 21 of the 23 characters.',
    );
  });
});

describe('ready-made sequences and batches', () => {
  it('batches the adding problem as [batch, seqLen, 2] with one target each', () => {
    const ds = addingProblem(7, 10, 3);
    const p = prepareSequences(ds, { trainFraction: 0.8 });
    expect([p.train.count, p.val?.count]).toEqual([8, 2]);
    const b = makeBatch(p.val!, [1]);
    expect(Array.from(b.x)).toEqual(Array.from(ds.inputs.subarray(9 * 14, 10 * 14)));
    expect(b.y[0]).toBe(ds.target.kind === 'real' ? ds.target.values[9] : NaN);
    expect(b.mask).toBeNull();
  });

  it('carries class targets and masks (copy task)', () => {
    const ds = copyTask(3, 2, 4, 6, 1);
    const p = prepare(ds, {});
    expect(p.targetKind).toBe('class');
    const b = makeBatch(p.train, [0, 2]);
    const T = 8;
    expect([b.seqLen, b.inputSize, b.targetLen, b.targetSize]).toEqual([T, 6, T, 5]);
    expect(Array.from(b.mask!)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1]);
    if (ds.target.kind !== 'class') throw new Error('class target expected');
    expect(Array.from(b.yIds!.subarray(T))).toEqual(Array.from(ds.target.ids.subarray(2 * T, 3 * T)));
    for (let k = 0; k < 2 * T; k++) expect(b.y[k * 5 + b.yIds![k]]).toBe(1);
  });
});
