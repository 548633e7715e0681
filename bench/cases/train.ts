// One training step of a one-layer LSTM or GRU with a linear head on every step, MSE and Adam,
// exactly as the app runs it: `Trainer.step()` encodes the forward pass, BPTT, the gradient norm
// and clipping and the Adam update into one command encoder and submits it without waiting. The
// harness submits N steps back to back and times the span (suite.ts, submit mode); the rate is
// steps per second.
//
// A size names a configuration by its hidden size (the four differ in it):
//   128: batch 32, T 128, input 16    256: batch 64, T 256, input 64
//    64: batch 1, T 1000, input 1     512: batch 128, T 512, input 32
// The head predicts `input` values per step (output size = input size); the task is to repeat the
// previous step's input, so the loss has something to learn. On a software adapter (the fallback
// profiles) every configuration is scaled down so that a step takes well under a second on the
// CPU; the row says "scaled" and from what. `--full` runs the real sizes anyway.
//
// `lstm-train` and `gru-train` run the recurrence in the schedule the app chooses for the size
// (named in the note); `*-train-persistent` and `*-train-stepwise` force one, so that a run on a
// GPU shows where each wins (src/kernels/recurrent.ts, chooseSchedule). A plain run on a
// software adapter leaves the forced ones out; naming them or `train` in --only runs them.

import { Trainer, type TrainerConfig } from '../../src/train/trainer';
import { defaultOptimizer } from '../../src/train/optimizers';
import type { StepStats } from '../../src/train/trainer';
import type { RecurrentSchedule } from '../../src/kernels/recurrent';
import type { BenchCase, BenchEnv, PreparedCase } from '../suite';
import { uniformF32 } from './data';

export interface TrainShape {
  batch: number;
  seqLen: number;
  input: number;
  hidden: number;
}

export type TrainCell = 'lstm' | 'gru';

/** The configurations of the issue, by hidden size. */
export const TRAIN_SHAPES: Readonly<Record<number, TrainShape>> = {
  128: { batch: 32, seqLen: 128, input: 16, hidden: 128 },
  256: { batch: 64, seqLen: 256, input: 64, hidden: 256 },
  64: { batch: 1, seqLen: 1000, input: 1, hidden: 64 },
  512: { batch: 128, seqLen: 512, input: 32, hidden: 512 },
  // Not one of the four and not run unless named (--sizes=1024): the persistent
  // schedule's weight traffic at 2 GiB a step for the LSTM, where stepwise might have won.
  1024: { batch: 128, seqLen: 128, input: 32, hidden: 1024 },
};

/**
 * The same five for a software adapter (SwiftShader runs about 0.3 to 1 GFLOP/s on this kind of
 * machine): batch, T and hidden divided so that a step takes tens to a few hundred ms.
 */
export const SCALED_TRAIN_SHAPES: Readonly<Record<number, TrainShape>> = {
  128: { batch: 8, seqLen: 32, input: 16, hidden: 32 },
  256: { batch: 8, seqLen: 32, input: 16, hidden: 64 },
  64: { batch: 1, seqLen: 250, input: 1, hidden: 16 },
  512: { batch: 4, seqLen: 32, input: 8, hidden: 128 },
  1024: { batch: 4, seqLen: 16, input: 8, hidden: 256 },
};

export const TRAIN_LR = 1e-3;
export const TRAIN_CLIP_NORM = 1;

export function trainShapeLabel(s: TrainShape): string {
  return `B${s.batch} T${s.seqLen} I${s.input} H${s.hidden}`;
}

/** Full sizes on a real GPU (or with --full), the scaled ones on a software adapter. */
export function trainShapeFor(env: Pick<BenchEnv, 'config'>, size: number): { shape: TrainShape; scaledFrom: TrainShape | null } {
  const full = TRAIN_SHAPES[size];
  if (!full) throw new Error(`no training configuration with hidden size ${size} (sizes name one: ${Object.keys(TRAIN_SHAPES).join(', ')})`);
  const scaled = env.config.profile === 'fallback' || env.config.profile === 'fallback-quick';
  return scaled ? { shape: SCALED_TRAIN_SHAPES[size], scaledFrom: full } : { shape: full, scaledFrom: null };
}

