// Built-in datasets: synthetic tasks generated from a seed (same seed, same data; the generators
// are in generators.ts), a real time series and a real text shipped in public/data/ (see
// public/data/README.md for sources). This file is the catalogue and the one way to make any of them.

import { DataError } from './errors';
import { irishTunes } from './irishTunes';
import { addingProblem, copyTask, digitsTask, lookAheadTask, melodies, settlingTask, sineMix } from './generators';
import { parseFile } from './parse';
import type { Dataset, Task } from './types';

export type BuiltinId =
  | 'sine-mix'
  | 'adding'
  | 'copy'
  | 'lookahead'
  | 'settling'
  | 'digits'
  | 'melodies'
  | 'seattle-weather'
  | 'austen'
  | 'irish-tunes';

export interface BuiltinParam {
  key: string;
  label: string;
  kind: 'int' | 'number' | 'choice';
  default: number | string;
  min?: number;
  max?: number;
  step?: number;
  options?: { value: string; label: string }[];
  help: string;
}

/** A starting point for the model setup (the UI may offer it as defaults). */
export interface SuggestedSetup {
  task: Task;
  seqLen: number;
  stride?: number;
  inputs?: string[];
  targets?: string[];
}

export interface BuiltinInfo {
  id: BuiltinId;
  title: string;
  /** One line: what the dataset tests. */
  blurb: string;
  kind: Dataset['kind'];
  source: 'generated' | 'file';
  /** For file datasets: the path under public/ (served from the site root). */
  file?: string;
  credit?: string;
  params: BuiltinParam[];
  suggested: SuggestedSetup;
}

export type BuiltinParams = Record<string, number | string>;

