// Typed messages between the UI (main thread) and the training worker, which owns the GPUDevice.
// The main thread never touches GPU objects: it sends commands and draws what comes back.
// Everything here is plain data (numbers, strings, typed arrays) so it crosses postMessage.

import type { FitNote } from '../data/fitWindow';
import type { DataChoice, DataShape } from '../data/source';
import type { GpuInfo } from '../gpu/device';
import type { GpuProblemKind } from '../gpu/errors';
import type { ProbeData } from '../train/probes';
import type { DecodeScores } from '../train/decodeScores';
import type { StepStats } from '../train/trainer';
import type { WeightsFormat } from '../train/weights';
import type { RunProbeReport } from './runProbe';

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
  /** LSTM only: the forget gate's bias at initialisation (0 as PyTorch, 1 as Keras's unit_forget_bias); absent means 0. */
  forgetBias?: number;
  /** tanh RNN only: weight_hh's initial values times this (1 as PyTorch; 3 makes gradients explode); absent means 1. */
  recurrentScale?: number;
  /** This model's gradient clip (global norm; 0 = off) in place of the run's; absent means the run's. */
  clip?: number;
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
  /** Pause when the first model reaches this step while playing; 0 or absent: never. */
  pauseAt?: number;
  /** Pause when no model's validation loss has improved for this many evaluations; 0 or absent: never. */
  patience?: number;
}

export type DataSource =
  | { kind: 'builtin'; id: string; params: Record<string, number | string>; seed: number }
  /**
   * For a MIDI file: `midiTrack`, the track to read (default: the fullest non-drum one);
   * `midiEncoding`, its highest line as pitch:length tokens (default) or every note as events.
   */
  | { kind: 'file'; name: string; bytes: ArrayBuffer; midiTrack?: number; midiEncoding?: import('../data/midi/parse').MidiEncoding }
  /** The file or built-in loaded last (or on its way), read again with another shape. */
  | { kind: 'same' };

/** The user's choices about a loaded table: how it is read, which columns go in, which are predicted. */
export type { DataChoice, DataShape } from '../data/source';

export interface RunConfig {
  models: ModelSlot[];
  training: TrainingSettings;
  data: DataChoice;
  seed: number;
}

// ---- saved runs -------------------------------------------------------------------------

/** Where a saved run's data comes from: a built-in as generated, or a file (its bytes stay in the store). */
export type SavedSource =
  | { kind: 'builtin'; id: string; params: Record<string, number | string>; seed: number }
  /** `midiTrack`, `midiEncoding`: how a MIDI file was read, when not the default. */
  | { kind: 'file'; name: string; size: number; midiTrack?: number; midiEncoding?: import('../data/midi/parse').MidiEncoding };

/** A saved run as the runs list shows it (src/worker/persist.ts keeps the rest: parameters, optimizer state, histories). */
export interface RunMeta {
  id: string;
  name: string;
  /** Milliseconds since 1970: first saved, last saved. */
  created: number;
  saved: number;
  source: SavedSource;
  /** How the table was read when the run was saved. */
  shape: DataShape;
  run: RunConfig;
  /** The models in a few words each ("LSTM 1×16"). */
  models: string[];
  /** The first model's optimizer step when saved. */
  step: number;
  /** The lowest validation loss of any model, or null. */
  bestValidation: number | null;
  /** About how many bytes the run takes in the store. */
  bytes: number;
}

/** Whether the run in place is saved: 'failed' says the last save was refused (the run goes on in memory). */
export type SaveState = 'unsaved' | 'saved' | 'failed';

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
  /**
   * A table's time axis, when a column reads as time: milliseconds since 1970-01-01 UTC for every
   * row of the table the run trains on (NaN where a cell was not read), and the finest unit used.
   */
  time?: { column: string; described: string; unit: 'year' | 'month' | 'day' | 'minute' | 'second'; ms: Float64Array };
  /** For a table: how it was read (src/data/shape.ts): the shape applied, each column's role, the choices offered. */
  layout?: {
    applied: DataShape;
    columns: Array<{ name: string; numeric: boolean; role: 'time' | 'index' | 'key' | 'value' | 'label'; reason: string }>;
    timeCandidates: Array<{ column: string; described: string }>;
    keyCandidates: Array<{ name: string; values: string[]; rows: number[] }>;
    defaultInputs: string[];
    defaultTarget: string | null;
  };
  /** For melodies (built-in or MIDI): the token stream as notes, for the piano roll and the player. */
  music?: MusicSummary;
  /** The x value of each point of `series` (a row number from 1, or a time in ms when `time` is set). */
  seriesX?: Float64Array;
}

/**
 * Melodies as the page draws and plays them: `notes[id]` is what token id plays (pitch -1: a
 * rest, or with 0 beats the end of a tune), `ids` the stream (up to MUSIC_IDS tokens), and for a
 * MIDI upload its tracks, tempo and metre.
 */
