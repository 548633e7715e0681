// Forecasts on a table, made so that a person can judge them: from the end of the data on into
// the future, or a backtest that hides the last rows (rows no training window reached), forecasts
// them from the window just before, and scores the forecast against them. The model runs through
// src/train/forecast.ts; everything that comes back is in the data's own units.

import type { BatchSource, LevelsAt } from '../data';
import { forecast, oneStepAhead } from '../train/forecast';
import type { Trainer } from '../train/trainer';
import type { KernelContext } from '../kernels/registry';
import type { ForecastMode, ForecastResult } from './protocol';

/** The longest forecast past the end, in windows: each step ahead is one pass over the window and the steps before it. */
const MAX_FUTURE_WINDOWS = 10;

const NOT_A_TABLE = 'A forecast continues a table of values in time order: this dataset is not a table.';
const NOT_FORECASTABLE =
  'A forecast feeds predictions back as inputs: choose the same columns as inputs and targets. (A backtest works either way: it predicts each hidden row from the true rows before it.)';

/** Mean absolute and root-mean-square error of a forecast against the truth, in their units. */
export function forecastErrors(forecast: ArrayLike<number>, truth: ArrayLike<number>): { mae: number; rmse: number } {
  if (forecast.length !== truth.length || truth.length === 0) throw new Error(`forecastErrors: ${forecast.length} forecasts for ${truth.length} true values`);
  let abs = 0;
  let sq = 0;
  for (let i = 0; i < truth.length; i++) {
    const e = forecast[i] - truth[i];
    abs += Math.abs(e);
    sq += e * e;
  }
  return { mae: abs / truth.length, rmse: Math.sqrt(sq / truth.length) };
}

/** Column 0 of a (rows, width) array. */
function firstColumn(values: Float32Array, width: number): Float32Array {
  return Float32Array.from({ length: values.length / width }, (_, t) => values[t * width]);
}

/**
 * A model's forecast on the run's table. `horizon`: the steps past the end ('future'), or the
 * rows hidden and forecast ('backtest'), at most the rows never trained on. Refused (an Error
 * saying why) for data that is not a table, a validation part of no rows, or a model that
 * cannot forecast (src/train/forecast.ts).
 */
export async function tableForecast(ctx: KernelContext, trainer: Trainer, source: BatchSource, mode: ForecastMode, horizon: number): Promise<ForecastResult> {
  const table = source.table;
  if (!table) throw new Error(NOT_A_TABLE);
  const T = source.seqLen;
  const O = source.outputSize;
  // Values of rows firstRow.. in the data's units: predictions one step ahead ('each', from the
  // true row before) or a forecast built on itself ('chained'); this matters when the run models changes.
  const data = (values: Float32Array, firstRow: number, how: LevelsAt['how'] = 'each') => source.denormalize(0, firstColumn(values, O), { firstRow, how });
  const common = { step: trainer.optimizer.stepCount, column: source.targetNames[0] };

  if (mode === 'future') {
    if (!source.forecastable) throw new Error(NOT_FORECASTABLE);
    const startRow = table.rows - T;
    const h = Math.max(1, Math.min(Math.round(horizon), MAX_FUTURE_WINDOWS * T));
    const { x, targets } = table.window(startRow, T);
    const out = await forecast(ctx, trainer, x, h);
    return { ...common, mode, startRow, context: data(targets, startRow), fit: data(out.fit.subarray(0, (T - 1) * O), startRow + 1), forecast: data(out.forecast, table.rows, 'chained'), truth: null, mae: null, rmse: null };
  }

  const unseen = table.rows - table.validationStart;
  if (unseen < 1) throw new Error('A backtest hides rows the model never trained on: this run has no validation part. Set a validation fraction above 0.');
  const N = Math.max(1, Math.min(Math.round(horizon), unseen, table.rows - T - table.firstRow));
  const startRow = table.rows - N - T;
  const truth = data(table.window(table.rows - N, N).targets, table.rows - N);
  const context = data(table.window(startRow, T).targets, startRow);
  let fit: Float32Array;
  let predicted: Float32Array;
  if (source.forecastable) {
    const out = await forecast(ctx, trainer, table.window(startRow, T).x, N);
    fit = out.fit.subarray(0, (T - 1) * O);
    predicted = out.forecast;
  } else {
    // The hidden rows' inputs are read as they are: the prediction after row r is row r + 1's.
    const pred = await oneStepAhead(ctx, trainer, table.window(startRow, T + N - 1).x);
    fit = pred.subarray(0, (T - 1) * O);
    predicted = pred.subarray((T - 1) * O);
  }
  const f = data(predicted, startRow + T, source.forecastable ? 'chained' : 'each');
  return { ...common, mode: source.forecastable ? 'backtest' : 'one-step', startRow, context, fit: data(fit, startRow + 1), forecast: f, truth, ...forecastErrors(f, truth) };
}
