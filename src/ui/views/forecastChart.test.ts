// The forecast chart's series: the data at its table rows on the given x axis, the hidden rows of
// a backtest beside it, and each model's fit and forecast at the rows they predict.

import { describe, expect, it } from 'vitest';
import type { ForecastResult } from '../../worker/protocol';
import { forecastSeries, naiveErrors, scoreLine } from './forecastChart';

const f32 = (v: number[]) => Float32Array.from(v);

const backtest: ForecastResult = {
  mode: 'backtest',
  step: 40,
  column: 'temp',
  startRow: 10,
  context: f32([1, 2, 3]),
  fit: f32([2.1, 2.9]),
  forecast: f32([4.2, 5.1]),
  truth: f32([4, 5]),
  mae: 0.15,
  rmse: 0.158,
};
const future: ForecastResult = { ...backtest, mode: 'future', startRow: 12, context: f32([3, 4, 5]), forecast: f32([6, 7, 8]), truth: null, mae: null, rmse: null };

describe('the forecast chart', () => {
  const x = (row: number) => 1000 + row * 10;

  it('puts each value at the x of its table row', () => {
    const [data, hidden, fit, forecast] = forecastSeries([{ label: 'GRU 8', color: '#f00', result: backtest }], x);
    expect(data.name).toBe('temp (data)');
    expect(Array.from(data.xs)).toEqual([1100, 1110, 1120]);
    expect(Array.from(data.ys)).toEqual([1, 2, 3]);
    // The hidden rows follow the last row read.
    expect(Array.from(hidden.xs)).toEqual([1120, 1130, 1140]);
    expect(Array.from(hidden.ys)).toEqual([3, 4, 5]);
    expect(hidden.dash).toBeTruthy();
    expect(Array.from(fit.xs)).toEqual([1110, 1120]);
    expect(forecast.name).toBe('GRU 8 forecast of the hidden rows');
    expect(Array.from(forecast.xs)).toEqual([1130, 1140]);
    expect(forecast.color).toBe('#f00');
  });

  it('two models on different rows: one data line, broken where rows do not follow', () => {
    const series = forecastSeries(
      [
        { label: 'A', color: '#f00', result: { ...backtest, startRow: 0 } },
        { label: 'B', color: '#0f0', result: future },
      ],
      (row) => row,
    );
    expect(series.filter((s) => s.name === 'temp (data)')).toHaveLength(1);
    expect(Array.from(series[0].xs)).toEqual([0, 1, 2, 12, 12, 13, 14]);
    expect(Array.from(series[0].ys)).toEqual([1, 2, 3, NaN, 3, 4, 5]);
    expect(series.map((s) => s.name)).toContain('B forecast');
  });

  it('says what ran and how far off it was', () => {
    // Repeating the last value read (3): errors 1 and 2.
    expect(scoreLine(backtest, (row) => `row ${row + 1}`)).toBe('backtest of the last 2 rows, from row 14 (step 40): MAE 0.15, RMSE 0.158 temp; repeating the last value: MAE 1.5, RMSE 1.58');
    expect(scoreLine(future, (row) => `row ${row + 1}`)).toBe(
      '3 rows past the end of the data, from row 16 (step 40): temp 5 at the end, 8 by row 18',
    );
  });
});

describe('the naive forecast a model must beat', () => {
  it('repeats the last value read over a backtest, and the row before each hidden row one step ahead', () => {
    const truth = [4, 7, 5, 9];
    const b: ForecastResult = { ...backtest, context: f32([1, 2, 6]), truth: f32(truth), forecast: f32([0, 0, 0, 0]) };
    const errs = truth.map((v) => v - 6);
    expect(naiveErrors(b)!.mae).toBeCloseTo(errs.reduce((a, e) => a + Math.abs(e), 0) / 4, 6);
    expect(naiveErrors(b)!.rmse).toBeCloseTo(Math.sqrt(errs.reduce((a, e) => a + e * e, 0) / 4), 6);
    const one: ForecastResult = { ...b, mode: 'one-step' };
    const prev = [6, 4, 7, 5];
    expect(naiveErrors(one)!.mae).toBeCloseTo(truth.reduce((a, v, k) => a + Math.abs(v - prev[k]), 0) / 4, 6);
    expect(naiveErrors(future)).toBeNull();
  });
});
