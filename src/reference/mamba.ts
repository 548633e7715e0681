// Float64 reference of the Mamba-1 block: the selective scan (mamba_ssm's `selective_scan_ref`) and
// the block around it (`mamba_ssm.modules.mamba_simple.Mamba`, bias=False, conv_bias=True), each
// with its backward pass. Plain loops, kept obvious: this is the truth the WGSL kernels are tested
// against, and it is checked itself against PyTorch fixtures and central differences.
//
// Glossary (Gu & Dao, "Mamba", Algorithm 2), code name = paper symbol, and every shape:
//   batch, L (seqLen)      B (the paper's batch), L (sequence length)
//   dModel                 D, the width of the block's input and output
//   dInner = expand·dModel E·D, the channels the scan runs over ("d" below indexes them)
//   dState                 N, the state size per channel ("n" below indexes it)
//   dtRank                 R, rank of the Δ projection, ceil(dModel / 16)
//   dConv                  kernel width of the causal depthwise convolution
//   u      [batch, dInner, L]   x, the scan's input (after conv and SiLU)
//   delta  [batch, dInner, L]   Δ before the bias and softplus; Δ = softplus(delta + deltaBias)
//   A      [dInner, dState]     A (diagonal, negative); in the block A = -exp(A_log)
//   B, C   [batch, dState, L]   B, C: input-dependent input and output matrices
//   D      [dInner]             D, the skip connection y += D·u
//   z      [batch, dInner, L]   the gate: y *= SiLU(z)
//   h      [batch, dInner, dState] the state; h_t = exp(Δ_t A) ⊙ h_{t-1} + Δ_t B_t u_t
//   y      [batch, dInner, L]   y_t = (C_t · h_t + D u_t) · SiLU(z_t)
//   lastState [batch, dInner, dState] h after the last step
// The block's own tensors are time-major: x, y are [batch, L, dModel].

import { mambaDims, mambaParameterShapes, type MambaConfig, type MambaParams } from '../models/mambaParams';
import { sigmoid, silu, softplus } from './kernels';

const siluGrad = (x: number): number => sigmoid(x) * (1 + x * (1 - sigmoid(x)));
const softplusGrad = (x: number): number => (x > 20 ? 1 : sigmoid(x));

// ---------------------------------------------------------------- selective scan

export interface ScanSizes {
  batch: number;
  dInner: number;
  dState: number;
  seqLen: number;
  /** Δ = softplus(delta + deltaBias) when true, delta + deltaBias otherwise. */
  deltaSoftplus: boolean;
}

/** Inputs of the scan in the layout of the glossary (the fixtures' layout). */
export interface ScanInputs {
  u: ArrayLike<number>; //          [batch, dInner, L]
  delta: ArrayLike<number>; //      [batch, dInner, L]
  A: ArrayLike<number>; //          [dInner, dState]
  B: ArrayLike<number>; //          [batch, dState, L]
  C: ArrayLike<number>; //          [batch, dState, L]
  D: ArrayLike<number>; //          [dInner]
  z: ArrayLike<number>; //          [batch, dInner, L]
  deltaBias: ArrayLike<number>; //  [dInner]
}

export type ScanGrads = { [K in keyof ScanInputs]: Float64Array };

export interface ScanOutputs {
  y: Float64Array; //         [batch, dInner, L]
  lastState: Float64Array; // [batch, dInner, dState]
  /** Δ after bias and softplus, for the UI: [batch, dInner, L]. */
  deltaTrace: Float64Array;
  /** |h_t|, the L2 norm of the whole state over (dInner, dState), for the UI: [batch, L]. */
  stateNorm: Float64Array;
  /** ‖h_t[d, :]‖, each channel's state norm over dState, for the UI: [batch, dInner, L]. */
  channelStateNorm: Float64Array;
}