/** Inputs uniform in [-1, 1); the target at step t is the input at step t - 1 (zeros at t = 0). */
export function delayTask(s: TrainShape, seed: number): { x: Float32Array; y: Float32Array } {
  const { batch: B, seqLen: T, input: I } = s;
  const x = uniformF32(B * T * I, -1, 1, seed); // (B, T, I)
  const y = new Float32Array(B * T * I); // (B, T, I)
  for (let b = 0; b < B; b++) y.set(x.subarray(b * T * I, (b * T + T - 1) * I), (b * T + 1) * I);
  return { x, y };
}

/** One step that reports its statistics; waits for them. */
export function stepWithStats(trainer: Trainer): Promise<StepStats> {
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error('the step statistics never came back')), 300_000);
    trainer.step((stats) => {
      clearTimeout(timeout);
      resolve(stats);
    });
  });
}

async function prepareTraining(env: BenchEnv, cell: TrainCell, size: number, forced?: RecurrentSchedule): Promise<PreparedCase> {
  const { shape, scaledFrom } = trainShapeFor(env, size);
  const { batch: B, seqLen: T, input: I, hidden: H } = shape;
  const cfg: TrainerConfig = {
    model: { kind: 'recurrent', cell, inputSize: I, hiddenSize: H, numLayers: 1, bidirectional: false, initialState: 'zeros', schedule: forced },
    inputSize: I,
    outputSize: I,
    task: 'many-to-many',
    loss: 'mse',
    batch: B,
    seqLen: T,
    optimizer: defaultOptimizer('adam', TRAIN_LR),
    clipNorm: TRAIN_CLIP_NORM,
    carryState: false,
    seed: 7,
  };
  const trainer = await Trainer.create(env.ctx, cfg);
  const { x, y } = delayTask(shape, 41);
  trainer.setBatch(x, y);
  // The first step compiles nothing (pipelines are built in create) but touches every buffer.
  const first = await stepWithStats(trainer);
  // The schedule the model runs: the one chooseSchedule gave it unless forced.
  const schedule = trainer.encoder.schedule.split(':')[0];
  const setup = [`${schedule}${forced ? '' : ' (chosen)'}`, scaledFrom ? `scaled from ${trainShapeLabel(scaledFrom)}` : ''].filter(Boolean).join('; ');
  const prepared: PreparedCase = {
    submit(count) {
      for (let i = 0; i < count; i++) trainer.step();
    },
    work: { steps: 1 },
    shape: `${trainShapeLabel(shape)}${scaledFrom ? ' (scaled)' : ''}`,
    note: setup,
    peer: { op: 'train', cell, batch: B, seqLen: T, input: I, hidden: H, output: I, lr: TRAIN_LR, clipNorm: TRAIN_CLIP_NORM },
    async verify() {
      const last = await stepWithStats(trainer);
      const losses = `loss ${first.loss.toPrecision(3)} -> ${last.loss.toPrecision(3)} in ${last.step - first.step} steps`;
      prepared.note = [setup, losses].filter(Boolean).join('; ');
      if (last.nonFinite || !Number.isFinite(last.loss)) return `non-finite loss or gradient at step ${last.step}`;
      if (!(last.loss < first.loss)) return `loss did not fall: ${losses}`;
      return null;
    },
    destroy: () => trainer.destroy(),
  };
  return prepared;
}

const TRAIN_SIZES: BenchCase['sizes'] = {
  full: [128, 256, 64, 512],
  quick: [128, 64, 256],
  fallback: [128, 256, 64, 512],
  'fallback-quick': [128, 64],
};

/** In a run of every case on a software adapter: two of the four (--only=train runs all four). */
const TRAIN_DEFAULT_SIZES: BenchCase['defaultSizes'] = { fallback: [128, 64], 'fallback-quick': [128] };

/** The forced-schedule cases run only when named (or their group) in --only. */
const NOT_BY_DEFAULT: BenchCase['defaultSizes'] = { full: [], quick: [], fallback: [], 'fallback-quick': [] };

export const trainCases: BenchCase[] = (['lstm', 'gru'] as const).flatMap((cell) => [
  {
    id: `${cell}-train`,
    group: 'train',
    sizes: TRAIN_SIZES,
    defaultSizes: TRAIN_DEFAULT_SIZES,
    prepare: (env: BenchEnv, size: number) => prepareTraining(env, cell, size),
  },
  ...(['persistent', 'stepwise'] as const).map((schedule) => ({
    id: `${cell}-train-${schedule}`,
    group: 'train',
    sizes: TRAIN_SIZES,
    defaultSizes: NOT_BY_DEFAULT,
    prepare: (env: BenchEnv, size: number) => prepareTraining(env, cell, size, schedule),
  })),
]);