const BUILTINS: BuiltinInfo[] = [
  {
    id: 'sine-mix',
    title: 'Noisy sine mixture',
    blurb:
      'Forecasting warm-up: a sum of a few sine waves plus noise; every model should learn it, and the noise sets the floor on the error.',
    kind: 'table',
    source: 'generated',
    params: [
      { key: 'length', label: 'Time steps', kind: 'int', default: 3000, min: 100, max: 200000, help: 'Rows in the series.' },
      { key: 'components', label: 'Sine waves', kind: 'int', default: 3, min: 1, max: 8, help: 'Waves added per channel (periods 8 to 120 steps).' },
      { key: 'noise', label: 'Noise', kind: 'number', default: 0.1, min: 0, max: 2, step: 0.05, help: 'Standard deviation of the Gaussian noise added to each step.' },
      { key: 'channels', label: 'Channels', kind: 'int', default: 1, min: 1, max: 8, help: 'Independent series (columns).' },
    ],
    suggested: { task: 'many-to-many', seqLen: 64, inputs: ['value'] },
  },
  {
    id: 'adding',
    title: 'Adding problem',
    blurb:
      "The answer depends on two inputs far apart; a tanh RNN's gradient vanishes before it reaches them, LSTM/GRU/Mamba carry it. Always answering 1 scores an MSE of about 0.167.",
    kind: 'sequences',
    source: 'generated',
    params: [
      { key: 'length', label: 'Sequence length', kind: 'int', default: 50, min: 2, max: 2000, help: 'Steps per sequence; longer is harder.' },
      { key: 'count', label: 'Sequences', kind: 'int', default: 5000, min: 10, max: 100000, help: 'Number of sequences.' },
      {
        key: 'answer',
        label: 'Answer',
        kind: 'choice',
        default: 'end',
        options: [
          { value: 'end', label: 'once, at the end (many-to-one)' },
          { value: 'every', label: 'at every step: the sum so far (many-to-many)' },
        ],
        help: 'Where the targets are: one per sequence after its last step, or one per step.',
      },
    ],
    suggested: { task: 'many-to-one', seqLen: 50 },
  },
  {
    id: 'copy',
    title: 'Copy task',
    blurb:
      'Remember a string of symbols through a blank delay, then replay it: tests how much a state can hold and how long it lasts.',
    kind: 'sequences',
    source: 'generated',
    params: [
      { key: 'length', label: 'Symbols to copy', kind: 'int', default: 8, min: 1, max: 100, help: 'How many symbols to remember.' },
      { key: 'delay', label: 'Delay', kind: 'int', default: 20, min: 0, max: 1000, help: 'Blank steps between the symbols and the go signal.' },
      { key: 'symbols', label: 'Alphabet size', kind: 'int', default: 8, min: 2, max: 26, help: 'Distinct symbols (A, B, C, ...).' },
      { key: 'count', label: 'Sequences', kind: 'int', default: 4000, min: 10, max: 100000, help: 'Number of sequences.' },
    ],
    suggested: { task: 'many-to-many', seqLen: 36 },
  },
  {
    id: 'lookahead',
    title: 'Look ahead',
    blurb:
      'At each step, name the symbol a few steps later: a model reading left to right can only guess; a bidirectional one has read it.',
    kind: 'sequences',
    source: 'generated',
    params: [
      { key: 'length', label: 'String length', kind: 'int', default: 16, min: 2, max: 1000, help: 'Symbols per string.' },
      { key: 'ahead', label: 'Steps ahead', kind: 'int', default: 2, min: 1, max: 999, help: 'How far ahead the target lies (the last steps of a string have none and are not scored).' },
      { key: 'symbols', label: 'Alphabet size', kind: 'int', default: 4, min: 2, max: 26, help: 'Distinct symbols (A, B, C, ...).' },
      { key: 'count', label: 'Sequences', kind: 'int', default: 4000, min: 10, max: 100000, help: 'Number of strings.' },
    ],
    suggested: { task: 'many-to-many', seqLen: 16 },
  },
  {
    id: 'settling',
    title: 'Settling from a start',
    blurb:
      'Every sequence starts from the same hidden level and settles towards 0 while random pushes move it: a model must know where it starts before reading anything.',
    kind: 'sequences',
    source: 'generated',
    params: [
      { key: 'length', label: 'Steps', kind: 'int', default: 6, min: 1, max: 1000, help: 'Steps per sequence.' },
      { key: 'start', label: 'Start', kind: 'number', default: 3, min: -10, max: 10, step: 0.5, help: 'The level before the first step, the same for every sequence.' },
      { key: 'decay', label: 'Decay', kind: 'number', default: 0.8, min: 0, max: 1, step: 0.05, help: 'How much of the level is left after each step.' },
      { key: 'count', label: 'Sequences', kind: 'int', default: 4000, min: 10, max: 100000, help: 'Number of sequences.' },
    ],
    suggested: { task: 'many-to-many', seqLen: 6 },
  },
  {
    id: 'digits',
    title: 'Reverse or sort digits',
    blurb:
      'Sequence to sequence: read a string of digits, then write it reversed or sorted; the whole input must fit in the state before the first output.',
    kind: 'sequences',
    source: 'generated',
    params: [
      {
        key: 'mode',
        label: 'Task',
        kind: 'choice',
        default: 'reverse',
        options: [
          { value: 'reverse', label: 'Reverse' },
          { value: 'sort', label: 'Sort' },
        ],
        help: 'What the output does to the input.',
      },
      { key: 'length', label: 'Digits', kind: 'int', default: 8, min: 2, max: 50, help: 'Digits per string.' },
      { key: 'count', label: 'Sequences', kind: 'int', default: 5000, min: 10, max: 100000, help: 'Number of strings.' },
    ],
    suggested: { task: 'seq2seq', seqLen: 8 },
  },
  {
    id: 'melodies',
    title: 'Folk melodies',
    blurb:
      'Next-note prediction on 14 public-domain tunes: short, repetitive phrases a model can learn to continue.',
    kind: 'tokens',
    source: 'generated',
    params: [
      {
        key: 'transpose',
        label: 'Keys',
        kind: 'choice',
        default: 'original',
        options: [
          { value: 'original', label: 'As written' },
          { value: 'all', label: 'All 12 keys' },
        ],
        help: 'Add each tune in every key (12 times the data, a larger vocabulary).',
      },
    ],
    suggested: { task: 'many-to-many', seqLen: 32, stride: 4 },
  },
  {
    id: 'seattle-weather',
    title: 'Seattle daily weather, 2012–2015',
    blurb:
      'A real, noisy series with a yearly cycle: forecasting where the past predicts the future only in part.',
    kind: 'table',
    source: 'file',
    file: 'data/seattle-weather.csv',
    credit: 'NOAA National Climatic Data Center (public domain), via the vega-datasets package',
    params: [],
    suggested: { task: 'many-to-many', seqLen: 60, inputs: ['temp_max'] },
  },
  {
    id: 'austen',
    title: 'Pride and Prejudice, chapters 1–12',
    blurb:
      'Character-level language modelling on 100 KB of Jane Austen: spelling, words, punctuation and dialogue.',
    kind: 'tokens',
    source: 'file',
    file: 'data/pride-and-prejudice.txt',
    credit: 'Jane Austen (1813), public domain; text via Project Gutenberg and the janeaustenr package',
    params: [],
    suggested: { task: 'many-to-many', seqLen: 100, stride: 50 },
  },
  {
    id: 'irish-tunes',
    title: 'Irish dance tunes',
    blurb:
      'Next-note prediction on 299 traditional reels, jigs, polkas and hornpipes (55,000 notes): validated on tunes the model never trained on, so memorising shows.',
    kind: 'tokens',
    source: 'file',
    file: 'data/irish-tunes.txt',
    credit: "Breathnach's Ceol Rince na hÉireann, transcribed by Bill Black, MIDI by the Polifonia project (CC BY 4.0 / Unlicense)",
    params: [],
    suggested: { task: 'many-to-many', seqLen: 64, stride: 16 },
  },
];

