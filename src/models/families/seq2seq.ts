// The encoder-decoder wrapper (src/models/seq2seq.ts has the whole story): two recurrent stacks of
// the same cell under `enc.` and `dec.`, the decoder starting from the encoder's final state. Not a
// family of its own: a family whose stacks carry a state opts in (supports.encoderDecoder), builds
// this config on sequence-to-sequence tasks, and lists seq2seqEngine among its engines. The cell
// picks the stack: the classic cells' RecurrentStack, or minGRU/minLSTM's MinRnnStack.

import type { Random } from '../../data/random';
import type { RecurrentSchedule } from '../../kernels/recurrent';
import { minRnnForward } from '../../reference/minrnn';
import { MIN_CELLS, initMinRnn, minRnnParameterShapes, type MinCell } from '../minrnnParams';
import { recurrentForward } from '../../reference/recurrent';
import type { ModelEngine } from '../family';
import type { MinRnnStackConfig } from '../minrnn';
import type { RecurrentConfig } from '../recurrent';
import { describeCell, initRecurrent, recurrentParameterShapes, type CellKind } from '../recurrentParams';
import { sizeIn } from './shared';

export interface Seq2SeqConfig {
  cell: CellKind | MinCell;
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
  /** Classic cells: both stacks' initialisation, as RecurrentConfig's (the LSTM's forget bias, the tanh RNN's W_hh scale). */
  forgetBias?: number;
  recurrentScale?: number;
}

export const ENCODER_RNN = 'enc.';
export const DECODER_RNN = 'dec.';

/** One of the two stacks: a classic recurrent stack, or a minimal RNN's. */
export type StackPart = { min: false; cfg: RecurrentConfig } | { min: true; cfg: MinRnnStackConfig };

export function isMinCell(cell: string): cell is MinCell {
  return (MIN_CELLS as readonly string[]).includes(cell);
}

export function seq2seqParts(cfg: Seq2SeqConfig): { encoder: StackPart; decoder: StackPart } {
  const common = { inputSize: cfg.inputSize, hiddenSize: cfg.hiddenSize, numLayers: cfg.numLayers };
  const cell = cfg.cell;
  if (isMinCell(cell)) {
    const base = { ...common, cell, candidate: 'g' as const };
    return { encoder: { min: true, cfg: { ...base, initialState: cfg.initialState } }, decoder: { min: true, cfg: { ...base, initialState: 'zeros' } } };
  }
  const init = { ...(cfg.forgetBias ? { forgetBias: cfg.forgetBias } : {}), ...(cfg.recurrentScale !== undefined ? { recurrentScale: cfg.recurrentScale } : {}) };
  const base = { ...common, cell, bidirectional: false, schedule: cfg.schedule, ...init };
  return { encoder: { min: false, cfg: { ...base, initialState: cfg.initialState } }, decoder: { min: false, cfg: { ...base, initialState: 'zeros' } } };
}

function partShapes(part: StackPart): Array<[string, number[]]> {
  return part.min ? minRnnParameterShapes(part.cfg) : recurrentParameterShapes(part.cfg);
}

function partInit(part: StackPart, rng: Random): Record<string, Float32Array> {
  return part.min ? initMinRnn(part.cfg, rng) : initRecurrent(part.cfg, rng);
}

/** Float64 forward of one stack from a given initial state: outputs [B, T', H], final state (and cell). */
function partForward(part: StackPart, params: Record<string, Float64Array>, x: Float64Array, B: number, h0?: Float64Array, c0?: Float64Array): { y: Float64Array; hN: Float64Array; cN?: Float64Array } {
  if (part.min) return minRnnForward(part.cfg, params, x, { batch: B, h0 });
  const r = recurrentForward(part.cfg, params, x, { batch: B, h0, c0 });
  return { y: r.y, hN: r.hN, cN: part.cfg.cell === 'lstm' ? r.cN : undefined };
}

export function seq2seqParameterShapes(cfg: Seq2SeqConfig): Array<[string, number[]]> {
  const { encoder, decoder } = seq2seqParts(cfg);
  return [
    ...partShapes(encoder).map(([n, s]): [string, number[]] => [`${ENCODER_RNN}${n}`, s]),
    ...partShapes(decoder).map(([n, s]): [string, number[]] => [`${DECODER_RNN}${n}`, s]),
  ];
}

/** Each stack's initialisation (PyTorch's, or the minimal RNNs'), the encoder's drawn first, from one generator. */
export function initSeq2Seq(cfg: Seq2SeqConfig, rng: Random): Record<string, Float32Array> {
  const { encoder, decoder } = seq2seqParts(cfg);
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(partInit(encoder, rng))) out[`${ENCODER_RNN}${k}`] = v;
  for (const [k, v] of Object.entries(partInit(decoder, rng))) out[`${DECODER_RNN}${k}`] = v;
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
  const enc = partForward(encoder, under(params, ENCODER_RNN), steps(0, S), B);
  const dec = partForward(decoder, under(params, DECODER_RNN), steps(S, T), B, enc.hN, enc.cN);
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
  describe: (m) => `${typeof m.cell === 'string' && isMinCell(m.cell) ? { mingru: 'minGRU', minlstm: 'minLSTM' }[m.cell] : describeCell(m.cell)} encoder-decoder (hidden ${sizeIn(m, 'hiddenSize')}, ${sizeIn(m, 'numLayers')} layer(s))`,
};
