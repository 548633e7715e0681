// Runs one PyTorch fixture (test-data/torch/README.md) through the WGSL kernels and measures
// it with the README's error and tolerances. Shared by `npm run check:torch` and the tests.
// Each family checks its own kinds (src/models/registry.ts); this file holds what they share:
// the summary, the tolerances and the replay of a train_* run through the Trainer.

import type { KernelContext } from '../kernels/registry';
import type { RecurrentSchedule } from '../kernels/recurrent';
import { relErr } from '../reference/compare';
import { FixtureError, type Fixture } from '../reference/fixtureFormat';
import type { ModelConfig } from '../models';
import { familyOfFixture } from '../models/registry';
import { defaultOptimizer } from './optimizers';
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

export function summarise(name: string, measures: Measure[]): CheckResult {
  const ratio = (m: Measure) => (Number.isFinite(m.err) ? m.err / m.tol : Infinity);
  const worst = measures.reduce((a, b) => (ratio(b) > ratio(a) ? b : a), measures[0]);
  return { name, pass: measures.every((m) => m.err <= m.tol), worst, measures };
}

/** A well-formed fixture of a kind no GPU path checks (yet). */
export class UnsupportedFixture extends Error {
  override name = 'UnsupportedFixture';
}

export interface CheckOptions {
  /** The recurrent models' GPU schedule; by default the one training would choose for the size. */
  schedule?: RecurrentSchedule;
}

export async function checkFixture(ctx: KernelContext, fx: Fixture, options: CheckOptions = {}): Promise<CheckResult> {
  const family = familyOfFixture(fx.kind);
  if (!family) throw new UnsupportedFixture(`${fx.file}: no GPU implementation checks kind "${fx.kind}" yet`);
  return family.fixtures.check(ctx, fx, options);
}

/** Replays a train_* run: same data, clipping to 1.0 and Adam (lr 0.01), step by step. */
export async function checkTraining(ctx: KernelContext, fx: Fixture, model: ModelConfig, setup: TrainShape): Promise<CheckResult> {
  const y = fx.inputs.y;
  if (!fx.inputs.x || !y) throw new FixtureError(`${fx.file}: inputs.x and inputs.y are needed`);
  // y [B, T, O] is a target at every step; [B, O] one for the last step.
  const manyToOne = y.shape.length === 2;
  const trainer = await Trainer.create(
    ctx,
    {
      model,
      inputSize: setup.inputSize,
      outputSize: setup.outputSize,
      task: manyToOne ? 'many-to-one' : 'many-to-many',
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
    trainer.setBatch(fx.inputs.x.data, y.data);
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

export interface TrainShape {
  inputSize: number;
  outputSize: number;
  batch: number;
  steps: number;
  updates: number;
}

