// Float64 CPU reference of minGRU and minLSTM (Feng et al. 2024, "Were RNNs All We Needed?"),
// batch_first, stacked: forward and backward (parameters and their initialisation:
// src/models/minrnnParams.ts). The truth the
// WGSL kernels (shaders/minrnn.wgsl, the linear recurrence of shaders/scan.wgsl) are tested
// against. Plain loops, row-major.
//
// Glossary (paper's symbols → names here):
//   B batch, T steps, I input features, H hidden units, L layers
//   G gate blocks: minGRU 2 (z, h~), minLSTM 3 (f, i, h~)
//   W [G·H, in], bias [G·H]   weight_ih_l{k}, bias_ih_l{k}; no recurrent weights: gates read x_t only
//   k = W·x_t + bias          [G·H] pre-activations ("pre") of one step and batch row
//   c(v)                      candidate: 'g' (v + 0.5 for v ≥ 0, σ(v) below) or 'identity'
//   minGRU:   z = σ(k_z);  a = 1 - z;  b = z·c(k_h)
//   minLSTM:  f = σ(k_f), i = σ(k_i);  a = f/(f+i);  b = i/(f+i)·c(k_h)
//   h_t = a_t ⊙ h_{t-1} + b_t  linear in h: the recurrence runs as a parallel scan (scanPairs)
//   h0, h_n  [L, B, H]        initial and final states; h0_l{k} [H] when the initial state is learned
// Backward: with g_t = ∂L/∂h_t in total, g_t = dy_t + a_{t+1}·g_{t+1} (g_{T-1} = dy_{T-1} + dh_n),
// so ∂L/∂a_t = g_t·h_{t-1}, ∂L/∂b_t = g_t and ∂L/∂h0 = a_0·g_0: the same recurrence run backwards.

import { MIN_GATE_COUNT, type Candidate, type MinCell, type MinRnnConfig } from '../models/minrnnParams';
import { sigmoid } from './kernels';

export { MIN_CELLS, MIN_GATE_COUNT, MIN_GATE_NAMES, initMinRnn, initMinRnnParameters, minRnnParameterShapes } from '../models/minrnnParams';
export type { Candidate, MinCell, MinRnnConfig } from '../models/minrnnParams';
export type Params = Record<string, Float64Array>;

export function candidate(kind: Candidate, v: number): number {
  if (kind === 'identity') return v;
  return v >= 0 ? v + 0.5 : sigmoid(v);
}

export function candidateGrad(kind: Candidate, v: number): number {
  if (kind === 'identity') return 1;
  if (v >= 0) return 1;
  const s = sigmoid(v);
  return s * (1 - s);
}

/** a_t and b_t of one unit from its pre-activations: gate k[0] (z or f), k[1] (i, minLSTM) and the candidate's. */
export function coefficients(cell: MinCell, cand: Candidate, gate0: number, gate1: number, kh: number): { a: number; b: number } {
  const c = candidate(cand, kh);
  if (cell === 'mingru') {
    const z = sigmoid(gate0);
    return { a: 1 - z, b: z * c };
  }
  const f = sigmoid(gate0);
  const i = sigmoid(gate1);
  return { a: f / (f + i), b: (i / (f + i)) * c };
}

/**
 * ∂L/∂k of one unit given g = ∂L/∂h_t and h_{t-1}: [gate0, gate1 (minLSTM; 0 for minGRU), candidate].
 * minLSTM's f/(f+i) terms are written through a = f/(f+i): ∂a/∂k_f = a(1-a)(1-f), ∂a/∂k_i = -a(1-a)(1-i).
 */
export function coefficientsBackward(cell: MinCell, cand: Candidate, gate0: number, gate1: number, kh: number, g: number, hPrev: number): [number, number, number] {
  const c = candidate(cand, kh);
  const dc = candidateGrad(cand, kh);
  if (cell === 'mingru') {
    const z = sigmoid(gate0);
    return [g * (c - hPrev) * z * (1 - z), 0, g * z * dc];
  }
  const f = sigmoid(gate0);
  const i = sigmoid(gate1);
  const a = f / (f + i);
  // h = a·h_prev + (1 - a)·c, so ∂L/∂a = g·(h_prev - c).
  const da = g * (hPrev - c);
  return [da * a * (1 - a) * (1 - f), -da * a * (1 - a) * (1 - i), g * (1 - a) * dc];
}

