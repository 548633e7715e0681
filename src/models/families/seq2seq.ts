// The encoder-decoder wrapper (src/models/seq2seq.ts has the whole story): two recurrent stacks of
// the same cell under `enc.` and `dec.`, the decoder starting from the encoder's final state. Not a
// family of its own: a recurrent family opts in (supports.encoderDecoder) and builds this config
// on sequence-to-sequence tasks, and lists seq2seqEngine among its engines.

import type { Random } from '../../data/random';
import type { RecurrentSchedule } from '../../kernels/recurrent';
import { recurrentForward } from '../../reference/recurrent';
import type { ModelEngine } from '../family';
import type { RecurrentConfig } from '../recurrent';
import { describeCell, initRecurrent, recurrentParameterShapes, type CellKind } from '../recurrentParams';
import { sizeIn } from './shared';

export interface Seq2SeqConfig {
  cell: CellKind;
  /** Width of every x row: source tokens and decoder inputs share it. */
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  /** The encoder's initial state; the decoder starts from the encoder's final state. */
  initialState: 'zeros' | 'learned';
  /** S: the first S steps of x are the source, the rest the decoder's inputs. */
  sourceLength: number;
  /** Both recurrences' GPU schedule; by default chosen from the hidden size and the device (chooseSchedule). */
  schedule?: RecurrentSchedule;
}

export const ENCODER_RNN = 'enc.';
export const DECODER_RNN = 'dec.';

export function seq2seqParts(cfg: Seq2SeqConfig): { encoder: RecurrentConfig; decoder: RecurrentConfig } {
  const base = { cell: cfg.cell, inputSize: cfg.inputSize, hiddenSize: cfg.hiddenSize, numLayers: cfg.numLayers, bidirectional: false, schedule: cfg.schedule };
  return { encoder: { ...base, initialState: cfg.initialState }, decoder: { ...base, initialState: 'zeros' } };
}

export function seq2seqParameterShapes(cfg: Seq2SeqConfig): Array<[string, number[]]> {
  const { encoder, decoder } = seq2seqParts(cfg);
  return [
    ...recurrentParameterShapes(encoder).map(([n, s]): [string, number[]] => [`${ENCODER_RNN}${n}`, s]),
    ...recurrentParameterShapes(decoder).map(([n, s]): [string, number[]] => [`${DECODER_RNN}${n}`, s]),
  ];
}

/** PyTorch's initialisation for each RNN, the encoder's drawn first, from one generator. */
export function initSeq2Seq(cfg: Seq2SeqConfig, rng: Random): Record<string, Float32Array> {
  const { encoder, decoder } = seq2seqParts(cfg);
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(initRecurrent(encoder, rng))) out[`${ENCODER_RNN}${k}`] = v;
  for (const [k, v] of Object.entries(initRecurrent(decoder, rng))) out[`${DECODER_RNN}${k}`] = v;
  return out;
}

/** The parameters under `prefix`, without it. */
function under(params: Record<string, Float64Array>, prefix: string): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(params).flatMap(([k, v]) => (k.startsWith(prefix) ? [[k.slice(prefix.length), v]] : [])));
}

/** Float64: the encoder over steps [0, S), the decoder over [S, T) from its final state; outputs side by side in time. */
function seq2seqForward(cfg: Seq2SeqConfig, params: Record<string, Float64Array>, x: Float64Array, B: number): Float64Array {
  const { encoder, decoder } = seq2seqParts(cfg);
  const I = cfg.inputSize;
  const H = cfg.hiddenSize;
  const T = x.length / (B * I);
  const S = cfg.sourceLength;
  const steps = (from: number, to: number) => {
    const out = new Float64Array(B * (to - from) * I);
    for (let b = 0; b < B; b++) out.set(x.subarray((b * T + from) * I, (b * T + to) * I), b * (to - from) * I);
    return out;
  };
  const enc = recurrentForward(encoder, under(params, ENCODER_RNN), steps(0, S), { batch: B });
  const dec = recurrentForward(decoder, under(params, DECODER_RNN), steps(S, T), { batch: B, h0: enc.hN, c0: cfg.cell === 'lstm' ? enc.cN : undefined });
  const y = new Float64Array(B * T * H);
  for (let b = 0; b < B; b++) {
    y.set(enc.y.subarray(b * S * H, (b + 1) * S * H), b * T * H);
    y.set(dec.y.subarray(b * (T - S) * H, (b + 1) * (T - S) * H), (b * T + S) * H);
  }
  return y;
}

export type Seq2SeqModelConfig = { kind: 'seq2seq' } & Seq2SeqConfig;

export const seq2seqEngine: ModelEngine<Seq2SeqModelConfig> = {
  parameterShapes: seq2seqParameterShapes,
  init: initSeq2Seq,
  // Each window is one source and its target: no state carries over between windows.
  stateShape: () => null,
  build: async (ctx, cfg, T, B, io, tape) => (await import('../seq2seq')).Seq2SeqModel.build(ctx, cfg, T, B, io, tape),
  outputSize: (cfg) => cfg.hiddenSize,
  referenceForward: seq2seqForward,
  describe: (m) => `${describeCell(m.cell)} encoder-decoder (hidden ${sizeIn(m, 'hiddenSize')}, ${sizeIn(m, 'numLayers')} layer(s))`,
};
