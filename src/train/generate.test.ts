// Generating tokens: a stepping model's greedy choices are the float64 reference's argmax after
// reading the primer and its own earlier choices; Mamba's window pass agrees with one pass over
// the whole sequence; the loop stops when told to; models that cannot generate are refused.

import { describe, expect, it } from 'vitest';
import { Random } from '../data/random';
import { useKernelContext } from '../kernels/testing';
import { defaultSlot, slotModelConfig } from '../models/registry';
import { recurrentForward } from '../reference/recurrent';
import { generateTokens } from './generate';
import { sampleLogits } from './sampling';
import { defaultOptimizer } from './optimizers';
import { ENCODER_PREFIX, HEAD_PREFIX, Trainer, type TrainerConfig } from './trainer';

const { ctx } = useKernelContext();
const V = 7;

function config(kind: 'lstm' | 'gru' | 'mamba', seqLen: number, over: Record<string, unknown> = {}): TrainerConfig {
  const slot = { ...defaultSlot('a', kind), layers: 2, hidden: 5, dState: 4, ...over };
  return {
    model: slotModelConfig(slot, V),
    inputSize: V,
    outputSize: V,
    task: 'many-to-many',
    loss: 'cross_entropy',
    batch: 3,
    seqLen,
    optimizer: defaultOptimizer('adam'),
    clipNorm: 0,
    carryState: false,
    seed: 9,
  };
}

/** Head weights scaled up so the choices depend on the state (and differ from step to step). */
async function sharpen(trainer: Trainer): Promise<void> {
  const rng = new Random(3);
  const p = await trainer.readParams();
  const head = `${HEAD_PREFIX}weight`;
  // Recurrent weights scaled up too, so the state swings with the tokens read.
  const scaled = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, k.startsWith(ENCODER_PREFIX) && /weight_(ih|hh)/.test(k) ? v.map((x) => 4 * x) : v]));
  trainer.writeParams({ ...scaled, [head]: Float32Array.from(rng.uniformArray(p[head].length, -4, 4)) });
}

const oneHots = (ids: number[]) => {
  const x = new Float64Array(ids.length * V);
  ids.forEach((id, t) => (x[t * V + id] = 1));
  return x;
};

describe('generating tokens', () => {
  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: each token is drawn from the float64 model's softmax after the primer and the earlier tokens (same random draws)`, async () => {
      const trainer = await Trainer.create(ctx, config(cell, 6));
      await sharpen(trainer);
      const primer = [3, 1, 4, 1, 5];
      const seed = 17;
      const temperature = 0.8;
      const { ids, cancelled } = await generateTokens(ctx, trainer, { primer, length: 12, temperature, seed });
      expect(cancelled).toBe(false);
      expect(ids.length).toBe(12);
      const p = await trainer.readParams();
      const enc = Object.fromEntries(Object.entries(p).filter(([k]) => k.startsWith(ENCODER_PREFIX)).map(([k, v]) => [k.slice(ENCODER_PREFIX.length), Float64Array.from(v)]));
      const model = trainer.cfg.model;
      if (model.kind !== 'recurrent') throw new Error('expected a recurrent model');
      const seq = [...primer, ...ids];
      const { y } = recurrentForward(model, enc, oneHots(seq.slice(0, -1)), { batch: 1 });
      const W = p[`${HEAD_PREFIX}weight`];
      const b = p[`${HEAD_PREFIX}bias`];
      // The generator draws one uniform number per token (the primer is not empty): so does this.
      const rng = new Random(seed);
      for (let k = 0; k < ids.length; k++) {
        const t = primer.length - 1 + k;
        const h = y.subarray(t * 5, (t + 1) * 5);
        const logits = Array.from({ length: V }, (_, c) => b[c] + Array.from(h).reduce((a, v, j) => a + W[c * 5 + j] * v, 0));
        expect(ids[k], `token ${k}`).toBe(sampleLogits(logits, temperature, rng));
      }
      // Greedy (temperature 0) is the argmax.
      const greedy = await generateTokens(ctx, trainer, { primer, length: 1, temperature: 0, seed });
      const h = y.subarray((primer.length - 1) * 5, primer.length * 5);
      const first = Array.from({ length: V }, (_, c) => b[c] + Array.from(h).reduce((a, v, j) => a + W[c * 5 + j] * v, 0));
      expect(greedy.ids[0]).toBe(first.indexOf(Math.max(...first)));
      expect(new Set(ids).size).toBeGreaterThan(1);
      trainer.destroy();
    });
  }

  it('mamba: each greedy token is the argmax of one whole-window pass over everything before it', async () => {
    const L = 16;
    const trainer = await Trainer.create(ctx, config('mamba', L));
    await sharpen(trainer);
    const primer = [2, 6, 0];
    const { ids } = await generateTokens(ctx, trainer, { primer, length: L - primer.length, temperature: 0, seed: 1 });
    const whole = await Trainer.create(ctx, { ...trainer.cfg, batch: 1 }, await trainer.readParams());
    const seq = [...primer, ...ids];
    const pred = await whole.infer(Float32Array.from(oneHots(seq)));
    for (let k = 0; k < ids.length; k++) {
      const row = Array.from(pred.subarray((primer.length - 1 + k) * V, (primer.length + k) * V));
      const sorted = [...row].sort((u, v) => v - u);
      if (sorted[0] - sorted[1] < 1e-4) break;
      expect(ids[k], `token ${k}`).toBe(row.indexOf(sorted[0]));
    }
    whole.destroy();
    trainer.destroy();
  });

  it('a sampled run is reproducible by seed, and stops between tokens when told (keeping what was made)', async () => {
    const trainer = await Trainer.create(ctx, config('lstm', 4));
    await sharpen(trainer);
    const a = await generateTokens(ctx, trainer, { primer: [1], length: 20, temperature: 1, seed: 5 });
    const b = await generateTokens(ctx, trainer, { primer: [1], length: 20, temperature: 1, seed: 5 });
    expect(b.ids).toEqual(a.ids);
    const seen: number[] = [];
    const stopped = await generateTokens(ctx, trainer, {
      primer: [1],
      length: 20,
      temperature: 1,
      seed: 5,
      onToken: (made) => {
        seen.push(made.length);
        return made.length < 7;
      },
    });
    expect(stopped.cancelled).toBe(true);
    expect(stopped.ids).toEqual(a.ids.slice(0, 7));
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // With no primer the first token is drawn at random; out-of-vocabulary primers are refused.
    expect((await generateTokens(ctx, trainer, { primer: [], length: 3, temperature: 1, seed: 2 })).ids.length).toBe(3);
    await expect(generateTokens(ctx, trainer, { primer: [V], length: 3, temperature: 1, seed: 2 })).rejects.toThrow(/outside the vocabulary/);
    trainer.destroy();
  });

  it('refuses bidirectional models', async () => {
    const trainer = await Trainer.create(ctx, config('lstm', 4, { bidirectional: true }));
    await expect(generateTokens(ctx, trainer, { primer: [1], length: 3, temperature: 1, seed: 2 })).rejects.toThrow(/bidirectional/i);
    trainer.destroy();
  });
});
