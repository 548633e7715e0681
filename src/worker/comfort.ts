// Which sizes stay comfortable on the backend in use, from a measured step rather than a fixed
// sentence. A training step of a recurrent model costs roughly batch × steps × hidden² (its matrix
// products dominate: the input and recurrent weights are hidden-by-hidden blocks, applied at every
// step to every sample), so one measured configuration scales to others: at the same batch × steps,
// hidden s·H costs s² times as much; at the same hidden, batch × steps scales the cost linearly.
// Fixed per-step costs (the optimizer, launches) make it rough, hence "about".

/** A measured training step: its milliseconds and the configuration it trained. */
export interface MeasuredStep {
  ms: number;
  batch: number;
  /** Steps per training step (the window, or the truncated-BPTT chunk). */
  seqLen: number;
  /** The largest hidden size (d_model for Mamba) among the models timed together. */
  hidden: number;
}

export interface Comfort {
  /** The budget a comfortable step stays under. */
  budgetMs: number;
  ms: number;
  stepsPerSecond: number;
  batch: number;
  seqLen: number;
  hidden: number;
  /** At this batch × steps, the hidden size whose step takes about the budget (every model scaled alike). */
  comfortableHidden: number;
  /** At this hidden size, the batch × steps whose step takes about the budget. */
  comfortableBatchSteps: number;
}

/** The start-up probe's LSTM (./backendProbe.ts), here so that the page can scale its time without the trainer. */
export const START_PROBE = { batch: 8, seqLen: 32, inputSize: 16, hidden: 64 } as const;

/** About 20 steps a second: training that the loss chart shows moving. */
export const COMFORT_BUDGET_MS = 50;

/** Rounds down to a size a person would type: multiples of 8 from 16 on, 2 significant figures from 1,000 on. */
export function roundSize(n: number): number {
  if (!(n >= 1)) return 0;
  if (n < 16) return Math.floor(n);
  if (n < 1000) return Math.floor(n / 8) * 8;
  const unit = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.floor(n / unit) * unit;
}

const positive = (v: number) => Number.isFinite(v) && v > 0;

/**
 * Scales a measured step to the sizes whose step stays under `budgetMs`: null when the measurement
 * says nothing (no time, no size, not finite).
 */
export function comfortableSizes(m: MeasuredStep, budgetMs = COMFORT_BUDGET_MS): Comfort | null {
  if (!positive(m.ms) || !positive(m.batch) || !positive(m.seqLen) || !positive(m.hidden) || !positive(budgetMs)) return null;
  const ratio = budgetMs / m.ms;
  return {
    budgetMs,
    ms: m.ms,
    stepsPerSecond: 1000 / m.ms,
    batch: m.batch,
    seqLen: m.seqLen,
    hidden: m.hidden,
    comfortableHidden: roundSize(m.hidden * Math.sqrt(ratio)),
    comfortableBatchSteps: roundSize(m.batch * m.seqLen * ratio),
  };
}