/** The scan forward; also returns every state (for the backward pass) as [batch, dInner, L, dState]. */
function scanWithStates(s: ScanSizes, x: ScanInputs): ScanOutputs & { states: Float64Array; pre: Float64Array } {
  const { batch, dInner: E, dState: N, seqLen: L } = s;
  const y = new Float64Array(batch * E * L);
  const pre = new Float64Array(batch * E * L); // y before the gate
  const lastState = new Float64Array(batch * E * N);
  const deltaTrace = new Float64Array(batch * E * L);
  const normSq = new Float64Array(batch * L);
  const channelNormSq = new Float64Array(batch * E * L);
  const states = new Float64Array(batch * E * L * N);
  for (let b = 0; b < batch; b++) {
    for (let d = 0; d < E; d++) {
      const h = new Float64Array(N);
      for (let t = 0; t < L; t++) {
        const i = (b * E + d) * L + t;
        const raw = x.delta[i] + x.deltaBias[d];
        const dt = s.deltaSoftplus ? softplus(raw) : raw;
        deltaTrace[i] = dt;
        let out = x.D[d] * x.u[i];
        for (let n = 0; n < N; n++) {
          const bn = (b * N + n) * L + t;
          h[n] = Math.exp(dt * x.A[d * N + n]) * h[n] + dt * x.B[bn] * x.u[i];
          out += x.C[bn] * h[n];
          states[i * N + n] = h[n];
          normSq[b * L + t] += h[n] * h[n];
          channelNormSq[i] += h[n] * h[n];
        }
        pre[i] = out;
        y[i] = out * silu(x.z[i]);
      }
      lastState.set(h, (b * E + d) * N);
    }
  }
  return { y, lastState, deltaTrace, stateNorm: normSq.map(Math.sqrt), channelStateNorm: channelNormSq.map(Math.sqrt), states, pre };
}

/** mamba_ssm's selective_scan_ref(u, delta, A, B, C, D, z, delta_bias, delta_softplus, return_last_state=True). */
export function selectiveScan(s: ScanSizes, x: ScanInputs): ScanOutputs {
  const { y, lastState, deltaTrace, stateNorm, channelStateNorm } = scanWithStates(s, x);
  return { y, lastState, deltaTrace, stateNorm, channelStateNorm };
}

/**
 * Gradients of sum(y·dy) + sum(lastState·dLastState) with respect to every input. The state
 * gradient runs backwards: g_t = C_t·dout_t + exp(Δ_{t+1} A)·g_{t+1}, starting from dLastState.
 */
export function selectiveScanBackward(s: ScanSizes, x: ScanInputs, dy: ArrayLike<number>, dLastState: ArrayLike<number>): ScanGrads {
  const { batch, dInner: E, dState: N, seqLen: L } = s;
  const { states, pre } = scanWithStates(s, x);
  const g: ScanGrads = {
    u: new Float64Array(batch * E * L),
    delta: new Float64Array(batch * E * L),
    A: new Float64Array(E * N),
    B: new Float64Array(batch * N * L),
    C: new Float64Array(batch * N * L),
    D: new Float64Array(E),
    z: new Float64Array(batch * E * L),
    deltaBias: new Float64Array(E),
  };
  for (let b = 0; b < batch; b++) {
    for (let d = 0; d < E; d++) {
      const gh = Float64Array.from({ length: N }, (_, n) => dLastState[(b * E + d) * N + n]);
      for (let t = L - 1; t >= 0; t--) {
        const i = (b * E + d) * L + t;
        const raw = x.delta[i] + x.deltaBias[d];
        const dt = s.deltaSoftplus ? softplus(raw) : raw;
        g.z[i] = dy[i] * pre[i] * siluGrad(x.z[i]);
        const dout = dy[i] * silu(x.z[i]);
        g.D[d] += dout * x.u[i];
        g.u[i] += dout * x.D[d];
        let ddt = 0;
        for (let n = 0; n < N; n++) {
          const bn = (b * N + n) * L + t;
          const a = Math.exp(dt * x.A[d * N + n]);
          const hPrev = t > 0 ? states[(i - 1) * N + n] : 0;
          g.C[bn] += dout * states[i * N + n];
          gh[n] += dout * x.C[bn];
          // h_t = a·h_{t-1} + dt·B·u
          ddt += gh[n] * (hPrev * a * x.A[d * N + n] + x.B[bn] * x.u[i]);
          g.A[d * N + n] += gh[n] * hPrev * a * dt;
          g.B[bn] += gh[n] * dt * x.u[i];
          g.u[i] += gh[n] * dt * x.B[bn];
          gh[n] *= a;
        }
        const draw = s.deltaSoftplus ? ddt * softplusGrad(raw) : ddt;
        g.delta[i] = draw;
        g.deltaBias[d] += draw;
      }
    }
  }
  return g;
}

