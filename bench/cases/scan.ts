// The Mamba-1 selective scan (src/kernels/scan.ts, shaders/scan.wgsl), forward and backward, with
// the chunked parallel kernel and the sequential one, at batch 1, d_inner 128, d_state 16 over
// sequence lengths up to 1M. Rate: elements per second, an element being one (batch, channel,
// timestep) entry of u and y (each carries d_state = 16 states). GPU memory: every buffer the case
// allocates (inputs, outputs, gradients, the scan's workspace).
//
// The backward rows time the backward ops alone: the forward runs once while preparing and leaves
// in the workspace what the backward reads (chunk-start states, pre-gate outputs); the backward
// overwrites only its own fields, so it can be repeated. The check recomputes two whole channels
// (every timestep) in float64 from the same inputs (src/reference/mamba.ts).
//
// Inputs are a seeded block of 65521 values (a prime) tiled over each tensor, so that 1M-step
// tensors (512 MiB each) are written without building them on the host, and every channel still
// sees different values.

import { dispatchesOf, runOps } from '../../src/gpu/dispatch';
import { createTensor, F32, type Tensor } from '../../src/gpu/tensor';
import { describeScanPlan, selectiveScanOps, type ScanAlgorithm, type ScanGradTensors, type ScanShape, type ScanTensors } from '../../src/kernels/scan';
import { relErr } from '../../src/reference/compare';
import { selectiveScan, selectiveScanBackward, type ScanInputs } from '../../src/reference/mamba';
import type { BenchCase, BenchEnv, PreparedCase } from '../suite';
import { countLabel, readSlice, uniformF32 } from './data';

export const SCAN_D_INNER = 128;
/** d_inner on a software adapter, where the parallel kernel costs ~1 s per 128 channels x 1K steps. */
export const SCAN_D_INNER_SCALED = 16;
export const SCAN_D_STATE = 16;
export const SCAN_BATCH = 1;
const BLOCK = 65_521;
/** Longest L the PyTorch python-loop reference is timed at (it walks L steps in Python). */
export const SCAN_REF_MAX_L = 4096;

/** A tensor whose element i is block[i mod BLOCK]. */
interface Tiled {
  tensor: Tensor;
  block: Float32Array;
}

function tiledTensor(device: GPUDevice, label: string, n: number, lo: number, hi: number, seed: number): Tiled {
  const block = uniformF32(BLOCK, lo, hi, seed);
  const tensor = createTensor(device, label, [n]);
  const chunk = 1 << 20;
  const tile = new Float32Array(BLOCK + chunk); // tile[i] = block[i mod BLOCK]
  for (let i = 0; i < tile.length; i++) tile[i] = block[i % BLOCK];
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    device.queue.writeBuffer(tensor.buffer, tensor.offset + start * F32, tile, start % BLOCK, count);
  }
  return { tensor, block };
}

/** Elements [start, start + count) of a tiled tensor, as the host sees them. */
function tiledRange(t: Tiled, start: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = t.block[(start + i) % BLOCK];
  return out;
}

interface ScanSetup {
  shape: ScanShape;
  io: Record<Exclude<keyof ScanTensors, 'initialState'>, Tiled | { tensor: Tensor; block: null }>;
  grads: Record<keyof ScanGradTensors, Tiled | { tensor: Tensor; block: null }> | null;
}

function buildTensors(device: GPUDevice, L: number, E: number, withGrads: boolean): ScanSetup {
  const batch = SCAN_BATCH;
  const N = SCAN_D_STATE;
  const shape: ScanShape = { batch, dInner: E, dState: N, seqLen: L, deltaSoftplus: true };
  const seq = batch * E * L;
  const st = batch * N * L;
  const out = (label: string, n: number) => ({ tensor: createTensor(device, label, [n]), block: null });
  const io = {
    u: tiledTensor(device, 'scan u', seq, -1, 1, 101), //             (batch, d_inner, L)
    delta: tiledTensor(device, 'scan delta', seq, -2, 1, 102), //     (batch, d_inner, L)
    z: tiledTensor(device, 'scan z', seq, -3, 3, 103), //             (batch, d_inner, L)
    A: tiledTensor(device, 'scan A', E * N, -2, -0.1, 104), //        (d_inner, d_state)
    B: tiledTensor(device, 'scan B', st, -1, 1, 105), //              (batch, d_state, L)
    C: tiledTensor(device, 'scan C', st, -1, 1, 106), //              (batch, d_state, L)
    D: tiledTensor(device, 'scan D', E, -1, 1, 107), //               (d_inner)
    deltaBias: tiledTensor(device, 'scan delta_bias', E, -0.5, 0.5, 108), // (d_inner)
    y: out('scan y', seq), //                                         (batch, d_inner, L)
    lastState: out('scan last_state', batch * E * N), //              (batch, d_inner, d_state)
  };
  const grads = withGrads
    ? {
        dy: tiledTensor(device, 'scan dy', seq, -1, 1, 109),
        dLastState: tiledTensor(device, 'scan d_last_state', batch * E * N, -1, 1, 110),
        du: out('scan du', seq),
        ddelta: out('scan ddelta', seq),
        dz: out('scan dz', seq),
        dA: out('scan dA', E * N),
        dB: out('scan dB', st),
        dC: out('scan dC', st),
        dD: out('scan dD', E),
        dDeltaBias: out('scan d_delta_bias', E),
      }
    : null;
  return { shape, io, grads };
}

