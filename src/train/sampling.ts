// Running a trained model one step at a time: a copy with batch 1 and one step per call, its
// state carried from step to step; drawing a token from softmax(logits / temperature).
// Generating text and melodies is ./generate.ts; forecasts (every family, Mamba included)
// ./forecast.ts; greedy decoding of a sequence-to-sequence window is at the end.

import type { KernelContext } from '../kernels/registry';
import { engineOf } from '../models/registry';
import { Trainer } from './trainer';

/**
 * A copy of `trained` that takes one step per `infer` call and carries its state. It starts from
 * zeros (a learned h0 is not applied here). Models without a carried state (Mamba) cannot step.
 */
export async function makeStepper(ctx: KernelContext, trained: Trainer): Promise<Trainer> {
  const cfg = trained.cfg.model;
  if (cfg.kind === 'seq2seq' || engineOf(cfg).stateShape(cfg) === null) throw new Error('Stepping one step at a time needs a model that carries its state (RNN, LSTM, GRU, minGRU or minLSTM).');
  const model = { ...cfg, initialState: 'zeros' as const };
  return Trainer.create(ctx, { ...trained.cfg, model, batch: 1, seqLen: 1, carryState: true, task: 'many-to-many' }, await trained.readParams());
}

/** The index of the largest of `values` (the first, on a tie): the greedy choice among logits. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

export function sampleLogits(logits: ArrayLike<number>, temperature: number, rng: { next(): number }): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] / temperature);
  const p = Array.from(logits, (z) => Math.exp(z / temperature - max));
  const total = p.reduce((a, b) => a + b, 0);
  let u = rng.next() * total;
  for (let i = 0; i < p.length; i++) {
    u -= p[i];
    if (u <= 0) return i;
  }
  return p.length - 1;
}

/** What a sequence-to-sequence model answers on one window, with and without teacher forcing. */
export interface Decoded {
  /** (B, U) the class chosen at each target step reading the true previous targets. */
  forced: Int32Array;
  /** (B, U) the class chosen reading its own previous choices (greedy, free-running). */
  free: Int32Array;
}

/**
 * Greedy decoding without teacher forcing. `x` (B, S + U, I) is a sequence-to-sequence window as
 * src/data/batchSource.ts lays it out: the source in rows [0, S), a start token in row S, the
 * targets shifted right after it, one-hot at the class index. The first pass reads it as trained
 * (teacher forcing); then row S + k + 1 becomes the model's own choice at step S + k, one step at
 * a time. Each pass is the whole window, which is exact: an output depends on no row after its
 * step (the encoder reads only the source, the decoder and Mamba are causal). U passes.
 */
export async function decodeFreeRunning(trained: Trainer, x: ArrayLike<number>, sourceLength: number): Promise<Decoded> {
  const { batch: B, seqLen: T, inputSize: I, outputSize: O } = trained.cfg;
  const S = sourceLength;
  const U = T - S;
  if (trained.cfg.loss !== 'cross_entropy' || trained.cfg.task !== 'many-to-many' || S < 0 || U < 1 || O > I) {
    throw new Error('Free-running decoding needs a sequence-to-sequence model: class targets after the source, fed back as one-hot inputs.');
  }
  if (x.length !== B * T * I) throw new Error(`decodeFreeRunning: x holds ${x.length} values, expected (${B}, ${T}, ${I})`);
  const window = Float32Array.from(x);
  const forced = new Int32Array(B * U);
  const free = new Int32Array(B * U);
  const choice = (pred: Float32Array, t: number, b: number) => argmax(pred.subarray((t * B + b) * O, (t * B + b + 1) * O)); // time-major rows
  for (let k = 0; k < U; k++) {
    const pred = await trained.infer(window);
    for (let b = 0; b < B; b++) {
      if (k === 0) for (let j = 0; j < U; j++) forced[b * U + j] = choice(pred, S + j, b);
      const id = choice(pred, S + k, b);
      free[b * U + k] = id;
      if (k + 1 < U) {
        const row = (b * T + S + k + 1) * I;
        window.fill(0, row, row + I);
        window[row + id] = 1;
      }
    }
  }
  return { forced, free };
}
