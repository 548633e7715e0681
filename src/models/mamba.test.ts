// Mamba on the GPU against the float64 reference: the block (forward and every gradient) at odd
// sizes, L = 1 and L < d_conv, both scan algorithms and a multi-chunk scan; the stacked encoder
// (pre-norm residual blocks with RMSNorm) against a float64 composition; the probes; and the
// trainer training a two-block Mamba. Central differences check the reference itself
// (src/reference/mamba.test.ts; RMSNorm here).

import { describe, expect, it } from 'vitest';
import { Random, toF32Values } from '../data/random';
import { encodeOps, runOps } from '../gpu/dispatch';
import { useKernelContext } from '../kernels/testing';
import { readTensor } from '../gpu/readback';
import { createTensor, packSlab, Slab, slabLayout, writeTensor } from '../gpu/tensor';
import type { ScanOptions } from '../kernels/scan';
import { relErr } from '../reference/compare';
import { initMambaParams, mambaDims, mambaParameterShapes, type MambaConfig, type MambaParams } from './mambaParams';
import { mambaBackward, mambaForward, rmsNorm, rmsNormBackward } from '../reference/mamba';
import { numericGrad } from '../reference/numericGrad';
import { defaultOptimizer } from '../train/optimizers';
import { Tape } from '../train/tape';
import { Trainer, type StepStats } from '../train/trainer';
import { generateBuiltin } from '../data';
import { defaultChoice } from '../data';
import type { FromWorker, ModelSlot, RunConfig } from '../worker/protocol';
import { modelConfig, trainerConfig } from '../worker/runConfig';
import { Session } from '../worker/session';
import type { BatchSource } from '../data';
import { modelSpec } from '.';
import { batchToTime, timeToBatch } from './layout';
import { initMambaModel, MambaBlock, mambaBlockPrefix, mambaModelParameterShapes, type MambaModelConfig } from './mamba';
import { MambaEncoder } from './mambaEncoder';
import { MambaStream } from './mambaStream';

const { gpu, ctx } = useKernelContext();

const TOL = 1e-4;
const f32 = (rng: Random, n: number, lo: number, hi: number) => toF32Values(rng.uniformArray(n, lo, hi));

/** Block parameters from the initialisation, then spread (Δ, A, D) so every path carries weight. */
function blockParams(cfg: MambaConfig, rng: Random): MambaParams {
  const p = initMambaParams(cfg, rng);
  p['dt_proj.bias'] = rng.uniformArray(p['dt_proj.bias'].length, -3, 1);
  p.A_log = p.A_log.map((v) => v + rng.uniform(-0.5, 0.5));
  p.D = rng.uniformArray(p.D.length, -1, 1);
  for (const k of Object.keys(p) as Array<keyof MambaParams>) p[k] = toF32Values(p[k]);
  return p;
}

function slabs(shapes: Array<[string, number[]]>, values: Record<string, ArrayLike<number>>) {
  const layout = slabLayout(shapes, gpu.device.limits.minStorageBufferOffsetAlignment);
  const params = new Slab(gpu.device, 'params', layout);
  const grads = new Slab(gpu.device, 'grads', layout);
  writeTensor(gpu.device, params.all(), packSlab(layout, values));
  return { layout, params, grads };
}

type BlockCase = MambaConfig & { batch: number; seqLen: number; scan?: ScanOptions; what: string };

const blockCases: BlockCase[] = [
  { what: 'odd sizes', batch: 2, seqLen: 7, dModel: 3, dState: 5, dConv: 4, expand: 2 },
  { what: 'L = 1', batch: 3, seqLen: 1, dModel: 2, dState: 3, dConv: 4, expand: 2 },
  { what: 'L < d_conv, d_state 1, dt_rank 2', batch: 1, seqLen: 3, dModel: 5, dState: 1, dConv: 4, expand: 1, dtRank: 2 },
  { what: 'sequential scan', batch: 2, seqLen: 6, dModel: 4, dState: 2, dConv: 3, expand: 3, scan: { algorithm: 'sequential' } },
  { what: 'parallel scan in 5 chunks', batch: 2, seqLen: 37, dModel: 3, dState: 2, dConv: 4, expand: 2, scan: { threads: 4, items: 2 } },
];

