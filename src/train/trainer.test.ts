// The guarantees the trainer makes: no NaN trained on, no memory growth. (Replays of PyTorch's
// train_* runs are in checkFixture.test.ts.)

import { describe, expect, it } from 'vitest';
import { useKernelContext } from '../kernels/testing';
import type { CellKind } from '../models/recurrent';
import { defaultOptimizer } from './optimizers';
import { Trainer, type StepStats, type TrainerConfig } from './trainer';


const { gpu, ctx } = useKernelContext();

/** Runs one step and waits for its statistics (tests only: training never waits). */
async function stepAndWait(trainer: Trainer): Promise<StepStats> {
  return new Promise((resolveStats) => {
    trainer.step(resolveStats);
  });
}

function config(cell: CellKind, over: Partial<TrainerConfig> = {}): TrainerConfig {
  return {
    model: { kind: 'recurrent', cell, inputSize: 2, hiddenSize: 6, numLayers: 1, bidirectional: false, initialState: 'zeros' },
    inputSize: 2,
    outputSize: 1,
    task: 'many-to-many',
    loss: 'mse',
    batch: 4,
    seqLen: 24,
    optimizer: { ...defaultOptimizer('adam'), lr: 0.01 },
    clipNorm: 1,
    carryState: false,
    seed: 1,
    ...over,
  };
}

describe('trainer guarantees', () => {
  it('a NaN gradient is reported with the step and never applied', async () => {
    const trainer = await Trainer.create(ctx, config('lstm', { batch: 2, seqLen: 5 }));
    const x = new Float32Array(2 * 5 * 2).fill(0.5);
    x[3] = NaN;
    trainer.setBatch(x, new Float32Array(2 * 5));
    const before = await trainer.readParams();
    const s = await stepAndWait(trainer);
    expect(s.nonFinite).toBe(true);
    expect(s.step).toBe(1);
    const nonFiniteParams = Object.entries(s.paramNorms).filter(([, v]) => !Number.isFinite(v)).map(([k]) => k);
    expect(nonFiniteParams).toContain('encoder.weight_ih_l0');
    const after = await trainer.readParams();
    for (const k of Object.keys(before)) expect(Array.from(after[k]), k).toEqual(Array.from(before[k]));
    trainer.destroy();
  });

  it("cross-entropy averages over the targets that are not ignored (-1), as PyTorch's ignore_index", async () => {
    // A head over fixed features: read the logits back, recompute the mean in float64.
    const B = 3;
    const T = 4;
    const C = 5;
    const trainer = await Trainer.create(ctx, config('rnn_tanh', { batch: B, seqLen: T, outputSize: C, loss: 'cross_entropy', optimizer: defaultOptimizer('sgd', 0) }));
    const x = Float32Array.from({ length: B * T * 2 }, (_, i) => Math.sin(i));
    for (const ignored of [0, 5, 11]) {
      const y = Float32Array.from({ length: B * T }, (_, i) => (i < ignored ? -1 : (i * 7) % C)); // batch-first (b, t)
      const { loss, pred } = await trainer.evaluate(x, y);
      let sum = 0;
      for (let b = 0; b < B; b++)
        for (let t = 0; t < T; t++) {
          const target = y[b * T + t];
          if (target < 0) continue;
          const row = Array.from(pred.subarray((t * B + b) * C, (t * B + b + 1) * C)); // time-major logits
          const max = Math.max(...row);
          const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
          sum += lse - row[target];
        }
      expect(loss).toBeCloseTo(sum / (B * T - ignored), 5);
    }
    const allIgnored = await trainer.evaluate(x, new Float32Array(B * T).fill(-1));
    expect(allIgnored.loss).toBe(0);
    trainer.destroy();
  });

  it('allocates no GPU memory per step (10,000 steps)', async () => {
    const trainer = await Trainer.create(ctx, config('gru', { batch: 2, seqLen: 3, optimizer: defaultOptimizer('sgd', 0.01) }));
    trainer.setBatch(new Float32Array(2 * 3 * 2).fill(0.1), new Float32Array(2 * 3).fill(0.2));
    const device = gpu.device as GPUDevice & { createBuffer: GPUDevice['createBuffer'] };
    const original = device.createBuffer.bind(device);
    let created = 0;
    device.createBuffer = (d: GPUBufferDescriptor) => {
      created++;
      return original(d);
    };
    let last: StepStats | null = null;
    try {
      for (let k = 0; k < 10_000; k++) {
        trainer.step(k % 50 === 0 ? (s) => (last = s) : undefined);
        if (k % 500 === 499) await gpu.device.queue.onSubmittedWorkDone();
      }
      await gpu.device.queue.onSubmittedWorkDone();
    } finally {
      device.createBuffer = original;
    }
    // The readback ring creates its few staging buffers once; nothing else is allocated.
    expect(created).toBeLessThanOrEqual(3);
    expect(last).not.toBeNull();
    expect(Number.isFinite(last!.loss)).toBe(true);
    trainer.destroy();
  }, 400_000); // about 11 ms a step on SwiftShader
});
