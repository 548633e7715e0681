// Training steps of minGRU and minLSTM (the recurrence as a parallel scan, log depth in T) beside
// an LSTM of about the same parameter count (T dependent steps), as sequences grow: T = 128, 1024
// and 16384 at batch 8, input 16, minGRU/minLSTM hidden 128. The LSTM's hidden size is chosen so
// that its parameters (head included) come closest to minGRU's; each row's note gives the count.
// Same task and harness as train.ts (repeat the previous input; Trainer.step, N submits timed as a
// span). On a software adapter the sizes are scaled down (batch 4, hidden 32, T up to 2048).
// Peer (Node, --torch): the same step in PyTorch, minGRU/minLSTM as the paper's log-space scan
// (bench/peers/torch.ts), the LSTM as cuDNN's nn.LSTM.

import type { ModelConfig } from '../../src/models';
import { defaultOptimizer } from '../../src/train/optimizers';
import { Trainer, type TrainerConfig } from '../../src/train/trainer';
import type { BenchCase, BenchEnv, PreparedCase } from '../suite';
import { delayTask, stepWithStats, TRAIN_CLIP_NORM, TRAIN_LR, trainShapeLabel, type TrainShape } from './train';

type Model = 'mingru' | 'minlstm' | 'lstm';

const FULL: Record<number, TrainShape> = {
  128: { batch: 8, seqLen: 128, input: 16, hidden: 128 },
  1024: { batch: 8, seqLen: 1024, input: 16, hidden: 128 },
  16384: { batch: 8, seqLen: 16384, input: 16, hidden: 128 },
};
const SCALED: Record<number, TrainShape> = {
  128: { batch: 4, seqLen: 128, input: 8, hidden: 32 },
  1024: { batch: 4, seqLen: 512, input: 8, hidden: 32 },
  16384: { batch: 4, seqLen: 2048, input: 8, hidden: 32 },
};

/** Encoder and head parameters of a one-layer model of hidden size H (PyTorch's shapes). */
function parameterCount(model: Model, I: number, H: number): number {
  const head = I * H + I;
  if (model === 'lstm') return 4 * H * (I + H + 2) + head;
  return (model === 'mingru' ? 2 : 3) * H * (I + 1) + head;
}

/** The LSTM hidden size whose parameter count is closest to minGRU's at hidden H. */
export function equalLstmHidden(I: number, H: number): number {
  const target = parameterCount('mingru', I, H);
  let best = 1;
  for (let h = 1; h <= H; h++) if (Math.abs(parameterCount('lstm', I, h) - target) < Math.abs(parameterCount('lstm', I, best) - target)) best = h;
  return best;
}

async function prepare(env: BenchEnv, model: Model, size: number): Promise<PreparedCase> {
  const scaled = env.config.profile === 'fallback' || env.config.profile === 'fallback-quick';
  const base = (scaled ? SCALED : FULL)[size];
  if (!base) throw new Error(`no ${model} configuration named ${size} (--sizes names one of ${Object.keys(FULL).join(', ')} here, the sequence length T)`);
  const H = model === 'lstm' ? equalLstmHidden(base.input, base.hidden) : base.hidden;
  const shape: TrainShape = { ...base, hidden: H };
  const { batch: B, seqLen: T, input: I } = shape;
  const encoder: ModelConfig =
    model === 'lstm'
      ? { kind: 'recurrent', cell: 'lstm', inputSize: I, hiddenSize: H, numLayers: 1, bidirectional: false, initialState: 'zeros' }
      : { kind: 'minrnn', cell: model, inputSize: I, hiddenSize: H, numLayers: 1, candidate: 'g', initialState: 'zeros' };
  const cfg: TrainerConfig = { model: encoder, inputSize: I, outputSize: I, task: 'many-to-many', loss: 'mse', batch: B, seqLen: T, optimizer: defaultOptimizer('adam', TRAIN_LR), clipNorm: TRAIN_CLIP_NORM, carryState: false, seed: 7 };
  const trainer = await Trainer.create(env.ctx, cfg);
  const { x, y } = delayTask(shape, 41);
  trainer.setBatch(x, y);
  const first = await stepWithStats(trainer);
  const setup = [`${parameterCount(model, I, H).toLocaleString('en')} parameters`, trainer.encoder.schedule.split(':')[0], scaled ? `scaled from ${trainShapeLabel(FULL[size])}` : ''].filter(Boolean).join('; ');
  const prepared: PreparedCase = {
    submit(count) {
      for (let i = 0; i < count; i++) trainer.step();
    },
    // At T = 16384 on a software adapter the LSTM's serial steps take seconds: time one.
    once: scaled && size === 16384,
    work: { steps: 1 },
    shape: `${trainShapeLabel(shape)}${scaled ? ' (scaled)' : ''}`,
    peer: { op: 'minrnn-train', model, candidate: 'g', batch: B, seqLen: T, input: I, hidden: H, output: I, lr: TRAIN_LR, clipNorm: TRAIN_CLIP_NORM },
    note: setup,
    async verify() {
      const last = await stepWithStats(trainer);
      const losses = `loss ${first.loss.toPrecision(3)} -> ${last.loss.toPrecision(3)} in ${last.step - first.step} steps`;
      prepared.note = `${setup}; ${losses}`;
      if (last.nonFinite || !Number.isFinite(last.loss)) return `non-finite loss or gradient at step ${last.step}`;
      if (last.step - first.step > 0 && !(last.loss < first.loss)) return `loss did not fall: ${losses}`;
      return null;
    },
    destroy: () => trainer.destroy(),
  };
  return prepared;
}

const SIZES: BenchCase['sizes'] = { full: [128, 1024, 16384], quick: [128, 1024], fallback: [128, 1024, 16384], 'fallback-quick': [128] };
/** In a run of every case on a software adapter: the shortest (--only=minrnn runs all three). */
const DEFAULT_SIZES: BenchCase['defaultSizes'] = { fallback: [128], 'fallback-quick': [128] };

export const minRnnCases: BenchCase[] = (['mingru', 'minlstm', 'lstm'] as const).map((model) => ({
  id: model === 'lstm' ? 'lstm-equal-params-train' : `${model}-train`,
  group: 'minrnn',
  sizes: SIZES,
  defaultSizes: DEFAULT_SIZES,
  prepare: (env: BenchEnv, size: number) => prepare(env, model, size),
}));
