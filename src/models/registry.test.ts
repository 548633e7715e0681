// Every family in the registry, held to the same invariants: a family missing a piece, or whose
// pieces disagree (shapes against init, output size against its float64 forward, a URL codec that
// loses a field), fails here before it reaches the page or the GPU.

import { describe, expect, it } from 'vitest';
import { Random } from '../data/random';
import type { ModelSlot } from '../worker/protocol';
import type { ModelFamily } from './family';
import { decodeSlot, defaultSlot, describeModel, encodeSlot, engineOf, FAMILIES, familyOf, familyOfFixture, kindsInAddOrder, slotLabel, slotModelConfig, SLOT_KINDS } from './registry';

const families = FAMILIES as unknown as readonly ModelFamily[];
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A slot of the kind with every field of its card moved off its default (and still in range). */
function varied(id: string, kind: string): ModelSlot {
  const slot = defaultSlot(id, kind as ModelSlot['kind']);
  for (const f of familyOf(kind).fields) slot[f.key] = f.default < f.max ? f.default + 1 : f.default - 1;
  return { ...slot, initialState: 'learned', bidirectional: familyOf(kind).supports.bidirectional };
}

describe('the model-family registry', () => {
  it('lists every kind once, each in exactly one family', () => {
    const kinds = SLOT_KINDS.map((k) => k.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    // Families list their kinds in FAMILIES order; a family added later goes after these.
    expect(kinds).toEqual(families.flatMap((f) => f.kinds.map((k) => k.kind)));
    expect(kinds.slice(0, 4)).toEqual(['rnn_tanh', 'lstm', 'gru', 'mamba']);
    expect(kindsInAddOrder().slice(0, 4)).toEqual(['rnn_tanh', 'gru', 'lstm', 'mamba']);
    expect(new Set(kindsInAddOrder())).toEqual(new Set(kinds));
    const fixtureKinds = families.flatMap((f) => f.fixtures.kinds);
    expect(new Set(fixtureKinds).size).toBe(fixtureKinds.length);
  });

  for (const family of families) {
    describe(family.label, () => {
      it('has a label, kinds with labels, and card fields whose defaults are in range', () => {
        expect(family.label.trim()).not.toBe('');
        expect(family.kinds.length).toBeGreaterThan(0);
        for (const k of family.kinds) expect(k.label.trim()).not.toBe('');
        expect(family.fields.map((f) => f.key)).toContain('hidden');
        for (const f of family.fields) {
          expect(f.label.trim()).not.toBe('');
          expect(f.min).toBeLessThanOrEqual(f.default);
          expect(f.default).toBeLessThanOrEqual(f.max);
          if (f.integer) expect(Number.isInteger(f.default)).toBe(true);
        }
      });

      for (const { kind } of family.kinds) {
        it(`${kind}: a fresh slot takes the field defaults, and the URL codec round-trips a slot`, () => {
          const fresh = defaultSlot('a', kind as ModelSlot['kind']);
          for (const f of family.fields) expect(fresh[f.key]).toBe(f.default);
          const slot = varied('b', kind);
          const text = encodeSlot(slot);
          expect(text.startsWith(`${kind}.`)).toBe(true);
          expect(decodeSlot(text, 'b')).toEqual(slot);
          expect(slotLabel(slot).trim()).not.toBe('');
          // A learned initial state is in the label where the family has one (two models differing only there must not read alike).
          if (familyOf(kind).supports.learnedInitialState) {
            expect(slotLabel({ ...slot, initialState: 'learned' })).toMatch(/ h0\b/);
            expect(slotLabel({ ...slot, initialState: 'zeros' })).not.toMatch(/ h0\b/);
          }
          // A model's own gradient clip, which every family has: after the family's text, in the label.
          for (const clip of [0, 0.25, 5]) {
            const own = { ...slot, clip };
            expect(encodeSlot(own)).toBe(`${text}*c${clip}`);
            expect(decodeSlot(encodeSlot(own), 'b')).toEqual(own);
            expect(slotLabel(own)).toBe(`${slotLabel(slot)}${clip === 0 ? ' no clip' : ` clip ${clip}`}`);
          }
          // Unreadable or out of range: the run's clip.
          for (const bad of ['*c-1', '*cx', '*c', `*c${1e6}`, '*q3']) expect(decodeSlot(`${text}${bad}`, 'b')).toEqual(slot);
        });

        it(`${kind}: its model's parameter shapes match its initial values, its output size its float64 forward`, () => {
          const slot = { ...varied('a', kind), bidirectional: false };
          const cfg = slotModelConfig(slot, 3);
          const engine = engineOf(cfg);
          const shapes = engine.parameterShapes(cfg);
          const init = engine.init(cfg, new Random(7));
          expect(Object.keys(init)).toEqual(shapes.map(([name]) => name));
          for (const [name, shape] of shapes) expect(init[name].length, name).toBe(size(shape));
          const B = 2;
          const T = 5;
          const params = Object.fromEntries(Object.entries(init).map(([k, v]) => [k, Float64Array.from(v)]));
          const x = new Random(8).uniformArray(B * T * 3, -1, 1);
          const y = engine.referenceForward(cfg, params, x, B);
          expect(y.length).toBe(B * T * engine.outputSize(cfg));
          expect(y.every(Number.isFinite)).toBe(true);
          expect(describeModel(cfg)).not.toBe('an unknown model');
          if (!family.supports.truncatedBptt) expect(engine.stateShape(cfg)).toBeNull();
        });
      }

      it('builds an encoder-decoder on sequence-to-sequence tasks exactly when it supports one', () => {
        const slot = defaultSlot('a', family.kinds[0].kind as ModelSlot['kind']);
        const plain = slotModelConfig(slot, 3);
        const seq2seq = slotModelConfig(slot, 3, { seq2seq: { sourceLength: 2 } });
        expect(seq2seq.kind !== plain.kind).toBe(family.supports.encoderDecoder);
        const engine = engineOf(seq2seq);
        const init = engine.init(seq2seq, new Random(1));
        const params = Object.fromEntries(Object.entries(init).map(([k, v]) => [k, Float64Array.from(v)]));
        expect(engine.referenceForward(seq2seq, params, new Float64Array(1 * 4 * 3).fill(0.5), 1).length).toBe(4 * engine.outputSize(seq2seq));
      });

      it('answers for its fixture kinds, with a GPU check for them', () => {
        expect(family.fixtures.kinds.length).toBeGreaterThan(0);
        for (const kind of family.fixtures.kinds) expect(familyOfFixture(kind)).toBe(family);
        expect(typeof family.fixtures.check).toBe('function');
      });
    });
  }

  it('keeps reading the links of today (m=lstm.1.32.16.2.0.z~...)', () => {
    // Links made before the initialisation fields existed: PyTorch's initialisation (forget bias 0, W_hh ×1).
    expect(decodeSlot('lstm.1.32.16.2.0.z', 'a')).toEqual({ id: 'a', kind: 'lstm', layers: 1, hidden: 32, dState: 16, expand: 2, bidirectional: false, initialState: 'zeros', forgetBias: 0, recurrentScale: 1 });
    expect(decodeSlot('lstm.1.32.16.2.0.z.f1', 'a')?.forgetBias).toBe(1);
    expect(decodeSlot('rnn_tanh.1.32.16.2.0.z.w3', 'a')?.recurrentScale).toBe(3);
    expect(decodeSlot('lstm.1.32.16.2.0.z.f99', 'a')?.forgetBias).toBe(0);
    expect(encodeSlot(defaultSlot('a', 'lstm'))).toBe('lstm.1.32.16.2.0.z');
    expect(decodeSlot('mamba.2.1024.64.4.1.l', 'b')).toEqual({ id: 'b', kind: 'mamba', layers: 2, hidden: 1024, dState: 64, expand: 4, bidirectional: true, initialState: 'learned' });
    expect(decodeSlot('gru.9.2000', 'c')).toEqual({ ...defaultSlot('c', 'gru') });
    expect(decodeSlot('transformer.1.32', 'a')).toBeNull();
  });

  it('describes a weights file of any family, and says so when it knows none', () => {
    expect(describeModel({ kind: 'recurrent', cell: 'lstm', hiddenSize: 8, numLayers: 2, bidirectional: true })).toBe('LSTM (hidden 8, 2 layer(s), bidirectional)');
    expect(describeModel({ kind: 'mamba', dModel: 8, dState: 4, numLayers: 1 })).toBe('Mamba (d_model 8, d_state 4, 1 layer(s))');
    expect(describeModel({ kind: 'seq2seq', cell: 'gru', hiddenSize: 8, numLayers: 1 })).toBe('GRU encoder-decoder (hidden 8, 1 layer(s))');
    expect(describeModel({ kind: 'transformer' })).toBe('an unknown model');
    expect(describeModel(null)).toBe('an unknown model');
  });
});