/** h_t = a_t·h_{t-1} + b_t for C channels over T steps, arrays [T, C]; h0 [C]. The readable, sequential form. */
export function linearRecurrence(a: Float64Array, b: Float64Array, h0: Float64Array, T: number, C: number): Float64Array {
  const h = new Float64Array(T * C);
  for (let c = 0; c < C; c++) {
    let s = h0[c];
    for (let t = 0; t < T; t++) {
      s = a[t * C + c] * s + b[t * C + c];
      h[t * C + c] = s;
    }
  }
  return h;
}

/**
 * The same recurrence in its parallel form: the steps as pairs (a, b), composed by an inclusive
 * Hillis-Steele scan, (a1, b1) then (a2, b2) = (a2·a1, a2·b1 + b2), in log2(T) levels; h_t is the
 * composition of steps 0..t applied to h0. What the GPU's scan computes, in float64.
 */
export function scanPairs(a: Float64Array, b: Float64Array, h0: Float64Array, T: number, C: number): Float64Array {
  const A = Float64Array.from(a);
  const Bv = Float64Array.from(b);
  for (let offset = 1; offset < T; offset *= 2) {
    const prevA = Float64Array.from(A);
    const prevB = Float64Array.from(Bv);
    for (let t = offset; t < T; t++) {
      for (let c = 0; c < C; c++) {
        const i = t * C + c;
        const j = (t - offset) * C + c;
        A[i] = prevA[i] * prevA[j];
        Bv[i] = prevA[i] * prevB[j] + prevB[i];
      }
    }
  }
  const h = new Float64Array(T * C);
  for (let i = 0; i < T * C; i++) h[i] = A[i] * h0[i % C] + Bv[i];
  return h;
}

export interface MinLayerCache {
  input: Float64Array; // [B, T, in]
  inSize: number;
  pre: Float64Array; // [B, T, G·H]
  a: Float64Array; // [T, B·H]
  h0: Float64Array; // [B, H]
  h: Float64Array; // [T, B·H]
}

export interface MinRnnCache {
  cfg: MinRnnConfig;
  params: Params;
  batch: number;
  steps: number;
  layers: MinLayerCache[];
}

export interface MinRnnForward {
  y: Float64Array; // [B, T, H]
  hN: Float64Array; // [L, B, H]
  cache: MinRnnCache;
}

/** [T, B·H] time-major → [B, T, H]. */
function toBatchFirst(h: Float64Array, B: number, T: number, H: number): Float64Array {
  const out = new Float64Array(B * T * H);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) out[(b * T + t) * H + j] = h[(t * B + b) * H + j];
  return out;
}

/** x [B, T, I] → y [B, T, H]; h0 [L, B, H] (zeros when absent, unless learned). */
export function minRnnForward(cfg: MinRnnConfig, params: Params, x: ArrayLike<number>, opts: { batch: number; h0?: ArrayLike<number> }): MinRnnForward {
  const B = opts.batch;
  const H = cfg.hiddenSize;
  const G = MIN_GATE_COUNT[cfg.cell];
  const T = x.length / (B * cfg.inputSize);
  if (!Number.isInteger(T)) throw new Error(`minrnn: ${x.length} inputs are not batch ${B} × steps × ${cfg.inputSize}`);
  const layers: MinLayerCache[] = [];
  const hN = new Float64Array(cfg.numLayers * B * H);
  let input: Float64Array = Float64Array.from(x);
  for (let l = 0; l < cfg.numLayers; l++) {
    const inSize = l === 0 ? cfg.inputSize : H;
    const W = params[`weight_ih_l${l}`];
    const bias = params[`bias_ih_l${l}`];
    const pre = new Float64Array(B * T * G * H);
    for (let r = 0; r < B * T; r++) {
      for (let o = 0; o < G * H; o++) {
        let s = bias[o];
        for (let k = 0; k < inSize; k++) s += W[o * inSize + k] * input[r * inSize + k];
        pre[r * G * H + o] = s;
      }
    }
    const a = new Float64Array(T * B * H);
    const bCoef = new Float64Array(T * B * H);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const k = (b * T + t) * G * H;
        for (let j = 0; j < H; j++) {
          const gate1 = cfg.cell === 'minlstm' ? pre[k + H + j] : 0;
          const co = coefficients(cfg.cell, cfg.candidate, pre[k + j], gate1, pre[k + (G - 1) * H + j]);
          a[(t * B + b) * H + j] = co.a;
          bCoef[(t * B + b) * H + j] = co.b;
        }
      }
    }
    const h0 = new Float64Array(B * H);
    const learned = cfg.initialState === 'learned' ? params[`h0_l${l}`] : undefined;
    for (let i = 0; i < B * H; i++) h0[i] = learned ? learned[i % H] : (opts.h0?.[l * B * H + i] ?? 0);
    const h = linearRecurrence(a, bCoef, h0, T, B * H);
    hN.set(h.subarray((T - 1) * B * H, T * B * H), l * B * H);
    layers.push({ input, inSize, pre, a, h0, h });
    input = toBatchFirst(h, B, T, H);
  }
  return { y: input, hN, cache: { cfg, params, batch: B, steps: T, layers } };
}