describe('Mamba block on the GPU vs the float64 reference', () => {
  for (const c of blockCases) {
    it(`${c.what}: B=${c.batch} L=${c.seqLen} d_model=${c.dModel} d_state=${c.dState} d_conv=${c.dConv} expand=${c.expand}`, async () => {
      const rng = new Random(c.seqLen * 31 + c.dModel);
      const { batch: B, seqLen: T } = c;
      const dims = mambaDims(c);
      const M = dims.dModel;
      const p = blockParams(c, rng);
      const x = f32(rng, B * T * M, -1, 1);
      const dy = f32(rng, B * T * M, -1, 1);
      const { layout, params, grads } = slabs(mambaParameterShapes(c), p);
      const t = (label: string, data?: ArrayLike<number>) => createTensor(gpu.device, label, [T, B, M], data && batchToTime(data, B, T, M));
      const [xT, dx, y, dOut] = [t('x', x), t('dx'), t('y'), t('dy', dy)];
      const block = await MambaBlock.build(ctx, dims, T, B, { params, grads, prefix: '', x: xT, dx, out: y, dOut }, c.scan);
      await runOps(gpu.device, [...block.forward, ...block.backward]);

      expect(relErr(timeToBatch(await readTensor(gpu.device, y), B, T, M), mambaForward(c, p, x, B, T).y), 'y').toBeLessThanOrEqual(TOL);
      const g = mambaBackward(c, p, x, B, T, dy);
      expect(relErr(timeToBatch(await readTensor(gpu.device, dx), B, T, M), g.x), 'grad x').toBeLessThanOrEqual(TOL);
      for (const f of layout.fields) {
        expect(relErr(await readTensor(gpu.device, grads.tensor(f.name)), g.params[f.name as keyof MambaParams]), `grad ${f.name}`).toBeLessThanOrEqual(TOL);
      }
      block.destroy();
      for (const v of [xT, dx, y, dOut]) v.buffer.destroy();
      params.destroy();
      grads.destroy();
    });
  }
});

// ---------------------------------------------------------------- the encoder, float64 composition

interface Composition {
  out: Float64Array; // [B, T, M]
  streams: Float64Array[]; // s_0 .. s_N, [B, T, M]
  dStreams: Float64Array[];
  deltas: Float64Array[]; // per block [B, T, d_inner]
  stateNorms: Float64Array[]; // per block [B, T, d_inner], ‖h_t[d, :]‖
  dx: Float64Array;
  grads: Record<string, Float64Array>;
}

