import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateBuiltin, listBuiltins, makeBuiltin, resolveParams, type BuiltinId } from './builtin';
import { addingProblem, copyTask, digitsTask, lookAheadTask, melodies, settlingTask, sineMix } from './generators';
import { TUNES, midiOf, parseNotes } from './melodies';
import { prepare, splitIndex, type PrepareSpec } from './prep';
import type { Dataset } from './types';

const publicDir = fileURLToPath(new URL('../../public/', import.meta.url));
const fetchBytes = async (path: string) => readFileSync(publicDir + path);

/** A fingerprint of every number and string in a dataset. */
function digest(ds: Dataset): string {
  const parts: string[] = [ds.kind];
  if (ds.kind === 'table') for (const c of ds.columns) parts.push(c.name, Array.from(c.values).join(','));
  if (ds.kind === 'tokens') parts.push(ds.vocab.join('\u0001'), Array.from(ds.ids).join(','));
  if (ds.kind === 'sequences') {
    parts.push(Array.from(ds.inputs).join(','));
    parts.push(ds.target.kind === 'real' ? Array.from(ds.target.values).join(',') : Array.from(ds.target.ids).join(','));
  }
  return parts.join('|');
}

describe('built-in datasets', () => {
  it('lists each with an id, a title, a one-line blurb and parameters with defaults', () => {
    const list = listBuiltins();
    expect(list.map((b) => b.id)).toEqual(['sine-mix', 'adding', 'copy', 'lookahead', 'settling', 'digits', 'melodies', 'seattle-weather', 'austen', 'irish-tunes']);
    for (const b of list) {
      expect(b.title.length).toBeGreaterThan(3);
      expect(b.blurb.length).toBeGreaterThan(30);
      expect(b.blurb).not.toContain('\n');
      for (const p of b.params) expect(() => resolveParams(b.id, { [p.key]: p.default })).not.toThrow();
    }
    expect(() => resolveParams('adding', { length: 1 })).toThrow(
      'Adding problem: Sequence length must be a whole number from 2 to 2000 (got 1).',
    );
    expect(() => resolveParams('digits', { mode: 'shuffle' })).toThrow(
      'Reverse or sort digits: Task must be one of "reverse", "sort" (got "shuffle").',
    );
  });

  const generated: BuiltinId[] = ['sine-mix', 'adding', 'copy', 'lookahead', 'settling', 'digits', 'melodies'];
  it.each(generated)('%s is deterministic by seed, and the seed matters', (id) => {
    const a = generateBuiltin(id, {}, 42);
    expect(digest(generateBuiltin(id, {}, 42))).toBe(digest(a));
    expect(digest(generateBuiltin(id, {}, 43))).not.toBe(digest(a));
    // And every default dataset prepares with its suggested sequence length.
    const info = listBuiltins().find((b) => b.id === id)!;
    const spec: PrepareSpec =
      a.kind === 'table'
        ? { inputs: info.suggested.inputs!, seqLen: info.suggested.seqLen, task: info.suggested.task }
        : a.kind === 'tokens'
          ? { seqLen: info.suggested.seqLen, stride: info.suggested.stride }
          : {};
    const p = prepare(a, spec);
    expect(p.train.count).toBeGreaterThan(0);
    if (a.kind === 'sequences') expect(a.seqLen).toBe(info.suggested.seqLen);
  });

  it('sine mixture: the right shape, bounded by its amplitudes plus noise', () => {
    const ds = sineMix(500, 3, 0, 2, 5);
    expect(ds.columns.map((c) => c.name)).toEqual(['value 1', 'value 2']);
    expect(ds.rowCount).toBe(500);
    for (const c of ds.columns) {
      expect(c.stats.max).toBeLessThanOrEqual(3);
      expect(c.stats.std).toBeGreaterThan(0.2);
    }
    const noisy = sineMix(500, 3, 0.5, 1, 5);
    const clean = sineMix(500, 3, 0, 1, 5);
    let diff = 0;
    for (let i = 0; i < 500; i++) diff += (noisy.columns[0].values[i] - clean.columns[0].values[i]) ** 2;
    expect(Math.sqrt(diff / 500)).toBeGreaterThan(0.3);
  });

  it('adding problem: two markers, one in each half, target the sum of the marked values', () => {
    const L = 9;
    const ds = addingProblem(L, 300, 11);
    if (ds.target.kind !== 'real') throw new Error('real target expected');
    let mean = 0;
    for (let i = 0; i < ds.count; i++) {
      const marked: number[] = [];
      let sum = 0;
      for (let t = 0; t < L; t++) {
        const v = ds.inputs[(i * L + t) * 2];
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThan(1);
        if (ds.inputs[(i * L + t) * 2 + 1] === 1) {
          marked.push(t);
          sum += v;
        }
      }
      expect(marked.length).toBe(2);
      expect(marked[0]).toBeLessThan(4);
      expect(marked[1]).toBeGreaterThanOrEqual(4);
      expect(ds.target.values[i]).toBeCloseTo(sum, 6);
      mean += ds.target.values[i] / ds.count;
    }
    expect(mean).toBeGreaterThan(0.85);
    expect(mean).toBeLessThan(1.15);
  });

  it('look ahead: the target of each step is the symbol `ahead` steps later; the last steps are not scored', () => {
    for (const [L, A, S] of [[7, 2, 3], [5, 4, 2], [33, 1, 26]]) {
      const ds = lookAheadTask(L, A, S, 13, 3);
      expect([ds.seqLen, ds.inputSize, ds.targetLen, ds.count]).toEqual([L, S, L, 13]);
      if (ds.target.kind !== 'class') throw new Error('class target expected');
      expect(ds.target.classNames[S - 1]).toBe(String.fromCharCode(64 + S));
      const seen = new Set<number>();
      for (let i = 0; i < ds.count; i++) {
        const symbol = (t: number) => {
          const row = Array.from(ds.inputs.subarray((i * L + t) * S, (i * L + t + 1) * S));
          expect(row.reduce((a, b) => a + b)).toBe(1);
          return row.indexOf(1);
        };
        for (let t = 0; t < L; t++) {
          seen.add(symbol(t));
          if (t + A < L) {
            expect(ds.mask![i * L + t]).toBe(1);
            expect(ds.target.ids[i * L + t]).toBe(symbol(t + A));
          } else expect(ds.mask![i * L + t]).toBe(0);
        }
      }
      if (S < 26) expect(seen.size).toBe(S);
    }
    expect(() => lookAheadTask(4, 4, 3, 10, 1)).toThrow('Look ahead: 4 steps ahead leaves nothing to predict in a string of 4');
  });

  it('settling: each level is decay times the last plus the push, from the same start for every sequence', () => {
    for (const [L, start, decay] of [[1, 3, 0.8], [7, -2.5, 0.5], [5, 0, 1]]) {
      const ds = settlingTask(L, start, decay, 9, 4);
      if (ds.target.kind !== 'real') throw new Error('real target expected');
      expect([ds.seqLen, ds.inputSize, ds.targetLen, ds.target.size, ds.mask]).toEqual([L, 1, L, 1, null]);
      for (let i = 0; i < ds.count; i++) {
        let y = start;
        for (let t = 0; t < L; t++) {
          const x = ds.inputs[i * L + t];
          expect(Math.abs(x)).toBeLessThanOrEqual(0.5);
          y = decay * y + x;
          expect(ds.target.values[i * L + t]).toBeCloseTo(y, 5);
        }
      }
    }
  });

  it('adding problem, answered at every step: the sum of the values marked so far, from the same draws', () => {
    const L = 11;
    const end = addingProblem(L, 40, 5);
    const every = addingProblem(L, 40, 5, 'every');
    expect(every.inputs).toEqual(end.inputs);
    expect([every.task, every.targetLen, end.task, end.targetLen]).toEqual(['many-to-many', L, 'many-to-one', 1]);
    if (every.target.kind !== 'real' || end.target.kind !== 'real') throw new Error('real targets expected');
    for (let i = 0; i < 40; i++) {
      let sum = 0;
      for (let t = 0; t < L; t++) {
        if (every.inputs[(i * L + t) * 2 + 1] === 1) sum += every.inputs[(i * L + t) * 2];
        expect(every.target.values[i * L + t]).toBeCloseTo(sum, 6);
      }
      expect(end.target.values[i]).toBeCloseTo(sum, 6);
    }
  });

  it('copy task: symbols, delay, go signal, then the same symbols as masked targets', () => {
    const K = 4;
    const D = 3;
    const S = 5;
    const ds = copyTask(K, D, S, 20, 2);
    const T = 2 * K + D;
    expect([ds.seqLen, ds.inputSize, ds.targetLen]).toEqual([T, S + 2, T]);
    if (ds.target.kind !== 'class') throw new Error('class target expected');
    expect(ds.target.classNames).toEqual(['blank', 'A', 'B', 'C', 'D', 'E']);
    for (let i = 0; i < ds.count; i++) {
      const hot = (t: number) => {
        const row = ds.inputs.subarray((i * T + t) * (S + 2), (i * T + t + 1) * (S + 2));
        expect(row.reduce((a, b) => a + b)).toBe(1);
        return row.indexOf(1);
      };
      const symbols = [0, 1, 2, 3].map((t) => hot(t) - 2);
      for (const s of symbols) expect(s).toBeGreaterThanOrEqual(0);
      for (let t = K; t < T; t++) expect(hot(t)).toBe(t === K + D ? 1 : 0);
      const ids = Array.from(ds.target.ids.subarray(i * T, (i + 1) * T));
      expect(ids).toEqual([...Array(K + D).fill(0), ...symbols.map((s) => s + 1)]);
      expect(Array.from(ds.mask!.subarray(i * T, (i + 1) * T))).toEqual([...Array(K + D).fill(0), ...Array(K).fill(1)]);
    }
  });

  it('digits: outputs are the reversed or sorted inputs', () => {
    for (const mode of ['reverse', 'sort'] as const) {
      const ds = digitsTask(mode, 6, 50, 4);
      if (ds.target.kind !== 'class') throw new Error('class target expected');
      expect(ds.task).toBe('seq2seq');
      for (let i = 0; i < ds.count; i++) {
        const input = Array.from({ length: 6 }, (_, t) => ds.inputs.subarray((i * 6 + t) * 10, (i * 6 + t + 1) * 10).indexOf(1));
        const want = mode === 'reverse' ? [...input].reverse() : [...input].sort((a, b) => a - b);
        expect(Array.from(ds.target.ids.subarray(i * 6, (i + 1) * 6))).toEqual(want);
      }
    }
  });

  it('melodies: every tune parses, tunes end with "|", and tokens decode to notes', () => {
    expect(midiOf('C4')).toBe(60);
    expect(midiOf('A4')).toBe(69);
    expect(midiOf('F#3')).toBe(54);
    for (const t of TUNES) expect(parseNotes(t.notes).length).toBeGreaterThan(10);
    const ds = melodies('original', 1);
    expect(ds.segments!.length).toBe(TUNES.length);
    expect(ds.vocab[0]).toBe('|');
    let total = 0;
    for (const seg of ds.segments!) {
      const tune = TUNES.find((t) => t.title === seg.title)!;
      const notes = parseNotes(tune.notes);
      expect(seg.length).toBe(notes.length + 1);
      expect(ds.vocab[ds.ids[seg.start + seg.length - 1]]).toBe('|');
      notes.forEach((n, k) => expect(ds.notes![ds.ids[seg.start + k]]).toEqual(n));
      total += seg.length;
    }
    expect(ds.ids.length).toBe(total);
    const all = melodies('all', 1);
    expect(all.segments!.length).toBe(12 * TUNES.length);
    expect(all.vocab.length).toBeGreaterThan(ds.vocab.length);
  });

  it('loads the real series and the real text from public/data', async () => {
    const weather = await makeBuiltin('seattle-weather', {}, 1, { fetchBytes });
    if (weather.kind !== 'table') throw new Error('table expected');
    expect(weather.rowCount).toBe(1461);
    expect(weather.columns.map((c) => c.name)).toEqual(['precipitation', 'temp_max', 'temp_min', 'wind']);
    const tmax = weather.columns[1].stats;
    expect(tmax.missing).toBe(0);
    expect(tmax.min).toBeGreaterThan(-10);
    expect(tmax.max).toBeLessThan(40);
    expect(weather.labels[0].values[0]).toBe('2012-01-01');
    expect(prepare(weather, { inputs: ['temp_max'], seqLen: 60 }).train.count).toBeGreaterThan(1000);

    const text = await makeBuiltin('austen', {}, 1, { fetchBytes });
    if (text.kind !== 'tokens') throw new Error('tokens expected');
    expect(text.ids.length).toBeGreaterThan(90_000);
    expect(text.ids.length).toBeLessThan(110_000);
    expect(text.vocab.length).toBeLessThan(90);
    expect(text.preview.startsWith('PRIDE AND PREJUDICE')).toBe(true);
    expect(() => generateBuiltin('austen')).toThrow('austen: this built-in is read from a file; use makeBuiltin.');
  });

  it('irish-tunes: ~300 real tunes as note tokens; by seed shuffled, and validation tunes are not training tunes', async () => {
    const a = await makeBuiltin('irish-tunes', {}, 1, { fetchBytes });
    const b = await makeBuiltin('irish-tunes', {}, 2, { fetchBytes });
    if (a.kind !== 'tokens' || b.kind !== 'tokens') throw new Error('tokens expected');
    expect(a.unit).toBe('note');
    expect(a.segments!.length).toBe(299);
    expect(a.ids.length).toBeGreaterThan(50_000);
    expect(a.vocab.length).toBeLessThan(200);
    expect(a.notes!.every((n) => (n.pitch === -1 || (n.pitch >= 40 && n.pitch <= 100)) && n.beats >= 0)).toBe(true);
    // The same tunes in another order.
    expect(b.ids.length).toBe(a.ids.length);
    expect(a.segments!.map((s) => s.title)).not.toEqual(b.segments!.map((s) => s.title));
    expect(new Set(a.segments!.map((s) => s.title))).toEqual(new Set(b.segments!.map((s) => s.title)));
    // The run's split (validation = the last tenth of the stream): at most the one tune it cuts is on both sides.
    const split = splitIndex(a.ids.length, 0.9);
    const both = a.segments!.filter((s) => s.start < split && s.start + s.length > split);
    expect(both.length).toBeLessThanOrEqual(1);
    const validationTunes = a.segments!.filter((s) => s.start >= split);
    expect(validationTunes.length).toBeGreaterThan(20);
    // A malformed file is refused with the line.
    const { irishTunes } = await import('./irishTunes');
    expect(() => irishTunes('t.txt', 'One\tE4:0.5 X9:1\n', 1)).toThrow('t.txt: line 1: "X9:1" is not a note such as "E4:0.5".');
    expect(() => irishTunes('t.txt', 'One\tE4:0.5\nTwo E4:1\n', 1)).toThrow('t.txt: line 2 has no tab');
  });

  it('refuses sizes that would not fit in memory', () => {
    expect(() => addingProblem(2000, 100000, 1)).toThrow(
      'Adding problem: 100000 sequences of 2000 steps need 1526 MB; the limit is 128 MB. Use fewer or shorter sequences.',
    );
  });
});