export interface MusicSummary {
  /** 'melody': notes[id] says what each token plays; 'events': tokens are on/off/wait events (notes is empty). */
  encoding: import('../data/midi/parse').MidiEncoding;
  /** Grid steps per beat (events count their waits in steps). */
  stepsPerBeat: number;
  notes: Array<{ pitch: number; beats: number }>;
  ids: Uint16Array;
  /** Tokens in the whole stream (ids may hold fewer). */
  length: number;
  /** Where validation starts in the stream (the run's default split). */
  validationStart: number;
  midi: import('../data/midi/parse').MusicInfo | null;
}

/** One optimizer step's numbers, as the trainer reads them back (src/train/trainer.ts). */
export type { StepStats } from '../train/trainer';

/**
 * What the views draw for one sample of one model, read without stalling training: hidden states
 * (T, units), named gate maps (T, H: LSTM input/forget/cell/output and cell state, GRU
 * reset/update/new, Mamba delta), ‖∂L/∂h_t‖ over the batch for each t, and the head's
 * predictions against the targets (argmax class for cross-entropy; on a table, in the data's
 * own units). `firstRow`: on a table, the 0-based table row of the first target (step t's is
 * firstRow + t); null otherwise.
 */
export type ProbeReport = ProbeData & { modelId: string; firstRow: number | null };

/** Fractions of target tokens, and of whole target sequences, decoded right. */
export type { DecodeScores } from '../train/decodeScores';

/**
 * Where a refused configuration should be changed: a model's setting, a training setting or a
 * data choice. The page shows the message next to that setting.
 */
export type SettingRef =
  | { scope: 'model'; modelId: string; field: keyof ModelSlot }
  | { scope: 'training'; field: keyof TrainingSettings }
  | { scope: 'data'; field: keyof DataChoice };

// ---- commands ---------------------------------------------------------------------------
// The worker runs commands one at a time, in order (src/worker/queue.ts). A command about the run
// carries the generation the page had when it sent it: the generation of the last 'configure'
// the page sent. The worker drops such a command when its run is of another generation (it was
// superseded on the way), and a newer 'configure' drops queued ones instead of racing them.

/** A command about the run as the page last configured it. */
export type RunCommand =
  | { type: 'step' }
  | { type: 'reset' }
  /**
   * Text or melodies from a token model: the primer read, then `length` tokens sampled at the
   * temperature (0: greedy). Answered by 'generate-progress' now and then and one 'generated';
   * stopped by 'generate-cancel' or any change of the run (src/worker/generation.ts).
   */
  | { type: 'generate'; modelId: string; primer: GeneratePrimer; length: number; temperature: number }
  /** Step-through BPTT on the first model: each 'bptt-step' goes one timestep further back. */
  | { type: 'bptt-step'; sample: number }
  /**
   * A forecast on a table (answered by 'forecast'): 'future' runs on `horizon` rows past the end
   * of the data; 'backtest' hides the last `horizon` rows (never trained on), forecasts them and
   * scores the forecast against them.
   */
  | { type: 'forecast'; modelId: string; mode: ForecastMode; horizon: number }
  /** Sequence-to-sequence: decode the validation batch on the models' own outputs (no teacher forcing). */
  | { type: 'decode' }
  /** A model's weights as a file (answered by 'weights'); `name` labels the model in it. */
  | { type: 'export-weights'; modelId: string; name: string; format: WeightsFormat }
  /** The run of one model as a zip for PyTorch (src/export/pytorchExport.ts), answered by 'pytorch-export'; `name` labels the model. */
  | { type: 'export-pytorch'; modelId: string; name: string }
  /**
   * Load a weights file, JSON or safetensors (told apart by its name or first bytes), into a
   * model: the run restarts from step 0 (refused with 'action-error' if it does not fit).
   * `bytes` are the file's, transferred.
   */
  | { type: 'load-weights'; modelId: string; file: string; bytes: ArrayBuffer };

/** What a generation reads first: the first `tokens` of the validation data, given token ids, or text (characters outside the vocabulary skipped). */
export type GeneratePrimer = { kind: 'validation'; tokens: number } | { kind: 'ids'; ids: number[] } | { kind: 'text'; text: string };

