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
import { sizedLabel, sizeIn, taggedSlotCodec, type TaggedField } from './shared';

export type RecurrentModelConfig = { kind: 'recurrent' } & RecurrentConfig;

const LABELS: Record<CellKind, string> = { rnn_tanh: 'RNN (tanh)', lstm: 'LSTM', gru: 'GRU' };

/** The two initialisation fields beyond PyTorch's, each for one kind, in the URL as `f1` and `w3`. */
const INIT_FIELDS: readonly TaggedField[] = [
  { key: 'forgetBias', tag: 'f', min: 0, max: 5, default: 0 },
  { key: 'recurrentScale', tag: 'w', min: 0.1, max: 5, default: 1 },
];

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
    { key: 'forgetBias', label: 'Forget bias at start', min: 0, max: 5, integer: false, default: 0, kinds: ['lstm'], hint: '0 as PyTorch, 1 as Keras: the cell keeps ~73% instead of half per step' },
    { key: 'recurrentScale', label: 'W_hh init ×', min: 0.1, max: 5, integer: false, default: 1, kinds: ['rnn_tanh'], hint: '1 as PyTorch; 3 makes the gradient explode' },
  ],
  supports: { bidirectional: true, learnedInitialState: true, truncatedBptt: true, encoderDecoder: true },
  views: { bpttStepThrough: true, scan: false },
  urlCodec: taggedSlotCodec(INIT_FIELDS),
  slotConfig(slot, inputSize, context) {
    const cell = slot.kind as CellKind;
    // Each initialisation field applies to its own kind only: a slot switched from LSTM to GRU keeps the value, unused.
    const init = {
      ...(cell === 'lstm' && slot.forgetBias ? { forgetBias: slot.forgetBias } : {}),
      ...(cell === 'rnn_tanh' && slot.recurrentScale !== undefined && slot.recurrentScale !== 1 ? { recurrentScale: slot.recurrentScale } : {}),
    };
    if (context?.seq2seq) {
      // Both stacks start as the card says (the encoder and the decoder alike).
      return { kind: 'seq2seq', cell, inputSize, hiddenSize: slot.hidden, numLayers: slot.layers, initialState: slot.initialState, sourceLength: context.seq2seq.sourceLength, ...init };
    }
    return { kind: 'recurrent', cell, inputSize, hiddenSize: slot.hidden, numLayers: slot.layers, bidirectional: slot.bidirectional, initialState: slot.initialState, ...init };
  },
  slotLabel: (slot) => sizedLabel(LABELS[slot.kind as CellKind] ?? slot.kind, String(slot.hidden), slot) + (slot.kind === 'rnn_tanh' && slot.recurrentScale !== undefined && slot.recurrentScale !== 1 ? ` W_hh×${slot.recurrentScale}` : ''),
  engines: { recurrent: recurrentEngine, seq2seq: seq2seqEngine },
  fixtures: {
    kinds: [...CELL_KINDS, ...CELL_KINDS.map((cell) => `train_${cell}`)],
    validate: validateRecurrentFixture,
    check: async (ctx, fx, options) => (await import('./recurrentCheck')).checkRecurrentFixture(ctx, fx, options),
  },
};
