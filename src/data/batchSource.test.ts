// The batch source over a table: random windows say where they lie, and the whole series can be
// read in time order (a forecast from the end, a backtest), as the windows read it.

import { describe, expect, it } from 'vitest';
import { makeBatchSource } from './batchSource';
import { Random } from './random';
import { columnStats } from './stats';
import type { TableDataset } from './types';
import { AUTO_SHAPE } from './shape';

function table(cols: Record<string, number[]>): TableDataset {
  const entries = Object.entries(cols);
  const n = entries[0][1].length;
  return {
    kind: 'table',
    name: 't.csv',
    rowCount: n,
    columns: entries.map(([name, v]) => {
      const values = Float64Array.from(v);
      return { name, values, stats: columnStats(values) };
    }),
    labels: [],
    rowRefs: Int32Array.from({ length: n }, (_, i) => i + 2),
    rowRefKind: 'line',
    preview: { header: entries.map(([k]) => k), rows: [] },
  };
}

const n = 50;
const a = Array.from({ length: n }, (_, i) => Math.sin(i / 3) * 10 + i);
const b = Array.from({ length: n }, (_, i) => (i * 7) % 11);
const ds = table({ a, b });

describe('a table as a batch source', () => {
  it('reads any rows in time order: inputs as the model reads them, the targets of the same rows', () => {
    const source = makeBatchSource(ds, { ...AUTO_SHAPE, inputColumns: ['a', 'b'], targetColumns: ['b'], normalize: 'zscore', validationFraction: 0.2, missing: 'none' }, 6);
    const table = source.table!;
    expect(table.rows).toBe(n);
    expect(table.validationStart).toBe(40);
    const { x, targets } = table.window(44, 6);
    expect(x).toHaveLength(12);
    expect(targets).toHaveLength(6);
    // Back in data units they are the file's values of rows 44..49.
    expect(Array.from(source.denormalize(0, targets))).toEqual(b.slice(44).map((v) => expect.closeTo(v, 4)));
    const inputsB = Float32Array.from({ length: 6 }, (_, t) => x[t * 2 + 1]);
    expect(Array.from(source.denormalize(0, inputsB))).toEqual(b.slice(44).map((v) => expect.closeTo(v, 4)));
    expect(() => table.window(45, 6)).toThrow(/not all in the table's 50 rows/);
  });

  it('a training batch says which row each window starts at', () => {
    const source = makeBatchSource(ds, { ...AUTO_SHAPE, inputColumns: ['a'], targetColumns: ['a'], normalize: 'minmax', validationFraction: 0.2, missing: 'none' }, 5);
    const batch = source.train(4, new Random(3));
    expect(batch.rows).toHaveLength(4);
    for (let k = 0; k < 4; k++) {
      const row = batch.rows![k];
      const window = source.table!.window(row, 5);
      expect(Array.from(batch.x.subarray(k * 5, k * 5 + 5))).toEqual(Array.from(window.x));
      // The target of step t is the next row.
      expect(Array.from(source.denormalize(0, batch.y.subarray(k * 5, k * 5 + 5)))).toEqual(a.slice(row + 1, row + 6).map((v) => expect.closeTo(v, 4)));
    }
  });

  it('with no validation split every row was trained on', () => {
    const source = makeBatchSource(ds, { ...AUTO_SHAPE, inputColumns: ['a'], targetColumns: ['a'], normalize: 'none', validationFraction: 0, missing: 'none' }, 5);
    expect(source.table!.validationStart).toBe(n);
    expect(source.validation(4)).toBeNull();
  });
});
