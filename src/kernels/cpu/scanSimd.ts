// The selective scan's forward and backward blocks through the WebAssembly SIMD kernels of
// wasm/scan.ts (./simd.ts): the same buffers written as ./scan.ts forwardRange and
// ./scanBackward.ts backwardBlock write them, four states to a vector. The host packs a block's
// operands (B and C of the batch row once, Δ, u and A per channel; the state count padded to a
// multiple of 4 with zeros) into the module's memory and unpacks the results.

import { bound, type Bindings } from '../../gpu/cpu/twin';
import { at, deltaGradOf, seqIndex, type Scan, type ScanTwinOptions, type Steps } from './scan';
import { silu } from './math';
import type { CpuWasm } from './simd';

/** A block of channels [d0, d1) of batch row b over steps [t0, t1), as backwardBlock takes it. */
export interface Block {
  b: number;
  d0: number;
  d1: number;
  t0: number;
  t1: number;
  /** Where this block's partial sums of dA, dD, dbias go (b·num_chunks + chunk). */
  part: number;
  /** Where its dB, dC partials go: ((group·batch + b)·N + n)·L + t. */
  group: number;
  /** State at t0 and the r handed into step t1 - 1 from later steps, per (d, n). */
  hStart: (d: number, n: number) => number;
  rEnd: (d: number, n: number) => number;
  /** backwardSequential keeps each pair's states in work[w_hist] (b, L) as the shader does. */
  keepHistory: boolean;
}

const padded = (n: number) => Math.ceil(n / 4) * 4;

/** B and C of row b over the block's steps, (L × NP) each, zeros past N. */
function packStates(s: Scan, bf: Bindings, heap: Float32Array, bAt: number, cAt: number, b: number, t0: number, len: number, NP: number): void {
  const Bm = bound(bf, 4, 'scan.B').f32;
  const Cm = bound(bf, 5, 'scan.C').f32;
  heap.fill(0, bAt, bAt + len * NP);
  heap.fill(0, cAt, cAt + len * NP);
  for (let i = 0; i < len; i++) {
    for (let n = 0; n < s.N; n++) {
      heap[bAt + i * NP + n] = Bm[at(s.B, b, n, t0 + i)];
      heap[cAt + i * NP + n] = Cm[at(s.C, b, n, t0 + i)];
    }
  }
}

/** Δ and u of channel d (from `steps`, loaded for it) and a row of A and of a per-state value, at channel slot dl. */
function packChannel(s: Scan, work: Float32Array, heap: Float32Array, steps: Steps, dl: number, d: number, len: number, NP: number, to: { dt: number; u: number; A: number }, rows: Array<[number, (n: number) => number]>): void {
  for (let i = 0; i < len; i++) {
    heap[to.dt + dl * len + i] = steps.dt[i];
    heap[to.u + dl * len + i] = steps.u[i];
  }
  for (let n = 0; n < NP; n++) heap[to.A + dl * NP + n] = n < s.N ? work[s.w.A + d * s.N + n] : 0;
  for (const [base, value] of rows) for (let n = 0; n < NP; n++) heap[base + dl * NP + n] = n < s.N ? value(n) : 0;
}

/**
 * forwardRange for channels [d0, d1) of row b at once: y (and pre) over steps [t0, t1) from
 * hStart(d, n), each state's final h handed to `end(d, n, h)`.
 */
export function forwardBlockSimd(wasm: CpuWasm, s: Scan, o: ScanTwinOptions, bf: Bindings, steps: Steps, b: number, d0: number, d1: number, t0: number, t1: number, hStart: (d: number, n: number) => number, end: ((d: number, n: number, h: number) => void) | null): void {
  const work = bound(bf, 8, 'scan.work').f32;
  const z = bound(bf, 3, 'scan.z').f32;
  const y = bound(bf, 6, 'scan.y').f32;
  const E = d1 - d0;
  const len = t1 - t0;
  const NP = padded(s.N);
  const [dt, u, A, B, C, h, out] = wasm.reserve([E * len, E * len, E * NP, len * NP, len * NP, E * NP, E * len]);
  const heap = wasm.heap;
  packStates(s, bf, heap, B, C, b, t0, len, NP);
  for (let dl = 0; dl < E; dl++) {
    const d = d0 + dl;
    steps.load(s, o, bf, work, b, d, t0, t1);
    packChannel(s, work, heap, steps, dl, d, len, NP, { dt, u, A }, [[h, (n) => hStart(d, n)]]);
  }
  wasm.exports.scanForward(dt * 4, u * 4, A * 4, B * 4, C * 4, h * 4, out * 4, E, len, NP);
  for (let dl = 0; dl < E; dl++) {
    const d = d0 + dl;
    const D = work[s.w.D + d];
    for (let i = 0; i < len; i++) {
      const t = t0 + i;
      const pre = D * heap[u + dl * len + i] + heap[out + dl * len + i];
      if (o.keepPre) work[s.w.pre + seqIndex(s, b, d, t)] = pre;
      y[at(s.y, b, d, t)] = pre * silu(z[at(s.z, b, d, t)]);
    }
    if (end) for (let n = 0; n < s.N; n++) end(d, n, heap[h + dl * NP + n]);
  }
}

