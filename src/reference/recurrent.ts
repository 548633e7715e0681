// Float64 CPU reference of PyTorch's nn.RNN (tanh), nn.LSTM and nn.GRU with batch_first=True:
// stacked layers, optional bidirectional, forward and backpropagation through time (BPTT).
// The tests' truth for the WGSL kernels and a CPU fallback; plain loops, row-major, no cleverness.
//
// Glossary (every array is a row-major Float64Array):
//   B batch, T steps (seq_len), I input features, H hidden units, L layers, D directions (2 if bidirectional)
//   G gate blocks: 1 (tanh RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n)
//   x        [B, T, I]      model input; layer k > 0 reads the layer below's output [B, T, D·H]
//   y        [B, T, D·H]    top layer's output, directions concatenated [forward, backward]
//   h0, c0   [L·D, B, H]    initial states, row l·D + d; h_n, c_n likewise (final states)
//   W_ih [G·H, in]  W_hh [G·H, H]  b_ih, b_hh [G·H]   named weight_ih_l{l}, ... (+ `_reverse` for d = 1)
//   gi = W_ih·x_t + b_ih,  gh = W_hh·h_prev + b_hh    [G·H] pre-activations of one row (batch item)
//   rnn:  h = tanh(gi + gh)
//   lstm: i, f, o = σ(gi + gh) blocks 0, 1, 3;  g = tanh(gi + gh) block 2;  c = f·c_prev + i·g;  h = o·tanh(c)
//   gru:  r, z = σ(gi + gh) blocks 0, 1;  ghn = gh block 2;  n = tanh(gi_n + r·ghn);  h = (1 - z)·n + z·h_prev
//   gates    [B, T, G·H]    saved post-activation gates per step (rnn: h; LSTM i,f,g,o; GRU r,z,n)
//   c        [B, T, H]      LSTM cell state after each step;  ghn [B, T, H] GRU's W_hn·h_prev + b_hn
//   The reverse direction runs t = T-1 .. 0 and writes its output at t; its h_n is the state after t = 0.
//   Truncated BPTT (truncate: k) cuts ∂L/∂h and ∂L/∂c where the state crosses from time ck-1 to ck
//   (either direction), as if the sequence were run in chunks of k steps with the state detached.

import { GATE_COUNT, recurrentParameterShapes as parameterShapes, suffix, type CellKind, type RecurrentShapeConfig } from '../models/recurrentParams';
import { sigmoid } from './kernels';

// Parameter names, shapes and PyTorch's initialisation live with the model (src/models/recurrentParams.ts).
export type { CellKind };
export type RecurrentConfig = RecurrentShapeConfig;
export type Params = Record<string, Float64Array>;

export const GATE_NAMES: Record<CellKind, readonly string[]> = { rnn_tanh: ['h'], lstm: ['i', 'f', 'g', 'o'], gru: ['r', 'z', 'n'] };

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

// ---------------------------------------------------------------------------------------------
// One layer, one direction.

export interface LayerParams {
  wIh: Float64Array; // [G·H, in]
  wHh: Float64Array; // [G·H, H]
  bIh: Float64Array; // [G·H]
  bHh: Float64Array; // [G·H]
}

export interface LayerDims {
  batch: number;
  steps: number;
  inputSize: number;
  hiddenSize: number;
}

/** Everything the backward needs, and the per-step activations the UI shows (see gateTraces). */
export interface LayerCache {
  cell: CellKind;
  dims: LayerDims;
  reverse: boolean;
  params: LayerParams;
  x: Float64Array; // [B, T, in]
  h0: Float64Array; // [B, H]
  c0: Float64Array; // [B, H] (zeros unless LSTM)
  h: Float64Array; // [B, T, H] state after step t (= this direction's output)
  c: Float64Array; // [B, T, H] LSTM cell state after step t (unused otherwise)
  gates: Float64Array; // [B, T, G·H]
  ghn: Float64Array; // [B, T, H] GRU's W_hn·h_prev + b_hn (unused otherwise)
}

export interface LayerForward {
  y: Float64Array; // [B, T, H]
  hN: Float64Array; // [B, H]
  cN: Float64Array; // [B, H]
  cache: LayerCache;
}

export interface LayerGrads {
  dx: Float64Array; // [B, T, in]
  dh0: Float64Array; // [B, H]
  dc0: Float64Array; // [B, H]
  dWIh: Float64Array;
  dWHh: Float64Array;
  dBIh: Float64Array;
  dBHh: Float64Array;
  /** ‖∂L/∂h_t‖ per step [T], mean over the batch of each item's norm: the whole gradient reaching h_t (from y_t and later steps). */
  dhNorm: Float64Array;
}

