import { describe, expect, it } from 'vitest';
import { fitWindow, type WindowFit } from './fitWindow';
import { prepareTable, splitIndex, windowStarts } from './prep';
import { realTable } from './tablesForTests';
import { columnStats } from './stats';
import type { TableDataset } from './types';

const asked = (seqLen: number, validationFraction = 0.2, horizon = 1) => ({ seqLen, validationFraction, horizon });

/** A one-column table of `n` rows. */
function table(n: number): TableDataset {
  const values = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
  return {
    kind: 'table',
    name: 'n.csv',
    rowCount: n,
    columns: [{ name: 'x', values, stats: columnStats(values) }],
    labels: [],
    rowRefs: Int32Array.from({ length: n }, (_, i) => i + 2),
    rowRefKind: 'line',
    preview: { header: ['x'], rows: [] },
  };
}

/** Windows of each part by prep.ts's own rules (many-to-many: validation windows start `horizon` rows early). */
function windows(n: number, fit: WindowFit, horizon: number): { train: number; val: number } {
  const trainEnd = splitIndex(n, 1 - fit.validationFraction);
  const span = fit.seqLen + horizon;
  return {
    train: windowStarts(0, trainEnd, span, 1).length,
    val: trainEnd < n ? windowStarts(Math.max(0, trainEnd - horizon), n, span, 1).length : 0,
  };
}

describe('fitWindow', () => {
  it('keeps what was asked when both parts hold a window', () => {
    expect(fitWindow(1000, asked(32))).toEqual({ seqLen: 32, validationFraction: 0.2, notes: [], noValidation: null });
  });

  it('136 rows, seqLen 32, validation 0.2: the validation part has 27 rows, so seqLen 26', () => {
    expect(fitWindow(136, asked(32))).toEqual({
      seqLen: 26,
      validationFraction: 0.2,
      notes: [
        {
          field: 'seqLen',
          asked: 32,
          used: 26,
          why: 'the validation part has 27 of the 136 rows; a window needs the sequence length plus 1 step ahead',
        },
      ],
      noValidation: null,
    });
  });

  it('144 rows (global-temp.csv): the validation part has 29 rows, so seqLen 28', async () => {
    const ds = await realTable('global-temp.csv');
    const fit = fitWindow(ds.rowCount, asked(32));
    expect(fit.seqLen).toBe(28);
    expect(fit.validationFraction).toBe(0.2);
    expect(fit.notes.map((n) => n.field)).toEqual(['seqLen']);
    expect(fit.noValidation).toBeNull();
  });

  it('raises the validation share for 12 rows or more before going below a sequence of 2', () => {
    const fit = fitWindow(12, asked(32));
    expect(fit).toEqual({
      seqLen: 2,
      validationFraction: 0.21,
      notes: [
        {
          field: 'validationFraction',
          asked: 0.2,
          used: 0.21,
          why: 'at 0.2 the validation part had 2 rows, too few for a sequence of 2 plus 1 step ahead',
        },
        { field: 'seqLen', asked: 32, used: 2, why: 'the validation part has 3 of the 12 rows; a window needs the sequence length plus 1 step ahead' },
      ],
      noValidation: null,
    });
  });

  it('goes down to a sequence of 1 for tiny files that still have a validation window', () => {
    const fit = fitWindow(8, asked(32));
    expect(fit.seqLen).toBe(1);
    expect(fit.validationFraction).toBe(0.2);
    expect(fit.noValidation).toBeNull();
  });

  it('6 rows (global-temp-short.csv): no validation window, all rows train', async () => {
    const ds = await realTable('global-temp-short.csv');
    expect(fitWindow(ds.rowCount, asked(32))).toEqual({
      seqLen: 5,
      validationFraction: 0,
      notes: [
        { field: 'validationFraction', asked: 0.2, used: 0, why: '6 rows: too few for a validation window; all rows train' },
        { field: 'seqLen', asked: 32, used: 5, why: 'the file has 6 rows; a window needs the sequence length plus 1 step ahead' },
      ],
      noValidation: '6 rows: too few for a validation window; all rows train',
    });
  });

  it('3 and 2 rows: sequences of 2 and 1, no validation', () => {
    expect(fitWindow(3, asked(32))).toMatchObject({ seqLen: 2, validationFraction: 0, noValidation: '3 rows: too few for a validation window; all rows train' });
    expect(fitWindow(2, asked(32))).toMatchObject({ seqLen: 1, validationFraction: 0, noValidation: '2 rows: too few for a validation window; all rows train' });
  });

  it('a validation share of 0 asked: no validation, said so', () => {
    expect(fitWindow(6, asked(32, 0))).toEqual({
      seqLen: 5,
      validationFraction: 0,
      notes: [{ field: 'seqLen', asked: 32, used: 5, why: 'the file has 6 rows; a window needs the sequence length plus 1 step ahead' }],
      noValidation: 'validation share 0',
    });
    expect(fitWindow(100, asked(8, 0))).toEqual({ seqLen: 8, validationFraction: 0, notes: [], noValidation: 'validation share 0' });
  });

  it('throws a clear error for 1 row, or fewer rows than one window', () => {
    expect(() => fitWindow(1, asked(32))).toThrow('1 row: too few to train on; at least 2 rows are needed.');
    expect(() => fitWindow(0, asked(32, 0.2, 0))).toThrow('0 rows: too few to train on; at least 2 rows are needed.');
    expect(() => fitWindow(3, asked(4, 0.2, 3))).toThrow('3 rows: too few to train on; at least 4 rows are needed (a window of 1 step plus 3 steps ahead).');
    expect(() => fitWindow(100, asked(0))).toThrow('sequence length');
    expect(() => fitWindow(100, asked(8, 1))).toThrow('validation share');
  });

  it('always yields a training window, and a validation window when validation is on, by prep.ts itself', () => {
    let checked = 0;
    for (let n = 2; n <= 160; n++) {
      for (const seqLen of [1, 2, 3, 8, 32, 100]) {
        for (const f of [0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7]) {
          for (const horizon of [0, 1, 2, 5]) {
            if (n < Math.max(2, 1 + horizon)) {
              expect(() => fitWindow(n, asked(seqLen, f, horizon))).toThrow();
              continue;
            }
            const fit = fitWindow(n, asked(seqLen, f, horizon));
            const where = `n=${n} seqLen=${seqLen} f=${f} h=${horizon} → ${JSON.stringify(fit)}`;
            expect(fit.seqLen >= 1 && fit.seqLen <= seqLen, where).toBe(true);
            expect(fit.validationFraction <= Math.max(f, 0.5), where).toBe(true);
            const w = windows(n, fit, horizon);
            expect(w.train, where).toBeGreaterThan(0);
            expect(fit.noValidation === null ? w.val > 0 : fit.validationFraction === 0, where).toBe(true);
            // Nothing changed without a note; what was asked kept when it fit.
            expect(fit.notes.length === 0, where).toBe(fit.seqLen === seqLen && fit.validationFraction === f);
            if (n % 7 === 0) {
              const p = prepareTable(table(n), {
                inputs: ['x'],
                seqLen: fit.seqLen,
                horizon,
                trainFraction: 1 - fit.validationFraction,
                normalization: 'none',
              });
              expect(p.train.count, where).toBeGreaterThan(0);
              expect(p.val !== null, where).toBe(fit.noValidation === null);
              expect(p.warnings, where).toEqual([]);
            }
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(20_000);
  });
});