export function listBuiltins(): BuiltinInfo[] {
  return BUILTINS.map((b) => ({ ...b, params: b.params.map((p) => ({ ...p })) }));
}

export function builtinInfo(id: string): BuiltinInfo {
  const info = BUILTINS.find((b) => b.id === id);
  if (!info) throw new DataError('bad-option', id, `${id}: there is no built-in dataset with this id.`);
  return info;
}

/** Fills in defaults and checks each parameter against its range or options. */
export function resolveParams(id: BuiltinId, params: BuiltinParams = {}): Record<string, number | string> {
  const info = builtinInfo(id);
  const out: Record<string, number | string> = {};
  for (const p of info.params) {
    const v = params[p.key] ?? p.default;
    if (p.kind === 'choice') {
      if (!p.options!.some((o) => o.value === v)) {
        const allowed = p.options!.map((o) => JSON.stringify(o.value)).join(', ');
        throw new DataError('bad-option', info.title, `${info.title}: ${p.label} must be one of ${allowed} (got ${JSON.stringify(v)}).`);
      }
      out[p.key] = v;
      continue;
    }
    const x = typeof v === 'number' ? v : Number(v);
    const whole = p.kind === 'int';
    if (!Number.isFinite(x) || (whole && !Number.isInteger(x)) || x < p.min! || x > p.max!) {
      throw new DataError(
        'bad-option',
        info.title,
        `${info.title}: ${p.label} must be ${whole ? 'a whole number' : 'a number'} from ${p.min} to ${p.max} (got ${JSON.stringify(v)}).`,
      );
    }
    out[p.key] = x;
  }
  return out;
}

/** Generates a synthetic built-in (synchronously). File-based ones need makeBuiltin. */
export function generateBuiltin(id: BuiltinId, params: BuiltinParams = {}, seed = 1): Dataset {
  const p = resolveParams(id, params);
  const n = (k: string) => p[k] as number;
  switch (id) {
    case 'sine-mix':
      return sineMix(n('length'), n('components'), n('noise'), n('channels'), seed);
    case 'adding':
      return addingProblem(n('length'), n('count'), seed, p.answer as 'end' | 'every');
    case 'copy':
      return copyTask(n('length'), n('delay'), n('symbols'), n('count'), seed);
    case 'lookahead':
      return lookAheadTask(n('length'), n('ahead'), n('symbols'), n('count'), seed);
    case 'settling':
      return settlingTask(n('length'), n('start'), n('decay'), n('count'), seed);
    case 'digits':
      return digitsTask(p.mode as 'reverse' | 'sort', n('length'), n('count'), seed);
    case 'melodies':
      return melodies(p.transpose as 'original' | 'all', seed);
    default:
      throw new DataError('bad-option', id, `${id}: this built-in is read from a file; use makeBuiltin.`);
  }
}

export type FetchBytes = (path: string) => Promise<ArrayBuffer | Uint8Array>;

/** Fetches a file under public/ relative to the site's base URL (works in a page and in a worker). */
export const fetchPublicFile: FetchBytes = async (path) => {
  const here = typeof location !== 'undefined' ? location.href : 'http://localhost/';
  // import.meta.env exists under Vite (page, worker, Vitest); fall back to the root elsewhere.
  const base = (import.meta.env?.BASE_URL as string | undefined) ?? '/';
  const url = new URL(`${base}${path}`, here);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${res.statusText}`);
  return res.arrayBuffer();
};

/** Any built-in: generated ones from params and seed, file ones fetched and parsed. */
export async function makeBuiltin(
  id: BuiltinId,
  params: BuiltinParams = {},
  seed = 1,
  opts: { fetchBytes?: FetchBytes } = {},
): Promise<Dataset> {
  const info = builtinInfo(id);
  if (info.source === 'generated') return generateBuiltin(id, params, seed);
  const bytes = await (opts.fetchBytes ?? fetchPublicFile)(info.file!);
  const name = info.file!.split('/').pop()!;
  // Melodies as note tokens, not characters.
  if (id === 'irish-tunes') return irishTunes(name, new TextDecoder().decode(bytes), seed);
  const { dataset } = await parseFile(name, bytes);
  return dataset;
}
