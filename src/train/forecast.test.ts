// Forecasts with every family of the registry (Mamba and minGRU/minLSTM included): the fit over
// the context is the whole-window forward pass; each forecast step is what the model predicts
// after reading the context and the forecast before it; one step ahead reads the true inputs.

import { describe, expect, it } from 'vitest';
import { Random } from '../data/random';
import { useKernelContext } from '../kernels/testing';
import { defaultSlot, slotModelConfig, SLOT_KINDS } from '../models/registry';
import { relErr } from '../reference/compare';
import { forecast, forecastRefusal, oneStepAhead } from './forecast';
import { defaultOptimizer } from './optimizers';
import { Trainer, type TrainerConfig } from './trainer';

const { ctx } = useKernelContext();

const I = 2;
const T = 7;

function config(kind: (typeof SLOT_KINDS)[number]['kind'], over: Partial<ReturnType<typeof defaultSlot>> = {}, batch = 1): TrainerConfig {
  const slot = { ...defaultSlot('a', kind), layers: 2, hidden: 6, dState: 4, ...over };
  return {
    model: slotModelConfig(slot, I),
    inputSize: I,
    outputSize: I,
    task: 'many-to-many',
    loss: 'mse',
    batch,
    seqLen: T,
    optimizer: defaultOptimizer('adam'),
    clipNorm: 0,
    carryState: false,
    seed: 5,
  };
}

describe('forecasts, every family', () => {
  for (const { kind } of SLOT_KINDS) {
    it(`${kind}: fit = the whole-window pass; each step reads the forecast before it`, async () => {
      // A learned initial state where the family has one: the forecast must start from it too.
      const trainer = await Trainer.create(ctx, config(kind, { initialState: 'learned' }));
      const x = Float32Array.from(new Random(2).uniformArray(T * I, -1, 1));
      const { pred } = await trainer.evaluate(x, new Float32Array(T * I));
      const h = 4;
      const out = await forecast(ctx, trainer, x, h);
      expect(relErr(out.fit, pred)).toBeLessThan(1e-5);
      expect(out.forecast).toHaveLength(h * I);
      expect(Array.from(out.forecast.subarray(0, I))).toEqual(Array.from(out.fit.subarray((T - 1) * I)));
      // Read the context and the forecast as true inputs: the prediction after each step is the next forecast step.
      const fed = new Float32Array((T + h - 1) * I);
      fed.set(x);
      fed.set(out.forecast.subarray(0, (h - 1) * I), T * I);
      const again = await oneStepAhead(ctx, trainer, fed);
      expect(again).toHaveLength((T + h - 1) * I);
      expect(relErr(again.subarray((T - 1) * I), out.forecast)).toBeLessThan(1e-5);
      // The forecast moves on: step 2 is not step 1 repeated (it read step 1, not zeros).
      expect(Array.from(out.forecast.subarray(I, 2 * I))).not.toEqual(Array.from(out.forecast.subarray(0, I)));
      trainer.destroy();
    });
  }

  it('a model trained with a larger batch forecasts the same as its batch-1 self', async () => {
    const one = await Trainer.create(ctx, config('mamba'));
    const many = await Trainer.create(ctx, config('mamba', {}, 3), await one.readParams());
    const x = Float32Array.from(new Random(3).uniformArray(T * I, -1, 1));
    const a = await forecast(ctx, one, x, 3);
    const b = await forecast(ctx, many, x, 3);
    expect(Array.from(b.forecast)).toEqual(Array.from(a.forecast));
    one.destroy();
    many.destroy();
  });

  it('refuses what cannot forecast, saying why', () => {
    expect(forecastRefusal(config('lstm', { bidirectional: true }))).toMatch(/Untick Bidirectional/);
    const seq2seq = { ...config('gru'), model: slotModelConfig(defaultSlot('a', 'gru'), I, { seq2seq: { sourceLength: 3 } }) };
    expect(forecastRefusal(seq2seq)).toMatch(/encoder-decoder/);
    expect(forecastRefusal({ ...config('gru'), loss: 'cross_entropy' })).toMatch(/not classes/);
    expect(forecastRefusal(config('mingru'))).toBeNull();
  });
});
