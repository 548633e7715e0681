// CPU twins of the selective scan's backward entry points (shaders/scan.wgsl). With
// dout_t = dy_t·SiLU(z_t) and g_t = ∂loss/∂h_t = dout_t·C_t + a_{t+1}·g_{t+1}, walked from the last
// step back. The sequential entry point is the parallel one with a single chunk and channel group,
// so both run `backwardBlock`: a block of channels of one batch row over one chunk of steps.

import { bound, flatCount, type Bindings, type FamilyTwins } from '../../gpu/cpu/twin';
import { backwardBlockSimd, type Block } from './scanSimd';
import { cpuWasm } from './simd';
import { at, deltaGradOf, eachChunk, scanOptions, scanParams, seqIndex, stateIndex, Steps, storeTotal, type Scan, type ScanTwinOptions } from './scan';

class Scratch {
  steps = new Steps();
  dB = new Float64Array(0);
  dC = new Float64Array(0);
  dout = new Float64Array(0);
  hPrev = new Float64Array(0);
  a = new Float64Array(0);
  du = new Float64Array(0);
  ddt = new Float64Array(0);
  size(N: number, len: number): void {
    if (this.dout.length < len || this.dB.length < N * len) {
      this.dB = new Float64Array(N * len);
      this.dC = new Float64Array(N * len);
      this.dout = new Float64Array(len);
      this.hPrev = new Float64Array(len);
      this.a = new Float64Array(len);
      this.du = new Float64Array(len);
      this.ddt = new Float64Array(len);
    }
  }
}

function backwardBlock(s: Scan, o: ScanTwinOptions, bf: Bindings, x: Scratch, k: Block): void {
  const wasm = cpuWasm();
  if (wasm) return backwardBlockSimd(wasm, s, o, bf, x.steps, k);
  const work = bound(bf, 8, 'scan.work').f32;
  const Bm = bound(bf, 4, 'scan.B').f32;
  const Cm = bound(bf, 5, 'scan.C').f32;
  const du = bound(bf, 14, 'scan.du').f32;
  const ddelta = bound(bf, 15, 'scan.ddelta').f32;
  const u = bound(bf, 1, 'scan.u').f32;
  const { b, t0, t1 } = k;
  const N = s.N;
  const len = t1 - t0;
  x.size(N, len);
  x.dB.fill(0, 0, N * len);
  x.dC.fill(0, 0, N * len);
  const { steps } = x;
  for (let d = k.d0; d < k.d1; d++) {
    steps.load(s, o, bf, work, b, d, t0, t1);
    for (let i = 0; i < len; i++) x.dout[i] = work[s.w.dout + seqIndex(s, b, d, t0 + i)];
    x.du.fill(0, 0, len);
    x.ddt.fill(0, 0, len);
    for (let n = 0; n < N; n++) {
      const An = work[s.w.A + d * N + n];
      // Forward within the block from its start state, keeping h_{t-1} of every step.
      let h = k.hStart(d, n);
      for (let i = 0; i < len; i++) {
        const a = Math.exp(steps.dt[i] * An);
        x.a[i] = a;
        x.hPrev[i] = h;
        h = Math.fround(a * h + steps.dt[i] * Bm[at(s.B, b, n, t0 + i)] * steps.u[i]);
        if (k.keepHistory) work[s.w.hist + b * s.L + t0 + i] = h;
      }
      let r = k.rEnd(d, n);
      let dA = 0;
      const row = n * len;
      for (let i = len - 1; i >= 0; i--) {
        const t = t0 + i;
        const dt = steps.dt[i];
        const ut = steps.u[i];
        const Bt = Bm[at(s.B, b, n, t)];
        const a = x.a[i];
        const hPrev = x.hPrev[i];
        const g = x.dout[i] * Cm[at(s.C, b, n, t)] + r; // ∂loss/∂h_t
        x.dB[row + i] += g * dt * ut;
        x.dC[row + i] += x.dout[i] * Math.fround(a * hPrev + dt * Bt * ut);
        x.du[i] += g * dt * Bt;
        x.ddt[i] += g * (hPrev * a * An + Bt * ut); // × dΔ/d(delta) once per step, below
        dA += g * hPrev * a * dt;
        r = a * g;
      }
      work[s.w.partA + (k.part * s.E + d) * N + n] = dA;
    }
    let dD = 0;
    let dBias = 0;
    for (let i = 0; i < len; i++) {
      const t = t0 + i;
      du[at(s.u, b, d, t)] += x.du[i];
      const dd = Math.fround(x.ddt[i] * deltaGradOf(o, steps.raw[i]));
      ddelta[at(s.delta, b, d, t)] = dd;
      dD += x.dout[i] * u[at(s.u, b, d, t)];
      dBias += dd;
    }
    work[s.w.partD + k.part * s.E + d] = dD;
    work[s.w.partBias + k.part * s.E + d] = dBias;
  }
  for (let n = 0; n < N; n++) {
    const base = ((k.group * s.batch + b) * N + n) * s.L + t0;
    for (let i = 0; i < len; i++) {
      work[s.w.partB + base + i] = x.dB[n * len + i];
      work[s.w.partC + base + i] = x.dC[n * len + i];
    }
  }
}

