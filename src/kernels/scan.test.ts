// The selective scan in WGSL (sequential and parallel) against the float64 reference, the PyTorch
// fixtures, and each other, through Dawn (SwiftShader without a GPU: sizes stay modest). The
// parallel checks run with both ways of combining the threads' runs: subgroup shuffles (SwiftShader
// has subgroups, of 4 invocations) and workgroup memory.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeGpu } from '../gpu/node';
import { useKernelContext } from './testing';
import { runOps } from '../gpu/dispatch';
import { readTensor } from '../gpu/readback';
import { createTensor } from '../gpu/tensor';
import { Random } from '../data/random';
import { relErr } from '../reference/compare';
import { selectiveScan, selectiveScanBackward, type ScanInputs } from '../reference/mamba';
import { randomScanCase } from '../reference/scanCases';
import { kernelContext } from './registry';
import { channelMajorLayout, planScan, scanSource, selectiveScanOps, timeMajorLayout, type ScanCombine, type ScanLayouts, type ScanOptions, type ScanShape } from './scan';
import { FIXTURES } from '../reference/fixtures.testing';

const { gpu, ctx } = useKernelContext();

const hasSubgroups = () => gpu.device.features.has('subgroups');

/** The combines this device can run: both where it has subgroups (see 'the test device' below). */
const combines = (): ScanCombine[] => (hasSubgroups() ? ['subgroups', 'workgroup'] : ['workgroup']);

/** The sequential scan and the parallel one with each combine, as test variants. */
const VARIANTS: Array<[string, ScanOptions]> = [
  ['sequential', { algorithm: 'sequential' }],
  ['parallel, subgroups', { algorithm: 'parallel', combine: 'subgroups' }],
  ['parallel, workgroup memory', { algorithm: 'parallel', combine: 'workgroup' }],
];

/** Skips a test of the subgroup combine on a device without subgroups. */
function skipUnsupported(skip: (condition: boolean, note?: string) => void, options: ScanOptions): void {
  skip(options.combine === 'subgroups' && !hasSubgroups(), "the device lacks the 'subgroups' feature");
}

const NAMES = ['u', 'delta', 'A', 'B', 'C', 'D', 'z', 'deltaBias'] as const;
type Inputs = { [K in keyof ScanInputs]: Float64Array };
type Grads = { [K in keyof ScanInputs]: Float32Array };

interface ScanRun {
  y: Float32Array;
  lastState: Float32Array;
  grads: Grads;
}

/**
 * Runs forward and backward on the GPU (the test device unless `on` says otherwise). With
 * `layouts`, the inputs (given in the reference layout) are scattered into tensors of that layout,
 * `padding` elements long, and the outputs gathered back.
 */
async function runGpu(shape: ScanShape, x: Inputs, dy: ArrayLike<number>, dLast: ArrayLike<number>, options: ScanOptions = {}, padding = 0, on = ctx): Promise<ScanRun> {
  const { device } = on;
  const { batch, dInner: E, dState: N, seqLen: L } = shape;
  const layouts: ScanLayouts = {
    u: channelMajorLayout(E, L),
    delta: channelMajorLayout(E, L),
    z: channelMajorLayout(E, L),
    y: channelMajorLayout(E, L),
    B: channelMajorLayout(N, L),
    C: channelMajorLayout(N, L),
    ...options.layouts,
  };
  const scatter = (name: keyof ScanLayouts, data: ArrayLike<number>, channels: number): Float64Array => {
    const l = layouts[name];
    const out = new Float64Array(padding || data.length);
    for (let b = 0; b < batch; b++)
      for (let c = 0; c < channels; c++)
        for (let t = 0; t < L; t++) out[l.offset + b * l.batch + c * l.channel + t * l.time] = data[(b * channels + c) * L + t];
    return out;
  };
  const gather = (name: keyof ScanLayouts, data: Float32Array, channels: number): Float32Array => {
    const l = layouts[name];
    const out = new Float32Array(batch * channels * L);
    for (let b = 0; b < batch; b++)
      for (let c = 0; c < channels; c++)
        for (let t = 0; t < L; t++) out[(b * channels + c) * L + t] = data[l.offset + b * l.batch + c * l.channel + t * l.time];
    return out;
  };
  const seq = (name: keyof ScanLayouts, data: ArrayLike<number>, channels: number) => createTensor(device, name, [padding || data.length], scatter(name, data, channels));
  const empty = (name: string, n: number) => createTensor(device, name, [n], new Float64Array(n).fill(NaN));
  const io = {
    u: seq('u', x.u, E),
    delta: seq('delta', x.delta, E),
    z: seq('z', x.z, E),
    B: seq('B', x.B, N),
    C: seq('C', x.C, N),
    A: createTensor(device, 'A', [E * N], x.A),
    D: createTensor(device, 'D', [E], x.D),
    deltaBias: createTensor(device, 'deltaBias', [E], x.deltaBias),
    y: empty('y', padding || batch * E * L),
    lastState: empty('lastState', batch * E * N),
  };
  const grads = {
    dy: seq('y', dy, E),
    dLastState: createTensor(device, 'dLastState', [batch * E * N], dLast),
    du: empty('du', padding || batch * E * L),
    ddelta: empty('ddelta', padding || batch * E * L),
    dz: empty('dz', padding || batch * E * L),
    dA: empty('dA', E * N),
    dB: empty('dB', padding || batch * N * L),
    dC: empty('dC', padding || batch * N * L),
    dD: empty('dD', E),
    dDeltaBias: empty('dDeltaBias', E),
  };
  const ops = await selectiveScanOps(on, shape, io, grads, options);
  await runOps(device, [...ops.forward, ...ops.backward]);
  const read = (t: (typeof io)['u']) => readTensor(device, t);
  const result: ScanRun = {
    y: gather('y', await read(io.y), E),
    lastState: await read(io.lastState),
    grads: {
      u: gather('u', await read(grads.du), E),
      delta: gather('delta', await read(grads.ddelta), E),
      z: gather('z', await read(grads.dz), E),
      A: await read(grads.dA),
      B: gather('B', await read(grads.dB), N),
      C: gather('C', await read(grads.dC), N),
      D: await read(grads.dD),
      deltaBias: await read(grads.dDeltaBias),
    },
  };
  ops.destroy();
  for (const t of [...Object.values(io), ...Object.values(grads)]) t.buffer.destroy();
  return result;
}

