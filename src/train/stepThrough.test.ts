// Step-through BPTT reveals, one timestep at a time, exactly what the whole-sequence backward computes.

import { describe, expect, it } from 'vitest';
import { Random } from '../data/random';
import { runOps } from '../gpu/dispatch';
import { useKernelContext } from '../kernels/testing';
import { readTensor } from '../gpu/readback';
import { relErr } from '../reference/compare';
import type { RecurrentStack } from '../models/recurrent';
import type { RecurrentSchedule } from '../kernels/recurrent';
import { defaultOptimizer } from './optimizers';
import { BpttStepper } from './stepThrough';
import { Trainer, type StepStats, type TrainerConfig } from './trainer';

const { gpu, ctx } = useKernelContext();

const cfg = (cell: 'lstm' | 'gru' | 'rnn_tanh', schedule: RecurrentSchedule): TrainerConfig => ({
  model: { kind: 'recurrent', cell, inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: false, initialState: 'zeros', schedule },
  inputSize: 3,
  outputSize: 2,
  task: 'many-to-many',
  loss: 'mse',
  batch: 3,
  seqLen: 7,
  optimizer: defaultOptimizer('adam', 0.01),
  clipNorm: 1,
  carryState: false,
  seed: 4,
});

describe('BPTT step-through', () => {
  const cases = (['rnn_tanh', 'lstm', 'gru'] as const).flatMap((cell) => (['persistent', 'stepwise'] as const).map((schedule) => [cell, schedule] as const));
  for (const [cell, schedule] of cases) {
    it(`${cell} (${schedule}): each step's ∂L/∂h_t equals the full backward's, then training resumes unchanged`, async () => {
      const rng = new Random(9);
      const x = Float32Array.from(rng.uniformArray(3 * 7 * 3, -1, 1));
      const y = Float32Array.from(rng.uniformArray(3 * 7 * 2, -1, 1));
      const trainer = await Trainer.create(ctx, cfg(cell, schedule));
      trainer.setBatch(x, y);
      const stepper = await BpttStepper.begin(trainer, 1);
      const walked: Array<{ t: number; dh: Float32Array; norm: number }> = [];
      for (let s = await stepper.step(); s; s = await stepper.step()) walked.push(s);
      expect(walked.map((w) => w.t)).toEqual([6, 5, 4, 3, 2, 1, 0]);
      expect(stepper.done).toBe(true);

      // The same quantities from one full forward + backward.
      await runOps(gpu.device, [...trainer.tape.forwardOps(), ...trainer.tape.backwardOps()]);
      const stack = trainer.encoder as RecurrentStack;
      const top = stack.directions.find((d) => d.layer === 1)!;
      const probe = await readTensor(gpu.device, top.dhProbe);
      for (const w of walked) {
        const want = probe.subarray((w.t * 3 + 1) * 5, (w.t * 3 + 2) * 5);
        expect(relErr(w.dh, want), `t=${w.t}`).toBeLessThan(1e-6);
        const batch = probe.subarray(w.t * 15, (w.t + 1) * 15);
        expect(Math.abs(w.norm - Math.hypot(...batch))).toBeLessThan(1e-5 * (1 + w.norm));
      }

      // Training after a walk matches a model that never walked.
      const fresh = await Trainer.create(ctx, cfg(cell, schedule));
      fresh.setBatch(x, y);
      const a = await new Promise<StepStats>((r) => trainer.step(r));
      const b = await new Promise<StepStats>((r) => fresh.step(r));
      expect(a.loss).toBeCloseTo(b.loss, 6);
      expect(a.gradNorm).toBeCloseTo(b.gradNorm, 5);
      trainer.destroy();
      fresh.destroy();
    });
  }
});
