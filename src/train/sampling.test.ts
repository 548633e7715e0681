// Stepping a model one step at a time (text sampling, forecasts) computes what the whole-window
// forward pass computes: the carried state is the recurrence.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../data/random';
import type { Gpu } from '../gpu/device';
import { nodeGpu } from '../gpu/node';
import { kernelContext, type KernelContext } from '../kernels/registry';
import { relErr } from '../reference/compare';
import { defaultOptimizer } from './optimizers';
import { forecast, sampleLogits } from './sampling';
import { Trainer } from './trainer';

let gpu: Gpu;
let ctx: KernelContext;
beforeAll(async () => {
  gpu = await nodeGpu();
  ctx = kernelContext(gpu.device);
});
afterAll(() => gpu?.device.destroy());

describe('one step at a time', () => {
  for (const cell of ['lstm', 'gru', 'rnn_tanh'] as const) {
    it(`${cell}: the forecast's one-step fit equals the whole-window predictions`, async () => {
      const T = 9;
      const trainer = await Trainer.create(ctx, {
        model: { kind: 'recurrent', cell, inputSize: 2, hiddenSize: 7, numLayers: 2, bidirectional: false, initialState: 'zeros' },
        inputSize: 2,
        outputSize: 2,
        task: 'many-to-many',
        loss: 'mse',
        batch: 1,
        seqLen: T,
        optimizer: defaultOptimizer('adam'),
        clipNorm: 0,
        carryState: false,
        seed: 5,
      });
      const rng = new Random(2);
      const x = Float32Array.from(rng.uniformArray(T * 2, -1, 1));
      const { pred } = await trainer.evaluate(x, new Float32Array(T * 2));
      const out = await forecast(ctx, trainer, x, 4);
      expect(relErr(out.fit, pred)).toBeLessThan(1e-5);
      expect(out.forecast).toHaveLength(8);
      // The first forecast step is the prediction after the window (the last fit value).
      expect(Array.from(out.forecast.subarray(0, 2))).toEqual(Array.from(out.fit.subarray(T * 2 - 2)));
      trainer.destroy();
    });
  }

  it('samples from softmax(logits / temperature)', () => {
    const rng = new Random(1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[sampleLogits([0, Math.log(2), Math.log(7)], 1, rng)]++;
    expect(counts[0] / 3000).toBeCloseTo(0.1, 1);
    expect(counts[2] / 3000).toBeCloseTo(0.7, 1);
    // A cold temperature picks the largest logit.
    expect(sampleLogits([0, 1, 3], 0.01, rng)).toBe(2);
  });
});
