// The parameters of PyTorch's nn.RNN (tanh), nn.LSTM and nn.GRU: names, shapes and initialisation,
// so that a state_dict moves across unchanged. The GPU model, the float64 reference, the fixture
// checker and the weights files all read them from here.
//
//   weight_ih_l{l}[_reverse] [G·H, in]   in = I for layer 0, D·H above it
//   weight_hh_l{l}[_reverse] [G·H, H]
//   bias_ih_l{l}, bias_hh_l{l} [G·H]
//   h0_l{l}, c0_l{l} [H]  learned initial states (not PyTorch's; only with initialState 'learned')
// G gate blocks: 1 (tanh RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n); D = 2 when bidirectional.

import { Random } from '../data/random';

export const CELL_KINDS = ['rnn_tanh', 'lstm', 'gru'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

export const GATE_COUNT: Record<CellKind, number> = { rnn_tanh: 1, lstm: 4, gru: 3 };

/** What fixes the parameter shapes (the float64 reference's configuration). */
export interface RecurrentShapeConfig {
  cell: CellKind;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  /** 'learned': trainable initial states h0_l{l}[_reverse] (and c0_…) of shape [H], shared by the batch. */
  initialState?: 'zeros' | 'learned';
  /** LSTM: added to the forget block of every bias_ih at initialisation (default 0, PyTorch's; 1 is Keras's unit_forget_bias). */
  forgetBias?: number;
  /** Every weight_hh's initial values times this (default 1, PyTorch's); above 1 the recurrence starts expanding. */
  recurrentScale?: number;
}

/** `_l{layer}` or `_l{layer}_reverse`, PyTorch's parameter suffix. */
export function suffix(layer: number, direction: number): string {
  return `_l${layer}${direction === 1 ? '_reverse' : ''}`;
}

/** [name, shape] in PyTorch's state_dict order; learned initial states (not in PyTorch) come last. */
export function recurrentParameterShapes(config: RecurrentShapeConfig): Array<[string, number[]]> {
  const { hiddenSize: H, numLayers: L } = config;
  const G = GATE_COUNT[config.cell];
  const D = config.bidirectional ? 2 : 1;
  const out: Array<[string, number[]]> = [];
  for (let l = 0; l < L; l++) {
    const inSize = l === 0 ? config.inputSize : D * H;
    for (let d = 0; d < D; d++) {
      const s = suffix(l, d);
      out.push([`weight_ih${s}`, [G * H, inSize]], [`weight_hh${s}`, [G * H, H]], [`bias_ih${s}`, [G * H]], [`bias_hh${s}`, [G * H]]);
    }
  }
  if (config.initialState === 'learned') {
    for (let l = 0; l < L; l++) {
      for (let d = 0; d < D; d++) {
        out.push([`h0${suffix(l, d)}`, [H]]);
        if (config.cell === 'lstm') out.push([`c0${suffix(l, d)}`, [H]]);
      }
    }
  }
  return out;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * PyTorch's reset_parameters: every weight and bias ~ U(-1/√H, 1/√H), drawn in state_dict order;
 * learned states start at 0. Two departures, both off by default and both applied after the same
 * draws (so a seed gives the same parameters otherwise):
 *   forgetBias      (LSTM) added to bias_ih's forget block [H, 2H) only. PyTorch keeps two biases
 *                   that are always summed, b_ih + b_hh; Keras has one, set to 1 by
 *                   unit_forget_bias (Jozefowicz et al. 2015). Adding it to one of the two makes
 *                   the effective forget bias start at +forgetBias on average, as Keras's does.
 *   recurrentScale  every weight_hh times this: 3 starts a tanh RNN's recurrence expanding.
 */
export function initRecurrentParameters(config: RecurrentShapeConfig, rng: Random | number): Record<string, Float64Array> {
  const random = typeof rng === 'number' ? new Random(rng) : rng;
  const H = config.hiddenSize;
  const k = 1 / Math.sqrt(H);
  const forgetBias = config.cell === 'lstm' ? (config.forgetBias ?? 0) : 0;
  const scale = config.recurrentScale ?? 1;
  const out: Record<string, Float64Array> = {};
  for (const [name, shape] of recurrentParameterShapes(config)) {
    const values = /^[hc]0_/.test(name) ? new Float64Array(size(shape)) : random.uniformArray(size(shape), -k, k);
    // LSTM gate blocks are i, f, g, o: the forget gate's rows are [H, 2H).
    if (forgetBias !== 0 && name.startsWith('bias_ih')) for (let j = H; j < 2 * H; j++) values[j] += forgetBias;
    if (scale !== 1 && name.startsWith('weight_hh')) for (let j = 0; j < values.length; j++) values[j] *= scale;
    out[name] = values;
  }
  return out;
}

/** The same draws, as the float32 values the GPU trains. */
export function initRecurrent(config: RecurrentShapeConfig, rng: Random): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(initRecurrentParameters(config, rng)).map(([name, v]) => [name, Float32Array.from(v)]));
}

/** The cell in words, as a weights file's description says it; anything else as it is, or '?'. */
export function describeCell(cell: unknown): string {
  const words: Record<string, string> = { rnn_tanh: 'tanh RNN', lstm: 'LSTM', gru: 'GRU' };
  return typeof cell === 'string' ? (words[cell] ?? cell) : '?';
}
