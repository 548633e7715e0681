// A model's own gradient clip: the trainer of a slot with one clips at it (0: not at all), a slot
// without one at the run's; a clip that is no norm is refused, named on that model's card.

import { describe, expect, it } from 'vitest';
import type { BatchSource } from '../data';
import { RunConfigError, trainerConfig } from './runConfig';
import type { ModelSlot, RunConfig } from './protocol';

const slot = (clip?: number): ModelSlot => ({ id: 'b', kind: 'rnn_tanh', layers: 1, hidden: 5, dState: 16, expand: 2, bidirectional: false, initialState: 'zeros', ...(clip === undefined ? {} : { clip }) });
const source = { seqLen: 7, inputSize: 2, outputSize: 1, loss: 'mse', task: 'many-to-many' } as BatchSource;
const run = (runClip: number, s: ModelSlot) => ({ models: [s], training: { optimizer: 'sgd', lr: 0.05, batch: 3, seqLen: 7, tbptt: 0, clip: runClip }, seed: 1 }) as unknown as RunConfig;

describe("a model's own gradient clip", () => {
  it('overrides the run clip, off included; absent, the run clip holds', () => {
    expect(trainerConfig(slot(), run(1, slot()), source, 1).clipNorm).toBe(1);
    expect(trainerConfig(slot(0), run(1, slot(0)), source, 1).clipNorm).toBe(0);
    expect(trainerConfig(slot(2.5), run(0, slot(2.5)), source, 1).clipNorm).toBe(2.5);
  });

  it('refuses a clip that is not a norm, naming the model and the field', () => {
    for (const bad of [-1, NaN, Infinity]) {
      let error: unknown = null;
      try {
        trainerConfig(slot(bad), run(1, slot(bad)), source, 1);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RunConfigError);
      expect((error as RunConfigError).message).toMatch(/gradient clip is a norm/);
      expect((error as RunConfigError).setting).toEqual({ scope: 'model', modelId: 'b', field: 'clip' });
    }
  });
});
