// Forecasts through the worker's session, judged against the data itself: a backtest's
// truth is the table's last rows in data units, its context the rows before them, its errors
// those of its own numbers; a forecast from the end reads the last window; every family of the
// registry answers in one comparison run; targets that are not the inputs get one-step
// predictions from the true inputs. Tables only.

import { describe, expect, it } from 'vitest';
import { generateBuiltin, type Dataset } from '../data';
import { useKernelContext } from '../kernels/testing';
import { SLOT_KINDS } from '../models/registry';
import { forecastErrors } from './forecast';
import type { DataChoice, ForecastResult, FromWorker, ModelSlot, RunConfig } from './protocol';
import { Session } from './session';
import { AUTO_SHAPE } from '../data/shape';
import { realTable } from '../data/tablesForTests';

// About forecasting, not WebGPU: on the CPU backend in every pass (the kernels' own tests compare the two).
const { ctx } = useKernelContext('cpu');

const T = 12;
const B = 8;

const slot = (id: string, kind: ModelSlot['kind']): ModelSlot => ({ id, kind, layers: 1, hidden: 8, dState: 4, expand: 2, bidirectional: false, initialState: 'zeros' });

function run(models: ModelSlot[], data: DataChoice): RunConfig {
  return { models, training: { optimizer: 'adam', lr: 0.01, batch: B, seqLen: T, tbptt: 0, clip: 1, speed: 'max', validateEvery: 5 }, data, seed: 3 };
}

const choice = (inputs: string[], targets: string[]): DataChoice => ({ ...AUTO_SHAPE, inputColumns: inputs, targetColumns: targets, normalize: 'zscore', validationFraction: 0.2, missing: 'none' });

async function session(data: Dataset, models: ModelSlot[], c: DataChoice): Promise<{ s: Session; replies: () => Array<ForecastResult & { modelId: string }> }> {
  const messages: FromWorker[] = [];
  const s = new Session(ctx, (m) => messages.push(m));
  s.setDataset(data);
  await s.configure(run(models, c));
  for (let k = 0; k < 3; k++) await s.stepOnce();
  return { s, replies: () => messages.flatMap((m) => (m.type === 'forecast' ? [m] : [])) };
}

function column(data: Dataset, name: string): number[] {
  if (data.kind !== 'table') throw new Error('not a table');
  return Array.from(data.columns.find((c) => c.name === name)!.values);
}

const close = (values: number[]) => values.map((v) => expect.closeTo(v, 3));

/** What the trained model itself predicts after each step of one window (its own evaluate pass, batch B), first column, data units. */
async function ownPredictions(s: Session, startRow: number): Promise<number[]> {
  const source = s.batchSource!;
  const { x } = source.table!.window(startRow, T);
  const xs = new Float32Array(B * x.length);
  for (let b = 0; b < B; b++) xs.set(x, b * x.length);
  const O = source.outputSize;
  const { pred } = await s.modelRuns[0].trainer.evaluate(xs, new Float32Array(B * T * O));
  // Time-major rows: step t of sample 0 is row t·B.
  return Array.from(source.denormalize(0, Float32Array.from({ length: T }, (_, t) => pred[t * B * O])));
}