/** out[j] = b[j] + Σ_k W[j, k]·v[off + k]  for j < rows. */
function affine(out: Float64Array, W: Float64Array, b: Float64Array, v: Float64Array, off: number, cols: number): void {
  for (let j = 0; j < out.length; j++) {
    let s = b[j];
    for (let k = 0; k < cols; k++) s += W[j * cols + k] * v[off + k];
    out[j] = s;
  }
}

export function layerForward(
  cell: CellKind,
  params: LayerParams,
  x: Float64Array,
  dims: LayerDims,
  h0?: Float64Array,
  c0?: Float64Array,
  reverse = false,
): LayerForward {
  const { batch: B, steps: T, inputSize: I, hiddenSize: H } = dims;
  const GH = GATE_COUNT[cell] * H;
  const cache: LayerCache = {
    cell,
    dims,
    reverse,
    params,
    x,
    h0: h0 ?? new Float64Array(B * H),
    c0: c0 ?? new Float64Array(B * H),
    h: new Float64Array(B * T * H),
    c: new Float64Array(cell === 'lstm' ? B * T * H : 0),
    gates: new Float64Array(B * T * GH),
    ghn: new Float64Array(cell === 'gru' ? B * T * H : 0),
  };
  const { h, c, gates, ghn } = cache;
  const hN = new Float64Array(B * H);
  const cN = new Float64Array(B * H);
  const gi = new Float64Array(GH);
  const gh = new Float64Array(GH);
  for (let b = 0; b < B; b++) {
    let hPrev = cache.h0.subarray(b * H, (b + 1) * H);
    let cPrev = cache.c0.subarray(b * H, (b + 1) * H);
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const row = b * T + t;
      affine(gi, params.wIh, params.bIh, x, row * I, I);
      affine(gh, params.wHh, params.bHh, hPrev, 0, H);
      const g = row * GH;
      const o = row * H;
      for (let j = 0; j < H; j++) {
        if (cell === 'rnn_tanh') {
          h[o + j] = gates[g + j] = Math.tanh(gi[j] + gh[j]);
        } else if (cell === 'lstm') {
          const ig = sigmoid(gi[j] + gh[j]);
          const fg = sigmoid(gi[H + j] + gh[H + j]);
          const gg = Math.tanh(gi[2 * H + j] + gh[2 * H + j]);
          const og = sigmoid(gi[3 * H + j] + gh[3 * H + j]);
          gates[g + j] = ig;
          gates[g + H + j] = fg;
          gates[g + 2 * H + j] = gg;
          gates[g + 3 * H + j] = og;
          c[o + j] = fg * cPrev[j] + ig * gg;
          h[o + j] = og * Math.tanh(c[o + j]);
        } else {
          const r = sigmoid(gi[j] + gh[j]);
          const z = sigmoid(gi[H + j] + gh[H + j]);
          const n = Math.tanh(gi[2 * H + j] + r * gh[2 * H + j]);
          gates[g + j] = r;
          gates[g + H + j] = z;
          gates[g + 2 * H + j] = n;
          ghn[o + j] = gh[2 * H + j];
          h[o + j] = (1 - z) * n + z * hPrev[j];
        }
      }
      hPrev = h.subarray(o, o + H);
      if (cell === 'lstm') cPrev = c.subarray(o, o + H);
    }
    hN.set(hPrev, b * H);
    if (cell === 'lstm') cN.set(cPrev, b * H);
  }
  return { y: h, hN, cN, cache };
}