export interface MinRnnGrads {
  dx: Float64Array; // [B, T, I]
  dh0: Float64Array; // [L, B, H]
  grads: Params;
}

/** Gradients of sum(y·dy) + sum(h_n·dhN) with respect to x, h0 and every parameter. */
export function minRnnBackward(cache: MinRnnCache, cot: { dy?: ArrayLike<number>; dhN?: ArrayLike<number> }): MinRnnGrads {
  const { cfg, params, batch: B, steps: T } = cache;
  const H = cfg.hiddenSize;
  const G = MIN_GATE_COUNT[cfg.cell];
  const L = cfg.numLayers;
  const grads: Params = {};
  const dh0All = new Float64Array(L * B * H);
  let dOut = cot.dy ? Float64Array.from(cot.dy) : new Float64Array(B * T * H); // [B, T, H]
  for (let l = L - 1; l >= 0; l--) {
    const { input, inSize, pre, a, h0, h } = cache.layers[l];
    const W = params[`weight_ih_l${l}`];
    const dPre = new Float64Array(B * T * G * H);
    const dh0 = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const c = b * H + j;
        let g = cot.dhN?.[l * B * H + c] ?? 0;
        let aNext = 1;
        for (let t = T - 1; t >= 0; t--) {
          g = dOut[(b * T + t) * H + j] + aNext * g;
          const hPrev = t > 0 ? h[(t - 1) * B * H + c] : h0[c];
          const k = (b * T + t) * G * H;
          const gate1 = cfg.cell === 'minlstm' ? pre[k + H + j] : 0;
          const d = coefficientsBackward(cfg.cell, cfg.candidate, pre[k + j], gate1, pre[k + (G - 1) * H + j], g, hPrev);
          dPre[k + j] = d[0];
          if (cfg.cell === 'minlstm') dPre[k + H + j] = d[1];
          dPre[k + (G - 1) * H + j] = d[2];
          aNext = a[t * B * H + c];
        }
        dh0[c] = aNext * g;
      }
    }
    const dW = new Float64Array(G * H * inSize);
    const dBias = new Float64Array(G * H);
    const dInput = new Float64Array(B * T * inSize);
    for (let r = 0; r < B * T; r++) {
      for (let o = 0; o < G * H; o++) {
        const d = dPre[r * G * H + o];
        dBias[o] += d;
        for (let k = 0; k < inSize; k++) {
          dW[o * inSize + k] += d * input[r * inSize + k];
          dInput[r * inSize + k] += d * W[o * inSize + k];
        }
      }
    }
    grads[`weight_ih_l${l}`] = dW;
    grads[`bias_ih_l${l}`] = dBias;
    if (cfg.initialState === 'learned') {
      const dLearned = new Float64Array(H);
      for (let i = 0; i < B * H; i++) dLearned[i % H] += dh0[i];
      grads[`h0_l${l}`] = dLearned;
    }
    dh0All.set(dh0, l * B * H);
    dOut = dInput;
  }
  return { dx: dOut, dh0: dh0All, grads };
}