/** embed → blocks (pre-norm residual with RMSNorm when stacked) → norm_f, in float64, batch-first. */
function composition(cfg: MambaModelConfig, p: Record<string, ArrayLike<number>>, x: Float64Array, dOut: Float64Array, B: number, T: number): Composition {
  const { inputSize: I, dModel: M, numLayers: N } = cfg;
  const rows = B * T;
  const stacked = N > 1;
  const s0 = new Float64Array(rows * M);
  for (let r = 0; r < rows; r++)
    for (let m = 0; m < M; m++) {
      let acc = p['embed.bias'][m];
      for (let i = 0; i < I; i++) acc += p['embed.weight'][m * I + i] * x[r * I + i];
      s0[r * M + m] = acc;
    }
  const block = (k: number) => Object.fromEntries(mambaParameterShapes(cfg).map(([n]) => [n, Float64Array.from(p[`${mambaBlockPrefix(cfg, k)}${n}`])])) as MambaParams;
  const streams: Float64Array[] = [s0];
  const inputs: Float64Array[] = [];
  const deltas: Float64Array[] = [];
  const stateNorms: Float64Array[] = [];
  for (let k = 0; k < N; k++) {
    const input = stacked ? rmsNorm(streams[k], p[`layers.${k}.norm.weight`], M) : streams[k];
    const f = mambaForward(cfg, block(k), input, B, T);
    inputs.push(input);
    deltas.push(f.delta);
    stateNorms.push(f.channelStateNorm);
    streams.push(stacked ? streams[k].map((v, i) => v + f.y[i]) : f.y);
  }
  const out = stacked ? rmsNorm(streams[N], p['norm_f.weight'], M) : streams[N];

  const grads: Record<string, Float64Array> = {};
  const dStreams: Float64Array[] = new Array(N + 1);
  if (stacked) {
    const gf = rmsNormBackward(streams[N], p['norm_f.weight'], dOut, M);
    dStreams[N] = gf.x;
    grads['norm_f.weight'] = gf.weight;
  } else dStreams[N] = dOut;
  for (let k = N - 1; k >= 0; k--) {
    const g = mambaBackward(cfg, block(k), inputs[k], B, T, dStreams[k + 1]);
    for (const [n, v] of Object.entries(g.params)) grads[`${mambaBlockPrefix(cfg, k)}${n}`] = v;
    if (stacked) {
      const gn = rmsNormBackward(streams[k], p[`layers.${k}.norm.weight`], g.x, M);
      grads[`layers.${k}.norm.weight`] = gn.weight;
      dStreams[k] = dStreams[k + 1].map((v, i) => v + gn.x[i]);
    } else dStreams[k] = g.x;
  }
  const ds0 = dStreams[0];
  const dW = new Float64Array(M * I);
  const db = new Float64Array(M);
  const dx = new Float64Array(rows * I);
  for (let r = 0; r < rows; r++)
    for (let m = 0; m < M; m++) {
      db[m] += ds0[r * M + m];
      for (let i = 0; i < I; i++) {
        dW[m * I + i] += ds0[r * M + m] * x[r * I + i];
        dx[r * I + i] += ds0[r * M + m] * p['embed.weight'][m * I + i];
      }
    }
  grads['embed.weight'] = dW;
  grads['embed.bias'] = db;
  return { out, streams, dStreams, deltas, stateNorms, dx, grads };
}

describe('RMSNorm reference', () => {
  it('backward matches central differences', () => {
    const rng = new Random(5);
    const W = 5;
    const x = rng.uniformArray(3 * W, -2, 2);
    const w = rng.uniformArray(W, 0.5, 1.5);
    const dy = rng.uniformArray(3 * W, -1, 1);
    const loss = (xv: Float64Array, wv: Float64Array) => rmsNorm(xv, wv, W).reduce((a, v, i) => a + v * dy[i], 0);
    const g = rmsNormBackward(x, w, dy, W);
    const gx = numericGrad(x, () => loss(x, w));
    const gw = numericGrad(w, () => loss(x, w));
    for (let i = 0; i < x.length; i++) expect(g.x[i]).toBeCloseTo(gx[i], 7);
    for (let j = 0; j < W; j++) expect(g.weight[j]).toBeCloseTo(gw[j], 7);
  });
});

