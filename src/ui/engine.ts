// The page's side of the worker: it starts it and turns each intent (load this, build that, play,
// step, forecast, ...) into one command. It decides nothing about the run's life: the worker owns
// the run (src/worker/owner.ts) and says what happened; ./routing puts that into the store.
// Nothing here touches WebGPU.

import { MAX_FILE_BYTES, MAX_FILE_LABEL, formatBytes } from '../data/limits';
import type { DataShape, ForecastMode, FromWorker, GeneratePrimer, RunCommand, RunConfig, RunMeta, ToWorker, WeightsFormat } from '../worker/protocol';
import type { ParamValues } from './data/catalog';
import { pickStartRun, refOf, runInTab } from './runs/startup';
import type { DataRef } from './state/dataSlice';
import { useStore } from './store';
import { startedGeneration } from './state/runSlice';
import type { MidiEncoding } from '../data/midi/parse';

let worker: Worker | null = null;

/**
 * Starts the worker and asks for the GPU and the saved runs at once: the worker queues what comes
 * before its device is ready, so nothing asked during start-up is lost. The runs list decides the
 * first data: a saved run the link names, or the link's dataset (startWithRuns).
 */
export function connectEngine(onMessage: (message: FromWorker) => void): void {
  // Without WebGPU the worker trains on its CPU backend (src/worker/backend.ts): every browser trains.
  worker = new Worker(new URL('../worker/training.worker.ts', import.meta.url), { type: 'module', name: 'timestep-training' });
  worker.onmessage = (event: MessageEvent<FromWorker>) => onMessage(event.data);
  worker.onerror = (event) => {
    useStore.getState().setGpu({ state: 'problem', kind: 'internal', message: `The training worker failed: ${event.message}`, detail: '' });
  };
  send({ type: 'init', backend: rememberedBackend() });
  starting = true;
  send({ type: 'list-runs' });
}

/** The page waits for its first runs list to choose what to load. */
let starting = false;
/** The request of the saved run opened at start: if it cannot be opened, the link's data loads instead. */
let startOpen: number | null = null;

/** Called with every runs list; the first one after start opens a saved run or loads the link's data. */
export function startWithRuns(runs: RunMeta[]): void {
  if (!starting) return;
  starting = false;
  const s = useStore.getState();
  // Something was asked for meanwhile (the hash changed): that wins.
  if (s.pendingRef) return;
  const saved = pickStartRun(runs, location.hash, runInTab());
  if (saved) startOpen = openRun(saved);
  else loadRef(s.dataRef);
}

/** A load failed: if it was the saved run opened at start, the link's data loads instead. */
export function loadFailed(request: number): void {
  if (request !== startOpen) return;
  startOpen = null;
  loadRef(useStore.getState().dataRef);
}

function send(message: ToWorker, transfer: Transferable[] = []): void {
  worker?.postMessage(message, transfer);
}

/** A command about the run as the settings are now (the worker refuses it if that run is gone). */
function sendRun(command: RunCommand, transfer: Transferable[] = []): void {
  flushConfigure();
  send({ ...command, generation: useStore.getState().generation }, transfer);
}

/**
 * After a lost device (or none at start): the worker acquires a new one and restores the data,
 * the run and the last parameters it saved, then reports them ('configured', 'data-loaded').
 */
export function reconnect(): void {
  useStore.getState().setGpu({ state: 'connecting' });
  send({ type: 'init' });
}

const BACKEND_KEY = 'timestep.backend';

/** The backend chosen in the GPU panel before (kept in localStorage), or 'auto'. */
function rememberedBackend(): 'auto' | 'webgpu' | 'cpu' {
  try {
    const v = localStorage.getItem(BACKEND_KEY);
    return v === 'webgpu' || v === 'cpu' ? v : 'auto';
  } catch {
    return 'auto';
  }
}

/** Moves the run to the other backend (the GPU panel's switch); the worker carries its whole state over. */
export function switchBackend(backend: 'webgpu' | 'cpu'): void {
  try {
    localStorage.setItem(BACKEND_KEY, backend);
  } catch {
    // Storage refused (private mode): the choice holds for this page only.
  }
  useStore.getState().setGpu({ state: 'connecting' });
  send({ type: 'switch-backend', backend });
}

/** Destroys the worker's GPU device as a driver reset would, to try the recovery. */
export function simulateDeviceLoss(): void {
  send({ type: 'debug-lose-device' });
}

// ---- data ---------------------------------------------------------------------------------

