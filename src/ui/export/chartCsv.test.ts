import { describe, expect, it } from 'vitest';
import { formatTime } from '../../data/timeAxis';
import type { ForecastResult } from '../../worker/protocol';
import { series } from '../views/comparison';
import { forecastSeries } from '../views/forecastChart';
import { comparisonTable, gradTimeTable, heatmapTable, linesTable, lossTable, normsTable } from './chartCsv';
import { joinOnX, toCsv } from './csv';

describe('CSV text', () => {
  it('quotes what needs quoting, writes numbers exactly, leaves gaps blank', () => {
    const text = toCsv({ header: ['name', 'v'], rows: [['a, "b"', 0.1 + 0.2], ['line\nbreak', NaN], ['x', null], ['y', -1e-30], ['z', Infinity]] });
    expect(text).toBe('name,v\r\n"a, ""b""",0.30000000000000004\r\nline\nbreak,\r\n'.replace('line\nbreak', '"line\nbreak"') + 'x,\r\ny,-1e-30\r\nz,\r\n');
    expect(Number('0.30000000000000004')).toBe(0.1 + 0.2);
  });

  it('joins series on x: sorted union, a blank where a series has nothing', () => {
    const t = joinOnX('x', [
      { name: 'a', xs: [3, 1, 2], ys: [30, 10, 20] },
      { name: 'b', xs: [2, 5, 6], ys: [200, NaN, 600] },
    ]);
    expect(t.header).toEqual(['x', 'a', 'b']);
    expect(t.rows).toEqual([
      [1, 10, null],
      [2, 20, 200],
      [3, 30, null],
      [6, null, 600],
    ]);
  });
});

describe('chart tables', () => {
  it('loss: every step per model, training and validation in their own columns, by step', () => {
    const t = lossTable(
      [
        { id: 'a', label: 'LSTM 16', steps: series([1, 2, 3, 4]), loss: series([0.9, 0.7, 0.5, 0.4]), valSteps: series([0, 2, 4]), valLoss: series([1.0, 0.8, 0.45]), validation: true },
        // Joined at step 2 of the first: its own steps start at 1; no validation part.
        { id: 'b', label: 'LSTM 16', steps: series([1, 2]), loss: series([1.5, 1.25]), valSteps: series([]), valLoss: series([]), validation: false },
      ],
      'mse',
    );
    expect(t.header).toEqual(['step', 'LSTM 16 [a] training loss (mse)', 'LSTM 16 [a] validation loss (mse)', 'LSTM 16 [b] training loss (mse)']);
    expect(t.rows).toEqual([
      [0, null, 1.0, null],
      [1, 0.9, null, 1.5],
      [2, 0.7, 0.8, 1.25],
      [3, 0.5, null, null],
      [4, 0.4, 0.45, null],
    ]);
  });

  it("forecast (backtest): dates on the x axis, the data, the hidden truth and each model's lines in data units", () => {
    const day = 86_400_000;
    const ms = Array.from({ length: 10 }, (_, i) => Date.UTC(2020, 0, 1) + i * day);
    const x = (row: number) => ms[row];
    const f: ForecastResult = { mode: 'backtest', column: 'temp °C', startRow: 4, step: 12, context: new Float32Array([1, 2, 3]), fit: new Float32Array([2.5, 3.5]), forecast: new Float32Array([4.5, 5.5, 6.5]), truth: new Float32Array([4, 5, 6]), mae: 0.5, rmse: 0.5 } as unknown as ForecastResult;
    const lines = forecastSeries([{ label: 'GRU 8', color: '#fff', result: f }], x);
    const t = linesTable('date', lines, (v) => formatTime(v, 'day'));
    expect(t.header).toEqual(['date', 'temp °C (data)', 'temp °C: the hidden rows (truth)', 'GRU 8 one step ahead', 'GRU 8 forecast of the hidden rows']);
    const iso = (row: number) => formatTime(ms[row], 'day');
    expect(iso(4)).toMatch(/2020/);
    expect(t.rows).toEqual([
      [iso(4), 1, null, null, null],
      [iso(5), 2, null, 2.5, null],
      // The hidden line starts at the last row read, so the data reads as one line.
      [iso(6), 3, 3, 3.5, null],
      [iso(7), null, 4, null, 4.5],
      [iso(8), null, 5, null, 5.5],
      [iso(9), null, 6, null, 6.5],
    ]);
  });

  it('gradient through time: by distance back, a column per model and probed step, zeros kept', () => {
    const t = gradTimeTable([{ id: 'r', label: 'RNN 8', curves: [{ step: 1, norms: [0, 0.25, 1] }, { step: 40, norms: [1e-9, 0.5, 2] }] }]);
    expect(t.header).toEqual(['steps back (T-1-t)', 'RNN 8 at step 1', 'RNN 8 at step 40']);
    expect(t.rows).toEqual([
      [0, 1, 2],
      [1, 0.25, 0.5],
      [2, 0, 1e-9],
    ]);
  });

  it('gradient norms: global, per parameter and the clip factor per step', () => {
    const t = normsTable({ steps: series([1, 2]), gradNorm: series([3, 4]), clipScale: series([1, 0.25]), params: [['weight_hh_l0', series([2, 3])], ['head.bias', series([NaN, 1])]] });
    expect(t.header).toEqual(['step', 'gradient norm (global)', 'gradient norm weight_hh_l0', 'gradient norm head.bias', 'clip factor']);
    expect(t.rows).toEqual([
      [1, 3, 2, null, 1],
      [2, 4, 3, 1, 0.25],
    ]);
  });

  it('comparison: unrounded numbers, backtest in the named column on a table, the leader marked', () => {
    const rows = [
      { label: 'LSTM', parameters: 1234, msPerStep: 2.5, trainLoss: 0.123456, validation: true, best: { loss: 0.1, step: 40 }, backtest: { mae: 1.5, rmse: 2, column: 'temp', step: 50 }, leader: true },
      { label: 'GRU', parameters: 999, msPerStep: null, trainLoss: NaN, validation: false, best: null, backtest: null, leader: false },
    ];
    const t = comparisonTable(rows, true, 20);
    expect(t.header).toEqual(['model', 'parameters', 'ms per step', 'training loss (mean of last 20 steps)', 'best validation loss', 'step of best validation loss', 'backtest MAE', 'backtest RMSE', 'backtest column', 'backtest step', 'leader']);
    expect(t.rows).toEqual([
      ['LSTM', 1234, 2.5, 0.123456, 0.1, 40, 1.5, 2, 'temp', 50, 'yes'],
      ['GRU', 999, null, NaN, 'no validation', null, null, null, null, null, ''],
    ]);
    expect(comparisonTable(rows, false, 20).header).not.toContain('backtest MAE');
    expect(toCsv(comparisonTable(rows, false, 20)).split('\r\n')[2]).toBe('GRU,999,,,no validation,,');
  });

  it('heatmap: a row per timestep, a column per unit, from the (T, units) time-major values', () => {
    const t = heatmapTable('forget', [1, 2, 3, 4, 5, 6], 3, 2);
    expect(t.header).toEqual(['t', 'forget unit 0', 'forget unit 1']);
    expect(t.rows).toEqual([
      [0, 1, 2],
      [1, 3, 4],
      [2, 5, 6],
    ]);
  });
});