function expectAgree(got: ScanRun, want: { y: ArrayLike<number>; lastState: ArrayLike<number>; grads: { [K in keyof ScanInputs]: ArrayLike<number> } }, tol: number, what = ''): void {
  const prefix = what ? `${what}: ` : '';
  expect(relErr(got.y, want.y), `${prefix}y`).toBeLessThanOrEqual(tol);
  expect(relErr(got.lastState, want.lastState), `${prefix}lastState`).toBeLessThanOrEqual(tol);
  for (const k of NAMES) expect(relErr(got.grads[k], want.grads[k]), `${prefix}grad ${k}`).toBeLessThanOrEqual(tol);
}

function reference(shape: ScanShape, x: Inputs, dy: ArrayLike<number>, dLast: ArrayLike<number>) {
  const out = selectiveScan(shape, x);
  return { y: out.y, lastState: out.lastState, grads: selectiveScanBackward(shape, x, dy, dLast) };
}

// ---------------------------------------------------------------- the two combines

describe('combining runs: subgroups or workgroup memory', () => {
  const shape: ScanShape = { batch: 2, dInner: 3, dState: 2, seqLen: 45, deltaSoftplus: true };

  it('the test device has subgroups, so the subgroup combine is tested', ({ skip }) => {
    skip(!gpu.info.isFallback && !hasSubgroups(), `${gpu.info.description || 'this adapter'} lacks the 'subgroups' feature: only the workgroup-memory combine is tested`);
    expect(hasSubgroups(), "SwiftShader offers 'subgroups'; without it the subgroup combine would go untested").toBe(true);
  });

  it('plans the subgroup combine where the device has subgroups, unless told otherwise', () => {
    expect(planScan(shape).combine).toBe('workgroup');
    expect(planScan(shape, {}, { subgroups: true }).combine).toBe('subgroups');
    expect(planScan(shape, { combine: 'workgroup' }, { subgroups: true }).combine).toBe('workgroup');
    expect(() => planScan(shape, { combine: 'subgroups' })).toThrow("needs the device's 'subgroups' feature");
  });

  it('keeps one combine in the source, and subgroup builtins only in the subgroup one', () => {
    const builtins = /subgroup_invocation_id|subgroup_size|subgroup[A-Z]\w*\(/;
    for (const combine of ['subgroups', 'workgroup'] as const) {
      const code = scanSource(combine);
      expect(code, combine).not.toMatch(/^\/\/ #(end )?combine/m);
      expect(code.match(/\bfn scanExclusive\(/g), combine).toHaveLength(1);
      expect(code.match(/\bstruct Invocation\b/g), combine).toHaveLength(1);
      expect(builtins.test(code.replace(/\/\/.*$/gm, '')), combine).toBe(combine === 'subgroups');
    }
  });

  it('on a device without subgroups, runs the workgroup-memory combine and refuses the other', async () => {
    const plain = await nodeGpu({ disableFeatures: ['subgroups'] });
    try {
      expect(plain.device.features.has('subgroups')).toBe(false);
      const on = kernelContext(plain.device);
      const { x, dy, dLast } = randomScanCase(new Random(5), shape);
      const got = await runGpu(shape, x, dy, dLast, { threads: 8, items: 2 }, 0, on);
      expectAgree(got, reference(shape, x, dy, dLast), 1e-4);
      await expect(runGpu(shape, x, dy, dLast, { combine: 'subgroups' }, 0, on)).rejects.toThrow("needs the device's 'subgroups' feature");
    } finally {
      plain.device.destroy();
    }
  });
});

// ---------------------------------------------------------------- PyTorch fixtures

interface FixtureTensor {
  shape: number[];
  data: number[];
}
interface ScanFixture {
  name: string;
  config: Record<string, number | boolean | string>;
  inputs: Record<string, FixtureTensor>;
  cotangents: Record<string, FixtureTensor>;
  outputs: Record<string, FixtureTensor>;
  grads: Record<string, FixtureTensor>;
}
const FIXTURE_NAME: Record<(typeof NAMES)[number], string> = { u: 'u', delta: 'delta', A: 'A', B: 'B', C: 'C', D: 'D', z: 'z', deltaBias: 'delta_bias' };
const fixtureDir = FIXTURES;
const scanFixtures = readdirSync(fixtureDir)
  .filter((f) => f.startsWith('selective_scan_') && f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(fixtureDir, f), 'utf8')) as ScanFixture);

describe('selective scan on the GPU vs PyTorch fixtures', () => {
  it('finds fixtures', () => expect(scanFixtures.length).toBeGreaterThan(0));
  for (const f of scanFixtures) {
    const c = f.config;
    const shape: ScanShape = { batch: Number(c.batch), dInner: Number(c.d_inner), dState: Number(c.d_state), seqLen: Number(c.seq_len), deltaSoftplus: Boolean(c.delta_softplus) };
    const tol = shape.seqLen >= 200 ? 5e-4 : 1e-4;
    const variants: Array<[string, ScanOptions]> = [
      ['sequential', { algorithm: 'sequential' }],
      ['parallel', {}],
      ['parallel, 8-step chunks', { threads: 4, items: 2, channelsPerGroup: 2 }],
    ];
    for (const [variant, options] of variants) {
      it(`${f.name} (${variant})`, async () => {
        const x = Object.fromEntries(NAMES.map((k) => [k, Float64Array.from(f.inputs[FIXTURE_NAME[k]].data)])) as Inputs;
        const got = await runGpu(shape, x, f.cotangents.y.data, f.cotangents.last_state.data, options);
        const grads = Object.fromEntries(NAMES.map((k) => [k, f.grads[FIXTURE_NAME[k]].data])) as unknown as { [K in keyof ScanInputs]: number[] };
        expectAgree(got, { y: f.outputs.y.data, lastState: f.outputs.last_state.data, grads }, tol);
      });
    }
  }
});

// ---------------------------------------------------------------- float64 reference

describe('selective scan on the GPU vs the float64 reference', () => {
  const rng = new Random(2024);
  const cases: Array<[string, ScanShape, ScanOptions, [number, number]?]> = [
    ['L=1, one of everything', { batch: 1, dInner: 1, dState: 1, seqLen: 1, deltaSoftplus: true }, {}],
    ['odd sizes', { batch: 2, dInner: 3, dState: 5, seqLen: 7, deltaSoftplus: true }, {}],
    ['odd sizes, 3 threads of 1 step', { batch: 2, dInner: 3, dState: 5, seqLen: 7, deltaSoftplus: true }, { threads: 3, items: 1 }],
    ['33 steps in chunks of 8, channel groups of 2', { batch: 3, dInner: 5, dState: 4, seqLen: 33, deltaSoftplus: true }, { threads: 4, items: 2, channelsPerGroup: 2 }],
    // On SwiftShader a full subgroup and a partial one: the subgroup combine falls back at run time.
    ['50 steps in chunks of 18, 6 threads', { batch: 2, dInner: 3, dState: 2, seqLen: 50, deltaSoftplus: true }, { threads: 6, items: 3 }],
    ['100 steps in chunks of 64, 16 threads', { batch: 1, dInner: 2, dState: 3, seqLen: 100, deltaSoftplus: true }, { threads: 16, items: 4 }],
    ['no softplus', { batch: 1, dInner: 3, dState: 2, seqLen: 9, deltaSoftplus: false }, { threads: 2, items: 2 }, [0.01, 1]],
    ['large negative Δ', { batch: 1, dInner: 2, dState: 3, seqLen: 17, deltaSoftplus: true }, { threads: 2, items: 4 }, [-40, -25]],
    ['large positive Δ', { batch: 1, dInner: 2, dState: 3, seqLen: 17, deltaSoftplus: true }, { threads: 2, items: 4 }, [25, 40]],
    ['around the softplus threshold', { batch: 2, dInner: 2, dState: 2, seqLen: 13, deltaSoftplus: true }, { threads: 2, items: 2 }, [19.5, 20.5]],
  ];
  for (const [name, shape, options, range] of cases) {
    for (const [variant, variantOptions] of VARIANTS) {
      it(`${name} (${variant})`, async ({ skip }) => {
        skipUnsupported(skip, variantOptions);
        const { x, dy, dLast } = randomScanCase(rng, shape, range);
        const got = await runGpu(shape, x, dy, dLast, { ...options, ...variantOptions });
        expectAgree(got, reference(shape, x, dy, dLast), 1e-4);
      });
    }
  }

  it('reads and writes strided layouts (time-major, B and C as columns of one tensor)', async () => {
    const shape: ScanShape = { batch: 2, dInner: 3, dState: 2, seqLen: 11, deltaSoftplus: true };
    const { batch, dInner: E, dState: N, seqLen: L } = shape;
    const { x, dy, dLast } = randomScanCase(rng, shape);
    const width = 1 + 2 * N + 3; // like x_proj's output: [dt, B, C] plus spare columns
    const layouts: Partial<ScanLayouts> = {
      u: timeMajorLayout(L, E),
      delta: timeMajorLayout(L, E + 1, 1),
      z: timeMajorLayout(L, 2 * E, E),
      y: timeMajorLayout(L, E),
      B: timeMajorLayout(L, width, 1),
      C: timeMajorLayout(L, width, 1 + N),
    };
    const padding = batch * L * Math.max(width, 2 * E);
    const want = reference(shape, x, dy, dLast);
    for (const [variant, options] of VARIANTS.filter(([, o]) => o.combine !== 'subgroups' || hasSubgroups())) {
      const got = await runGpu(shape, x, dy, dLast, { ...options, layouts, threads: 4, items: 2 }, padding);
      expectAgree(got, want, 1e-4, variant);
    }
  });
});

// ---------------------------------------------------------------- parallel = sequential

describe('parallel scan equals the sequential scan', () => {
  const rng = new Random(99);
  /** The parallel scan with every combine the device has against the sequential one. */
  const agree = async (shape: ScanShape, options: ScanOptions) => {
    const { x, dy, dLast } = randomScanCase(rng, shape);
    const seq = await runGpu(shape, x, dy, dLast, { algorithm: 'sequential' });
    for (const combine of combines()) {
      const par = await runGpu(shape, x, dy, dLast, { ...options, algorithm: 'parallel', combine });
      expectAgree(par, seq, 1e-5, combine);
    }
  };

  for (const L of [1, 2, 3, 31, 32, 33, 1000, 4097]) {
    it(`L=${L}, default chunks (${planScan({ batch: 1, dInner: 3, dState: 2, seqLen: L, deltaSoftplus: true }).numChunks} of ${planScan({ batch: 1, dInner: 3, dState: 2, seqLen: L, deltaSoftplus: true }).chunkLen})`, async () => {
      await agree({ batch: 2, dInner: 3, dState: 2, seqLen: L, deltaSoftplus: true }, {});
    });
  }

  // Chunks of 32 steps (8 threads x 4): on, just before and just after chunk boundaries.
  for (const L of [31, 32, 33, 63, 64, 65, 96, 97]) {
    it(`L=${L} at chunk boundaries (chunks of 32)`, async () => {
      await agree({ batch: 1, dInner: 3, dState: 3, seqLen: L, deltaSoftplus: true }, { threads: 8, items: 4, channelsPerGroup: 2 });
    });
  }

  it('L=4097 in chunks of 64 (65 chunks), one channel per group', async () => {
    await agree({ batch: 1, dInner: 2, dState: 2, seqLen: 4097, deltaSoftplus: true }, { threads: 16, items: 4, channelsPerGroup: 1 });
  });

  it('L=100000 at d_inner 2, d_state 2 matches the float64 reference', async () => {
    const shape: ScanShape = { batch: 1, dInner: 2, dState: 2, seqLen: 100_000, deltaSoftplus: true };
    const { x, dy, dLast } = randomScanCase(rng, shape);
    const want = reference(shape, x, dy, dLast);
    for (const combine of combines()) {
      const started = performance.now();
      const got = await runGpu(shape, x, dy, dLast, { combine });
      const seconds = (performance.now() - started) / 1000;
      expectAgree(got, want, 5e-4, combine);
      expect(seconds, combine).toBeLessThan(60);
    }
  });
});

// ---------------------------------------------------------------- starting from a given state

describe('selective scan from an initial state (a long sequence in windows)', () => {
  const rng = new Random(7);
  /** Steps [t0, t1) of a channel-major [batch, channels, L] array. */
  const slice = (v: ArrayLike<number>, batch: number, channels: number, L: number, t0: number, t1: number) => {
    const out = new Float64Array(batch * channels * (t1 - t0));
    for (let r = 0; r < batch * channels; r++) for (let t = t0; t < t1; t++) out[r * (t1 - t0) + t - t0] = v[r * L + t];
    return out;
  };

  for (const [what, options, cuts] of [
    ['parallel, windows of several chunks of 8', { threads: 4, items: 2 }, [0, 40, 41, 77]],
    ['parallel, default chunks', {}, [0, 3, 77]],
    ['sequential', { algorithm: 'sequential' }, [0, 1, 50, 77]],
  ] as Array<[string, ScanOptions, number[]]>) {
    it(`${what}: windows [${cuts.join(', ')}) continue the state, forward only`, async () => {
      const { device } = gpu;
      const full: ScanShape = { batch: 2, dInner: 3, dState: 4, seqLen: cuts[cuts.length - 1], deltaSoftplus: true };
      const { batch, dInner: E, dState: N, seqLen: L } = full;
      const { x } = randomScanCase(rng, full);
      const want = selectiveScan(full, x);
      const lastState = createTensor(device, 'lastState', [batch * E * N], new Float64Array(batch * E * N)); // zeros: a new sequence
      const y = new Float64Array(batch * E * L);
      for (let w = 0; w + 1 < cuts.length; w++) {
        const [t0, t1] = [cuts[w], cuts[w + 1]];
        const shape = { ...full, seqLen: t1 - t0 };
        const seq = (v: ArrayLike<number>, channels: number, name: string) => createTensor(device, name, [batch * channels * (t1 - t0)], slice(v, batch, channels, L, t0, t1));
        const io = {
          u: seq(x.u, E, 'u'),
          delta: seq(x.delta, E, 'delta'),
          z: seq(x.z, E, 'z'),
          B: seq(x.B, N, 'B'),
          C: seq(x.C, N, 'C'),
          A: createTensor(device, 'A', [E * N], x.A),
          D: createTensor(device, 'D', [E], x.D),
          deltaBias: createTensor(device, 'deltaBias', [E], x.deltaBias),
          y: createTensor(device, 'y', [batch * E * (t1 - t0)]),
          lastState,
          initialState: lastState,
        };
        const ops = await selectiveScanOps(ctx, shape, io, undefined, options);
        expect(ops.plan.offsets.pre, 'no backward workspace').toBe(ops.plan.offsets.dout);
        await runOps(device, ops.forward);
        const part = await readTensor(device, io.y);
        for (let r = 0; r < batch * E; r++) for (let t = t0; t < t1; t++) y[r * L + t] = part[r * (t1 - t0) + t - t0];
        ops.destroy();
        for (const [k, t] of Object.entries(io)) if (k !== 'lastState' && k !== 'initialState') t.buffer.destroy();
      }
      expect(relErr(y, want.y), 'y').toBeLessThanOrEqual(1e-5);
      expect(relErr(await readTensor(device, lastState), want.lastState), 'last state').toBeLessThanOrEqual(1e-5);
      lastState.buffer.destroy();
    });
  }

  it('refuses an initial state with a backward pass (no gradient flows into it)', async () => {
    const shape: ScanShape = { batch: 1, dInner: 1, dState: 1, seqLen: 4, deltaSoftplus: true };
    const t = (n: number) => createTensor(gpu.device, 't', [n]);
    const io = { u: t(4), delta: t(4), z: t(4), B: t(4), C: t(4), A: t(1), D: t(1), deltaBias: t(1), y: t(4), lastState: t(1), initialState: t(1) };
    const grads = { dy: t(4), dLastState: t(1), du: t(4), ddelta: t(4), dz: t(4), dA: t(1), dB: t(4), dC: t(4), dD: t(1), dDeltaBias: t(1) };
    await expect(selectiveScanOps(ctx, shape, io, grads)).rejects.toThrow('an initial state is forward only');
    for (const v of [...Object.values(io), ...Object.values(grads)]) v.buffer.destroy();
  });
});
