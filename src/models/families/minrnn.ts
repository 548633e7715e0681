// The minimal RNNs of Feng et al. 2024 ("Were RNNs All We Needed?"): minGRU and minLSTM, stacked,
// with a learned initial state if asked and state carried across windows for truncated BPTT.
// Their gates read only x_t, so the recurrence is linear in h and runs as a parallel scan (the
// scan family's linear recurrence); BPTT's step-through walks the same recurrence's adjoint one
// step at a time. One direction only. On a sequence-to-sequence task they train as an
// encoder-decoder (./seq2seq.ts), the decoder starting from the encoder's final state.
// Maths and parameters: src/reference/minrnn.ts; GPU: src/models/minrnn.ts; kernels:
// shaders/minrnn.wgsl and the linear recurrence of shaders/scan.wgsl.

import { minRnnForward } from '../../reference/minrnn';
import { initMinRnn, minRnnParameterShapes, type MinCell } from '../minrnnParams';
import { MIN_FIXTURE_KINDS, validateMinRnnFixture } from '../../reference/minrnnFixtures';
import type { ModelEngine, ModelFamily } from '../family';
import type { MinRnnStackConfig } from '../minrnn';
import { seq2seqEngine, type Seq2SeqModelConfig } from './seq2seq';
import { positionalSlotCodec, sizedLabel, sizeIn } from './shared';

export type MinRnnModelConfig = { kind: 'minrnn' } & MinRnnStackConfig;

const LABELS: Record<MinCell, string> = { mingru: 'minGRU', minlstm: 'minLSTM' };

const minRnnEngine: ModelEngine<MinRnnModelConfig> = {
  parameterShapes: minRnnParameterShapes,
  init: initMinRnn,
  stateShape: (cfg) => ({ rows: cfg.numLayers, hidden: cfg.hiddenSize, cell: false }),
  build: async (ctx, cfg, T, B, io, tape) => (await import('../minrnn')).MinRnnStack.build(ctx, cfg, T, B, io, tape),
  outputSize: (cfg) => cfg.hiddenSize,
  referenceForward: (cfg, params, x, batch) => minRnnForward(cfg, params, x, { batch }).y,
  describe: (m) => `${typeof m.cell === 'string' ? (LABELS[m.cell as MinCell] ?? m.cell) : '?'} (hidden ${sizeIn(m, 'hiddenSize')}, ${sizeIn(m, 'numLayers')} layer(s))`,
};

export const minRnnFamily: ModelFamily<MinRnnModelConfig | Seq2SeqModelConfig, MinCell> = {
  label: 'Minimal RNNs (minGRU, minLSTM)',
  kinds: [
    { kind: 'mingru', label: LABELS.mingru, addOrder: 4 },
    { kind: 'minlstm', label: LABELS.minlstm, addOrder: 5 },
  ],
  fields: [
    { key: 'layers', label: 'Layers', min: 1, max: 4, integer: true, default: 1 },
    { key: 'hidden', label: 'Hidden size', min: 1, max: 512, integer: true, default: 32 },
  ],
  supports: { bidirectional: false, learnedInitialState: true, truncatedBptt: true, encoderDecoder: true },
  views: { bpttStepThrough: true, scan: true },
  urlCodec: positionalSlotCodec,
  // The paper's candidate g (positive, so that the scan could run in log space); 'identity' is for the fixtures.
  slotConfig: (slot, inputSize, context) => {
    const cell = slot.kind as MinCell;
    if (context?.seq2seq) return { kind: 'seq2seq', cell, inputSize, hiddenSize: slot.hidden, numLayers: slot.layers, initialState: slot.initialState, sourceLength: context.seq2seq.sourceLength };
    return { kind: 'minrnn', cell, inputSize, hiddenSize: slot.hidden, numLayers: slot.layers, candidate: 'g', initialState: slot.initialState };
  },
  slotLabel: (slot) => sizedLabel(LABELS[slot.kind as MinCell] ?? slot.kind, String(slot.hidden), { layers: slot.layers, bidirectional: false, initialState: slot.initialState }),
  engines: { minrnn: minRnnEngine, seq2seq: seq2seqEngine },
  fixtures: {
    kinds: MIN_FIXTURE_KINDS,
    validate: validateMinRnnFixture,
    check: async (ctx, fx) => (await import('./minrnnCheck')).checkMinRnnFixture(ctx, fx),
  },
};
