// The shapes the data layer hands to the UI and the trainer. All plain data (typed arrays, strings,
// numbers), so every one of them can cross postMessage between the worker and the page.

export interface ColumnStats {
  /** Values present (not missing). */
  count: number;
  /** Cells that were empty or marked missing (NaN in `values`). */
  missing: number;
  /** NaN when the column has no values. */
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
}

/** A numeric column; a missing value is NaN. */
export interface NumericColumn {
  name: string;
  values: Float64Array;
  stats: ColumnStats;
}

/** A non-numeric column (dates, names, categories): kept for labels and chart axes, not as input. */
export interface LabelColumn {
  name: string;
  values: string[];
  /** The distinct values in first-seen order, when there are at most 64 of them; else null. */
  categories: string[] | null;
}

export interface TablePreview {
  header: string[];
  /** The first rows as written in the file (at most PREVIEW_ROWS). */
  rows: string[][];
}

/** A table of time steps (rows) by features (columns). */
export interface TableDataset {
  kind: 'table';
  name: string;
  rowCount: number;
  columns: NumericColumn[];
  labels: LabelColumn[];
  /** For each row, where it came from: a 1-based line number, or a 0-based JSON item index. */
  rowRefs: Int32Array;
  rowRefKind: 'line' | 'item';
  preview: TablePreview;
}

/** A melody token: pitch (MIDI note number; -1 for a rest or the end-of-tune mark) and length in beats. */
export interface NoteToken {
  pitch: number;
  beats: number;
}

/** A sequence of tokens from a vocabulary: characters of a text, or notes of melodies. */
export interface TokenDataset {
  kind: 'tokens';
  name: string;
  unit: 'character' | 'note';
  /** Token strings, sorted (characters by code point); ids index this. */
  vocab: string[];
  ids: Uint16Array;
  /** How often each vocab entry occurs. */
  counts: Int32Array;
  /** For notes: what each vocab entry plays. */
  notes?: NoteToken[];
  /** For melodies: where each tune starts in `ids` and how long it is. */
  segments?: { title: string; start: number; length: number }[];
  /** For a MIDI upload: its tracks, the one taken, tempo and metre (./midi/parse.ts). */
  music?: import('./midi/parse').MusicInfo;
  preview: string;
}

export type TargetKind = 'real' | 'class';

/**
 * Independent samples already cut into sequences (adding problem, copy task, digit strings).
 * inputs: [count, seqLen, inputSize], batch-first, row-major.
 */
export interface SequenceDataset {
  kind: 'sequences';
  name: string;
  task: Task;
  count: number;
  seqLen: number;
  inputSize: number;
  inputs: Float32Array;
  inputNames: string[];
  targetLen: number;
  /** real: values [count, targetLen, size]; class: ids [count, targetLen] in [0, classNames.length). */
  target:
    | { kind: 'real'; size: number; values: Float32Array; names: string[] }
    | { kind: 'class'; ids: Int32Array; classNames: string[] };
  /** [count, targetLen]: 1 where the loss counts, 0 where it does not; null = everywhere. */
  mask: Float32Array | null;
}

export type Dataset = TableDataset | TokenDataset | SequenceDataset;

/** many-to-many: a target at every step; many-to-one: one target per sequence; seq2seq: an output sequence after the input. */
export type Task = 'many-to-many' | 'many-to-one' | 'seq2seq';

/** Progress of a parse, for a progress bar: `fraction` runs from 0 to 1 over the whole parse. */
export interface ParseProgress {
  phase: 'decoding' | 'parsing' | 'finishing';
  fraction: number;
  /** Data rows (or characters, for text) read so far. */
  rows: number;
}
export type ProgressFn = (p: ParseProgress) => void;
