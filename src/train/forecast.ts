// Forecasting with a trained model of any family. A copy with batch 1 reads one long window
// through the model's own whole-window forward pass, the pass it trained with (a learned initial
// state included). A model that forecasts is causal (no output depends on a later step), so the
// steps after those already read may hold anything: a pass over [context, forecast so far, zeros]
// predicts the next step exactly as a pass over the context and the forecast alone would.
//   free running     each prediction is fed back in as the next input: one pass per step ahead
//   one step ahead   the true inputs are read at every step: one pass in all

import type { TrainerConfig } from './trainer';
import { Trainer } from './trainer';
import type { KernelContext } from '../kernels/registry';

/** Why a model cannot forecast a series, in words a person can act on; null when it can. */
export function forecastRefusal(cfg: TrainerConfig): string | null {
  const model = cfg.model;
  if (model.kind === 'seq2seq') return 'An encoder-decoder reads a source, then writes a target: it does not continue a series.';
  if ('bidirectional' in model && model.bidirectional) {
    return 'A bidirectional model reads each window from both ends, so every output has seen the steps after it: it cannot forecast. Untick Bidirectional.';
  }
  if (cfg.loss !== 'mse') return 'A forecast continues a series of values: the targets must be numbers (MSE), not classes.';
  return null;
}

/** A copy of `trained` that reads one sequence of `length` steps and answers at every step. */
async function windowCopy(ctx: KernelContext, trained: Trainer, length: number): Promise<Trainer> {
  const refusal = forecastRefusal(trained.cfg);
  if (refusal) throw new Error(refusal);
  return Trainer.create(ctx, { ...trained.cfg, batch: 1, seqLen: length, carryState: false, task: 'many-to-many' }, await trained.readParams());
}

/**
 * Reads `context` (T, I), then continues `horizon` steps feeding each prediction back in as the
 * next input (the model must predict its own inputs: O = I). Returns the predictions after each
 * context step (T, O): fit[t] is the prediction of the step after t, so its last row is the
 * first forecast step; and the forecast (horizon, O).
 */
export async function forecast(ctx: KernelContext, trained: Trainer, context: Float32Array, horizon: number): Promise<{ fit: Float32Array; forecast: Float32Array }> {
  const { inputSize: I, outputSize: O } = trained.cfg;
  if (O !== I) throw new Error('A forecast feeds predictions back as inputs: the targets must be the input columns.');
  const T = context.length / I;
  if (!Number.isInteger(T) || T < 1 || !(horizon >= 1)) throw new Error(`forecast: a context of ${context.length} values for input size ${I}, horizon ${horizon}`);
  const copy = await windowCopy(ctx, trained, T + horizon - 1);
  try {
    const window = new Float32Array((T + horizon - 1) * I);
    window.set(context);
    const out = new Float32Array(horizon * O);
    let fit = new Float32Array(0);
    for (let k = 0; k < horizon; k++) {
      // With batch 1 the head's rows are the steps in order: row t predicts step t + 1.
      const pred = await copy.infer(window);
      if (k === 0) fit = pred.slice(0, T * O);
      const next = pred.subarray((T - 1 + k) * O, (T + k) * O);
      out.set(next, k * O);
      if (k + 1 < horizon) window.set(next, (T + k) * I);
    }
    return { fit, forecast: out };
  } finally {
    copy.destroy();
  }
}

/** Reads `inputs` (L, I) as they are and returns the prediction after every step (L, O). */
export async function oneStepAhead(ctx: KernelContext, trained: Trainer, inputs: Float32Array): Promise<Float32Array> {
  const L = inputs.length / trained.cfg.inputSize;
  if (!Number.isInteger(L) || L < 1) throw new Error(`oneStepAhead: ${inputs.length} values for input size ${trained.cfg.inputSize}`);
  const copy = await windowCopy(ctx, trained, L);
  try {
    return await copy.infer(inputs);
  } finally {
    copy.destroy();
  }
}
