// The batch source a run trains on, for tables as people upload them: a short series gets a
// window that fits (and says so), validation is never dropped without a reason, and inputs of
// huge scale without normalisation are warned about with the fix.

import { describe, expect, it } from 'vitest';
import { defaultChoice, makeBatchSource } from './batchSource';
import { splitIndex } from './prep';
import { realTable, tableFrom } from './tablesForTests';

describe('makeBatchSource on real tables', () => {
  it('fits the window to a 144-row yearly series and keeps a validation batch', async () => {
    const ds = await realTable('global-temp.csv');
    const source = makeBatchSource(ds, { ...defaultChoice(ds), inputColumns: ['temp'], targetColumns: ['temp'], validationFraction: 0.2 }, 32);
    expect(source.seqLen).toBeLessThan(32);
    expect(source.fitNotes.map((n) => n.field)).toContain('seqLen');
    expect(source.noValidation).toBeNull();
    const val = source.validation(4)!;
    expect(val.x.length).toBe(4 * source.seqLen);
    // Every validation target is a row of the validation part: the last rows of the file.
    const temps = ds.columns.find((c) => c.name === 'temp')!.values;
    const valTemps = Array.from(temps.slice(splitIndex(temps.length, 0.8)));
    const mean = temps.slice(0, splitIndex(temps.length, 0.8)).reduce((s, v) => s + v, 0) / splitIndex(temps.length, 0.8);
    const std = Math.sqrt(temps.slice(0, splitIndex(temps.length, 0.8)).reduce((s, v) => s + (v - mean) ** 2, 0) / splitIndex(temps.length, 0.8));
    const back = source.denormalize(0, val.y);
    for (const v of back) expect(valTemps.some((t) => Math.abs(t - v) < 1e-4 * Math.max(1, std))).toBe(true);
  });

  it('trains six rows without validation and says why', async () => {
    const ds = await realTable('global-temp-short.csv');
    const source = makeBatchSource(ds, { ...defaultChoice(ds), inputColumns: ['temp'], targetColumns: ['temp'] }, 32);
    expect(source.seqLen).toBe(5);
    expect(source.validation(4)).toBeNull();
    expect(source.noValidation).toMatch(/6 rows/);
    expect(source.train(2, { int: () => 0 }).x.length).toBe(2 * 5);
  });

  it('warns, with the fix, when a 1e9-scale column goes in without normalisation, and not with it', async () => {
    const lines = ['date,close,volume'];
    for (let i = 0; i < 60; i++) lines.push(`2020-01-${String((i % 28) + 1).padStart(2, '0')},${(100 + i).toFixed(2)},${(9e8 + i * 1e6).toFixed(0)}`);
    const ds = await tableFrom('prices.csv', lines.join('\n'));
    const choice = { ...defaultChoice(ds), time: '', inputColumns: ['close', 'volume'], targetColumns: ['close'] };
    expect(makeBatchSource(ds, { ...choice, normalize: 'none' }, 8).warnings.join(' ')).toMatch(/volume.*z-score/);
    expect(makeBatchSource(ds, { ...choice, normalize: 'zscore' }, 8).warnings.join(' ')).not.toMatch(/volume/);
  });
});
