// The synthetic built-in datasets, each generated from a seed (same seed, same data). builtin.ts
// lists them with their parameters and picks the generator; the generators know nothing of that.

import { DataError } from './errors';
import { PREVIEW_ROWS } from './limits';
import { TUNES, parseNotes } from './melodies';
import { noteDataset } from './noteTokens';
import { Random } from './random';
import { columnStats } from './stats';
import type { NoteToken, SequenceDataset, TableDataset, TokenDataset } from './types';

/** Largest generated sequence dataset: 2^25 floats (128 MB). */
const MAX_FLOATS = 1 << 25;

function checkSize(title: string, count: number, seqLen: number, size: number): void {
  const floats = count * seqLen * size;
  if (floats > MAX_FLOATS) {
    const mb = Math.round((floats * 4) / (1024 * 1024));
    throw new DataError(
      'bad-option',
      title,
      `${title}: ${count} sequences of ${seqLen} steps need ${mb} MB; the limit is 128 MB. Use fewer or shorter sequences.`,
    );
  }
}

export function sineMix(length: number, components: number, noise: number, channels: number, seed: number): TableDataset {
  const rng = new Random(seed);
  const names = channels === 1 ? ['value'] : Array.from({ length: channels }, (_, c) => `value ${c + 1}`);
  const columns = names.map((name) => {
    const waves = Array.from({ length: components }, () => ({
      period: rng.uniform(8, 120),
      amp: rng.uniform(0.3, 1),
      phase: rng.uniform(0, 2 * Math.PI),
    }));
    const values = new Float64Array(length);
    for (let t = 0; t < length; t++) {
      let v = 0;
      for (const w of waves) v += w.amp * Math.sin((2 * Math.PI * t) / w.period + w.phase);
      values[t] = v + noise * rng.normal();
    }
    return { name, values, stats: columnStats(values) };
  });
  const rows: string[][] = [];
  for (let t = 0; t < Math.min(length, PREVIEW_ROWS); t++) rows.push(columns.map((c) => c.values[t].toFixed(4)));
  const rowRefs = new Int32Array(length);
  for (let t = 0; t < length; t++) rowRefs[t] = t;
  return {
    kind: 'table',
    name: 'Noisy sine mixture',
    rowCount: length,
    columns,
    labels: [],
    rowRefs,
    rowRefKind: 'item',
    preview: { header: names, rows },
  };
}

/**
 * The adding problem (Hochreiter & Schmidhuber 1997, in the form of Le et al. 2015): channel 0 holds
 * uniform values in [0, 1), channel 1 marks one step in the first half and one in the second; the
 * target is the sum of the two marked values. answer 'end': one target per sequence, after its last
 * step (many-to-one); 'every': a target at every step, the sum of the values marked so far
 * (many-to-many), from the same draws.
 */
export function addingProblem(length: number, count: number, seed: number, answer: 'end' | 'every' = 'end'): SequenceDataset {
  checkSize('Adding problem', count, length, 2);
  const rng = new Random(seed);
  const inputs = new Float32Array(count * length * 2);
  const every = answer === 'every';
  const values = new Float32Array(every ? count * length : count);
  const half = Math.floor(length / 2);
  for (let i = 0; i < count; i++) {
    const a = rng.int(Math.max(1, half));
    const b = half + rng.int(length - half);
    let sum = 0;
    for (let t = 0; t < length; t++) {
      const v = Math.fround(rng.next());
      const o = (i * length + t) * 2;
      inputs[o] = v;
      if (t === a || t === b) {
        inputs[o + 1] = 1;
        sum += v;
      }
      if (every) values[i * length + t] = sum;
    }
    if (!every) values[i] = sum;
  }
  return {
    kind: 'sequences',
    name: 'Adding problem',
    task: every ? 'many-to-many' : 'many-to-one',
    count,
    seqLen: length,
    inputSize: 2,
    inputs,
    inputNames: ['value', 'marker'],
    targetLen: every ? length : 1,
    target: { kind: 'real', size: 1, values, names: ['sum'] },
    mask: null,
  };
}

/**
 * The copy task: `length` symbols, `delay` blanks, a go signal, then `length - 1` blanks while the
 * model replays the symbols (from the go step on). Inputs are one-hot over [blank, go, A, B, ...];
 * targets are classes [blank, A, B, ...], masked to the replay steps.
 */
export function copyTask(length: number, delay: number, symbols: number, count: number, seed: number): SequenceDataset {
  const T = 2 * length + delay;
  const F = symbols + 2;
  checkSize('Copy task', count, T, F);
  const rng = new Random(seed);
  const inputs = new Float32Array(count * T * F);
  const ids = new Int32Array(count * T);
  const mask = new Float32Array(count * T);
  const go = length + delay;
  for (let i = 0; i < count; i++) {
    const base = i * T;
    for (let t = 0; t < T; t++) {
      let feature = 0; // blank
      if (t < length) {
        const s = rng.int(symbols);
        feature = 2 + s;
        ids[base + go + t] = 1 + s;
        mask[base + go + t] = 1;
      } else if (t === go) {
        feature = 1;
      }
      inputs[(base + t) * F + feature] = 1;
    }
  }
  const letters = Array.from({ length: symbols }, (_, s) => String.fromCharCode(65 + s));
  return {
    kind: 'sequences',
    name: 'Copy task',
    task: 'many-to-many',
    count,
    seqLen: T,
    inputSize: F,
    inputs,
    inputNames: ['blank', 'go', ...letters],
    targetLen: T,
    target: { kind: 'class', ids, classNames: ['blank', ...letters] },
    mask,
  };
}