describe('forecasts on a table', () => {
  const data = generateBuiltin('sine-mix', { length: 300 }, 1);
  const values = column(data, 'value');
  const n = values.length;

  it('a backtest hides the last rows: its truth is those rows, its context the rows before, its errors its own', async () => {
    const { s, replies } = await session(data, [slot('g', 'gru')], choice(['value'], ['value']));
    await s.requests.forecast('g', 'backtest', 20);
    const f = replies()[0];
    expect(f.mode).toBe('backtest');
    expect(f.column).toBe('value');
    expect(f.step).toBe(3);
    expect(f.startRow).toBe(n - 20 - T);
    expect(Array.from(f.truth!)).toEqual(close(values.slice(n - 20)));
    expect(Array.from(f.context)).toEqual(close(values.slice(n - 20 - T, n - 20)));
    expect(f.fit).toHaveLength(T - 1);
    expect(f.forecast).toHaveLength(20);
    const { mae, rmse } = forecastErrors(f.forecast, f.truth!);
    expect(f.mae).toBeCloseTo(mae, 6);
    expect(f.rmse).toBeCloseTo(rmse, 6);
    expect(f.rmse!).toBeGreaterThanOrEqual(f.mae!);
    // The fit and the first forecast step are what the trained model predicts on that window.
    const own = await ownPredictions(s, f.startRow);
    expect([...f.fit, f.forecast[0]]).toEqual(own.map((v) => expect.closeTo(v, 3)));
    // At most the rows never trained on (the validation part: 60 of 300) are hidden.
    await s.requests.forecast('g', 'backtest', 1000);
    const all = replies()[1];
    expect(all.forecast).toHaveLength(60);
    expect(all.startRow).toBe(n - 60 - T);
    s.destroy();
  });

  it('a forecast from the end reads the last window and runs on past it', async () => {
    const { s, replies } = await session(data, [slot('l', 'lstm')], choice(['value'], ['value']));
    await s.requests.forecast('l', 'future', 15);
    const f = replies()[0];
    expect(f.mode).toBe('future');
    expect(f.startRow).toBe(n - T);
    expect(Array.from(f.context)).toEqual(close(values.slice(n - T)));
    expect(f.forecast).toHaveLength(15);
    expect([f.truth, f.mae, f.rmse]).toEqual([null, null, null]);
    const own = await ownPredictions(s, n - T);
    expect([...f.fit, f.forecast[0]]).toEqual(own.map((v) => expect.closeTo(v, 3)));
    expect(Array.from(f.forecast).every(Number.isFinite)).toBe(true);
    s.destroy();
  });

  it('every family of the registry forecasts in one comparison run', async () => {
    const slots = SLOT_KINDS.map(({ kind }, i) => slot(`m${i}`, kind));
    expect(slots.map((m) => m.kind)).toEqual(expect.arrayContaining(['mamba', 'mingru', 'minlstm', 'lstm']));
    const { s, replies } = await session(data, slots, choice(['value'], ['value']));
    for (const m of slots) {
      await s.requests.forecast(m.id, 'future', 5);
      await s.requests.forecast(m.id, 'backtest', 5);
    }
    const got = replies();
    expect(got.map((f) => `${f.modelId} ${f.mode}`)).toEqual(slots.flatMap((m) => [`${m.id} future`, `${m.id} backtest`]));
    for (const f of got) {
      expect(f.forecast, f.modelId).toHaveLength(5);
      expect([...f.fit, ...f.forecast].every(Number.isFinite), f.modelId).toBe(true);
    }
    s.destroy();
  }, 300_000);

  it('targets that are not the inputs: one-step predictions over the hidden rows, and no forecast past the end', async () => {
    const three = generateBuiltin('sine-mix', { length: 300, channels: 3 }, 2);
    const target = column(three, 'value 3');
    const { s, replies } = await session(three, [slot('r', 'rnn_tanh')], choice(['value 1', 'value 2'], ['value 3']));
    await s.requests.forecast('r', 'backtest', 10);
    const f = replies()[0];
    expect(f.mode).toBe('one-step');
    expect(f.column).toBe('value 3');
    expect(Array.from(f.truth!)).toEqual(close(target.slice(n - 10)));
    expect(Array.from(f.context)).toEqual(close(target.slice(n - 10 - T, n - 10)));
    expect(f.forecast).toHaveLength(10);
    expect(f.mae).toBeCloseTo(forecastErrors(f.forecast, f.truth!).mae, 6);
    // The first hidden row's prediction reads the true inputs of the window before it.
    const own = await ownPredictions(s, f.startRow);
    expect([...f.fit, f.forecast[0]]).toEqual(own.map((v) => expect.closeTo(v, 3)));
    await expect(s.requests.forecast('r', 'future', 10)).rejects.toThrow(/same columns as inputs and targets/);
    s.destroy();
  });

  it('refuses data that is not a table, and a backtest with no rows left unseen', async () => {
    const text = generateBuiltin('adding', { length: 12, count: 64 }, 1);
    const { s } = await session(text, [slot('a', 'gru')], choice([], []));
    await expect(s.requests.forecast('a', 'future', 5)).rejects.toThrow(/not a table/);
    s.destroy();
    const { s: all } = await session(data, [slot('a', 'gru')], { ...choice(['value'], ['value']), validationFraction: 0 });
    await expect(all.requests.forecast('a', 'backtest', 5)).rejects.toThrow(/no validation part/);
    all.destroy();
  });
});

