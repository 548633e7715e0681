import { describe, it, expect } from 'vitest';
import { applyFix, countMissing, dropMissingRows, fillForward, fillForwardValues } from './fixes';
import { parseFile } from './parse';
import type { TableDataset } from './types';

async function load(csv: string): Promise<TableDataset> {
  const r = await parseFile('m.csv', new TextEncoder().encode(csv));
  if (r.dataset.kind !== 'table') throw new Error('not a table');
  return r.dataset;
}
const values = (ds: TableDataset, name: string) => Array.from(ds.columns.find((c) => c.name === name)!.values);

const CSV = 'day,a,b\nmon,,10\ntue,2,\nwed,3,30\nthu,,40\nfri,5,50\n';

describe('missing-value fixes', () => {
  it('drops rows with a missing value, keeping labels, line numbers and stats in step', async () => {
    const ds = await load(CSV);
    expect(countMissing(ds)).toEqual([
      { name: 'a', count: 2 },
      { name: 'b', count: 1 },
    ]);
    const out = dropMissingRows(ds);
    expect(out.rowCount).toBe(2);
    expect(values(out, 'a')).toEqual([3, 5]);
    expect(values(out, 'b')).toEqual([30, 50]);
    expect(out.labels[0].values).toEqual(['wed', 'fri']);
    expect(Array.from(out.rowRefs)).toEqual([4, 6]);
    expect(out.columns[0].stats).toMatchObject({ count: 2, missing: 0, min: 3, max: 5, mean: 4 });
    expect(countMissing(out)).toEqual([]);
    // The input is left alone.
    expect(values(ds, 'a')).toEqual([NaN, 2, 3, NaN, 5]);
  });

  it('drops rows by the chosen columns only', async () => {
    const out = dropMissingRows(await load(CSV), ['b']);
    expect(values(out, 'b')).toEqual([10, 30, 40, 50]);
    expect(values(out, 'a')).toEqual([NaN, 3, NaN, 5]);
  });

  it('fills forward, and fills a leading gap with the first value', async () => {
    const ds = await load(CSV);
    const out = fillForward(ds);
    expect(values(out, 'a')).toEqual([2, 2, 3, 3, 5]);
    expect(values(out, 'b')).toEqual([10, 10, 30, 40, 50]);
    expect(out.rowCount).toBe(5);
    expect(out.columns[1].stats.missing).toBe(0);
    expect(values(ds, 'b')).toEqual([10, NaN, 30, 40, 50]);
    const arr = Float64Array.from([NaN, NaN, 1, NaN, NaN, 4, NaN]);
    expect(fillForwardValues(arr)).toBe(5);
    expect(Array.from(arr)).toEqual([1, 1, 1, 1, 1, 4, 4]);
  });

  it('applyFix dispatches, and refuses to drop every row', async () => {
    const ds = await load(CSV);
    expect(applyFix(ds, 'drop-rows').rowCount).toBe(2);
    expect(values(applyFix(ds, 'fill-forward', ['a']), 'b')).toEqual([10, NaN, 30, 40, 50]);
    const all = await load('a,b\n1,\n,2\n');
    expect(() => dropMissingRows(all)).toThrow(
      'm.csv: every row misses a value; dropping them would leave nothing. Try filling forward instead.',
    );
    expect(() => fillForward(ds, ['nope'])).toThrow('m.csv: there is no numeric column "nope".');
  });
});