let raw = new Float64Array(0);

/** backwardBlock through scanBackward: the same gradients and partial sums, in the same places. */
export function backwardBlockSimd(wasm: CpuWasm, s: Scan, o: ScanTwinOptions, bf: Bindings, steps: Steps, k: Block): void {
  const work = bound(bf, 8, 'scan.work').f32;
  const du = bound(bf, 14, 'scan.du').f32;
  const ddelta = bound(bf, 15, 'scan.ddelta').f32;
  const uIn = bound(bf, 1, 'scan.u').f32;
  const { b, t0, t1 } = k;
  const E = k.d1 - k.d0;
  const len = t1 - t0;
  const N = s.N;
  const NP = padded(N);
  const [dt, u, A, B, C, dout, h, r, dB, dC, dA, duO, ddt, keptA, keptH] = wasm.reserve([E * len, E * len, E * NP, len * NP, len * NP, E * len, E * NP, E * NP, len * NP, len * NP, E * NP, E * len, E * len, len * NP, len * NP]);
  const heap = wasm.heap;
  packStates(s, bf, heap, B, C, b, t0, len, NP);
  heap.fill(0, dB, dB + len * NP);
  heap.fill(0, dC, dC + len * NP);
  heap.fill(0, dA, dA + E * NP);
  if (raw.length < E * len) raw = new Float64Array(E * len);
  for (let dl = 0; dl < E; dl++) {
    const d = k.d0 + dl;
    steps.load(s, o, bf, work, b, d, t0, t1);
    packChannel(s, work, heap, steps, dl, d, len, NP, { dt, u, A }, [
      [h, (n) => k.hStart(d, n)],
      [r, (n) => k.rEnd(d, n)],
    ]);
    for (let i = 0; i < len; i++) {
      heap[dout + dl * len + i] = work[s.w.dout + seqIndex(s, b, d, t0 + i)];
      raw[dl * len + i] = steps.raw[i];
    }
  }
  wasm.exports.scanBackward(dt * 4, u * 4, A * 4, B * 4, C * 4, dout * 4, h * 4, r * 4, dB * 4, dC * 4, dA * 4, duO * 4, ddt * 4, keptA * 4, keptH * 4, E, len, NP);
  for (let dl = 0; dl < E; dl++) {
    const d = k.d0 + dl;
    let dD = 0;
    let dBias = 0;
    for (let i = 0; i < len; i++) {
      const t = t0 + i;
      du[at(s.u, b, d, t)] += heap[duO + dl * len + i];
      const dd = Math.fround(heap[ddt + dl * len + i] * deltaGradOf(o, raw[dl * len + i]));
      ddelta[at(s.delta, b, d, t)] = dd;
      dD += heap[dout + dl * len + i] * uIn[at(s.u, b, d, t)];
      dBias += dd;
    }
    work[s.w.partD + k.part * s.E + d] = dD;
    work[s.w.partBias + k.part * s.E + d] = dBias;
    for (let n = 0; n < N; n++) work[s.w.partA + (k.part * s.E + d) * N + n] = heap[dA + dl * NP + n];
  }
  for (let n = 0; n < N; n++) {
    const base = ((k.group * s.batch + b) * N + n) * s.L + t0;
    for (let i = 0; i < len; i++) {
      work[s.w.partB + base + i] = heap[dB + i * NP + n];
      work[s.w.partC + base + i] = heap[dC + i * NP + n];
    }
  }
  if (k.keepHistory && E > 0) {
    // As the shader leaves it: the last channel's last state, h_t = a_t·h_{t-1} + Δ_t·B_t·u_t (kept by the kernel).
    const dl = E - 1;
    for (let i = 0; i < len; i++) {
      const q = i * NP + N - 1;
      work[s.w.hist + b * s.L + t0 + i] = Math.fround(heap[keptA + q] * heap[keptH + q] + heap[dt + dl * len + i] * heap[B + q] * heap[u + dl * len + i]);
    }
  }
}
