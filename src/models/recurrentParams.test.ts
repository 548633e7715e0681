// The two initialisation options beyond PyTorch's: the LSTM's forget-gate bias (Keras's
// unit_forget_bias) and a scale on W_hh. Each changes exactly its own block by exactly its amount,
// from the same draws, and nothing else; the slot carries each to its own kind only.

import { describe, expect, it } from 'vitest';
import { defaultSlot, slotModelConfig } from './registry';
import { initRecurrentParameters, type RecurrentShapeConfig } from './recurrentParams';
import { initSeq2Seq } from './families/seq2seq';
import { Random } from '../data/random';

const H = 7;
const base = (cell: RecurrentShapeConfig['cell']): RecurrentShapeConfig => ({ cell, inputSize: 3, hiddenSize: H, numLayers: 2, bidirectional: true });

function mean(values: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += values[i];
  return s / (to - from);
}

describe('LSTM forget-gate bias at initialisation', () => {
  it('shifts the forget block of every bias_ih by exactly +1, from the same draws; other gates and bias_hh unchanged', () => {
    const plain = initRecurrentParameters(base('lstm'), 11);
    const keras = initRecurrentParameters({ ...base('lstm'), forgetBias: 1 }, 11);
    expect(Object.keys(keras)).toEqual(Object.keys(plain));
    for (const name of Object.keys(plain)) {
      const a = plain[name];
      const b = keras[name];
      for (let j = 0; j < a.length; j++) {
        const forget = name.startsWith('bias_ih') && j >= H && j < 2 * H;
        expect(b[j] - a[j], `${name}[${j}]`).toBeCloseTo(forget ? 1 : 0, 12);
      }
    }
    // The effective forget bias b_ih + b_hh starts at +1 on average (the draws have mean 0).
    for (const s of ['_l0', '_l1', '_l0_reverse', '_l1_reverse']) {
      expect(mean(keras[`bias_ih${s}`], H, 2 * H) - mean(plain[`bias_ih${s}`], H, 2 * H)).toBeCloseTo(1, 12);
    }
  });

  it('leaves the tanh RNN and the GRU untouched (their blocks are not a forget gate)', () => {
    for (const cell of ['rnn_tanh', 'gru'] as const) expect(initRecurrentParameters({ ...base(cell), forgetBias: 1 }, 5)).toEqual(initRecurrentParameters(base(cell), 5));
  });
});

describe('W_hh scale at initialisation', () => {
  it('multiplies every weight_hh by the scale and nothing else', () => {
    const plain = initRecurrentParameters(base('rnn_tanh'), 3);
    const scaled = initRecurrentParameters({ ...base('rnn_tanh'), recurrentScale: 3 }, 3);
    for (const name of Object.keys(plain)) {
      const factor = name.startsWith('weight_hh') ? 3 : 1;
      plain[name].forEach((v, j) => expect(scaled[name][j], `${name}[${j}]`).toBeCloseTo(v * factor, 12));
    }
  });
});

describe('the slot carries each option to its own kind', () => {
  it('forget bias to an LSTM only, the W_hh scale to a tanh RNN only; defaults say nothing', () => {
    const slot = (kind: 'lstm' | 'gru' | 'rnn_tanh') => ({ ...defaultSlot('a', kind), forgetBias: 1, recurrentScale: 3 });
    expect(slotModelConfig(slot('lstm'), 2)).toMatchObject({ forgetBias: 1 });
    expect(slotModelConfig(slot('lstm'), 2)).not.toHaveProperty('recurrentScale');
    expect(slotModelConfig(slot('rnn_tanh'), 2)).toMatchObject({ recurrentScale: 3 });
    expect(slotModelConfig(slot('rnn_tanh'), 2)).not.toHaveProperty('forgetBias');
    expect(slotModelConfig(slot('gru'), 2)).not.toHaveProperty('forgetBias');
    expect(slotModelConfig(defaultSlot('a', 'lstm'), 2)).not.toHaveProperty('forgetBias');
  });
});

describe('the encoder-decoder takes the same options', () => {
  it("starts both stacks' forget blocks at +1 (the teacher-forcing lesson's LSTM), from the same draws", () => {
    const context = { seq2seq: { sourceLength: 4 } };
    const cfg = slotModelConfig({ ...defaultSlot('a', 'lstm'), hidden: H, forgetBias: 1 }, 5, context);
    expect(cfg).toMatchObject({ kind: 'seq2seq', forgetBias: 1 });
    const plainCfg = slotModelConfig({ ...defaultSlot('a', 'lstm'), hidden: H }, 5, context);
    expect(plainCfg).not.toHaveProperty('forgetBias');
    if (cfg.kind !== 'seq2seq' || plainCfg.kind !== 'seq2seq') throw new Error('seq2seq config expected');
    const keras = initSeq2Seq(cfg, new Random(9));
    const plain = initSeq2Seq(plainCfg, new Random(9));
    expect(Object.keys(keras).filter((k) => k.startsWith('dec.')).length).toBeGreaterThan(0);
    for (const name of Object.keys(plain)) {
      plain[name].forEach((v, j) => {
        const forget = /^(enc|dec)\.bias_ih/.test(name) && j >= H && j < 2 * H;
        expect(keras[name][j] - v, `${name}[${j}]`).toBeCloseTo(forget ? 1 : 0, 6);
      });
    }
    // And a tanh RNN's W_hh scale, in both stacks.
    const rnn = slotModelConfig({ ...defaultSlot('a', 'rnn_tanh'), hidden: H, recurrentScale: 3 }, 5, context);
    const rnnPlain = slotModelConfig({ ...defaultSlot('a', 'rnn_tanh'), hidden: H }, 5, context);
    if (rnn.kind !== 'seq2seq' || rnnPlain.kind !== 'seq2seq') throw new Error('seq2seq config expected');
    const scaled = initSeq2Seq(rnn, new Random(9));
    const unscaled = initSeq2Seq(rnnPlain, new Random(9));
    for (const name of ['enc.weight_hh_l0', 'dec.weight_hh_l0']) unscaled[name].forEach((v, j) => expect(scaled[name][j]).toBeCloseTo(v * 3, 5));
  });
});