describe('a trending series, modelled as changes (CO2)', () => {
  const co2 = async () => realTable('co2-concentration.csv');
  const changes = (c: DataChoice): DataChoice => ({ ...c, normalize: 'changes' });

  it('reads back levels: the context is the true levels, the fit each step one change from the true row before', async () => {
    const data = await co2();
    const v = column(data, 'CO2');
    const n = v.length;
    const { s, replies } = await session(data, [slot('g', 'gru')], changes(choice(['CO2'], ['CO2'])));
    await s.requests.forecast('g', 'backtest', 24);
    const f = replies()[0];
    expect(f.startRow).toBe(n - 24 - T);
    expect(Array.from(f.truth!)).toEqual(close(v.slice(n - 24)));
    expect(Array.from(f.context)).toEqual(close(v.slice(n - 24 - T, n - 24)));
    // The model's own predictions on that window are changes; each fit value adds one to the true level before it.
    const source = s.batchSource!;
    const { x } = source.table!.window(f.startRow, T);
    const xs = new Float32Array(B * T);
    for (let b = 0; b < B; b++) xs.set(x, b * T);
    const { pred } = await s.modelRuns[0].trainer.evaluate(xs, new Float32Array(B * T));
    const norm = { mean: 0, std: 0 };
    const d = v.slice(1, Math.round(n * 0.8)).map((y, i) => y - v[i]);
    norm.mean = d.reduce((a, b) => a + b) / d.length;
    norm.std = Math.sqrt(d.reduce((a, b) => a + (b - norm.mean) ** 2, 0) / d.length);
    const change = (t: number) => pred[t * B] * norm.std + norm.mean;
    expect(Array.from(f.fit)).toEqual(Array.from({ length: T - 1 }, (_, t) => expect.closeTo(v[f.startRow + t] + change(t), 2)));
    // The forecast chains: its first step adds to the last true level, each next to the one before.
    expect(f.forecast[0]).toBeCloseTo(v[n - 25] + change(T - 1), 2);
    s.destroy();
  });

  it('keeps rising past the levels it trained on, where a model of z-scored levels does not', async () => {
    const data = await co2();
    const v = column(data, 'CO2');
    const lastYear = v.slice(-12).reduce((a, b) => a + b) / 12;
    const result: Record<string, number[]> = {};
    for (const c of [changes(choice(['CO2'], ['CO2'])), choice(['CO2'], ['CO2'])]) {
      const { s, replies } = await session(data, [slot('l', 'lstm')], c);
      for (let k = 0; k < 60; k++) await s.stepOnce();
      await s.requests.forecast('l', 'future', 36);
      result[c.normalize] = Array.from(replies()[0].forecast);
      s.destroy();
    }
    const yearMean = (f: number[], y: number) => f.slice(12 * y, 12 * y + 12).reduce((a, b) => a + b) / 12;
    // Changes: each forecast year above the year before, and above the last true year.
    expect(yearMean(result.changes, 0)).toBeGreaterThan(lastYear);
    expect(yearMean(result.changes, 1)).toBeGreaterThan(yearMean(result.changes, 0));
    expect(yearMean(result.changes, 2)).toBeGreaterThan(yearMean(result.changes, 1));
    // Levels: the forecast falls back below the last true year (the finding that started this).
    expect(yearMean(result.zscore, 2)).toBeLessThan(lastYear);
  }, 300_000);
});
