// The comparison table's numbers, as pure functions of the telemetry: a model's best validation
// loss and the step it came at, its recent training loss, and which model leads. The leader is
// the lowest backtest MAE when the data is a table and every model has been backtested (the
// error a person reads in the data's own units), else the lowest best validation loss.

/** A series read by index, oldest first (a telemetry Ring, or a plain array in a test). */
export interface Series {
  readonly length: number;
  get(i: number): number;
}

/** An array as a Series. */
export function series(values: readonly number[]): Series {
  return { length: values.length, get: (i) => values[i] };
}

/** The lowest finite loss and the step it was reached at (the earliest, on a tie); null when there is none. */
export function bestValidation(steps: Series, losses: Series): { loss: number; step: number } | null {
  let best: { loss: number; step: number } | null = null;
  for (let i = 0; i < Math.min(steps.length, losses.length); i++) {
    const loss = losses.get(i);
    if (Number.isFinite(loss) && (best === null || loss < best.loss)) best = { loss, step: steps.get(i) };
  }
  return best;
}

/** The mean of the last `n` finite values (the training loss now, less noisy than one step); NaN when there are none. */
export function recentMean(values: Series, n: number): number {
  let sum = 0;
  let count = 0;
  for (let i = values.length - 1; i >= 0 && count < n; i--) {
    const v = values.get(i);
    if (!Number.isFinite(v)) continue;
    sum += v;
    count++;
  }
  return count > 0 ? sum / count : NaN;
}

export interface Contender {
  id: string;
  /** Best validation loss so far; null before any. */
  bestLoss: number | null;
  /** MAE of the last backtest, in data units; null before one. */
  mae: number | null;
}

export interface Leader {
  id: string;
  by: 'backtest MAE' | 'validation loss';
}

/** The lowest of `value` among the contenders that have one (the first, on a tie); null when none has. */
function lowest(contenders: Contender[], value: (c: Contender) => number | null): string | null {
  let id: string | null = null;
  let best = Infinity;
  for (const c of contenders) {
    const v = value(c);
    if (v !== null && Number.isFinite(v) && v < best) {
      best = v;
      id = c.id;
    }
  }
  return id;
}

/**
 * Which model leads a comparison (two models or more): by backtest MAE on a table where every
 * model has one, else by best validation loss; null with one model, or when nothing is measured.
 */
export function leader(contenders: Contender[], table: boolean): Leader | null {
  if (contenders.length < 2) return null;
  if (table && contenders.every((c) => c.mae !== null && Number.isFinite(c.mae))) {
    const id = lowest(contenders, (c) => c.mae);
    if (id !== null) return { id, by: 'backtest MAE' };
  }
  const id = lowest(contenders, (c) => c.bestLoss);
  return id === null ? null : { id, by: 'validation loss' };
}