// ---------------------------------------------------------------- the Mamba block

// Sizes, parameter names, shapes and mamba_simple's initialisation live with the model
// (src/models/mambaParams.ts).
export type { MambaConfig, MambaDims, MambaParamName, MambaParams } from '../models/mambaParams';

export interface MambaOutputs {
  y: Float64Array; //         [batch, L, dModel]
  /** Δ per step and channel for the UI: [batch, L, dInner]. */
  delta: Float64Array;
  /** |h_t| per step: [batch, L]. */
  stateNorm: Float64Array;
  /** ‖h_t[d, :]‖ per step and channel: [batch, L, dInner]. */
  channelStateNorm: Float64Array;
}

/**
 * mamba_simple casts three parameters with `.float()` on their way into the scan: A = -exp(A_log)
 * is computed in float32, and the gradients of A_log, D and dt_proj.bias are rounded to float32 on
 * the way back. `torch: true` reproduces that (to compare with PyTorch at 1e-9); the default stays
 * in float64 throughout, which is what the central-difference checks need.
 */
export interface MambaPrecision {
  torch?: boolean;
}

/** Everything the block computes on the way to the scan (scan layout [batch, dInner, L] unless noted). */
interface BlockActivations {
  xin: Float64Array; //  conv input (first half of in_proj)
  conv: Float64Array; // conv output before SiLU
  scan: ScanInputs & { u: Float64Array; delta: Float64Array; z: Float64Array; B: Float64Array; C: Float64Array; A: Float64Array };
  dtLow: Float64Array; // [batch, L, dtRank] the low-rank Δ before dt_proj
}

function blockActivations(cfg: MambaConfig, p: MambaParams, x: ArrayLike<number>, batch: number, L: number, like: MambaPrecision): BlockActivations {
  const { dModel: M, dInner: E, dState: N, dConv: K, dtRank: R } = mambaDims(cfg);
  const X = R + 2 * N; // x_proj output width
  const xin = new Float64Array(batch * E * L);
  const z = new Float64Array(batch * E * L);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < L; t++)
      for (let j = 0; j < 2 * E; j++) {
        let s = 0;
        for (let k = 0; k < M; k++) s += p['in_proj.weight'][j * M + k] * x[(b * L + t) * M + k];
        if (j < E) xin[(b * E + j) * L + t] = s;
        else z[(b * E + j - E) * L + t] = s;
      }
  // Causal depthwise conv: left padding K-1, so output t sees inputs t-K+1 .. t.
  const conv = new Float64Array(batch * E * L);
  const u = new Float64Array(batch * E * L);
  for (let b = 0; b < batch; b++)
    for (let d = 0; d < E; d++)
      for (let t = 0; t < L; t++) {
        let s = p['conv1d.bias'][d];
        for (let k = 0; k < K; k++) {
          const src = t - K + 1 + k;
          if (src >= 0) s += p['conv1d.weight'][d * K + k] * xin[(b * E + d) * L + src];
        }
        conv[(b * E + d) * L + t] = s;
        u[(b * E + d) * L + t] = silu(s);
      }
  const dtLow = new Float64Array(batch * L * R);
  const B = new Float64Array(batch * N * L);
  const C = new Float64Array(batch * N * L);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < L; t++)
      for (let r = 0; r < X; r++) {
        let s = 0;
        for (let d = 0; d < E; d++) s += p['x_proj.weight'][r * E + d] * u[(b * E + d) * L + t];
        if (r < R) dtLow[(b * L + t) * R + r] = s;
        else if (r < R + N) B[(b * N + r - R) * L + t] = s;
        else C[(b * N + r - R - N) * L + t] = s;
      }
  const delta = new Float64Array(batch * E * L);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < L; t++)
      for (let d = 0; d < E; d++) {
        let s = 0;
        for (let r = 0; r < R; r++) s += p['dt_proj.weight'][d * R + r] * dtLow[(b * L + t) * R + r];
        delta[(b * E + d) * L + t] = s;
      }
  const A = p.A_log.map((v) => -(like.torch ? Math.fround(Math.exp(v)) : Math.exp(v)));
  return { xin, conv, dtLow, scan: { u, delta, A, B, C, D: p.D, z, deltaBias: p['dt_proj.bias'] } };
}

