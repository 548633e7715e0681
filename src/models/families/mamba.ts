// The Mamba family: Mamba-1 blocks (mamba_ssm's mamba_simple.Mamba) behind a Linear embedding,
// stacked as mamba_ssm's MixerModel. No carried state and one direction: truncated BPTT, a
// learned initial state and bidirectional reading do not apply; on a sequence-to-sequence task it
// reads source and shifted target as one causal sequence (decoder-only) instead of an encoder-decoder.
// Maths: src/reference/mamba.ts; GPU: src/models/mamba.ts; parameters: ../mambaParams.ts.

import { mambaEncoderForward } from '../../reference/mambaEncoder';
import type { ModelEngine, ModelFamily } from '../family';
import { initMambaModel, mambaModelParameterShapes, type MambaModelConfig } from '../mambaParams';
import { positionalSlotCodec, sizedLabel, sizeIn } from './shared';

export type MambaFamilyConfig = { kind: 'mamba' } & MambaModelConfig;

/** mamba_simple's default causal-conv width. */
const D_CONV = 4;

const mambaEngine: ModelEngine<MambaFamilyConfig> = {
  parameterShapes: mambaModelParameterShapes,
  init: initMambaModel,
  // No carried state: every window starts from h = 0 (truncated BPTT does not apply).
  stateShape: () => null,
  build: async (ctx, cfg, T, B, io, tape) => (await import('../mambaEncoder')).MambaEncoder.build(ctx, cfg, T, B, io, tape),
  outputSize: (cfg) => cfg.dModel,
  referenceForward: mambaEncoderForward,
  describe: (m) => `Mamba (d_model ${sizeIn(m, 'dModel')}, d_state ${sizeIn(m, 'dState')}, ${sizeIn(m, 'numLayers')} layer(s))`,
};

export const mambaFamily: ModelFamily<MambaFamilyConfig, 'mamba'> = {
  label: 'Mamba (selective state space)',
  kinds: [{ kind: 'mamba', label: 'Mamba', addOrder: 3 }],
  fields: [
    { key: 'layers', label: 'Layers', min: 1, max: 4, integer: true, default: 1 },
    { key: 'hidden', label: 'd_model', min: 1, max: 512, integer: true, default: 32 },
    { key: 'dState', label: 'd_state', min: 1, max: 64, integer: true, default: 16 },
    { key: 'expand', label: 'Expand', min: 1, max: 4, integer: true, default: 2 },
  ],
  supports: { bidirectional: false, learnedInitialState: false, truncatedBptt: false, encoderDecoder: false },
  views: { bpttStepThrough: false, scan: true },
  urlCodec: positionalSlotCodec,
  slotConfig: (slot, inputSize) => ({ kind: 'mamba', inputSize, dModel: slot.hidden, dState: slot.dState, dConv: D_CONV, expand: slot.expand, numLayers: slot.layers }),
  slotLabel: (slot) => sizedLabel('Mamba', `d${slot.hidden}·N${slot.dState}`, slot),
  engines: { mamba: mambaEngine },
  fixtures: {
    kinds: ['selective_scan', 'mamba_block', 'train_mamba'],
    // The scan alone has no parameters.
    requiredKeys: (kind) => (kind === 'selective_scan' ? ['cotangents', 'outputs', 'grads'] : undefined),
    check: async (ctx, fx) => (await import('./mambaCheck')).checkMambaFixture(ctx, fx),
  },
};
