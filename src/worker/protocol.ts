// Typed messages between the UI (main thread) and the training worker, which owns the GPUDevice.
// The main thread never touches GPU objects: it sends commands and draws what comes back.
// Everything here is plain data (numbers, strings, typed arrays) so it crosses postMessage.

import type { GpuInfo } from '../gpu/device';
import type { GpuProblemKind } from '../gpu/errors';
import type { ProbeData } from '../train/probes';

export interface SelfTestResult {
  ok: boolean;
  /** What ran: e.g. "matmul 33x17x65 vs float64 reference". */
  what: string;
  maxRelErr: number;
  ms: number;
}

// ---- configuration ----------------------------------------------------------------------

export type ModelKind = import('../models/registry').ModelKind;

/** One model of a run; a comparison run trains up to three on the same data and device. */
export interface ModelSlot {
  id: string;
  kind: ModelKind;
  layers: number;
  /** Hidden size (recurrent) or d_model (Mamba). */
  hidden: number;
  /** Mamba only: state size N and expansion factor. */
  dState: number;
  expand: number;
  bidirectional: boolean;
  initialState: 'zeros' | 'learned';
}

export interface TrainingSettings {
  optimizer: 'adam' | 'sgd';
  lr: number;
  batch: number;
  /** Sequence length of a training window. */
  seqLen: number;
  /** Truncated BPTT chunk length; 0 backpropagates through the whole window. */
  tbptt: number;
  /** Global gradient-norm clip; 0 is off. */
  clip: number;
  /** Steps per animation frame's worth of time; 'max' runs flat out. */
  speed: number | 'max';
  /** Run validation every this many steps. */
  validateEvery: number;
}

export type DataSource =
  | { kind: 'builtin'; id: string; params: Record<string, number | string>; seed: number }
  | { kind: 'file'; name: string; bytes: ArrayBuffer };

/** The user's choices about a loaded table: which columns go in, which are predicted. */
export interface DataChoice {
  inputColumns: string[];
  targetColumns: string[];
  normalize: 'zscore' | 'minmax' | 'none';
  validationFraction: number;
  missing: 'drop' | 'ffill' | 'none';
}

export interface RunConfig {
  models: ModelSlot[];
  training: TrainingSettings;
  data: DataChoice;
  seed: number;
}

// ---- what the worker reports ------------------------------------------------------------

export interface DataSummary {
  name: string;
  kind: 'table' | 'tokens' | 'sequences';
  /** One line on what the dataset tests (built-ins) or where it came from (uploads). */
  description: string;
  task: 'many-to-many' | 'many-to-one' | 'seq2seq';
  loss: 'mse' | 'cross_entropy';
  length: number;
  columns: Array<{ name: string; min: number; max: number; mean: number; missing: number }>;
  preview: { header: string[]; rows: string[][] };
  /** Up to 2,000 points per column for the preview chart (downsampled). */
  series: Array<{ name: string; values: Float32Array }>;
  vocab?: string[];
  warnings: string[];
}

export interface StepReport {
  step: number;
  loss: number;
  gradNorm: number;
  clipScale: number;
  nonFinite: boolean;
  paramNorms: Record<string, number>;
}

/**
 * What the views draw for one sample of one model, read without stalling training: hidden states
 * (T, units), named gate maps (T, H: LSTM input/forget/cell/output and cell state, GRU
 * reset/update/new, Mamba delta), ‖∂L/∂h_t‖ over the batch for each t, and the head's
 * predictions against the targets (argmax class for cross-entropy).
 */
export type ProbeReport = ProbeData & { modelId: string };

/** Fractions of target tokens, and of whole target sequences, decoded right. */
export interface DecodeScores {
  forcedTokens: number;
  freeTokens: number;
  forcedSequences: number;
  freeSequences: number;
}

export type ToWorker =
  | { type: 'init' }
  | { type: 'self-test' }
  | { type: 'load-data'; source: DataSource }
  | { type: 'configure'; run: RunConfig }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset' }
  | { type: 'set-speed'; speed: number | 'max' }
  | { type: 'probe'; sample: number; layer: number }
  | { type: 'sample-text'; modelId: string; prompt: string; length: number; temperature: number }
  /** Step-through BPTT on the first model: each 'bptt-step' goes one timestep further back. */
  | { type: 'bptt-step'; sample: number }
  | { type: 'bptt-stop' }
  /** Continue a validation window past its end, feeding predictions back in. */
  | { type: 'forecast'; modelId: string; horizon: number }
  /** Sequence-to-sequence: decode the validation batch on the models' own outputs (no teacher forcing). */
  | { type: 'decode' }
  /** A model's weights as a file (answered by 'weights'); `name` labels the model in it. */
  | { type: 'export-weights'; modelId: string; name: string }
  /** Load a weights file into a model: the run restarts from step 0 (refused with 'action-error' if it does not fit). */
  | { type: 'load-weights'; modelId: string; file: string; text: string }
  /** Destroys the GPU device as a driver reset would (tests the recovery path). */
  | { type: 'debug-lose-device' };

export type FromWorker =
  | { type: 'gpu-ready'; info: GpuInfo; selfTest: SelfTestResult }
  | { type: 'gpu-problem'; kind: GpuProblemKind; message: string; detail: string }
  | { type: 'data-progress'; fraction: number; rows: number }
  | { type: 'data-loaded'; summary: DataSummary }
  | { type: 'data-error'; message: string; detail: string }
  /** seqLen: the steps each training window holds (the task's own length where it fixes one). */
  /** schedule: how the GPU runs the model's sequence kernel, in a few words. */
  | { type: 'configured'; models: Array<{ id: string; parameters: number; names: string[]; seqLen: number; schedule: string }> }
  | { type: 'config-error'; message: string }
  /** A request on a configured run was refused (`action`: what was asked); the run is unchanged. */
  | { type: 'action-error'; action: string; message: string }
  | { type: 'running'; running: boolean }
  | { type: 'steps'; modelId: string; reports: StepReport[]; msPerStep: number }
  | { type: 'validation'; modelId: string; step: number; loss: number }
  | { type: 'probe'; probe: ProbeReport }
  | { type: 'non-finite'; modelId: string; step: number; params: string[] }
  | { type: 'text-sample'; modelId: string; text: string }
  /** In the data's own units (normalisation inverted): the window, the model's one-step fit of it, and the forecast past its end; first target column. */
  | { type: 'forecast'; modelId: string; column: string; context: Float32Array; fit: Float32Array; forecast: Float32Array }
  /**
   * Free-running decoding of the validation batch: the first `samples` sequences' targets and
   * the model's choices with and without teacher forcing (each samples x U), and the scores
   * over the whole batch.
   */
  | { type: 'decode'; modelId: string; step: number; samples: number; targetLength: number; target: Int32Array; forced: Int32Array; free: Int32Array; scores: DecodeScores }
  /** A model's weights file (JSON text, src/train/weights.ts). */
  | { type: 'weights'; modelId: string; step: number; text: string }
  /** ∂L/∂h_t of the sample (H values) and ‖∂L/∂h_t‖ over the batch, at the timestep just walked. */
  | { type: 'bptt'; modelId: string; t: number; T: number; norm: number; dh: Float32Array; done: boolean };

/** Posts a typed message (a thin wrapper so both ends are checked against the protocol). */
export function post<T extends ToWorker | FromWorker>(target: { postMessage(message: T): void }, message: T): void {
  target.postMessage(message);
}
