// Sampling from logits with a temperature. Free-running decoding of an encoder-decoder chooses
// what a float64 greedy decoder chooses. (Forecasts: ./forecast.test.ts.)

import { describe, expect, it } from 'vitest';
import { Random } from '../data/random';
import { useKernelContext } from '../kernels/testing';
import { defaultOptimizer } from './optimizers';
import { recurrentForward } from '../reference/recurrent';
import { DECODER_RNN, ENCODER_RNN, seq2seqParts } from '../models/seq2seq';
import { decodeFreeRunning, sampleLogits } from './sampling';
import { ENCODER_PREFIX, HEAD_PREFIX, Trainer } from './trainer';

const { ctx } = useKernelContext();

describe('sampling', () => {
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

describe('free-running decoding of an encoder-decoder', () => {
  const B = 3;
  const S = 4;
  const U = 5;
  const O = 6; // classes; the start token is one-hot index O
  const I = 7;
  const T = S + U;

  /** A window as the data source lays it out: random one-hot source, start token, targets shifted right. */
  function window(rng: Random): { x: Float32Array; targets: number[][] } {
    const x = new Float32Array(B * T * I);
    const targets: number[][] = [];
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < S; t++) x[(b * T + t) * I + rng.int(I)] = 1;
      const y = Array.from({ length: U }, () => rng.int(O));
      targets.push(y);
      for (let k = 0; k < U; k++) x[(b * T + S + k) * I + (k === 0 ? O : y[k - 1])] = 1;
    }
    return { x, targets };
  }

  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: each step reads the previous choice, as a float64 greedy decoder does`, async () => {
      const model = { kind: 'seq2seq' as const, cell, inputSize: I, hiddenSize: 5, numLayers: 2, initialState: 'zeros' as const, sourceLength: S };
      const trainer = await Trainer.create(ctx, {
        model,
        inputSize: I,
        outputSize: O,
        task: 'many-to-many',
        loss: 'cross_entropy',
        batch: B,
        seqLen: T,
        optimizer: defaultOptimizer('adam'),
        clipNorm: 0,
        carryState: false,
        seed: 11,
      });
      // Weights that make the answers heed the decoder's input (its first layer's input weights
      // and the head, scaled up), so reading its own choices changes them.
      const rng = new Random(4);
      const init = await trainer.readParams();
      const wIh = `${ENCODER_PREFIX}${DECODER_RNN}weight_ih_l0`;
      const head = `${HEAD_PREFIX}weight`;
      trainer.writeParams({ ...init, [wIh]: init[wIh].map((v) => 6 * v), [head]: Float32Array.from(rng.uniformArray(init[head].length, -3, 3)) });
      const { x, targets } = window(rng);
      const got = await decodeFreeRunning(trainer, x, S);

      // float64: the encoder over the source; the decoder from its final state, re-run over the
      // inputs so far for each next choice; the head on its last output.
      const p = await trainer.readParams();
      const pick = (prefix: string) =>
        Object.fromEntries(Object.entries(p).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), Float64Array.from(v)]));
      const { encoder: encPart, decoder: decPart } = seq2seqParts(model);
      if (encPart.min || decPart.min) throw new Error('a classic cell was asked for');
      const parts = { encoder: encPart.cfg, decoder: decPart.cfg };
      const W = p[`${HEAD_PREFIX}weight`];
      const bias = p[`${HEAD_PREFIX}bias`];
      const oneHot = (id: number) => Float64Array.from({ length: I }, (_, i) => (i === id ? 1 : 0));
      /** The class the reference decoder picks after reading `inputs`, and its margin over the runner-up. */
      const choose = (enc: ReturnType<typeof recurrentForward>, inputs: number[]) => {
        const xs = new Float64Array(inputs.length * I);
        inputs.forEach((id, k) => xs.set(oneHot(id), k * I));
        const dec = recurrentForward(parts.decoder, pick(`${ENCODER_PREFIX}${DECODER_RNN}`), xs, { batch: 1, h0: enc.hN, c0: cell === 'lstm' ? enc.cN : undefined });
        const h = dec.y.subarray((inputs.length - 1) * 5);
        const logits = Array.from({ length: O }, (_, c) => bias[c] + Array.from(h).reduce((a, v, j) => a + W[c * 5 + j] * v, 0));
        const sorted = [...logits].sort((a, b) => b - a);
        return { id: logits.indexOf(sorted[0]), margin: sorted[0] - sorted[1] };
      };
      let compared = 0;
      for (let b = 0; b < B; b++) {
        const src = new Float64Array(S * I);
        for (let t = 0; t < S; t++) src.set(x.subarray((b * T + t) * I, (b * T + t + 1) * I), t * I);
        const enc = recurrentForward(parts.encoder, pick(`${ENCODER_PREFIX}${ENCODER_RNN}`), src, { batch: 1 });
        const fed = [O];
        for (let k = 0; k < U; k++) {
          const forced = choose(enc, [O, ...targets[b].slice(0, k)]);
          const free = choose(enc, fed);
          // float32 on the GPU may break a near-tie the other way; nothing else may differ.
          if (forced.margin > 1e-4) expect(got.forced[b * U + k], `forced b=${b} k=${k}`).toBe(forced.id);
          if (free.margin > 1e-4) {
            expect(got.free[b * U + k], `free b=${b} k=${k}`).toBe(free.id);
            compared++;
          } else break; // past a tie the two decoders read different inputs
          fed.push(got.free[b * U + k]);
        }
      }
      expect(compared).toBeGreaterThan(B * U * 0.6);
      // The free-running choices differ from the teacher-forced ones somewhere (the inputs differ).
      expect(Array.from(got.free)).not.toEqual(Array.from(got.forced));
      trainer.destroy();
    });
  }

  it('refuses a model that is not an encoder-decoder over class targets', async () => {
    const trainer = await Trainer.create(ctx, {
      model: { kind: 'recurrent', cell: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 1, bidirectional: false, initialState: 'zeros' },
      inputSize: 2,
      outputSize: 2,
      task: 'many-to-many',
      loss: 'mse',
      batch: 1,
      seqLen: 4,
      optimizer: defaultOptimizer('adam'),
      clipNorm: 0,
      carryState: false,
      seed: 1,
    });
    await expect(decodeFreeRunning(trainer, new Float32Array(8), 2)).rejects.toThrow('needs a sequence-to-sequence model');
    trainer.destroy();
  });
});