export type ToWorker =
  /** `backend`: the page's remembered choice (the GPU panel's switch); absent means 'auto'. */
  | { type: 'init'; backend?: 'auto' | 'webgpu' | 'cpu' }
  /** Stops generations in progress and queued (answered by their 'generated', marked cancelled). */
  | { type: 'generate-cancel' }
  /** `request` numbers the page's loads: only the latest one's dataset is kept. */
  | { type: 'load-data'; source: DataSource; request: number; shape: DataShape }
  | { type: 'configure'; run: RunConfig; generation: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'set-speed'; speed: number | 'max' }
  | { type: 'probe'; sample: number; layer: number }
  | { type: 'bptt-stop' }
  | (RunCommand & { generation: number })
  /** Destroys the GPU device as a driver reset would (tests the recovery path). */
  | { type: 'debug-lose-device' }
  /** Moves the run to the other backend (WebGPU or the CPU), parameters, optimizer state and history carried over. */
  | { type: 'switch-backend'; backend: 'webgpu' | 'cpu' }
  /**
   * Opens a saved run exactly as it was saved (parameters, optimizer state, sampler, histories):
   * answered by 'run-opened' with `request` and `generation`, or by 'data-error' with `request`.
   */
  | { type: 'open-run'; id: string; request: number; generation: number }
  /** Saves the run in place now if anything is unsaved (the tab is being hidden). */
  | { type: 'save-run' }
  /** Answered by 'runs' (also sent after every save, rename and delete). */
  | { type: 'list-runs' }
  | { type: 'rename-run'; id: string; name: string }
  /** A copy of a saved run under a new id ("… (copy)"), to train on while the original stays. */
  | { type: 'duplicate-run'; id: string }
  | { type: 'delete-run'; id: string }
  /** A saved run as one file (src/worker/runFile.ts), answered by 'run-file' or 'runs-error'. */
  | { type: 'export-run'; id: string }
  /** A run file from another browser, added to the saved runs: answered by 'runs' or 'runs-error'. */
  | { type: 'import-run'; file: string; bytes: ArrayBuffer };

/** Requests about the saved runs, answered beside the queue (they need no GPU and wait for no window). */
export type RunsRequest = Extract<ToWorker, { type: 'list-runs' | 'rename-run' | 'duplicate-run' | 'delete-run' | 'export-run' | 'import-run' }>;

// ---- replies ----------------------------------------------------------------------------

/** What a forecast is asked to do: continue past the end of the data, or hide its last rows and forecast them. */
export type ForecastMode = 'future' | 'backtest';

/**
 * A forecast on the table the run trains on, in the data's own units (normalisation inverted),
 * for the first target column. Rows are 0-based table rows; with T context rows and N = the
 * forecast's length, the context holds rows [startRow, startRow + T) and the forecast rows
 * [startRow + T, startRow + T + N) (past the end of the data for 'future').
 */
export interface ForecastResult {
  /**
   * 'future': from the end of the data on, each prediction fed back in as the next input.
   * 'backtest': the same from just before the hidden last rows, with those rows as `truth`.
   * 'one-step': a backtest where the targets are not the inputs (nothing to feed back): each
   * hidden row is predicted from the true inputs of the rows before it.
   */
  mode: ForecastMode | 'one-step';
  /** The model's step count when it forecast. */
  step: number;
  column: string;
  /** The table row of context[0]. */
  startRow: number;
  /** The target column over the context rows (T). */
  context: Float32Array;
  /** One step ahead over the context (T - 1): fit[t] predicts row startRow + t + 1 from the true rows before it. */
  fit: Float32Array;
  /** The forecast (N). */
  forecast: Float32Array;
  /** Backtests: the hidden rows' values (N); null for 'future'. */
  truth: Float32Array | null;
  /** Backtests: mean absolute and root-mean-square error of the forecast against the truth, in data units. */
  mae: number | null;
  rmse: number | null;
}
// A reply about a run carries that run's generation; the page drops replies of a generation it
// has moved past.

export interface ConfiguredModel {
  id: string;
  parameters: number;
  names: string[];
  /** Steps per training window (the task's own length where it fixes one). */
  seqLen: number;
  /** How the GPU runs the model's sequence kernel, in a few words. */
  schedule: string;
  /** True when the model kept its parameters, optimizer state and step count from the run before. */
  kept: boolean;
  /** A newcomer beside kept models: the step the others were at when it joined (it starts at 0). */
  joinedAt: number | null;
  /** False when the data has no validation part (none chosen, or too short for a window): no validation loss comes. */
  validation: boolean;
}