/** Asks the worker to generate a built-in dataset (the run's seed makes it reproducible). */
export function loadBuiltin(id: string, params: ParamValues): void {
  clearTimeout(builtinTimer);
  const { startLoad, seed } = useStore.getState();
  const request = startLoad({ kind: 'builtin', id, params });
  send({ type: 'load-data', source: { kind: 'builtin', id, params, seed }, request, shape: currentShape() });
}

function currentShape(): DataShape {
  const { time, key, keys } = useStore.getState().choice;
  return { time, key, keys };
}

/**
 * Reads the loaded table again another way: another time column, or another key (or key values)
 * of a long-format file. The worker reshapes the file it parsed; the run rebuilds on the result.
 */
export function reshapeData(patch: Partial<DataShape>): void {
  const s = useStore.getState();
  s.setChoice(patch);
  const request = s.startLoad(s.pendingRef ?? s.dataRef);
  send({ type: 'load-data', source: { kind: 'same' }, request, shape: currentShape() });
}

let builtinTimer: ReturnType<typeof setTimeout> | undefined;
/** Like loadBuiltin, but waits for a pause in typing (parameter fields change on every key). */
export function loadBuiltinSoon(id: string, params: ParamValues): void {
  clearTimeout(builtinTimer);
  builtinTimer = setTimeout(() => loadBuiltin(id, params), 350);
}

export function loadRef(ref: DataRef): void {
  if (ref.kind === 'builtin') loadBuiltin(ref.id, ref.params);
}

/** Reads a file and hands its bytes to the worker, which parses them (the page stays responsive). */
export async function loadFile(file: File): Promise<void> {
  const { startLoad, dataFailed } = useStore.getState();
  if (file.size > MAX_FILE_BYTES) {
    dataFailed(`${file.name} is ${formatBytes(file.size)}: the limit is ${MAX_FILE_LABEL}.`, 'Cut the file down (fewer rows or columns) and try again.');
    return;
  }
  clearTimeout(builtinTimer);
  const request = startLoad({ kind: 'file', name: file.name, size: file.size });
  try {
    const bytes = await file.arrayBuffer();
    // A MIDI file is kept (they are small) so another of its tracks can be read without asking again.
    lastMidi = /\.(mid|midi|smf)$/i.test(file.name) ? { name: file.name, bytes: bytes.slice(0) } : null;
    send({ type: 'load-data', source: { kind: 'file', name: file.name, bytes }, request, shape: currentShape() }, [bytes]);
  } catch (error) {
    if (useStore.getState().dataRequest === request) dataFailed(`${file.name} could not be read.`, String(error));
  }
}

let lastMidi: { name: string; bytes: ArrayBuffer; track?: number; encoding?: MidiEncoding } | null = null;

/** Reads the MIDI file loaded last again: another of its tracks, or every note as events instead of the melody. */
export function chooseMidi(patch: { track?: number; encoding?: MidiEncoding }): void {
  if (!lastMidi) return;
  lastMidi = { ...lastMidi, ...patch };
  const { startLoad } = useStore.getState();
  const request = startLoad({ kind: 'file', name: lastMidi.name, size: lastMidi.bytes.byteLength });
  const bytes = lastMidi.bytes.slice(0);
  send({ type: 'load-data', source: { kind: 'file', name: lastMidi.name, bytes, midiTrack: lastMidi.track, midiEncoding: lastMidi.encoding }, request, shape: currentShape() }, [bytes]);
}

// ---- saved runs ---------------------------------------------------------------------------

/**
 * Opens a saved run exactly as saved: its settings, data and trained state (the worker answers
 * 'run-opened', then the run's configuration and loss histories). Returns the load's request.
 */
export function openRun(meta: RunMeta): number {
  clearTimeout(builtinTimer);
  clearTimeout(configureTimer);
  configureTimer = undefined;
  const s = useStore.getState();
  const request = s.startLoad(refOf(meta.source));
  // The generation the opened run is built as: reserved now, taken when the worker says it opened.
  const generation = Math.max(s.generation, s.sentGeneration) + 1;
  useStore.setState({ sentGeneration: generation });
  send({ type: 'open-run', id: meta.id, request, generation });
  return request;
}

/** Saves the run now if anything is unsaved (the tab is being hidden or closed). */
export function saveRunNow(): void {
  send({ type: 'save-run' });
}

export function listRuns(): void {
  send({ type: 'list-runs' });
}

export function renameRun(id: string, name: string): void {
  send({ type: 'rename-run', id, name });
}

export function duplicateRun(id: string): void {
  send({ type: 'duplicate-run', id });
}

export function deleteRun(id: string): void {
  send({ type: 'delete-run', id });
}

/** A saved run as one file; it comes back as 'run-file' and is downloaded. */
export function exportRun(id: string): void {
  send({ type: 'export-run', id });
}

