// For tests only: the model slots and run configurations the training-session tests configure.

import { defaultChoice, generateBuiltin } from '../data';
import type { ModelSlot, RunConfig } from './protocol';

/** One model: a layer of 16 units (Mamba: dState 8, expand 2), zero initial state, unless `over` says otherwise. */
export const slot = (id: string, kind: ModelSlot['kind'], over: Partial<ModelSlot> = {}): ModelSlot => ({
  id,
  kind,
  layers: 1,
  hidden: 16,
  dState: 8,
  expand: 2,
  bidirectional: false,
  initialState: 'zeros',
  ...over,
});

/** A run of these models with Adam at 0.01, batches of 16 windows of 24 steps, on the noisy sines unless `data` says otherwise. */
export function run(models: ModelSlot[], over: Partial<RunConfig['training']> = {}, data = defaultChoice(generateBuiltin('sine-mix', { length: 1200 }, 1))): RunConfig {
  return {
    models,
    training: { optimizer: 'adam', lr: 0.01, batch: 16, seqLen: 24, tbptt: 0, clip: 1, speed: 'max', validateEvery: 10, ...over },
    data,
    seed: 3,
  };
}