function scanSizes(cfg: MambaConfig, batch: number, L: number): ScanSizes {
  const { dInner, dState } = mambaDims(cfg);
  return { batch, dInner, dState, seqLen: L, deltaSoftplus: true };
}

/** The block forward for x [batch, L, dModel]. */
export function mambaForward(cfg: MambaConfig, p: MambaParams, x: ArrayLike<number>, batch: number, L: number, like: MambaPrecision = {}): MambaOutputs {
  const { dModel: M, dInner: E } = mambaDims(cfg);
  const act = blockActivations(cfg, p, x, batch, L, like);
  const s = selectiveScan(scanSizes(cfg, batch, L), act.scan);
  const y = new Float64Array(batch * L * M);
  const delta = new Float64Array(batch * L * E);
  const channelStateNorm = new Float64Array(batch * L * E);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < L; t++) {
      for (let m = 0; m < M; m++) {
        let acc = 0;
        for (let d = 0; d < E; d++) acc += p['out_proj.weight'][m * E + d] * s.y[(b * E + d) * L + t];
        y[(b * L + t) * M + m] = acc;
      }
      for (let d = 0; d < E; d++) {
        delta[(b * L + t) * E + d] = s.deltaTrace[(b * E + d) * L + t];
        channelStateNorm[(b * L + t) * E + d] = s.channelStateNorm[(b * E + d) * L + t];
      }
    }
  return { y, delta, stateNorm: s.stateNorm, channelStateNorm };
}

export interface MambaGrads {
  x: Float64Array; // [batch, L, dModel]
  params: MambaParams;
}