/** A run file picked by the user, added to the saved runs (the bytes are handed over, not copied). */
export function importRun(file: string, bytes: ArrayBuffer): void {
  send({ type: 'import-run', file, bytes }, [bytes]);
}

// ---- the run ------------------------------------------------------------------------------

export function currentRunConfig(): RunConfig {
  const s = useStore.getState();
  return { models: s.models, training: s.training, data: s.choice, seed: s.seed };
}

const CONFIGURE_DELAY_MS = 300;
let configureTimer: ReturnType<typeof setTimeout> | undefined;

/** Like configureRun, but waits for a pause in typing (every key in a field changes a setting). */
export function configureSoon(): void {
  clearTimeout(configureTimer);
  configureTimer = setTimeout(configureRun, CONFIGURE_DELAY_MS);
}

/**
 * A setting changed a moment ago and its rebuild is still waiting for the typing to pause: send
 * it now, so that what the person does next (Step, Play, ...) acts on the run they just set up.
 */
function flushConfigure(): void {
  if (configureTimer === undefined) return;
  configureRun();
}

/** Asks the worker to build the run as the settings are now; rebuilt models' telemetry clears when it answers. */
export function configureRun(): void {
  clearTimeout(configureTimer);
  configureTimer = undefined;
  const s = useStore.getState();
  // Without data there is nothing to build; with data on its way, its arrival configures.
  if (!s.summary || s.pendingRef) return;
  const generation = Math.max(s.generation, s.sentGeneration) + 1;
  s.setConfiguring(generation);
  send({ type: 'configure', run: currentRunConfig(), generation });
}

/** Every model of the run stopped on a non-finite step: only a reset trains again. */
export function allHalted(s: { configured: Array<{ id: string }> | null; halted: string[] }): boolean {
  return s.configured !== null && s.configured.length > 0 && s.configured.every((m) => s.halted.includes(m.id));
}

export function play(): void {
  flushConfigure();
  useStore.getState().setNonFinite(null);
  send({ type: 'play' });
}

export function pause(): void {
  send({ type: 'pause' });
}

export function togglePlay(): void {
  if (useStore.getState().running) pause();
  else play();
}

export function stepOnce(): void {
  if (useStore.getState().running) return;
  sendRun({ type: 'step' });
}

export function resetRun(): void {
  sendRun({ type: 'reset' });
}

export function setSpeed(speed: number | 'max'): void {
  send({ type: 'set-speed', speed });
}

export function requestProbe(sample: number, layer: number): void {
  send({ type: 'probe', sample, layer });
}

/**
 * A request on the configured run that the worker may refuse with an 'action-error': the alert
 * of an earlier refusal goes as this one is asked.
 */
function request(command: RunCommand, transfer: Transferable[] = []): void {
  useStore.getState().setActionError(null);
  sendRun(command, transfer);
}

/** Step-through BPTT (first model): each call walks the backward pass one timestep further back. */
export function bpttStep(sample: number): void {
  request({ type: 'bptt-step', sample });
}

export function bpttStop(): void {
  send({ type: 'bptt-stop' });
}

/** A model's forecast on the table: `horizon` rows past the end, or a backtest of the last `horizon` rows. */
export function requestForecast(modelId: string, mode: ForecastMode, horizon: number): void {
  request({ type: 'forecast', modelId, mode, horizon });
}

/** Asks the worker for a model's weights file; it comes back as a 'weights' message and is saved. */
export function requestWeights(modelId: string, name: string, format: WeightsFormat): void {
  request({ type: 'export-weights', modelId, name, format });
}

/** Asks the worker for a model's run as a zip for PyTorch; it comes back as a 'pytorch-export' message and is saved. */
export function requestPytorchExport(modelId: string, name: string): void {
  request({ type: 'export-pytorch', modelId, name });
}

/**
 * Loads a weights file, JSON or safetensors, into a model (the run restarts from step 0; a file
 * that does not fit is refused). The bytes are handed to the worker, not copied.
 */
export function loadWeights(modelId: string, file: string, bytes: ArrayBuffer): void {
  request({ type: 'load-weights', modelId, file, bytes }, [bytes]);
}

/** Sequence-to-sequence: every model decodes the validation batch on its own outputs (pauses training). */
export function requestDecode(): void {
  request({ type: 'decode' });
}

/** Text or melodies from a model (answered with progress, then 'generated'); cancelGeneration stops it. */
export function generate(modelId: string, primer: GeneratePrimer, length: number, temperature: number): void {
  useStore.getState().setGeneration(modelId, startedGeneration(length));
  request({ type: 'generate', modelId, primer, length, temperature });
}

export function cancelGeneration(): void {
  send({ type: 'generate-cancel' });
}