/** BPTT through one layer and direction. dy [B, T, H], dhN, dcN [B, H]; absent means zero. */
export function layerBackward(
  cache: LayerCache,
  dy?: Float64Array,
  dhN?: Float64Array,
  dcN?: Float64Array,
  opts: { truncate?: number } = {},
): LayerGrads {
  const { cell, reverse, params, x, h, c, gates, ghn } = cache;
  const { batch: B, steps: T, inputSize: I, hiddenSize: H } = cache.dims;
  const GH = GATE_COUNT[cell] * H;
  const k = opts.truncate ?? Infinity;
  const out: LayerGrads = {
    dx: new Float64Array(B * T * I),
    dh0: new Float64Array(B * H),
    dc0: new Float64Array(B * H),
    dWIh: new Float64Array(GH * I),
    dWHh: new Float64Array(GH * H),
    dBIh: new Float64Array(GH),
    dBHh: new Float64Array(GH),
    dhNorm: new Float64Array(T),
  };
  const dh = new Float64Array(H); // ∂L/∂h_t
  const dgi = new Float64Array(GH); // ∂L/∂gi
  const dgh = new Float64Array(GH); // ∂L/∂gh
  for (let b = 0; b < B; b++) {
    const dhCarry = dhN ? dhN.slice(b * H, (b + 1) * H) : new Float64Array(H); // ∂L/∂h from later steps
    const dcCarry = dcN && cell === 'lstm' ? dcN.slice(b * H, (b + 1) * H) : new Float64Array(H);
    for (let s = T - 1; s >= 0; s--) {
      const t = reverse ? T - 1 - s : s;
      const row = b * T + t;
      const g = row * GH;
      const o = row * H;
      const prevRow = s === 0 ? -1 : reverse ? row + 1 : row - 1;
      const hPrev = prevRow < 0 ? cache.h0.subarray(b * H, (b + 1) * H) : h.subarray(prevRow * H, prevRow * H + H);
      const cPrev = prevRow < 0 ? cache.c0.subarray(b * H, (b + 1) * H) : c.subarray(prevRow * H, prevRow * H + H);
      let norm = 0;
      for (let j = 0; j < H; j++) {
        dh[j] = (dy ? dy[o + j] : 0) + dhCarry[j];
        norm += dh[j] * dh[j];
      }
      out.dhNorm[t] += Math.sqrt(norm) / B;
      // Cell-specific part: ∂L/∂gi, ∂L/∂gh, the direct part of ∂L/∂h_prev (into dhCarry) and ∂L/∂c_prev.
      for (let j = 0; j < H; j++) {
        if (cell === 'rnn_tanh') {
          const v = gates[g + j];
          dgi[j] = dgh[j] = dh[j] * (1 - v * v);
          dhCarry[j] = 0;
        } else if (cell === 'lstm') {
          const [ig, fg, gg, og] = [gates[g + j], gates[g + H + j], gates[g + 2 * H + j], gates[g + 3 * H + j]];
          const tc = Math.tanh(c[o + j]);
          const dc = dcCarry[j] + dh[j] * og * (1 - tc * tc);
          dgi[j] = dgh[j] = dc * gg * ig * (1 - ig);
          dgi[H + j] = dgh[H + j] = dc * cPrev[j] * fg * (1 - fg);
          dgi[2 * H + j] = dgh[2 * H + j] = dc * ig * (1 - gg * gg);
          dgi[3 * H + j] = dgh[3 * H + j] = dh[j] * tc * og * (1 - og);
          dcCarry[j] = dc * fg;
          dhCarry[j] = 0;
        } else {
          const [r, z, n] = [gates[g + j], gates[g + H + j], gates[g + 2 * H + j]];
          const dn = dh[j] * (1 - z) * (1 - n * n); // ∂L/∂(pre-activation of n)
          dgi[j] = dgh[j] = dn * ghn[o + j] * r * (1 - r);
          dgi[H + j] = dgh[H + j] = dh[j] * (hPrev[j] - n) * z * (1 - z);
          dgi[2 * H + j] = dn;
          dgh[2 * H + j] = dn * r;
          dhCarry[j] = dh[j] * z;
        }
      }
      // Shared part: weight and bias gradients, ∂L/∂x_t, and ∂L/∂h_prev through W_hh.
      for (let q = 0; q < GH; q++) {
        out.dBIh[q] += dgi[q];
        out.dBHh[q] += dgh[q];
        for (let i = 0; i < I; i++) {
          out.dWIh[q * I + i] += dgi[q] * x[row * I + i];
          out.dx[row * I + i] += params.wIh[q * I + i] * dgi[q];
        }
        for (let i = 0; i < H; i++) {
          out.dWHh[q * H + i] += dgh[q] * hPrev[i];
          dhCarry[i] += params.wHh[q * H + i] * dgh[q];
        }
      }
      // Truncation: the state handed from time a to a + 1 is detached when a + 1 starts a chunk.
      const crossing = reverse ? t + 1 : t; // the later of the two times the carry connects
      if (s > 0 && crossing % k === 0) {
        dhCarry.fill(0);
        dcCarry.fill(0);
      }
    }
    out.dh0.set(dhCarry, b * H);
    if (cell === 'lstm') out.dc0.set(dcCarry, b * H);
  }
  return out;
}

export const rnnLayerForward = (p: LayerParams, x: Float64Array, dims: LayerDims, h0?: Float64Array, reverse = false) =>
  layerForward('rnn_tanh', p, x, dims, h0, undefined, reverse);