function tensorsOf<K extends string>(record: Record<K, { tensor: Tensor }>): Record<K, Tensor> {
  return Object.fromEntries(Object.entries<{ tensor: Tensor }>(record).map(([k, v]) => [k, v.tensor])) as Record<K, Tensor>;
}

function hostRange(t: Tiled | { tensor: Tensor; block: null }, start: number, count: number): Float64Array {
  if (!t.block) throw new Error(`${t.tensor.label} has no host copy`);
  return tiledRange(t as Tiled, start, count);
}

/** Inputs of channel d of batch row 0, as a one-channel scan for the float64 reference. */
function channelInputs(s: ScanSetup, d: number): ScanInputs {
  const { seqLen: L, dState: N } = s.shape;
  const io = s.io;
  return {
    u: hostRange(io.u, d * L, L),
    delta: hostRange(io.delta, d * L, L),
    z: hostRange(io.z, d * L, L),
    A: hostRange(io.A, d * N, N),
    B: hostRange(io.B, 0, N * L),
    C: hostRange(io.C, 0, N * L),
    D: hostRange(io.D, d, 1),
    deltaBias: hostRange(io.deltaBias, d, 1),
  };
}

function sumAbs(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i]);
  return s;
}

/**
 * Error of a sum over time (dD, d delta_bias) relative to the sum of its terms' magnitudes: the
 * terms cancel, so the sum itself can be far smaller than the rounding it carries.
 */
function sumErr(got: number, want: number, termsL1: number): number {
  const d = Math.abs(got - want);
  return Number.isFinite(got) ? d / Math.max(termsL1, 1e-30) : Infinity;
}

/** Checks the outputs of the checked channels; null when every one is within tolerance. */
async function checkChannels(device: GPUDevice, s: ScanSetup, backward: boolean): Promise<string | null> {
  const { seqLen: L, dState: N, dInner: E } = s.shape;
  const one = { ...s.shape, batch: 1, dInner: 1 };
  const tol = L > 4096 ? 2e-3 : 1e-3;
  for (const d of [0, E - 1]) {
    const x = channelInputs(s, d);
    const pairs: Array<[string, ArrayLike<number>, ArrayLike<number>]> = [];
    const sums: Array<[string, number, number, number]> = [];
    if (!backward) {
      const want = selectiveScan(one, x);
      pairs.push(['y', await readSlice(device, s.io.y.tensor, d * L, L), want.y]);
      pairs.push(['lastState', await readSlice(device, s.io.lastState.tensor, d * N, N), want.lastState]);
    } else if (s.grads) {
      const g = s.grads;
      const want = selectiveScanBackward(one, x, hostRange(g.dy, d * L, L), hostRange(g.dLastState, d * N, N));
      pairs.push(['du', await readSlice(device, g.du.tensor, d * L, L), want.u]);
      pairs.push(['ddelta', await readSlice(device, g.ddelta.tensor, d * L, L), want.delta]);
      pairs.push(['dz', await readSlice(device, g.dz.tensor, d * L, L), want.z]);
      pairs.push(['dA', await readSlice(device, g.dA.tensor, d * N, N), want.A]);
      const dy = hostRange(g.dy, d * L, L);
      let dTermsL1 = 0; // Σ_t |dy·SiLU(z)·u|
      for (let t = 0; t < L; t++) dTermsL1 += Math.abs(dy[t] * (x.z[t] / (1 + Math.exp(-x.z[t]))) * x.u[t]);
      sums.push(['dD', (await readSlice(device, g.dD.tensor, d, 1))[0], want.D[0], dTermsL1]);
      sums.push(['dDeltaBias', (await readSlice(device, g.dDeltaBias.tensor, d, 1))[0], want.deltaBias[0], sumAbs(want.delta)]);
    }
    for (const [name, got, want] of pairs) {
      const err = relErr(got, want);
      if (!(err <= tol)) return `${name} of channel ${d}: relative error ${err.toExponential(2)} > ${tol}`;
    }
    for (const [name, got, want, termsL1] of sums) {
      const err = sumErr(got, want, termsL1);
      if (!(err <= tol)) return `${name} of channel ${d}: error ${err.toExponential(2)} of the terms' sum of magnitudes > ${tol}`;
    }
  }
  return null;
}