export const SCAN_BACKWARD_TWINS: FamilyTwins = {
  backwardSequential: (kc) => {
    const o = scanOptions(kc);
    const x = new Scratch();
    return (bf, groups) => {
      const s = scanParams(bf, 'backwardSequential');
      const work = bound(bf, 8, 'scan.work').f32;
      for (let b = 0; b < Math.min(s.batch, flatCount(groups, 64)); b++) {
        backwardBlock(s, o, bf, x, {
          b, d0: 0, d1: s.E, t0: 0, t1: s.L, part: b, group: 0,
          hStart: () => 0,
          rEnd: (d, n) => work[s.w.dlast + stateIndex(s, b, d, n)],
          keepHistory: true,
        });
      }
    };
  },
  chunkTotalsBackward: (kc) => {
    const o = scanOptions(kc);
    const steps = new Steps();
    return (bf, groups) => {
      const s = scanParams(bf, 'chunkTotalsBackward');
      const work = bound(bf, 8, 'scan.work').f32;
      const Cm = bound(bf, 5, 'scan.C').f32;
      eachChunk(s, o, bf, groups, steps, (b, d, chunk, t0, t1) => {
        for (let n = 0; n < s.N; n++) {
          const An = work[s.w.A + d * s.N + n];
          // The reverse recurrence r_t = a_t·r_{t+1} + a_t·dout_t·C_t composed from the chunk's last step to its first.
          let ta = 1;
          let tb = 0;
          for (let i = t1 - t0 - 1; i >= 0; i--) {
            const t = t0 + i;
            const a = Math.exp(steps.dt[i] * An);
            const c = work[s.w.dout + seqIndex(s, b, d, t)] * Cm[at(s.C, b, n, t)];
            ta *= a;
            tb = a * tb + a * c;
          }
          storeTotal(s, work, b, d, n, chunk, ta, tb);
        }
      });
    };
  },
  chunkCarriesBackward: () => (bf, groups) => {
    const s = scanParams(bf, 'chunkCarriesBackward');
    const work = bound(bf, 8, 'scan.work').f32;
    const states = s.batch * s.E * s.N;
    for (let st = 0; st < Math.min(states, flatCount(groups, 64)); st++) {
      let r = work[s.w.dlast + st];
      for (let kk = s.numChunks; kk > 0; kk--) {
        const i = st * s.numChunks + kk - 1;
        work[s.w.carry + i] = r;
        r = Math.fround(work[s.w.totals + i] * r + work[s.w.totals + states * s.numChunks + i]);
      }
    }
  },
  backwardParallel: (kc) => {
    const o = scanOptions(kc);
    const x = new Scratch();
    return (bf, groups) => {
      const s = scanParams(bf, 'backwardParallel');
      const work = bound(bf, 8, 'scan.work').f32;
      const chunks = Math.min(groups[0], s.numChunks);
      const blocks = Math.min(groups[1], s.numGroups);
      const rows = Math.min(groups[2], s.batch);
      for (let b = 0; b < rows; b++) {
        for (let group = 0; group < blocks; group++) {
          for (let chunk = 0; chunk < chunks; chunk++) {
            const t0 = chunk * s.chunkLen;
            const lastChunk = chunk === s.numChunks - 1;
            backwardBlock(s, o, bf, x, {
              b,
              d0: group * s.groupSize,
              d1: Math.min(group * s.groupSize + s.groupSize, s.E),
              t0,
              t1: Math.min(s.L, t0 + s.chunkLen),
              part: b * s.numChunks + chunk,
              group,
              hStart: (d, n) => (chunk > 0 ? work[s.w.states + stateIndex(s, b, d, n) * s.numChunks + chunk] : 0),
              rEnd: (d, n) => (lastChunk ? work[s.w.dlast + stateIndex(s, b, d, n)] : work[s.w.carry + stateIndex(s, b, d, n) * s.numChunks + chunk]),
              keepHistory: false,
            });
          }
        }
      }
    };
  },
};