/** Gradients of sum(y·dy) with respect to x and every parameter (recomputes the forward). */
export function mambaBackward(
  cfg: MambaConfig,
  p: MambaParams,
  x: ArrayLike<number>,
  batch: number,
  L: number,
  dy: ArrayLike<number>,
  like: MambaPrecision = {},
): MambaGrads {
  const { dModel: M, dInner: E, dState: N, dConv: K, dtRank: R } = mambaDims(cfg);
  const X = R + 2 * N;
  const act = blockActivations(cfg, p, x, batch, L, like);
  const sizes = scanSizes(cfg, batch, L);
  const ys = selectiveScan(sizes, act.scan).y;
  const gp = Object.fromEntries(mambaParameterShapes(cfg).map(([name, shape]) => [name, new Float64Array(shape.reduce((a, b) => a * b, 1))])) as MambaParams;

  // out_proj: y[b,t,m] = Σ_d W[m,d]·ys[b,d,t]
  const dys = new Float64Array(batch * E * L);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < L; t++)
      for (let m = 0; m < M; m++) {
        const g = dy[(b * L + t) * M + m];
        for (let d = 0; d < E; d++) {
          gp['out_proj.weight'][m * E + d] += g * ys[(b * E + d) * L + t];
          dys[(b * E + d) * L + t] += g * p['out_proj.weight'][m * E + d];
        }
      }

  const gs = selectiveScanBackward(sizes, act.scan, dys, new Float64Array(batch * E * N));
  const f32 = like.torch ? Math.fround : (v: number) => v;
  for (let i = 0; i < E * N; i++) gp.A_log[i] = f32(f32(gs.A[i]) * act.scan.A[i]); // A = -exp(A_log)
  gp.D.set(gs.D.map(f32));
  gp['dt_proj.bias'].set(gs.deltaBias.map(f32));

  // dt_proj (weight only; its bias entered the scan as deltaBias) and x_proj.
  const du = Float64Array.from(gs.u);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < L; t++) {
      const dxdbl = new Float64Array(X);
      for (let d = 0; d < E; d++) {
        const g = gs.delta[(b * E + d) * L + t];
        for (let r = 0; r < R; r++) {
          gp['dt_proj.weight'][d * R + r] += g * act.dtLow[(b * L + t) * R + r];
          dxdbl[r] += g * p['dt_proj.weight'][d * R + r];
        }
      }
      for (let n = 0; n < N; n++) {
        dxdbl[R + n] = gs.B[(b * N + n) * L + t];
        dxdbl[R + N + n] = gs.C[(b * N + n) * L + t];
      }
      for (let r = 0; r < X; r++)
        for (let d = 0; d < E; d++) {
          gp['x_proj.weight'][r * E + d] += dxdbl[r] * act.scan.u[(b * E + d) * L + t];
          du[(b * E + d) * L + t] += dxdbl[r] * p['x_proj.weight'][r * E + d];
        }
    }

  // SiLU and the causal conv.
  const dxin = new Float64Array(batch * E * L);
  for (let b = 0; b < batch; b++)
    for (let d = 0; d < E; d++)
      for (let t = 0; t < L; t++) {
        const i = (b * E + d) * L + t;
        const dconv = du[i] * siluGrad(act.conv[i]);
        gp['conv1d.bias'][d] += dconv;
        for (let k = 0; k < K; k++) {
          const src = t - K + 1 + k;
          if (src < 0) continue;
          gp['conv1d.weight'][d * K + k] += dconv * act.xin[(b * E + d) * L + src];
          dxin[(b * E + d) * L + src] += dconv * p['conv1d.weight'][d * K + k];
        }
      }

  // in_proj: xz[b,t,j] = Σ_k W[j,k]·x[b,t,k], j < E is the conv input, j >= E is z.
  const dx = new Float64Array(batch * L * M);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < L; t++)
      for (let j = 0; j < 2 * E; j++) {
        const g = j < E ? dxin[(b * E + j) * L + t] : gs.z[(b * E + j - E) * L + t];
        for (let k = 0; k < M; k++) {
          gp['in_proj.weight'][j * M + k] += g * x[(b * L + t) * M + k];
          dx[(b * L + t) * M + k] += g * p['in_proj.weight'][j * M + k];
        }
      }
  return { x: dx, params: gp };
}

// ---------------------------------------------------------------- RMSNorm (stacked blocks)

/** mamba_ssm's RMSNorm over rows of `width`: y = x / sqrt(mean(x²) + eps) · weight. */
export function rmsNorm(x: ArrayLike<number>, weight: ArrayLike<number>, width: number, eps = 1e-5): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length / width; r++) {
    let ss = 0;
    for (let j = 0; j < width; j++) ss += x[r * width + j] ** 2;
    const rstd = 1 / Math.sqrt(ss / width + eps);
    for (let j = 0; j < width; j++) y[r * width + j] = x[r * width + j] * rstd * weight[j];
  }
  return y;
}

/** Gradients of sum(rmsNorm(x)·dy) with respect to x and weight. */
export function rmsNormBackward(x: ArrayLike<number>, weight: ArrayLike<number>, dy: ArrayLike<number>, width: number, eps = 1e-5): { x: Float64Array; weight: Float64Array } {
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(width);
  for (let r = 0; r < x.length / width; r++) {
    let ss = 0;
    for (let j = 0; j < width; j++) ss += x[r * width + j] ** 2;
    const rstd = 1 / Math.sqrt(ss / width + eps);
    let dot = 0;
    for (let j = 0; j < width; j++) {
      const xhat = x[r * width + j] * rstd;
      dw[j] += dy[r * width + j] * xhat;
      dot += dy[r * width + j] * weight[j] * xhat;
    }
    for (let j = 0; j < width; j++) {
      const xhat = x[r * width + j] * rstd;
      dx[r * width + j] = rstd * (dy[r * width + j] * weight[j] - (xhat * dot) / width);
    }
  }
  return { x: dx, weight: dw };
}
