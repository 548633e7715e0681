// The run a fresh page starts with: an LSTM on the sine task that learns within seconds.

import type { DataChoice, ModelKind, TrainingSettings } from '../../worker/protocol';
import { defaultSlot, kindLabel, SLOT_KINDS } from '../../models/registry';

export const MAX_MODELS = 3;
export const SLOT_IDS = ['a', 'b', 'c'] as const;
/** One colour per comparison slot, used by every view so a model keeps its colour. */
export const SLOT_COLORS: Record<string, string> = { a: '#f5a524', b: '#5ac8fa', c: '#c084fc' };

/** The kinds of the model card's menu, from the model-family registry (src/models/registry.ts). */
export const MODEL_KINDS: ReadonlyArray<{ kind: ModelKind; label: string }> = SLOT_KINDS;

// A fresh slot of a kind takes its family's field defaults.
export { defaultSlot, kindLabel };

export const DEFAULT_TRAINING: TrainingSettings = {
  optimizer: 'adam',
  lr: 0.01,
  batch: 16,
  seqLen: 32,
  tbptt: 0,
  clip: 1,
  speed: 'max',
  validateEvery: 20,
  pauseAt: 0,
  patience: 0,
};

export const DEFAULT_CHOICE: DataChoice = {
  time: 'auto',
  key: 'auto',
  keys: [],
  inputColumns: [],
  targetColumns: [],
  normalize: 'zscore',
  validationFraction: 0.1,
  missing: 'ffill',
};

export const DEFAULT_DATASET = 'sine-mix';
export const DEFAULT_SEED = 1;

/** Speeds offered, in steps per second; 'max' runs flat out. */
export const SPEEDS: Array<number | 'max'> = [1, 5, 20, 60, 'max'];
