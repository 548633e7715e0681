// The run in the URL hash, as the TensorFlow Playground does it: a reload or a shared link
// restores the same data, models, training settings and seed, hence the same run. Compact and
// readable: #d=sine-mix&dp=noise:0.1&m=lstm.1.32.16.2.0.z~rnn_tanh.1.32.16.2.0.z&o=adam&lr=0.01&s=1
// Reading is forgiving: anything missing, malformed or out of range falls back to its default.

import type { DataChoice, ModelSlot, TrainingSettings } from '../../worker/protocol';
import { decodeSlot, encodeSlot } from '../../models/registry';
import { builtinInfo, completeParams, type ParamValues } from '../data/catalog';
import { lessonById } from '../lessons/lessons';
import { DEFAULT_CHOICE, DEFAULT_DATASET, DEFAULT_SEED, DEFAULT_TRAINING, MAX_MODELS, SLOT_IDS, defaultSlot } from '../state/defaults';

export interface HashState {
  dataset: { id: string; params: ParamValues };
  /** A file named by the link: files cannot travel in a URL, so the page asks for it again. */
  fileName: string | null;
  models: ModelSlot[];
  training: TrainingSettings;
  choice: DataChoice;
  seed: number;
  /** The lesson whose text is open beside the views (src/ui/lessons/lessons.ts), if any. */
  lesson?: string | null;
}

const HASH_VERSION = '1';

/** Like URLSearchParams, but leaves the separators used inside values (: , | .) readable. */
class HashWriter {
  private readonly parts: string[] = [];
  set(key: string, value: string): void {
    this.parts.push(`${key}=${encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%7C/gi, '|')}`);
  }
  toString(): string {
    return this.parts.join('&');
  }
}

export function encodeHash(state: HashState): string {
  const p = new HashWriter();
  p.set('v', HASH_VERSION);
  if (state.lesson) p.set('lesson', state.lesson);
  if (state.fileName) p.set('f', state.fileName);
  else {
    p.set('d', state.dataset.id);
    const params = Object.entries(state.dataset.params).map(([k, v]) => `${k}:${v}`);
    if (params.length) p.set('dp', params.join(','));
  }
  // Each slot as its family writes it (families/shared.ts: kind.layers.hidden.dState.expand.bi.init).
  p.set('m', state.models.map(encodeSlot).join('~'));
  const t = state.training;
  p.set('o', t.optimizer);
  p.set('lr', String(t.lr));
  p.set('b', String(t.batch));
  p.set('T', String(t.seqLen));
  p.set('tb', String(t.tbptt));
  p.set('clip', String(t.clip));
  p.set('sp', String(t.speed));
  p.set('ve', String(t.validateEvery));
  // The stop conditions only when set, so links made before them read the same.
  if (t.pauseAt) p.set('pa', String(t.pauseAt));
  if (t.patience) p.set('pat', String(t.patience));
  p.set('s', String(state.seed));
  const c = state.choice;
  // How the table is read: only what was chosen (detection decides the rest on every load).
  if (c.time !== 'auto') p.set('time', c.time);
  if (c.key !== 'auto') p.set('key', c.key);
  if (c.key !== 'auto' && c.keys.length) p.set('keys', c.keys.join('|'));
  if (c.inputColumns.length) p.set('in', c.inputColumns.join('|'));
  if (c.targetColumns.length) p.set('out', c.targetColumns.join('|'));
  if (c.normalize !== DEFAULT_CHOICE.normalize) p.set('norm', c.normalize);
  if (c.validationFraction !== DEFAULT_CHOICE.validationFraction) p.set('vf', String(c.validationFraction));
  if (c.missing !== DEFAULT_CHOICE.missing) p.set('miss', c.missing);
  return p.toString();
}

/** An integer in [min, max], or the fallback. */
function int(text: string | null, min: number, max: number, fallback: number): number {
  const v = text === null ? NaN : Number(text);
  return Number.isInteger(v) && v >= min && v <= max ? v : fallback;
}

function real(text: string | null, min: number, max: number, fallback: number): number {
  const v = text === null || text === '' ? NaN : Number(text);
  return Number.isFinite(v) && v >= min && v <= max ? v : fallback;
}

function oneOf<T extends string>(text: string | null, options: readonly T[], fallback: T): T {
  return options.includes(text as T) ? (text as T) : fallback;
}

function decodeSpeed(text: string | null): number | 'max' {
  const v = real(text, 0.1, 1000, NaN);
  return Number.isNaN(v) ? DEFAULT_TRAINING.speed : v;
}

function decodeParams(text: string | null): ParamValues {
  const out: ParamValues = {};
  for (const pair of (text ?? '').split(',')) {
    const [k, v] = pair.split(':');
    if (!k || v === undefined || v === '') continue;
    out[k] = Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return out;
}

/** Reads a hash (with or without its leading '#'); never throws. */
export function decodeHash(hash: string): HashState {
  let p: URLSearchParams;
  try {
    p = new URLSearchParams(hash.replace(/^#/, ''));
  } catch {
    p = new URLSearchParams();
  }
  const id = builtinInfo(p.get('d') ?? '') ? p.get('d')! : DEFAULT_DATASET;
  const models = (p.get('m') ?? '')
    .split('~')
    .slice(0, MAX_MODELS)
    .map((text, i) => decodeSlot(text, SLOT_IDS[i]))
    .filter((m): m is ModelSlot => m !== null)
    .map((m, i) => ({ ...m, id: SLOT_IDS[i] }));
  const t = DEFAULT_TRAINING;
  const speedText = p.get('sp');
  const columns = (key: string) => (p.get(key) ?? '').split('|').filter((s) => s.length > 0);
  return {
    dataset: { id, params: completeParams(id, decodeParams(p.get('dp'))) },
    fileName: p.get('f') || null,
    models: models.length > 0 ? models : [defaultSlot('a')],
    training: {
      optimizer: oneOf(p.get('o'), ['adam', 'sgd'] as const, t.optimizer),
      lr: real(p.get('lr'), 1e-6, 10, t.lr),
      batch: int(p.get('b'), 1, 1024, t.batch),
      seqLen: int(p.get('T'), 2, 1024, t.seqLen),
      tbptt: int(p.get('tb'), 0, 1024, t.tbptt),
      clip: real(p.get('clip'), 0, 1e6, t.clip),
      speed: speedText === 'max' ? 'max' : decodeSpeed(speedText),
      validateEvery: int(p.get('ve'), 1, 100_000, t.validateEvery),
      pauseAt: int(p.get('pa'), 0, 100_000_000, 0),
      patience: int(p.get('pat'), 0, 100_000, 0),
    },
    choice: {
      time: p.get('time') ?? 'auto',
      key: p.get('key') ?? 'auto',
      keys: p.get('key') !== null ? columns('keys') : [],
      inputColumns: columns('in'),
      targetColumns: columns('out'),
      normalize: oneOf(p.get('norm'), ['zscore', 'minmax', 'changes', 'none'] as const, DEFAULT_CHOICE.normalize),
      validationFraction: real(p.get('vf'), 0, 0.9, DEFAULT_CHOICE.validationFraction),
      missing: oneOf(p.get('miss'), ['drop', 'ffill', 'none'] as const, DEFAULT_CHOICE.missing),
    },
    seed: int(p.get('s'), 0, 2 ** 31 - 1, DEFAULT_SEED),
    // Only when the hash names a known lesson, so a plain link's state stays as it was.
    ...(lessonById(p.get('lesson')) ? { lesson: p.get('lesson') } : {}),
  };
}
