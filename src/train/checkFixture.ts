// Runs one PyTorch fixture (../shared/fixtures/README.md) through the WGSL kernels and measures
// it with the README's error and tolerances. Shared by `npm run check:torch` and the tests.

import { runOps } from '../gpu/dispatch';
import { readTensor } from '../gpu/readback';
import { createTensor, packSlab, Slab, slabLayout, writeTensor } from '../gpu/tensor';
import type { KernelContext } from '../kernels/registry';
import { batchToTime, timeToBatch } from '../models/layout';
import { RecurrentStack, recurrentParameterShapes } from '../models/recurrent';
import { relErr } from '../reference/compare';
import { FixtureError, recurrentSetup, trainSetup, type Fixture } from '../reference/fixtures';
import { defaultOptimizer } from './optimizers';
import { Tape } from './tape';
import { Trainer, type StepStats } from './trainer';

export interface Measure {
  tensor: string;
  err: number;
  tol: number;
}

export interface CheckResult {
  name: string;
  pass: boolean;
  /** The measure closest to (or furthest past) its tolerance. */
  worst: Measure;
  measures: Measure[];
}

function summarise(name: string, measures: Measure[]): CheckResult {
  const ratio = (m: Measure) => (Number.isFinite(m.err) ? m.err / m.tol : Infinity);
  const worst = measures.reduce((a, b) => (ratio(b) > ratio(a) ? b : a), measures[0]);
  return { name, pass: measures.every((m) => m.err <= m.tol), worst, measures };
}

/** A well-formed fixture of a kind no GPU path checks (yet). */
export class UnsupportedFixture extends Error {
  override name = 'UnsupportedFixture';
}

export async function checkFixture(ctx: KernelContext, fx: Fixture): Promise<CheckResult> {
  if (['rnn_tanh', 'lstm', 'gru'].includes(fx.kind)) return checkRecurrent(ctx, fx);
  if (/^train_(rnn_tanh|lstm|gru)$/.test(fx.kind)) return checkTraining(ctx, fx);
  throw new UnsupportedFixture(`${fx.file}: no GPU implementation checks kind "${fx.kind}" yet`);
}

async function checkRecurrent(ctx: KernelContext, fx: Fixture): Promise<CheckResult> {
  const { device } = ctx;
  const { config, batch: B, steps: T } = recurrentSetup(fx);
  const cfg = { ...config, initialState: 'zeros' as const };
  const D = cfg.bidirectional ? 2 : 1;
  const L = cfg.numLayers;
  const H = cfg.hiddenSize;
  const I = cfg.inputSize;
  const layout = slabLayout(recurrentParameterShapes(cfg), device.limits.minStorageBufferOffsetAlignment);
  const params = new Slab(device, 'params', layout);
  const grads = new Slab(device, 'grads', layout);
  const need = (group: Record<string, { data: Float64Array }>, key: string, where: string) => {
    const t = group[key];
    if (!t) throw new FixtureError(`${fx.file}: ${where}.${key} is missing`);
    return t.data;
  };
  try {
    writeTensor(device, params.all(), packSlab(layout, Object.fromEntries(layout.fields.map((f) => [f.name, need(fx.params, f.name, 'params')]))));
    const state = (t: { data: Float64Array } | undefined, label: string) => (t ? createTensor(device, label, [L * D, B, H], t.data) : undefined);
    const x = createTensor(device, 'x', [T, B, I], batchToTime(need(fx.inputs, 'x', 'inputs'), B, T, I));
    const dx = createTensor(device, 'dx', [T, B, I]);
    const tape = new Tape();
    const stack = await RecurrentStack.build(
      ctx,
      cfg,
      T,
      B,
      { params, grads, prefix: '', x, dx, h0: state(fx.inputs.h0, 'h0'), c0: state(fx.inputs.c0, 'c0'), dhN: state(fx.cotangents.h_n, 'dh_n'), dcN: state(fx.cotangents.c_n, 'dc_n') },
      tape,
    );
    const dy = fx.cotangents.y ? batchToTime(fx.cotangents.y.data, B, T, D * H) : new Float32Array(T * B * D * H);
    writeTensor(device, stack.dOut, dy);
    await runOps(device, [...tape.forwardOps(), ...tape.backwardOps()]);

    const tol = T >= 200 ? 5e-4 : 1e-4;
    const measures: Measure[] = [];
    const measure = (tensor: string, got: ArrayLike<number>, want: { data: Float64Array } | undefined) => {
      if (want) measures.push({ tensor, err: relErr(got, want.data), tol });
    };
    measure('y', timeToBatch(await readTensor(device, stack.out), B, T, D * H), fx.outputs.y);
    measure('h_n', await readTensor(device, stack.hN), fx.outputs.h_n);
    if (stack.cN) measure('c_n', await readTensor(device, stack.cN), fx.outputs.c_n);
    measure('grad x', timeToBatch(await readTensor(device, dx), B, T, I), fx.grads.x);
    measure('grad h0', await readTensor(device, stack.dh0), fx.grads.h0);
    if (stack.dc0) measure('grad c0', await readTensor(device, stack.dc0), fx.grads.c0);
    for (const f of layout.fields) measure(`grad ${f.name}`, await readTensor(device, grads.tensor(f.name)), fx.grads[f.name]);
    stack.destroy();
    for (const t of [x, dx]) t.buffer.destroy();
    return summarise(fx.name, measures);
  } finally {
    params.destroy();
    grads.destroy();
  }
}

/** Replays a train_* run: same data, clipping to 1.0 and Adam (lr 0.01), step by step. */
async function checkTraining(ctx: KernelContext, fx: Fixture): Promise<CheckResult> {
  const setup = trainSetup(fx);
  const trainer = await Trainer.create(
    ctx,
    {
      model: { kind: 'recurrent', ...setup.config, initialState: 'zeros' },
      inputSize: setup.config.inputSize,
      outputSize: setup.outputSize,
      task: 'many-to-many',
      loss: 'mse',
      batch: setup.batch,
      seqLen: setup.steps,
      optimizer: { ...defaultOptimizer('adam'), lr: 0.01 },
      clipNorm: 1,
      carryState: false,
      seed: 0,
    },
    Object.fromEntries(Object.entries(fx.params).map(([k, v]) => [k, v.data])),
  );
  try {
    trainer.setBatch(fx.inputs.x.data, fx.inputs.y.data);
    const measures: Measure[] = [];
    for (let k = 0; k < setup.updates; k++) {
      const s = await new Promise<StepStats>((resolve) => trainer.step(resolve));
      const want = fx.losses![k];
      measures.push({ tensor: `loss[${k}]`, err: Math.abs(s.loss - want) / Math.max(Math.abs(want), 1e-6), tol: 1e-4 });
      const norm = fx.grad_norms_before_clip?.[k];
      if (norm !== undefined) measures.push({ tensor: `grad_norm[${k}]`, err: Math.abs(s.gradNorm - norm) / Math.max(norm, 1e-6), tol: 1e-4 });
    }
    const final = await trainer.readParams();
    for (const [name, t] of Object.entries(fx.final_params ?? {})) {
      if (!final[name]) throw new FixtureError(`${fx.file}: final_params.${name} is not a parameter of this model`);
      measures.push({ tensor: `final ${name}`, err: relErr(final[name], t.data), tol: 1e-3 });
    }
    return summarise(fx.name, measures);
  } finally {
    trainer.destroy();
  }
}
