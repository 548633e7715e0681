// When and what the run owner saves (./persist.ts holds the store). The owner calls in from its one
// queue, between training windows: `checkpoint` reads the GPU state there (parameters, optimizer
// state) and the write to IndexedDB then runs on its own, so training never waits for the disk.
// It saves every few seconds while the run plays, a moment after a change while paused (a step, a
// new configuration), and whenever the page asks (pause, tab hidden). A run that restarts from step
// 0 after it was saved (reset, new data, rebuilt models) is saved as a new run: the trained one
// stays in the list. A run not trained yet is not saved (its link makes it again).

import type { DataShape, DataSource, FromWorker, RunMeta, RunsRequest, SaveState, SavedSource, ToWorker } from './protocol';
import { kindLabel } from '../models/registry';
import { saveErrorMessage, type RunState, type RunStore, type SavedRun } from './persist';
import { decodeRunFile, encodeRunFile, runFileName } from './runFile';
import { version as appVersion } from '../../package.json';
import type { Session } from './session';

/** The data a run trains on, as it was asked for: enough to make the same dataset again. */
export interface DataOrigin {
  source: Exclude<DataSource, { kind: 'same' }>;
  shape: DataShape;
}

/** How often a playing run is saved. */
const SAVE_EVERY_MS = 5000;
/** How long opening IndexedDB may take before the run goes on unsaved. */
const OPEN_TIMEOUT_MS = 5000;
/** How long after the last change a paused run is saved. */
export const QUIET_SAVE_MS = 700;

export class RunSaver {
  /** Answers a saved-runs request from the page beside the queue (they need no GPU); false for any other message. */
  answer(message: ToWorker): message is RunsRequest {
    if (message.type === 'list-runs') void this.list();
    else if (message.type === 'rename-run') void this.rename(message.id, message.name);
    else if (message.type === 'delete-run') void this.remove(message.id);
    else if (message.type === 'duplicate-run') void this.duplicate(message.id);
    else if (message.type === 'export-run') void this.exportRun(message.id);
    else if (message.type === 'import-run') void this.importRun(message.file, message.bytes);
    else return false;
    return true;
  }

  private store: RunStore | null = null;
  private id: string | null = null;
  private name = '';
  private created = 0;
  private savedStep = 0;
  private state: SaveState | null = null;
  private dirty = false;
  private lastSave = 0;

  constructor(
    store: Promise<RunStore> | null,
    private readonly send: (message: FromWorker) => void,
  ) {
    // Without IndexedDB (or when it refuses to open, or takes too long: the page waits for the
    // runs list to start) runs are simply not saved.
    const late = new Promise<null>((resolve) => setTimeout(() => resolve(null), OPEN_TIMEOUT_MS));
    this.ready = Promise.race([store ?? Promise.resolve(null), late]).then(
      (s) => void (this.store = s),
      () => void (this.store = null),
    );
  }

  /** Resolves once the store is open, or known to be unavailable. */
  readonly ready: Promise<void>;

  get available(): boolean {
    return this.store !== null;
  }

  /**
   * Something that a save would keep changed (a window trained, a step, a new configuration). A run
   * not trained at all is not saved: its link makes it again.
   */
  changed(session: Session): void {
    // Marked even before the store has opened: a fast backend (the CPU one) trains its first
    // steps sooner, and those must not be left out of the first save.
    this.dirty = session.modelRuns.some((m) => m.trainer.optimizer.stepCount > 0);
    if (!this.store || !this.dirty) return;
    if (this.state !== 'unsaved' && this.state !== 'failed') this.tell('unsaved');
  }

  /** After a configuration: a run back at step 0 after a save is another run (saved under a new id). */
  configured(session: Session): void {
    if (session.modelRuns.every((m) => m.trainer.optimizer.stepCount === 0) && this.savedStep > 0) {
      this.id = null;
      this.savedStep = 0;
      // Nothing to save until it trains: the page knows no saved run is in place now.
      this.dirty = false;
      this.tell('saved');
    }
  }

  /** True when a playing run has gone unsaved long enough. */
  get due(): boolean {
    return this.dirty && performance.now() - this.lastSave > SAVE_EVERY_MS;
  }

  /**
   * Reads the run's state now (between windows) and writes it in the background; a failed write
   * is reported and the run goes on. Resolves when the read is done, not the write.
   */
  async save(session: Session, origin: DataOrigin | null): Promise<void> {
    await this.ready; // a save asked for before the store has opened waits for it (at most OPEN_TIMEOUT_MS)
    const run = session.runConfig;
    const store = this.store;
    if (!store || !run || !origin || session.modelRuns.length === 0 || !this.dirty) return;
    this.dirty = false;
    this.lastSave = performance.now();
    const record = await checkpoint(session, origin);
    const now = Date.now();
    if (this.id === null) {
      this.id = newId(now);
      this.created = now;
      this.name = defaultName(origin, record.models, now);
    }
    const step = session.modelRuns[0].trainer.optimizer.stepCount;
    const best = session.modelRuns.map((m) => m.history.bestValidation).filter((v): v is number => v !== null);
    const meta: RunMeta = {
      id: this.id,
      name: this.name,
      created: this.created,
      saved: now,
      source: savedSource(origin),
      shape: origin.shape,
      run,
      models: record.models,
      step,
      bestValidation: best.length ? Math.min(...best) : null,
      bytes: record.bytes,
    };
    const id = this.id;
    store.save({ meta, state: { ...record.state, id } }).then(
      () => {
        if (this.id === id) this.savedStep = step;
        if (!this.dirty && this.id === id) this.tell('saved', step);
        void this.list();
      },
      (error: unknown) => {
        // The transaction aborted: earlier saves of this run and every other run are as they were.
        this.dirty = true;
        this.tell('failed', step, saveErrorMessage(error));
      },
    );
  }

