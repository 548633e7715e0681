// CPU twins of the selective scan in shaders/scan.wgsl (Mamba-1). Glossary as there: per batch b,
// channel d and state n, Δ_t = softplus(delta_t + bias), a_t = exp(Δ_t·A[d,n]), b_t = Δ_t·B_t·u_t,
// h_t = a_t·h_{t-1} + b_t, y_t = (Σ_n C_t·h_t + D·u_t)·SiLU(z_t). The parallel entry points are
// walked chunk by chunk, serially: each writes the same workspace values (chunk totals, chunk
// starts, carries, partial sums) at the same places, so the passes fit together as on the GPU.

import { bound, constant, flatCount, type Bindings, type FamilyTwins, type Workgroups } from '../../gpu/cpu/twin';
import { LINEAR_SCAN_TWINS } from './linearScan';
import { silu, siluGrad, softplus, softplusGrad } from './math';
import { forwardBlockSimd } from './scanSimd';
import { cpuWasm } from './simd';

type Layout = readonly [number, number, number, number]; // element (b, c, t) at x + b·y + c·z + t·w

interface Scan {
  batch: number;
  E: number;
  N: number;
  L: number;
  chunkLen: number;
  numChunks: number;
  groupSize: number;
  numGroups: number;
  w: Record<'A' | 'D' | 'bias' | 'dlast' | 'pre' | 'dout' | 'states' | 'totals' | 'carry' | 'partA' | 'partD' | 'partBias' | 'partB' | 'partC' | 'hist' | 'init', number>;
  numParts: number;
  u: Layout;
  delta: Layout;
  z: Layout;
  y: Layout;
  B: Layout;
  C: Layout;
}

function params(b: Bindings, entry: string): Scan {
  const p = bound(b, 0, `${entry}.params`).u32;
  const lay = (i: number): Layout => [p[i], p[i + 1], p[i + 2], p[i + 3]];
  return {
    batch: p[0], E: p[1], N: p[2], L: p[3], chunkLen: p[4], numChunks: p[5], groupSize: p[6], numGroups: p[7],
    w: { A: p[8], D: p[9], bias: p[10], dlast: p[11], pre: p[12], dout: p[13], states: p[14], totals: p[15], carry: p[16], partA: p[17], partD: p[18], partBias: p[19], partB: p[20], partC: p[21], hist: p[22], init: p[24] },
    numParts: p[23],
    u: lay(28), delta: lay(32), z: lay(36), y: lay(40), B: lay(44), C: lay(48),
  };
}

interface Options {
  softplusDelta: boolean;
  hasInitial: boolean;
  keepPre: boolean;
}

function optionsOf(k: Readonly<Record<string, number>>): Options {
  return { softplusDelta: constant(k, 'DELTA_SOFTPLUS', 1) !== 0, hasInitial: constant(k, 'HAS_INITIAL', 0) !== 0, keepPre: constant(k, 'KEEP_PRE', 1) !== 0 };
}

const at = (l: Layout, b: number, c: number, t: number) => l[0] + b * l[1] + c * l[2] + t * l[3];

/** Per (b, d): Δ (and the raw value) and u over steps [t0, t1), read once for every state n. */
class Steps {
  raw = new Float64Array(0);
  dt = new Float64Array(0);
  u = new Float64Array(0);
  load(s: Scan, o: Options, bf: Bindings, work: Float32Array, b: number, d: number, t0: number, t1: number): void {
    const n = t1 - t0;
    if (this.dt.length < n) {
      this.raw = new Float64Array(n);
      this.dt = new Float64Array(n);
      this.u = new Float64Array(n);
    }
    const delta = bound(bf, 2, 'scan.delta').f32;
    const u = bf[1]?.f32; // chunkTotalsBackward binds no u and reads only Δ
    const bias = work[s.w.bias + d];
    for (let i = 0; i < n; i++) {
      const raw = Math.fround(delta[at(s.delta, b, d, t0 + i)] + bias);
      this.raw[i] = raw;
      this.dt[i] = o.softplusDelta ? Math.fround(softplus(raw)) : raw;
      this.u[i] = u ? u[at(s.u, b, d, t0 + i)] : 0;
    }
  }
}

const stateIndex = (s: Scan, b: number, d: number, n: number) => (b * s.E + d) * s.N + n;
const seqIndex = (s: Scan, b: number, d: number, t: number) => (b * s.E + d) * s.L + t;

/**
 * Forward over steps [t0, t1) of (b, d): h of each state from hStart(n), y (and pre) written,
 * and each state's final h handed to `end(n, h)`.
 */
