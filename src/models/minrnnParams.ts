// minGRU and minLSTM's parameters: names, shapes and initialisation (state_dict order, as the
// fixtures in test-data/torch hold them), and the configuration they follow from. The
// float64 maths is src/reference/minrnn.ts; the GPU model ./minrnn.ts.

import { Random } from '../data/random';

export const MIN_CELLS = ['mingru', 'minlstm'] as const;
export type MinCell = (typeof MIN_CELLS)[number];
export type Candidate = 'g' | 'identity';
type Params = Record<string, Float64Array>;

/** Gate blocks per cell: minGRU z, h~; minLSTM f, i, h~. */
export const MIN_GATE_COUNT: Record<MinCell, number> = { mingru: 2, minlstm: 3 };
/** The sigmoid gates a probe shows (z; f, i), in the order the gate blocks hold them, named as the views name gates. */
export const MIN_GATE_NAMES: Record<MinCell, readonly string[]> = { mingru: ['update'], minlstm: ['forget', 'input'] };

export interface MinRnnConfig {
  cell: MinCell;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  candidate: Candidate;
  /** 'learned': a trainable h0_l{k} [H] per layer, shared by the batch. */
  initialState?: 'zeros' | 'learned';
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** [name, shape] in state_dict order: weight_ih_l{k}, bias_ih_l{k} per layer, then learned initial states. */
export function minRnnParameterShapes(cfg: MinRnnConfig): Array<[string, number[]]> {
  const G = MIN_GATE_COUNT[cfg.cell];
  const H = cfg.hiddenSize;
  const out: Array<[string, number[]]> = [];
  for (let l = 0; l < cfg.numLayers; l++) out.push([`weight_ih_l${l}`, [G * H, l === 0 ? cfg.inputSize : H]], [`bias_ih_l${l}`, [G * H]]);
  if (cfg.initialState === 'learned') for (let l = 0; l < cfg.numLayers; l++) out.push([`h0_l${l}`, [H]]);
  return out;
}

/** Every weight and bias ~ U(-1/√H, 1/√H), drawn in state_dict order; learned initial states start at 0. */
export function initMinRnnParameters(cfg: MinRnnConfig, rng: Random | number): Params {
  const random = typeof rng === 'number' ? new Random(rng) : rng;
  const k = 1 / Math.sqrt(cfg.hiddenSize);
  const out: Params = {};
  for (const [name, shape] of minRnnParameterShapes(cfg)) out[name] = name.startsWith('h0_') ? new Float64Array(size(shape)) : random.uniformArray(size(shape), -k, k);
  return out;
}

export function initMinRnn(cfg: MinRnnConfig, rng: Random): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(initMinRnnParameters(cfg, rng)).map(([n, v]) => [n, Float32Array.from(v)]));
}