  /** A saved run, or null (none such, or no store). */
  load(id: string): Promise<SavedRun | null> {
    return this.store ? this.store.load(id) : Promise.resolve(null);
  }

  /** The run now in place is the saved `meta`, unchanged since. */
  opened(meta: RunMeta): void {
    this.id = meta.id;
    this.name = meta.name;
    this.created = meta.created;
    this.savedStep = meta.step;
    this.dirty = false;
    this.lastSave = performance.now();
    this.tell('saved', meta.step);
  }

  /** Sends the saved runs to the page. */
  async list(): Promise<void> {
    await this.ready;
    const runs = this.store ? await this.store.list().catch(() => []) : [];
    this.send({ type: 'runs', runs, current: this.id, available: this.store !== null });
  }

  async rename(id: string, name: string): Promise<void> {
    if (id === this.id) this.name = name;
    await this.store?.rename(id, name);
    await this.list();
  }

  async duplicate(id: string): Promise<void> {
    const now = Date.now();
    const name = (await this.store?.list())?.find((r) => r.id === id)?.name ?? 'run';
    await this.store?.duplicate(id, { id: newId(now), name: `${name} (copy)`, created: now, saved: now });
    await this.list();
  }

  async remove(id: string): Promise<void> {
    // The run in place, deleted, is saved again as a new run at its next change.
    if (id === this.id) this.id = null;
    await this.store?.remove(id);
    await this.list();
  }

  /** A saved run as one file, sent to the page to download. */
  async exportRun(id: string): Promise<void> {
    try {
      await this.ready;
      const run = await this.store?.load(id);
      if (!run) throw new Error('That run is no longer saved in this browser.');
      const bytes = encodeRunFile(run, appVersion);
      this.send({ type: 'run-file', id, fileName: runFileName(run.meta.name), bytes: bytes.buffer as ArrayBuffer });
    } catch (error) {
      this.send({ type: 'runs-error', action: 'export the run', message: (error as Error).message });
    }
  }

  /**
   * A run file added to the saved runs as it was exported (open it from the list). Under a new id
   * when this browser already keeps a run of that id (the same run imported twice, or never left).
   */
  async importRun(file: string, bytes: ArrayBuffer): Promise<void> {
    try {
      await this.ready;
      if (!this.store) throw new Error('This browser offers no storage for saved runs.');
      const run = decodeRunFile(new Uint8Array(bytes), file);
      const taken = (await this.store.list()).some((r) => r.id === run.meta.id);
      const id = taken ? newId(Date.now()) : run.meta.id;
      const name = taken ? `${run.meta.name} (imported)` : run.meta.name;
      await this.store.save({ meta: { ...run.meta, id, name }, state: { ...run.state, id } });
      await this.list();
    } catch (error) {
      const full = (error as { name?: string })?.name === 'QuotaExceededError';
      this.send({ type: 'runs-error', action: `import ${file}`, message: full ? 'The browser has no room left for it: delete saved runs you no longer need.' : String((error as Error)?.message ?? error) });
    }
  }

  private tell(state: SaveState, step = this.savedStep, message = ''): void {
    this.state = state;
    this.send({ type: 'save-state', state, id: this.id, step, message });
  }
}

/** Every model's parameters, optimizer state and history, and the sampler: the GPU read now. */
export async function checkpoint(session: Session, origin: DataOrigin): Promise<{ state: Omit<RunState, 'id'>; models: string[]; bytes: number }> {
  const device = session.ctx.device;
  const models: RunState['models'] = [];
  let bytes = origin.source.kind === 'file' ? origin.source.bytes.byteLength : 0;
  for (const m of session.modelRuns) {
    // Step reports still on their way belong in the history.
    await m.trainer.idle();
    const params = await m.trainer.readParams();
    const optimizer = await m.trainer.optimizer.readState(device);
    const history = m.history.save();
    models.push({ id: m.slot.id, params, optimizer, history });
    bytes += [...Object.values(params), ...optimizer.slabs, ...Object.values(history)].reduce((s, a) => s + a.byteLength, 0);
  }
  const state = { file: origin.source.kind === 'file' ? origin.source.bytes : null, models, random: session.random.getState(), window: session.windows };
  const labels = session.modelRuns.map((m) => `${kindLabel(m.slot.kind)} ${m.slot.layers}×${m.slot.hidden}`);
  return { state, models: labels, bytes };
}

function newId(now: number): string {
  return `run-${now.toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

function savedSource(origin: DataOrigin): SavedSource {
  const s = origin.source;
  if (s.kind === 'builtin') return { kind: 'builtin', id: s.id, params: s.params, seed: s.seed };
  const saved: SavedSource = { kind: 'file', name: s.name, size: s.bytes.byteLength };
  if (s.midiTrack !== undefined) saved.midiTrack = s.midiTrack;
  if (s.midiEncoding !== undefined) saved.midiEncoding = s.midiEncoding;
  return saved;
}

/** "sine-mix · LSTM 1×16 · 2 Dec, 14:05" */
function defaultName(origin: DataOrigin, models: string[], at: number): string {
  const data = origin.source.kind === 'builtin' ? origin.source.id : origin.source.name;
  const date = new Date(at).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  return `${data} · ${models.join(', ')} · ${date}`;
}
