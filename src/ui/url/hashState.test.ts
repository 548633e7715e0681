import { describe, expect, it } from 'vitest';
import { DEFAULT_CHOICE, DEFAULT_TRAINING, defaultSlot } from '../state/defaults';
import { decodeHash, encodeHash, type HashState } from './hashState';

const run: HashState = {
  dataset: { id: 'digits', params: { mode: 'sort', length: 12, count: 500 } },
  fileName: null,
  models: [
    { ...defaultSlot('a', 'lstm'), hidden: 48, layers: 2, bidirectional: true, initialState: 'learned' },
    { ...defaultSlot('b', 'rnn_tanh'), hidden: 16 },
    { ...defaultSlot('c', 'mamba'), hidden: 24, dState: 8, expand: 3 },
  ],
  training: { ...DEFAULT_TRAINING, optimizer: 'sgd', lr: 0.003, batch: 7, seqLen: 33, tbptt: 11, clip: 0, speed: 20, validateEvery: 5, pauseAt: 1300, patience: 4 },
  choice: { time: 'date', key: 'symbol', keys: ['MSFT', 'A&B Co'], inputColumns: ['a b', 'c,d'], targetColumns: ['x'], normalize: 'minmax', validationFraction: 0.25, missing: 'drop' },
  seed: 12345,
};

describe('the run in the URL hash', () => {
  it('round-trips every setting', () => {
    const hash = encodeHash(run);
    expect(decodeHash(`#${hash}`)).toEqual(run);
  });

  it('keeps how a table is read only where it was chosen', () => {
    const auto = { ...run, choice: { ...run.choice, time: 'auto', key: 'auto', keys: [] } };
    expect(encodeHash(auto)).not.toMatch(/time=|key=|keys=/);
    expect(decodeHash(`#${encodeHash(auto)}`).choice).toEqual(auto.choice);
    // No time column and no key (the table as it is, by rows) is a choice too.
    const none = { ...run, choice: { ...run.choice, time: '', key: '', keys: [] } };
    expect(decodeHash(`#${encodeHash(none)}`).choice).toEqual(none.choice);
  });

  it('writes the stop conditions only when set, so older links read the same', () => {
    expect(encodeHash(run)).toContain('pa=1300&pat=4');
    const never = { ...run, training: { ...run.training, pauseAt: 0, patience: 0 } };
    expect(encodeHash(never)).not.toMatch(/pa=|pat=/);
    expect(decodeHash(`#${encodeHash(never)}`).training).toEqual(never.training);
    expect(decodeHash('#pa=-5&pat=1.5').training).toMatchObject({ pauseAt: 0, patience: 0 });
  });

  it('stays readable', () => {
    expect(encodeHash(run)).toContain('m=lstm.2.48.16.2.1.l~rnn_tanh.1.16.16.2.0.z~mamba.1.24.8.3.0.z');
    expect(encodeHash(run)).toContain('dp=mode:sort,length:12,count:500');
  });

  it('falls back to defaults for anything missing, malformed or out of range', () => {
    const h = decodeHash('#d=nope&m=banana.1.2~lstm.x.-3&lr=-1&b=0&T=abc&o=rmsprop&sp=fast&s=1.5&norm=l2&vf=2');
    expect(h.dataset.id).toBe('sine-mix');
    expect(h.models).toEqual([{ ...defaultSlot('a', 'lstm') }]);
    expect(h.training).toEqual(DEFAULT_TRAINING);
    expect(h.choice).toEqual(DEFAULT_CHOICE);
    expect(h.seed).toBe(1);
  });

  it('completes a dataset\'s parameters and rejects bad choices', () => {
    const h = decodeHash('#d=digits&dp=mode:shuffle,length:9');
    expect(h.dataset.params).toMatchObject({ mode: 'reverse', length: 9 });
  });

  it('never throws, whatever the hash', () => {
    for (const hash of ['', '#', '#%', '#&&==&', '#m=~~~~', '#dp=::,,', '#in=%E0%A4']) expect(() => decodeHash(hash)).not.toThrow();
  });
});