function forwardRange(s: Scan, o: Options, bf: Bindings, steps: Steps, b: number, d: number, t0: number, t1: number, hStart: (n: number) => number, end: ((n: number, h: number) => void) | null): void {
  const work = bound(bf, 8, 'scan.work').f32;
  const Bm = bound(bf, 4, 'scan.B').f32;
  const Cm = bound(bf, 5, 'scan.C').f32;
  const z = bound(bf, 3, 'scan.z').f32;
  const y = bound(bf, 6, 'scan.y').f32;
  steps.load(s, o, bf, work, b, d, t0, t1);
  const len = t1 - t0;
  const out = new Float64Array(len);
  const D = work[s.w.D + d];
  for (let i = 0; i < len; i++) out[i] = D * steps.u[i];
  for (let n = 0; n < s.N; n++) {
    const A = work[s.w.A + d * s.N + n];
    let h = hStart(n);
    for (let i = 0; i < len; i++) {
      const t = t0 + i;
      const dt = steps.dt[i];
      h = Math.fround(Math.exp(dt * A) * h + dt * Bm[at(s.B, b, n, t)] * steps.u[i]);
      out[i] += Cm[at(s.C, b, n, t)] * h;
    }
    if (end) end(n, h);
  }
  for (let i = 0; i < len; i++) {
    const t = t0 + i;
    if (o.keepPre) work[s.w.pre + seqIndex(s, b, d, t)] = out[i];
    y[at(s.y, b, d, t)] = out[i] * silu(z[at(s.z, b, d, t)]);
  }
}

function initialState(s: Scan, o: Options, work: Float32Array, i: number): number {
  return o.hasInitial ? work[s.w.init + i] : 0;
}

/** The chunks, channels and rows a (chunk, channel, batch) grid covers. */
function chunkGrid(s: Scan, groups: Workgroups): [chunks: number, channels: number, rows: number] {
  return [Math.min(groups[0], s.numChunks), Math.min(groups[1], s.E), Math.min(groups[2], s.batch)];
}

/**
 * Visits every (row b, channel d, chunk) of a (chunk, channel, batch) grid with the chunk's steps
 * [t0, t1); with `steps`, their Δ and u are loaded first.
 */
function eachChunk(s: Scan, o: Options, bf: Bindings, groups: Workgroups, steps: Steps | null, visit: (b: number, d: number, chunk: number, t0: number, t1: number) => void): void {
  const work = bound(bf, 8, 'scan.work').f32;
  const [chunks, channels, rows] = chunkGrid(s, groups);
  for (let b = 0; b < rows; b++) {
    for (let d = 0; d < channels; d++) {
      for (let chunk = 0; chunk < chunks; chunk++) {
        const t0 = chunk * s.chunkLen;
        const t1 = Math.min(s.L, t0 + s.chunkLen);
        if (steps) steps.load(s, o, bf, work, b, d, t0, t1);
        visit(b, d, chunk, t0, t1);
      }
    }
  }
}

/** A chunk's composed recurrence x ↦ ta·x + tb for state (b, d, n), where chunkCarries (and its backward twin) read it. */
function storeTotal(s: Scan, work: Float32Array, b: number, d: number, n: number, chunk: number, ta: number, tb: number): void {
  const kk = stateIndex(s, b, d, n) * s.numChunks + chunk;
  work[s.w.totals + kk] = ta;
  work[s.w.totals + s.batch * s.E * s.N * s.numChunks + kk] = tb;
}

