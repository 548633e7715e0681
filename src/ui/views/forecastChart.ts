// What the forecast view draws, as plain data: the table's rows the forecasts read (and the
// hidden rows of a backtest) against each model's one-step fit and forecast, on the table's own
// x axis (dates or row numbers, src/ui/data/rowAxis.ts), and one line of scores per model.

import type { ForecastResult } from '../../worker/protocol';
import type { LineSeries } from './LineCanvas';

export interface ShownForecast {
  label: string;
  color: string;
  result: ForecastResult;
}

const DATA = '#e6e8ee';

/** How the legend names a model's forecast line, by what it is. */
const FORECAST_NAMES: Record<ForecastResult['mode'], string> = {
  future: 'forecast',
  backtest: 'forecast of the hidden rows',
  'one-step': 'one step ahead over the hidden rows',
};

/** Points at table rows, drawn in row order; the line breaks where a row does not follow the one before. */
function rowLine(points: Map<number, number>, x: (row: number) => number): { xs: number[]; ys: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  let previous = NaN;
  for (const row of [...points.keys()].sort((a, b) => a - b)) {
    if (row !== previous + 1 && xs.length > 0) {
      xs.push(x(row));
      ys.push(NaN);
    }
    xs.push(x(row));
    ys.push(points.get(row)!);
    previous = row;
  }
  return { xs, ys };
}

/** The series of the forecast chart: the data, then each model's fit and forecast in its colour. */
export function forecastSeries(shown: ShownForecast[], x: (row: number) => number): LineSeries[] {
  if (shown.length === 0) return [];
  const column = shown[0].result.column;
  const read = new Map<number, number>();
  const hidden = new Map<number, number>();
  for (const { result: f } of shown) {
    const T = f.context.length;
    f.context.forEach((v, t) => read.set(f.startRow + t, v));
    if (!f.truth) continue;
    // The hidden rows' line starts at the last row read, so the data reads as one line.
    hidden.set(f.startRow + T - 1, f.context[T - 1]);
    f.truth.forEach((v, k) => hidden.set(f.startRow + T + k, v));
  }
  const series: LineSeries[] = [{ name: `${column} (data)`, color: DATA, ...rowLine(read, x) }];
  if (hidden.size > 0) series.push({ name: `${column}: the hidden rows (truth)`, color: DATA, dash: [2, 3], width: 2, ...rowLine(hidden, x) });
  for (const { label, color, result: f } of shown) {
    const T = f.context.length;
    series.push({ name: `${label} one step ahead`, color, width: 1, opacity: 0.6, xs: Array.from(f.fit, (_, t) => x(f.startRow + t + 1)), ys: f.fit });
    series.push({ name: `${label} ${FORECAST_NAMES[f.mode]}`, color, dash: [5, 3], width: 2, xs: Array.from(f.forecast, (_, k) => x(f.startRow + T + k)), ys: f.forecast });
  }
  return series;
}

/** A number in data units, to three significant digits. */
export function formatValue(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '–' : String(+v.toPrecision(3));
}

/**
 * The errors of the naive forecast a model must beat, on a backtest's hidden rows: repeating the
 * last value read ('backtest': the last context value for every row; 'one-step': each hidden row
 * predicted by the true row before it). Null for a forecast past the end (no truth).
 */
export function naiveErrors(f: ForecastResult): { mae: number; rmse: number } | null {
  const truth = f.truth;
  if (!truth || truth.length === 0 || f.context.length === 0) return null;
  const last = f.context[f.context.length - 1];
  let abs = 0;
  let sq = 0;
  for (let k = 0; k < truth.length; k++) {
    const guess = f.mode === 'one-step' && k > 0 ? truth[k - 1] : last;
    const e = truth[k] - guess;
    abs += Math.abs(e);
    sq += e * e;
  }
  return { mae: abs / truth.length, rmse: Math.sqrt(sq / truth.length) };
}

/** One model's forecast in words: what ran from where, and for a backtest its errors beside the naive forecast's. */
export function scoreLine(f: ForecastResult, label: (row: number) => string): string {
  const N = f.forecast.length;
  const from = label(f.startRow + f.context.length);
  if (f.mode === 'future') {
    const last = f.context[f.context.length - 1];
    const end = label(f.startRow + f.context.length + N - 1);
    return `${N} rows past the end of the data, from ${from} (step ${f.step}): ${f.column} ${formatValue(last)} at the end, ${formatValue(f.forecast[N - 1])} by ${end}`;
  }
  const what = f.mode === 'backtest' ? `backtest of the last ${N} rows` : `one step ahead over the last ${N} rows, reading their true inputs`;
  const naive = naiveErrors(f);
  const against = naive ? `; repeating the last value: MAE ${formatValue(naive.mae)}, RMSE ${formatValue(naive.rmse)}` : '';
  return `${what}, from ${from} (step ${f.step}): MAE ${formatValue(f.mae)}, RMSE ${formatValue(f.rmse)} ${f.column}${against}`;
}