async function buildEncoder(cfg: MambaModelConfig, B: number, T: number, seed: number) {
  const rng = new Random(seed);
  const values: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(initMambaModel(cfg, rng))) values[k] = toF32Values(v);
  for (const k of Object.keys(values)) {
    // Norm weights away from 1 and a wider Δ, so the test sees them.
    if (k.endsWith('norm.weight') || k === 'norm_f.weight') values[k] = f32(rng, values[k].length, 0.5, 1.5);
    if (k.endsWith('dt_proj.bias')) values[k] = f32(rng, values[k].length, -3, 1);
  }
  const { layout, params, grads } = slabs(mambaModelParameterShapes(cfg), values);
  const x = f32(rng, B * T * cfg.inputSize, -1, 1);
  const dOut = f32(rng, B * T * cfg.dModel, -1, 1);
  const xT = createTensor(gpu.device, 'x', [T, B, cfg.inputSize], batchToTime(x, B, T, cfg.inputSize));
  const dx = createTensor(gpu.device, 'dx', [T, B, cfg.inputSize]);
  const tape = new Tape();
  const enc = await MambaEncoder.build(ctx, cfg, T, B, { params, grads, prefix: '', x: xT, dx }, tape);
  writeTensor(gpu.device, enc.dOut, batchToTime(dOut, B, T, cfg.dModel));
  await runOps(gpu.device, [...tape.forwardOps(), ...tape.backwardOps()]);
  const destroy = () => {
    enc.destroy();
    for (const t of [xT, dx]) t.buffer.destroy();
    params.destroy();
    grads.destroy();
  };
  return { enc, tape, layout, grads, dx, values, x, dOut, ref: composition(cfg, values, x, dOut, B, T), destroy };
}

describe('Mamba encoder on the GPU vs a float64 composition', () => {
  const cases: Array<[string, MambaModelConfig, number, number]> = [
    ['one block: embed → mamba (the train_mamba encoder)', { inputSize: 2, dModel: 5, dState: 3, dConv: 4, expand: 2, numLayers: 1 }, 2, 6],
    ['two blocks: pre-norm residual, RMSNorm, norm_f', { inputSize: 3, dModel: 4, dState: 2, dConv: 4, expand: 2, numLayers: 2 }, 3, 5],
    ['three blocks, L = 2 < d_conv', { inputSize: 1, dModel: 3, dState: 1, dConv: 4, expand: 1, numLayers: 3, dtRank: 2 }, 2, 2],
  ];
  for (const [what, cfg, B, T] of cases) {
    it(what, async () => {
      const { enc, tape, layout, grads, dx, ref, destroy } = await buildEncoder(cfg, B, T, 11 + cfg.numLayers);
      const M = cfg.dModel;
      expect(tape.labels).toEqual(cfg.numLayers === 1 ? ['embed', 'mamba'] : ['embed', ...Array.from({ length: cfg.numLayers }, (_, k) => `layers.${k}`), 'norm_f']);
      expect(enc.outputSize).toBe(M);
      expect(relErr(timeToBatch(await readTensor(gpu.device, enc.out), B, T, M), ref.out), 'out').toBeLessThanOrEqual(TOL);
      expect(relErr(timeToBatch(await readTensor(gpu.device, dx), B, T, cfg.inputSize), ref.dx), 'grad x').toBeLessThanOrEqual(TOL);
      expect(layout.fields.map((f) => f.name).sort()).toEqual(Object.keys(ref.grads).sort());
      for (const f of layout.fields) expect(relErr(await readTensor(gpu.device, grads.tensor(f.name)), ref.grads[f.name]), `grad ${f.name}`).toBeLessThanOrEqual(TOL);
      destroy();
    });
  }
});