const SELECTIVE_TWINS: FamilyTwins = {
  packParams: () => (bf, groups) => {
    const s = params(bf, 'packParams');
    const work = bound(bf, 8, 'packParams.work').f32;
    const A = bound(bf, 9, 'packParams.A').f32;
    const D = bound(bf, 10, 'packParams.D').f32;
    const bias = bound(bf, 11, 'packParams.bias').f32;
    const n = flatCount(groups, 64);
    for (let i = 0; i < Math.min(n, s.E * s.N); i++) work[s.w.A + i] = A[i];
    for (let i = 0; i < Math.min(n, s.E); i++) {
      work[s.w.D + i] = D[i];
      work[s.w.bias + i] = bias[i];
    }
  },
  packLastStateGrad: () => (bf, groups) => {
    const s = params(bf, 'packLastStateGrad');
    const work = bound(bf, 8, 'packLastStateGrad.work').f32;
    const dlast = bound(bf, 12, 'packLastStateGrad.dlast').f32;
    const n = Math.min(flatCount(groups, 64), s.batch * s.E * s.N);
    for (let i = 0; i < n; i++) work[s.w.dlast + i] = dlast[i];
  },
  forwardSequential: (k) => {
    const o = optionsOf(k);
    const steps = new Steps();
    return (bf, groups) => {
      const s = params(bf, 'forwardSequential');
      const work = bound(bf, 8, 'scan.work').f32;
      const last = bound(bf, 7, 'scan.last_state').f32;
      const count = Math.min(flatCount(groups, 64), s.batch * s.E);
      const wasm = cpuWasm();
      if (wasm && count === s.batch * s.E) {
        for (let b = 0; b < s.batch; b++) {
          forwardBlockSimd(wasm, s, o, bf, steps, b, 0, s.E, 0, s.L, (d, n) => initialState(s, o, work, stateIndex(s, b, d, n)), (d, n, h) => (last[stateIndex(s, b, d, n)] = h));
        }
        return;
      }
      for (let i = 0; i < count; i++) {
        const b = Math.floor(i / s.E);
        const d = i - b * s.E;
        forwardRange(s, o, bf, steps, b, d, 0, s.L, (n) => initialState(s, o, work, stateIndex(s, b, d, n)), (n, h) => (last[stateIndex(s, b, d, n)] = h));
      }
    };
  },
  chunkTotals: (k) => {
    const o = optionsOf(k);
    const steps = new Steps();
    return (bf, groups) => {
      const s = params(bf, 'chunkTotals');
      const work = bound(bf, 8, 'scan.work').f32;
      const Bm = bound(bf, 4, 'scan.B').f32;
      eachChunk(s, o, bf, groups, steps, (b, d, chunk, t0, t1) => {
        for (let n = 0; n < s.N; n++) {
          const A = work[s.w.A + d * s.N + n];
          let ta = 1;
          let tb = 0;
          for (let i = 0; i < t1 - t0; i++) {
            const dt = steps.dt[i];
            const a = Math.exp(dt * A);
            ta *= a;
            tb = a * tb + dt * Bm[at(s.B, b, n, t0 + i)] * steps.u[i];
          }
          storeTotal(s, work, b, d, n, chunk, ta, tb);
        }
      });
    };
  },
  chunkCarries: (k) => {
    const o = optionsOf(k);
    return (bf, groups) => {
      const s = params(bf, 'chunkCarries');
      const work = bound(bf, 8, 'scan.work').f32;
      const states = s.batch * s.E * s.N;
      for (let st = 0; st < Math.min(states, flatCount(groups, 64)); st++) {
        let h = initialState(s, o, work, st);
        for (let kk = 0; kk < s.numChunks; kk++) {
          const i = st * s.numChunks + kk;
          work[s.w.states + i] = h;
          h = Math.fround(work[s.w.totals + i] * h + work[s.w.totals + states * s.numChunks + i]);
        }
      }
    };
  },
  forwardParallel: (k) => {
    const o = optionsOf(k);
    const steps = new Steps();
    return (bf, groups) => {
      const s = params(bf, 'forwardParallel');
      const work = bound(bf, 8, 'scan.work').f32;
      const last = bound(bf, 7, 'scan.last_state').f32;
      const wasm = cpuWasm();
      if (wasm) {
        // Every channel of a (row, chunk) in one call.
        const [chunks, channels, rows] = chunkGrid(s, groups);
        for (let b = 0; b < rows; b++) {
          for (let chunk = 0; chunk < chunks; chunk++) {
            const t0 = chunk * s.chunkLen;
            const start = (d: number, n: number) => (chunk > 0 ? work[s.w.states + stateIndex(s, b, d, n) * s.numChunks + chunk] : initialState(s, o, work, stateIndex(s, b, d, n)));
            const end = chunk === s.numChunks - 1 ? (d: number, n: number, h: number) => (last[stateIndex(s, b, d, n)] = h) : null;
            forwardBlockSimd(wasm, s, o, bf, steps, b, 0, channels, t0, Math.min(s.L, t0 + s.chunkLen), start, end);
          }
        }
        return;
      }
      eachChunk(s, o, bf, groups, null, (b, d, chunk, t0, t1) => {
        const start = (n: number) => (chunk > 0 ? work[s.w.states + stateIndex(s, b, d, n) * s.numChunks + chunk] : initialState(s, o, work, stateIndex(s, b, d, n)));
        const isLast = chunk === s.numChunks - 1;
        forwardRange(s, o, bf, steps, b, d, t0, t1, start, isLast ? (n, h) => (last[stateIndex(s, b, d, n)] = h) : null);
      });
    };
  },
  gateBackward: () => (bf, groups) => {
    const s = params(bf, 'gateBackward');
    const z = bound(bf, 3, 'gateBackward.z').f32;
    const work = bound(bf, 8, 'gateBackward.work').f32;
    const dy = bound(bf, 13, 'gateBackward.dy').f32;
    const du = bound(bf, 14, 'gateBackward.du').f32;
    const dz = bound(bf, 16, 'gateBackward.dz').f32;
    const count = Math.min(flatCount(groups, 64), s.batch * s.E * s.L);
    for (let i = 0; i < count; i++) {
      const t = i % s.L;
      const d = Math.floor(i / s.L) % s.E;
      const b = Math.floor(i / (s.L * s.E));
      const g = dy[at(s.y, b, d, t)];
      const zt = z[at(s.z, b, d, t)];
      const dout = Math.fround(g * silu(zt));
      work[s.w.dout + i] = dout;
      dz[at(s.z, b, d, t)] = g * work[s.w.pre + i] * siluGrad(zt);
      du[at(s.u, b, d, t)] = dout * work[s.w.D + d];
    }
  },
  reduceStateGrad: (k) => {
    const whichC = constant(k, 'WHICH_C', 0) !== 0;
    return (bf, groups) => {
      const s = params(bf, 'reduceStateGrad');
      const work = bound(bf, 8, 'reduceStateGrad.work').f32;
      const out = bound(bf, 20, 'reduceStateGrad.dBC').f32;
      const count = s.batch * s.N * s.L;
      const base = whichC ? s.w.partC : s.w.partB;
      const layout = whichC ? s.C : s.B;
      for (let i = 0; i < Math.min(count, flatCount(groups, 64)); i++) {
        const t = i % s.L;
        const n = Math.floor(i / s.L) % s.N;
        const b = Math.floor(i / (s.L * s.N));
        let sum = 0;
        for (let g = 0; g < s.numGroups; g++) sum += work[base + g * count + i];
        out[at(layout, b, n, t)] = sum;
      }
    };
  },
  reduceParamGrads: () => (bf, groups) => {
    const s = params(bf, 'reduceParamGrads');
    const work = bound(bf, 8, 'reduceParamGrads.work').f32;
    const dA = bound(bf, 17, 'reduceParamGrads.dA').f32;
    const dD = bound(bf, 18, 'reduceParamGrads.dD').f32;
    const dBias = bound(bf, 19, 'reduceParamGrads.dbias').f32;
    const EN = s.E * s.N;
    for (let i = 0; i < Math.min(EN, flatCount(groups, 64)); i++) {
      let sA = 0;
      for (let p = 0; p < s.numParts; p++) sA += work[s.w.partA + p * EN + i];
      dA[i] = sA;
      if (i % s.N === 0) {
        const d = i / s.N;
        let sD = 0;
        let sBias = 0;
        for (let p = 0; p < s.numParts; p++) {
          sD += work[s.w.partD + p * s.E + d];
          sBias += work[s.w.partBias + p * s.E + d];
        }
        dD[d] = sD;
        dBias[d] = sBias;
      }
    }
  },
  stateNormProbe: (k) => {
    const o = optionsOf(k);
    const steps = new Steps();
    return (bf, groups) => {
      const s = params(bf, 'stateNormProbe');
      const work = bound(bf, 8, 'stateNormProbe.work').f32;
      const Bm = bound(bf, 4, 'stateNormProbe.B').f32;
      const out = bound(bf, 21, 'stateNormProbe.out').f32;
      const b = bound(bf, 22, 'stateNormProbe.sample').u32[0];
      const E = s.E;
      const sums = new Float64Array(s.L);
      for (let d = 0; d < Math.min(E, flatCount(groups, 64)); d++) {
        steps.load(s, o, bf, work, b, d, 0, s.L);
        sums.fill(0);
        for (let n = 0; n < s.N; n++) {
          let h = initialState(s, o, work, stateIndex(s, b, d, n));
          const A = work[s.w.A + d * s.N + n];
          for (let t = 0; t < s.L; t++) {
            const dt = steps.dt[t];
            h = Math.fround(Math.exp(dt * A) * h + dt * Bm[at(s.B, b, n, t)] * steps.u[t]);
            sums[t] += h * h;
          }
        }
        for (let t = 0; t < s.L; t++) out[t * E + d] = Math.sqrt(sums[t]);
      }
    };
  },
};

export { SELECTIVE_TWINS, params as scanParams, optionsOf as scanOptions, chunkGrid, eachChunk, storeTotal, Steps, stateIndex, seqIndex, at, initialState };
export type { Scan, Options as ScanTwinOptions };

export function scanTwins(backward: FamilyTwins): FamilyTwins {
  return { ...SELECTIVE_TWINS, ...backward, ...LINEAR_SCAN_TWINS };
}

/** dΔ/d(delta) as the scan uses it. */
export function deltaGradOf(o: Options, raw: number): number {
  return o.softplusDelta ? softplusGrad(raw) : 1;
}
