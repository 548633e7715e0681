// The recurrent family: PyTorch's nn.RNN (tanh), nn.LSTM and nn.GRU, stacked, optionally
// bidirectional, with a learned initial state if asked, state carried across windows for
// truncated BPTT, and the encoder-decoder wrapper on sequence-to-sequence tasks.
// Maths: src/reference/recurrent.ts; GPU: src/models/recurrent.ts; parameters: ../recurrentParams.ts.

import { recurrentForward } from '../../reference/recurrent';
import { validateRecurrentFixture } from '../../reference/recurrentFixtures';
import type { ModelEngine, ModelFamily } from '../family';
import type { RecurrentConfig } from '../recurrent';
import { CELL_KINDS, describeCell, initRecurrent, recurrentParameterShapes, type CellKind } from '../recurrentParams';
import { seq2seqEngine, type Seq2SeqModelConfig } from './seq2seq';
import { positionalSlotCodec, sizedLabel, sizeIn } from './shared';

export type RecurrentModelConfig = { kind: 'recurrent' } & RecurrentConfig;

const LABELS: Record<CellKind, string> = { rnn_tanh: 'RNN (tanh)', lstm: 'LSTM', gru: 'GRU' };

const recurrentEngine: ModelEngine<RecurrentModelConfig> = {
  parameterShapes: recurrentParameterShapes,
  init: initRecurrent,
  stateShape: (cfg) => ({ rows: cfg.numLayers * (cfg.bidirectional ? 2 : 1), hidden: cfg.hiddenSize, cell: cfg.cell === 'lstm' }),
  build: async (ctx, cfg, T, B, io, tape) => (await import('../recurrent')).RecurrentStack.build(ctx, cfg, T, B, io, tape),
  outputSize: (cfg) => cfg.hiddenSize * (cfg.bidirectional ? 2 : 1),
  referenceForward: (cfg, params, x, batch) => recurrentForward(cfg, params, x, { batch }).y,
  describe: (m) => `${describeCell(m.cell)} (hidden ${sizeIn(m, 'hiddenSize')}, ${sizeIn(m, 'numLayers')} layer(s)${m.bidirectional ? ', bidirectional' : ''})`,
};

export const recurrentFamily: ModelFamily<RecurrentModelConfig | Seq2SeqModelConfig, CellKind> = {
  label: 'Recurrent (RNN, LSTM, GRU)',
  // Add order: a tanh RNN first, so the contrast with the default LSTM shows at once.
  kinds: [
    { kind: 'rnn_tanh', label: LABELS.rnn_tanh, addOrder: 0 },
    { kind: 'lstm', label: LABELS.lstm, addOrder: 2 },
    { kind: 'gru', label: LABELS.gru, addOrder: 1 },
  ],
  fields: [
    { key: 'layers', label: 'Layers', min: 1, max: 4, integer: true, default: 1 },
    { key: 'hidden', label: 'Hidden size', min: 1, max: 512, integer: true, default: 32 },
  ],
  supports: { bidirectional: true, learnedInitialState: true, truncatedBptt: true, encoderDecoder: true },
  views: { bpttStepThrough: true, scan: false },
  urlCodec: positionalSlotCodec,
  slotConfig(slot, inputSize, context) {
    const cell = slot.kind as CellKind;
    if (context?.seq2seq) {
      return { kind: 'seq2seq', cell, inputSize, hiddenSize: slot.hidden, numLayers: slot.layers, initialState: slot.initialState, sourceLength: context.seq2seq.sourceLength };
    }
    return { kind: 'recurrent', cell, inputSize, hiddenSize: slot.hidden, numLayers: slot.layers, bidirectional: slot.bidirectional, initialState: slot.initialState };
  },
  slotLabel: (slot) => sizedLabel(LABELS[slot.kind as CellKind] ?? slot.kind, String(slot.hidden), slot),
  engines: { recurrent: recurrentEngine, seq2seq: seq2seqEngine },
  fixtures: {
    kinds: [...CELL_KINDS, ...CELL_KINDS.map((cell) => `train_${cell}`)],
    validate: validateRecurrentFixture,
    check: async (ctx, fx, options) => (await import('./recurrentCheck')).checkRecurrentFixture(ctx, fx, options),
  },
};