export const lstmLayerForward = (p: LayerParams, x: Float64Array, dims: LayerDims, h0?: Float64Array, c0?: Float64Array, reverse = false) =>
  layerForward('lstm', p, x, dims, h0, c0, reverse);
export const gruLayerForward = (p: LayerParams, x: Float64Array, dims: LayerDims, h0?: Float64Array, reverse = false) =>
  layerForward('gru', p, x, dims, h0, undefined, reverse);
export const rnnLayerBackward = (cache: LayerCache, dy?: Float64Array, dhN?: Float64Array, opts?: { truncate?: number }) =>
  layerBackward(cache, dy, dhN, undefined, opts);
export const lstmLayerBackward = layerBackward;
export const gruLayerBackward = rnnLayerBackward;

/** Per-step activations for the UI, each [B, T, H]: rnn {h}; LSTM {i, f, g, o, c, h}; GRU {r, z, n, h}. */
export function gateTraces(cache: LayerCache): Record<string, Float64Array> {
  const { batch: B, steps: T, hiddenSize: H } = cache.dims;
  const names = GATE_NAMES[cache.cell];
  const out: Record<string, Float64Array> = {};
  names.forEach((name, q) => {
    const a = new Float64Array(B * T * H);
    for (let row = 0; row < B * T; row++) for (let j = 0; j < H; j++) a[row * H + j] = cache.gates[row * names.length * H + q * H + j];
    out[name] = a;
  });
  if (cache.cell === 'lstm') out.c = cache.c;
  out.h = cache.h;
  return out;
}

/** The four tensors of layer l, direction d, looked up under PyTorch names. */
export function layerParams(params: Params, layer: number, direction: number): LayerParams {
  const s = suffix(layer, direction);
  const get = (name: string) => {
    const p = params[`${name}${s}`];
    if (!p) throw new Error(`missing parameter ${name}${s}`);
    return p;
  };
  return { wIh: get('weight_ih'), wHh: get('weight_hh'), bIh: get('bias_ih'), bHh: get('bias_hh') };
}

// ---------------------------------------------------------------------------------------------
// The whole model: L layers × D directions.

export interface RecurrentCache {
  config: RecurrentConfig;
  batch: number;
  steps: number;
  /** layers[l][d]: each layer's and direction's cache (gate activations for the UI live here). */
  layers: LayerCache[][];
}

export interface RecurrentForward {
  y: Float64Array; // [B, T, D·H]
  hN: Float64Array; // [L·D, B, H]
  cN: Float64Array; // [L·D, B, H] (zeros unless LSTM)
  cache: RecurrentCache;
}

export interface RecurrentGrads {
  dx: Float64Array; // [B, T, I]
  dh0: Float64Array; // [L·D, B, H]
  dc0: Float64Array; // [L·D, B, H]
  /** ∂L/∂p for every parameter, under its PyTorch name. */
  grads: Params;
  /** dhNorm[l][d][t] = ‖∂L/∂h_t‖ of layer l, direction d (the vanishing-gradient view). */
  dhNorm: Float64Array[][];
  /** ‖∂L/∂x_t‖ per step [T], mean over the batch of each item's norm (the fixtures' grad_x_norm_per_step). */
  dxNorm: Float64Array;
}

function checkLength(what: string, a: ArrayLike<number>, n: number): void {
  if (a.length !== n) throw new Error(`${what}: ${a.length} values, expected ${n}`);
}

/**
 * Forward through all layers. x [B, T, I]; h0, c0 [L·D, B, H] (zeros when absent, or the learned
 * initial states with initialState 'learned').
 */