export type FromWorker =
  | { type: 'gpu-ready'; info: GpuInfo; selfTest: SelfTestResult }
  /** The configured run timed on the backend in use (and on the other, on a software adapter): ./runProbe.ts. */
  | { type: 'run-probe'; report: RunProbeReport }
  | { type: 'gpu-problem'; kind: GpuProblemKind; message: string; detail: string }
  | { type: 'data-progress'; request: number; fraction: number; rows: number }
  /** `restored`: the worker brought its dataset back after a lost device (nobody asked for it). */
  | { type: 'data-loaded'; request: number; summary: DataSummary; restored: boolean }
  | { type: 'data-error'; request: number; message: string; detail: string }
  /** `warnings`: what preparing the data noticed (e.g. a validation split too short to use). */
  /**
   * `fitNotes`: the sequence length or validation share the run uses instead of the one asked for
   * (a short series), each with why; `noValidation`: why there is no validation loss, or null.
   */
  | { type: 'configured'; generation: number; models: ConfiguredModel[]; warnings: string[]; fitNotes: FitNote[]; noValidation: string | null }
  /**
   * The run of `generation` could not be built; the run of `live` (null: none) is still in place
   * and trains as before. `setting` names what to change, when one setting is the reason.
   */
  | { type: 'config-error'; generation: number; live: number | null; message: string; setting: SettingRef | null }
  /** A request on a configured run was refused (`action`: what was asked); the run is unchanged. */
  | { type: 'action-error'; generation: number; action: string; message: string }
  /** `reason`: why the worker paused by itself (a stop condition met, a non-finite step). */
  | { type: 'running'; running: boolean; reason?: string }
  | { type: 'steps'; generation: number; modelId: string; reports: StepStats[]; msPerStep: number }
  | { type: 'validation'; generation: number; modelId: string; step: number; loss: number }
  | { type: 'probe'; generation: number; probe: ProbeReport }
  /** A model's step had a NaN or infinite gradient: it was not applied, the model stops, and the worker pauses the run. */
  | { type: 'non-finite'; generation: number; modelId: string; step: number; params: string[] }
  /** Tokens made so far by a generation (all of them), `made` of `total`. */
  | { type: 'generate-progress'; generation: number; modelId: string; made: number; total: number; ids: Int32Array }
  /** A finished (or cancelled) generation: the primer's ids, where it starts in the data (-1: not from it), the tokens made. */
  | { type: 'generated'; generation: number; modelId: string; step: number; temperature: number; primer: Int32Array; primerStart: number; ids: Int32Array; cancelled: boolean }
  | ({ type: 'forecast'; generation: number; modelId: string } & ForecastResult)
  /**
   * Free-running decoding of the validation batch: the first `samples` sequences' targets and
   * the model's choices with and without teacher forcing (each samples x U), and the scores
   * over the whole batch.
   */
  | { type: 'decode'; generation: number; modelId: string; step: number; samples: number; targetLength: number; target: Int32Array; forced: Int32Array; free: Int32Array; scores: DecodeScores }
  /** A model's weights file (src/train/weights.ts): JSON text, or safetensors bytes (transferred). */
  | ({ type: 'weights'; generation: number; modelId: string; step: number } & WeightsContents)
  /** A model's run as a zip to carry on in PyTorch: its name (`timestep-<dataset>-<model>.zip`) and bytes (transferred). */
  | { type: 'pytorch-export'; generation: number; modelId: string; step: number; fileName: string; bytes: ArrayBuffer }
  /** ∂L/∂h_t of the sample (H values) and ‖∂L/∂h_t‖ over the batch, at the timestep just walked. */
  | { type: 'bptt'; generation: number; modelId: string; t: number; T: number; norm: number; dh: Float32Array; done: boolean }
  /**
   * A saved run was opened: its settings and data, built as `generation` ('configured' and its
   * step and validation histories follow as 'steps' and 'validation' replies).
   */
  | { type: 'run-opened'; request: number; generation: number; meta: RunMeta; summary: DataSummary }
  /** The saved runs, newest first; `current`: the one the run in place saves into; `available`: false without IndexedDB. */
  | { type: 'runs'; runs: RunMeta[]; current: string | null; available: boolean }
  /** `step`: the step saved last; `message`: why a save failed ('failed'). */
  | { type: 'save-state'; state: SaveState; id: string | null; step: number; message: string }
  /** A saved run's file to download (bytes transferred). */
  | { type: 'run-file'; id: string; fileName: string; bytes: ArrayBuffer }
  /** A request about the saved runs was refused (`action`: what was asked; `message`: why, naming the file). */
  | { type: 'runs-error'; action: string; message: string };

/** The two files a model's weights download as: 'json' or 'safetensors'. */
export type { WeightsFormat };

/** A weights file's contents as they cross postMessage. */
export type WeightsContents = { format: 'json'; text: string } | { format: 'safetensors'; bytes: ArrayBuffer };

/** The buffers a reply hands over rather than copies (a weights file can be megabytes). */
export function transferables(message: FromWorker): Transferable[] {
  if (message.type === 'pytorch-export' || message.type === 'run-file') return [message.bytes];
  return message.type === 'weights' && message.format === 'safetensors' ? [message.bytes] : [];
}

/** A reply that belongs to one run: the page drops it once it has configured past that run. */
export type RunReply = Extract<FromWorker, { generation: number }>;

export function isRunReply(message: FromWorker): message is RunReply {
  return 'generation' in message && message.type !== 'config-error' && message.type !== 'run-opened';
}