function destroySetup(s: ScanSetup): void {
  for (const t of Object.values(s.io)) t.tensor.buffer.destroy();
  if (s.grads) for (const t of Object.values(s.grads)) t.tensor.buffer.destroy();
}

async function prepareScan(env: BenchEnv, L: number, algorithm: ScanAlgorithm, pass: 'forward' | 'backward'): Promise<PreparedCase> {
  const { device } = env.gpu;
  const fallback = env.config.profile === 'fallback' || env.config.profile === 'fallback-quick';
  const setup = buildTensors(device, L, fallback ? SCAN_D_INNER_SCALED : SCAN_D_INNER, pass === 'backward');
  let scan: Awaited<ReturnType<typeof selectiveScanOps>> | null = null;
  try {
    const io = tensorsOf(setup.io) as unknown as ScanTensors;
    const grads = setup.grads ? (tensorsOf(setup.grads) as unknown as ScanGradTensors) : undefined;
    scan = await selectiveScanOps(env.ctx, setup.shape, io, grads, { algorithm });
    if (pass === 'backward') await runOps(device, scan.forward);
  } catch (error) {
    scan?.destroy();
    destroySetup(setup);
    throw error;
  }
  const ops = scan;
  const { batch, dInner, dState } = setup.shape;
  return {
    ops: dispatchesOf(pass === 'forward' ? ops.forward : ops.backward, 'scan bench'),
    work: { elements: batch * dInner * L },
    shape: `L=${countLabel(L)} B${batch} D${dInner} N${dState}${fallback ? ' (scaled)' : ''}`,
    note: [
      describeScanPlan(ops.plan),
      fallback ? `scaled from D${SCAN_D_INNER}, L 1K to 1M` : '',
    ]
      .filter(Boolean)
      .join('; '),
    peer: L <= SCAN_REF_MAX_L ? { op: 'scan-ref', pass: pass === 'forward' ? 'forward' : 'backward', batch, seqLen: L, dInner, dState } : undefined,
    verify: () => checkChannels(device, setup, pass === 'backward'),
    destroy() {
      ops.destroy();
      destroySetup(setup);
    },
  };
}

const K = 1024;
const M = K * K;
const SCAN_SIZES: BenchCase['sizes'] = {
  full: [K, 4 * K, 16 * K, 256 * K, M],
  quick: [K, 16 * K, 256 * K],
  fallback: [K, 4 * K],
  'fallback-quick': [K],
};

/** In a run of every case on a software adapter: L = 1K only (--only=scan runs the others). */
const SCAN_DEFAULT_SIZES: BenchCase['defaultSizes'] = { fallback: [K] };

/**
 * The sequential backward is one thread per batch row walking d_inner·d_state·L steps (it is the
 * readable reference, built for step-through): at L = 1M that is 2·10⁹ dependent iterations on one
 * GPU thread, minutes. It stops at 16K on a GPU.
 */
const SEQUENTIAL_BACKWARD_SIZES: BenchCase['sizes'] = {
  full: [K, 4 * K, 16 * K],
  quick: [K, 4 * K],
  fallback: [K, 4 * K],
  'fallback-quick': [K],
};

function scanCase(algorithm: ScanAlgorithm, pass: 'forward' | 'backward'): BenchCase {
  return {
    id: `scan-${algorithm}-${pass}`,
    group: 'scan',
    sizes: algorithm === 'sequential' && pass === 'backward' ? SEQUENTIAL_BACKWARD_SIZES : SCAN_SIZES,
    defaultSizes: SCAN_DEFAULT_SIZES,
    prepare: (env, L) => prepareScan(env, L, algorithm, pass),
  };
}

export const scanCases: BenchCase[] = [
  scanCase('parallel', 'forward'),
  scanCase('sequential', 'forward'),
  scanCase('parallel', 'backward'),
  scanCase('sequential', 'backward'),
];