export function recurrentForward(
  config: RecurrentConfig,
  params: Params,
  x: Float64Array,
  opts: { batch: number; h0?: Float64Array; c0?: Float64Array },
): RecurrentForward {
  const { hiddenSize: H, numLayers: L, inputSize: I } = config;
  const D = config.bidirectional ? 2 : 1;
  const B = opts.batch;
  const T = x.length / (B * I);
  if (!Number.isInteger(T)) throw new Error(`x: ${x.length} values is not a multiple of batch·input_size = ${B * I}`);
  for (const [name, shape] of parameterShapes(config)) {
    if (!params[name]) throw new Error(`missing parameter ${name}`);
    checkLength(name, params[name], size(shape));
  }
  if (opts.h0) checkLength('h0', opts.h0, L * D * B * H);
  if (opts.c0) checkLength('c0', opts.c0, L * D * B * H);
  const learned = config.initialState === 'learned';
  const initial = (given: Float64Array | undefined, prefix: string, row: number, s: string) => {
    if (given) return given.slice(row * B * H, (row + 1) * B * H);
    const out = new Float64Array(B * H);
    if (learned && params[`${prefix}${s}`]) for (let b = 0; b < B; b++) out.set(params[`${prefix}${s}`], b * H);
    return out;
  };
  const hN = new Float64Array(L * D * B * H);
  const cN = new Float64Array(L * D * B * H);
  const layers: LayerCache[][] = [];
  let input = x;
  for (let l = 0; l < L; l++) {
    const dims = { batch: B, steps: T, inputSize: l === 0 ? I : D * H, hiddenSize: H };
    const output = new Float64Array(B * T * D * H);
    layers.push([]);
    for (let d = 0; d < D; d++) {
      const row = l * D + d;
      const s = suffix(l, d);
      const r = layerForward(config.cell, layerParams(params, l, d), input, dims, initial(opts.h0, 'h0', row, s), initial(opts.c0, 'c0', row, s), d === 1);
      for (let bt = 0; bt < B * T; bt++) for (let j = 0; j < H; j++) output[bt * D * H + d * H + j] = r.y[bt * H + j];
      hN.set(r.hN, row * B * H);
      cN.set(r.cN, row * B * H);
      layers[l].push(r.cache);
    }
    input = output;
  }
  return { y: input, hN, cN, cache: { config, batch: B, steps: T, layers } };
}

/** BPTT through all layers, given the cotangents of y, h_n and c_n (absent: zero). */
export function recurrentBackward(
  cache: RecurrentCache,
  cotangents: { dy?: Float64Array; dhN?: Float64Array; dcN?: Float64Array },
  opts: { truncate?: number } = {},
): RecurrentGrads {
  const { config, batch: B, steps: T } = cache;
  const { hiddenSize: H, numLayers: L } = config;
  const D = config.bidirectional ? 2 : 1;
  const { dy, dhN, dcN } = cotangents;
  if (dy) checkLength('dy', dy, B * T * D * H);
  if (dhN) checkLength('dh_n', dhN, L * D * B * H);
  if (dcN) checkLength('dc_n', dcN, L * D * B * H);
  const grads: Params = {};
  const dh0 = new Float64Array(L * D * B * H);
  const dc0 = new Float64Array(L * D * B * H);
  const dhNorm: Float64Array[][] = [];
  let dOut = dy ?? new Float64Array(B * T * D * H); // ∂L/∂(output of layer l)
  for (let l = L - 1; l >= 0; l--) {
    const inSize = l === 0 ? config.inputSize : D * H;
    const dIn = new Float64Array(B * T * inSize);
    dhNorm[l] = [];
    for (let d = 0; d < D; d++) {
      const row = l * D + d;
      const s = suffix(l, d);
      const dyd = new Float64Array(B * T * H);
      for (let bt = 0; bt < B * T; bt++) for (let j = 0; j < H; j++) dyd[bt * H + j] = dOut[bt * D * H + d * H + j];
      const part = (a: Float64Array | undefined) => a?.subarray(row * B * H, (row + 1) * B * H);
      const g = layerBackward(cache.layers[l][d], dyd, part(dhN), part(dcN), opts);
      for (let i = 0; i < dIn.length; i++) dIn[i] += g.dx[i];
      dh0.set(g.dh0, row * B * H);
      dc0.set(g.dc0, row * B * H);
      Object.assign(grads, { [`weight_ih${s}`]: g.dWIh, [`weight_hh${s}`]: g.dWHh, [`bias_ih${s}`]: g.dBIh, [`bias_hh${s}`]: g.dBHh });
      if (config.initialState === 'learned') {
        grads[`h0${s}`] = sumRows(g.dh0, B, H);
        if (config.cell === 'lstm') grads[`c0${s}`] = sumRows(g.dc0, B, H);
      }
      dhNorm[l][d] = g.dhNorm;
    }
    dOut = dIn;
  }
  const I = config.inputSize;
  const dxNorm = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      let sq = 0;
      for (let i = 0; i < I; i++) sq += dOut[(b * T + t) * I + i] ** 2;
      dxNorm[t] += Math.sqrt(sq) / B;
    }
  }
  const ordered: Params = {};
  for (const [name] of parameterShapes(config)) ordered[name] = grads[name];
  return { dx: dOut, dh0, dc0, grads: ordered, dhNorm, dxNorm };
}

function sumRows(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) out[j] += a[r * cols + j];
  return out;
}