/**
 * Look ahead: a string of random symbols (one-hot), and at each step the target is the symbol
 * `ahead` steps later. A model that reads left to right has not seen it yet and can only guess
 * (cross-entropy ln(symbols)); one that also reads right to left has. The last `ahead` steps have
 * nothing to look ahead to: the loss ignores them (mask 0).
 */
export function lookAheadTask(length: number, ahead: number, symbols: number, count: number, seed: number): SequenceDataset {
  checkSize('Look ahead', count, length, symbols);
  if (ahead >= length) throw new DataError('bad-option', 'Look ahead', `Look ahead: ${ahead} steps ahead leaves nothing to predict in a string of ${length}; make it shorter than the string.`);
  const rng = new Random(seed);
  const inputs = new Float32Array(count * length * symbols);
  const ids = new Int32Array(count * length);
  const mask = new Float32Array(count * length);
  const letters = Array.from({ length: symbols }, (_, s) => String.fromCharCode(65 + s));
  for (let i = 0; i < count; i++) {
    const base = i * length;
    const row = Array.from({ length }, () => rng.int(symbols));
    for (let t = 0; t < length; t++) {
      inputs[(base + t) * symbols + row[t]] = 1;
      if (t + ahead < length) {
        ids[base + t] = row[t + ahead];
        mask[base + t] = 1;
      }
    }
  }
  return {
    kind: 'sequences',
    name: 'Look ahead',
    task: 'many-to-many',
    count,
    seqLen: length,
    inputSize: symbols,
    inputs,
    inputNames: letters,
    targetLen: length,
    target: { kind: 'class', ids, classNames: letters },
    mask,
  };
}

/**
 * Settling: y_t = decay·y_{t−1} + x_t with x_t uniform in [−½, ½) (the input) and y_{−1} = start for
 * every sequence (the target at every step). The start is in no input: a model whose state begins
 * at zero must build it out of its weights in its first step, one with a learned initial state can
 * hold it there from the beginning.
 */
export function settlingTask(length: number, start: number, decay: number, count: number, seed: number): SequenceDataset {
  checkSize('Settling', count, length, 1);
  const rng = new Random(seed);
  const inputs = new Float32Array(count * length);
  const values = new Float32Array(count * length);
  for (let i = 0; i < count; i++) {
    let y = start;
    for (let t = 0; t < length; t++) {
      const x = rng.uniform(-0.5, 0.5);
      y = decay * y + x;
      inputs[i * length + t] = x;
      values[i * length + t] = y;
    }
  }
  return {
    kind: 'sequences',
    name: 'Settling',
    task: 'many-to-many',
    count,
    seqLen: length,
    inputSize: 1,
    inputs,
    inputNames: ['push'],
    targetLen: length,
    target: { kind: 'real', size: 1, values, names: ['level'] },
    mask: null,
  };
}

/** Digit strings (one-hot over 0-9) to their reverse or their sorted order (class ids 0-9). */
export function digitsTask(mode: 'reverse' | 'sort', length: number, count: number, seed: number): SequenceDataset {
  checkSize('Reverse or sort digits', count, length, 10);
  const rng = new Random(seed);
  const inputs = new Float32Array(count * length * 10);
  const ids = new Int32Array(count * length);
  const digits = new Int32Array(length);
  for (let i = 0; i < count; i++) {
    for (let t = 0; t < length; t++) {
      digits[t] = rng.int(10);
      inputs[(i * length + t) * 10 + digits[t]] = 1;
    }
    const out = mode === 'reverse' ? digits.slice().reverse() : digits.slice().sort();
    ids.set(out, i * length);
  }
  const names = Array.from({ length: 10 }, (_, d) => String(d));
  return {
    kind: 'sequences',
    name: mode === 'reverse' ? 'Reverse digits' : 'Sort digits',
    task: 'seq2seq',
    count,
    seqLen: length,
    inputSize: 10,
    inputs,
    inputNames: names,
    targetLen: length,
    target: { kind: 'class', ids, classNames: names },
    mask: null,
  };
}

/**
 * The songbook as one token stream: each token is a (pitch, length) pair such as "E4:0.5", and "|"
 * ends a tune. The seed shuffles the order of the tunes; `all` adds every tune in 12 keys.
 */
export function melodies(transpose: 'original' | 'all', seed: number): TokenDataset {
  const rng = new Random(seed);
  const pieces: { title: string; notes: NoteToken[] }[] = [];
  for (const tune of TUNES) {
    const notes = parseNotes(tune.notes);
    const shifts = transpose === 'all' ? [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6] : [0];
    for (const k of shifts) {
      const title = k === 0 ? tune.title : `${tune.title} (${k > 0 ? '+' : ''}${k})`;
      pieces.push({ title, notes: notes.map((n) => ({ pitch: n.pitch < 0 ? n.pitch : n.pitch + k, beats: n.beats })) });
    }
  }
  for (let i = pieces.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [pieces[i], pieces[j]] = [pieces[j], pieces[i]];
  }
  return noteDataset('Folk melodies', pieces);
}