describe('Mamba streamed window by window (inference over long sequences)', () => {
  // Every window continues from the last one's conv history and scan state, so the output over
  // the whole sequence must equal one pass (the float64 composition), whatever the window.
  const cases: Array<[string, MambaModelConfig, number, number, number, ScanOptions]> = [
    ['one block, windows of 7 (odd, 6 windows, the last one padded)', { inputSize: 2, dModel: 5, dState: 3, dConv: 4, expand: 2, numLayers: 1 }, 2, 41, 7, {}],
    ['one block, windows of d_conv - 1 = 3 (the shortest)', { inputSize: 3, dModel: 4, dState: 2, dConv: 4, expand: 2, numLayers: 1 }, 1, 20, 3, {}],
    ['two blocks, windows of 16 in 2 scan chunks of 8', { inputSize: 3, dModel: 4, dState: 2, dConv: 4, expand: 2, numLayers: 2 }, 2, 45, 16, { threads: 4, items: 2 }],
    ['two blocks, sequential scan, windows of 5', { inputSize: 2, dModel: 3, dState: 4, dConv: 3, expand: 2, numLayers: 2 }, 3, 23, 5, { algorithm: 'sequential' }],
    ['one window longer than the sequence', { inputSize: 1, dModel: 3, dState: 2, dConv: 4, expand: 2, numLayers: 1 }, 2, 9, 32, {}],
  ];
  for (const [what, cfg, B, L, W, scan] of cases) {
    it(`${what}: B=${B} L=${L}`, async () => {
      const rng = new Random(31 + L);
      const values: Record<string, Float64Array> = {};
      for (const [k, v] of Object.entries(initMambaModel(cfg, rng))) values[k] = toF32Values(v);
      for (const k of Object.keys(values)) {
        if (k.endsWith('norm.weight') || k === 'norm_f.weight') values[k] = f32(rng, values[k].length, 0.5, 1.5);
        if (k.endsWith('dt_proj.bias')) values[k] = f32(rng, values[k].length, -3, 1);
      }
      const { params, grads } = slabs(mambaModelParameterShapes(cfg), values);
      const M = cfg.dModel;
      const x = f32(rng, B * L * cfg.inputSize, -1, 1); // [B, L, I]
      const want = composition(cfg, values, x, new Float64Array(B * L * M), B, L).out;
      const input = createTensor(gpu.device, 'input', [L, B, cfg.inputSize], batchToTime(x, B, L, cfg.inputSize));
      const output = createTensor(gpu.device, 'output', [L, B, M], new Float64Array(L * B * M).fill(NaN));
      const stream = await MambaStream.build(ctx, cfg, W, B, { params, prefix: '' }, scan);
      const windows = stream.sequenceOps(input, L, output);
      expect(windows.length).toBe(Math.ceil(L / W));
      for (const ops of windows) await runOps(gpu.device, ops);
      expect(relErr(timeToBatch(await readTensor(gpu.device, output), B, L, M), want), 'streamed output').toBeLessThanOrEqual(TOL);
      // A second pass starts from a reset state and gives the same output again.
      writeTensor(gpu.device, output, new Float32Array(L * B * M).fill(NaN));
      for (const ops of windows) await runOps(gpu.device, ops);
      expect(relErr(timeToBatch(await readTensor(gpu.device, output), B, L, M), want), 'second pass').toBeLessThanOrEqual(TOL);
      // Without the reset the state would leak from the end of the last pass into the start.
      const leaked = windows.map((ops, i) => (i === 0 ? ops.filter((op) => !stream.reset.includes(op)) : ops));
      for (const ops of leaked) await runOps(gpu.device, ops);
      expect(relErr(timeToBatch(await readTensor(gpu.device, output), B, L, M), want), 'no reset').toBeGreaterThan(1e-3);
      stream.destroy();
      for (const t of [input, output]) t.buffer.destroy();
      params.destroy();
      grads.destroy();
    });
  }

  it('allocates no gradient buffers, and refuses a window shorter than the conv history', async () => {
    const cfg: MambaModelConfig = { inputSize: 2, dModel: 4, dState: 2, dConv: 4, expand: 2, numLayers: 2 };
    const { params, grads } = slabs(mambaModelParameterShapes(cfg), Object.fromEntries(Object.entries(initMambaModel(cfg, new Random(3)))));
    const stream = await MambaStream.build(ctx, cfg, 8, 1, { params, prefix: '' });
    expect(stream.encoder.dStreams).toHaveLength(0);
    expect(stream.encoder.blocks.every((b) => b.backward.length === 0)).toBe(true);
    await expect(stream.encoder.probeViews(0, 0)).rejects.toThrow(/forward-only/);
    stream.destroy();
    await expect(MambaStream.build(ctx, cfg, 2, 1, { params, prefix: '' })).rejects.toThrow("a window of 2 steps is shorter than the conv's history (3 steps)");
    params.destroy();
    grads.destroy();
  });
});

describe('Mamba probes', () => {
  it('hidden = block output, Δ = softplus(delta + bias) in (0, ∞), |h| per channel, ∂L/∂(block input) by time', async () => {
    const cfg: MambaModelConfig = { inputSize: 2, dModel: 4, dState: 3, dConv: 4, expand: 2, numLayers: 2 };
    const B = 3;
    const T = 5;
    const { enc, ref, destroy } = await buildEncoder(cfg, B, T, 21);
    const M = cfg.dModel;
    const E = cfg.expand * M;
    for (const [sample, layer] of [
      [1, 0],
      [2, 1],
      [0, 1],
    ]) {
      const views = await enc.probeViews(sample, layer);
      expect(views.T).toBe(T);
      expect(views.units).toBe(M);
      expect(views.gates.delta.width).toBe(E);
      const encoder = gpu.device.createCommandEncoder();
      encodeOps(encoder, views.gradNormOps);
      gpu.device.queue.submit([encoder.finish()]);
      const concat = async (ts: typeof views.hidden) => {
        const parts = await Promise.all(ts.map((t) => readTensor(gpu.device, t)));
        return Float64Array.from(parts.flatMap((p) => Array.from(p)));
      };
      const pick = (full: Float64Array, width: number) => full.slice(sample * T * width, (sample + 1) * T * width); // [B, T, width] → sample's (T, width)
      const hidden = await concat(views.hidden);
      expect(relErr(hidden, pick(ref.streams[layer + 1], M)), 'hidden').toBeLessThanOrEqual(TOL);
      const delta = await concat(views.gates.delta.views);
      expect(delta.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
      expect(relErr(delta, pick(ref.deltas[layer], E)), 'Δ').toBeLessThanOrEqual(TOL);
      expect(views.gates['|h|'].width).toBe(E);
      const stateNorm = await concat(views.gates['|h|'].views);
      expect(stateNorm.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
      expect(relErr(stateNorm, pick(ref.stateNorms[layer], E)), '|h|').toBeLessThanOrEqual(TOL);
      const sumsq = await readTensor(gpu.device, views.gradNormSumsq);
      const want = Array.from({ length: T }, (_, t) => {
        let s = 0;
        for (let b = 0; b < B; b++) for (let m = 0; m < M; m++) s += ref.dStreams[layer][(b * T + t) * M + m] ** 2;
        return s;
      });
      expect(relErr(sumsq, want), 'gradient norm by time').toBeLessThanOrEqual(TOL);
    }
    destroy();
  });
});

describe('Mamba in the trainer', () => {
  it('names the parameters as the train_mamba fixture does, and carries no state', () => {
    const cfg = { kind: 'mamba' as const, inputSize: 2, dModel: 6, dState: 4, dConv: 4, expand: 2, numLayers: 1 };
    const names = Trainer.parameterShapes({ model: cfg, inputSize: 2, outputSize: 1, task: 'many-to-many', loss: 'mse', batch: 1, seqLen: 1, optimizer: defaultOptimizer('adam'), clipNorm: 1, carryState: false, seed: 0 });
    expect(names.map(([n, s]) => `${n}[${s}]`)).toEqual([
      'encoder.embed.weight[6,2]',
      'encoder.embed.bias[6]',
      'encoder.mamba.A_log[12,4]',
      'encoder.mamba.D[12]',
      'encoder.mamba.in_proj.weight[24,6]',
      'encoder.mamba.conv1d.weight[12,1,4]',
      'encoder.mamba.conv1d.bias[12]',
      'encoder.mamba.x_proj.weight[9,12]',
      'encoder.mamba.dt_proj.weight[12,1]',
      'encoder.mamba.dt_proj.bias[12]',
      'encoder.mamba.out_proj.weight[6,12]',
      'head.weight[1,6]',
      'head.bias[1]',
    ]);
    expect(modelSpec(cfg).stateShape()).toBeNull();
  });

  it('the playground maps a Mamba slot to this model and refuses truncated BPTT', () => {
    const slot: ModelSlot = { id: 'm', kind: 'mamba', layers: 2, hidden: 8, dState: 4, expand: 2, bidirectional: false, initialState: 'zeros' };
    expect(modelConfig(slot, 3)).toEqual({ kind: 'mamba', inputSize: 3, dModel: 8, dState: 4, dConv: 4, expand: 2, numLayers: 2 });
    const source = { seqLen: 24, inputSize: 3, outputSize: 1, loss: 'mse', task: 'many-to-many' } as BatchSource;
    const run = (tbptt: number) => ({ models: [slot], training: { optimizer: 'adam', lr: 0.01, batch: 4, seqLen: 24, tbptt, clip: 1 }, seed: 1 }) as unknown as RunConfig;
    expect(() => trainerConfig(slot, run(8), source, 1)).toThrow(/Mamba carries no state.*truncated BPTT does not apply/);
    const cfg = trainerConfig(slot, run(0), source, 1);
    expect(cfg.seqLen).toBe(24);
    expect(cfg.carryState).toBe(false);
  });

  it('trains a two-block Mamba: the loss falls', async () => {
    const B = 4;
    const T = 12;
    const trainer = await Trainer.create(ctx, {
      model: { kind: 'mamba', inputSize: 1, dModel: 8, dState: 4, dConv: 4, expand: 2, numLayers: 2 },
      inputSize: 1,
      outputSize: 1,
      task: 'many-to-many',
      loss: 'mse',
      batch: B,
      seqLen: T,
      optimizer: { ...defaultOptimizer('adam'), lr: 0.01 },
      clipNorm: 1,
      carryState: false,
      seed: 3,
    });
    // Running sum of the input: needs memory of every earlier step, which only the scan carries.
    const rng = new Random(9);
    const x = f32(rng, B * T, -1, 1);
    const y = new Float64Array(B * T);
    for (let b = 0; b < B; b++) for (let t = 0, acc = 0; t < T; t++) y[b * T + t] = acc += 0.5 * x[b * T + t];
    trainer.setBatch(x, y);
    const losses: number[] = [];
    for (let k = 0; k < 40; k++) {
      const s = await new Promise<StepStats>((resolve) => trainer.step(resolve));
      expect(s.nonFinite).toBe(false);
      losses.push(s.loss);
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(losses.slice(-5))).toBeLessThan(0.2 * mean(losses.slice(0, 5)));
    trainer.destroy();
  });

  it('trains in the playground session next to an LSTM, with Δ probes', async () => {
    const messages: FromWorker[] = [];
    const session = new Session(ctx, (m) => messages.push(m));
    session.setDataset(generateBuiltin('sine-mix', { length: 400 }, 1));
    const slot = (id: string, kind: ModelSlot['kind']): ModelSlot => ({ id, kind, layers: 2, hidden: 6, dState: 3, expand: 2, bidirectional: false, initialState: 'zeros' });
    const data = defaultChoice(generateBuiltin('sine-mix', { length: 400 }, 1));
    await session.configure({ models: [slot('m', 'mamba'), slot('l', 'lstm')], training: { optimizer: 'adam', lr: 0.01, batch: 4, seqLen: 10, tbptt: 0, clip: 1, speed: 'max', validateEvery: 2 }, data, seed: 3 });
    for (let k = 0; k < 4; k++) await session.stepOnce();
    const reports = messages.flatMap((m) => (m.type === 'steps' && m.modelId === 'm' ? m.reports : []));
    expect(reports.map((r) => r.step)).toEqual([1, 2, 3, 4]);
    expect(reports.every((r) => Number.isFinite(r.loss) && !r.nonFinite)).toBe(true);
    const probe = messages.findLast((m) => m.type === 'probe' && m.probe.modelId === 'm');
    expect(probe?.type === 'probe' && probe.probe.gates.delta.length).toBe(10 * 12);
    expect(probe?.type === 'probe' && probe.probe.gates.delta.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    session.destroy();
  }, 120_000);
});
