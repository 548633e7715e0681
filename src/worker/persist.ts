// Saved runs in IndexedDB, written from the worker. Two object stores keyed by the run's id:
// 'runs' holds what the runs list shows (RunMeta, small), 'states' what reopening needs (the data
// file's bytes, every model's parameters and optimizer state, the batch sampler's position, the
// loss histories). A save writes both in one transaction, so a run is never half-written: when a
// save fails (the quota, most often) the transaction aborts and the run's previous save, and every
// other run, stay as they were.

import type { RandomState } from '../data/random';
import type { OptimizerState } from '../train/optimizers';
import type { SavedHistory } from './history';
import type { RunMeta } from './protocol';

/** One model of a saved run, as its Trainer had it between two steps. */
export interface SavedModel {
  id: string;
  params: Record<string, Float32Array>;
  optimizer: OptimizerState;
  history: SavedHistory;
}

/** What reopening a run needs beyond its RunMeta. */
export interface RunState {
  id: string;
  /** An uploaded file's bytes (null for a built-in, which is generated again from its seed). */
  file: ArrayBuffer | null;
  models: SavedModel[];
  /** The batch sampler's generator, so the next batches are the ones the run would have drawn. */
  random: RandomState;
  /** Training windows so far (validation runs every `validateEvery` of them). */
  window: number;
}

export interface SavedRun {
  meta: RunMeta;
  state: RunState;
}

const DATABASE = 'timestep';
const VERSION = 1;
const RUNS = 'runs';
const STATES = 'states';

export class RunStore {
  private constructor(private readonly db: IDBDatabase) {}

  /** Opens (creating on first use) the database; `factory` is `indexedDB`, or a fake in tests. */
  static open(factory: IDBFactory, name = DATABASE): Promise<RunStore> {
    return new Promise((resolve, reject) => {
      const request = factory.open(name, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(RUNS)) db.createObjectStore(RUNS, { keyPath: 'id' });
        if (!db.objectStoreNames.contains(STATES)) db.createObjectStore(STATES, { keyPath: 'id' });
      };
      request.onsuccess = () => resolve(new RunStore(request.result));
      request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened.'));
      request.onblocked = () => reject(new Error('IndexedDB is held by another tab of an older version.'));
    });
  }

  /** Writes a run, meta and state together; rejects (and writes nothing) if either put fails. */
  save(run: SavedRun): Promise<void> {
    return this.transaction([RUNS, STATES], 'readwrite', (tx) => {
      tx.objectStore(RUNS).put(run.meta);
      tx.objectStore(STATES).put(run.state);
    });
  }

  /** Every saved run, the most recently saved first. */
  async list(): Promise<RunMeta[]> {
    let runs: RunMeta[] = [];
    await this.transaction([RUNS], 'readonly', (tx) => {
      const request = tx.objectStore(RUNS).getAll();
      request.onsuccess = () => (runs = request.result as RunMeta[]);
    });
    return runs.sort((a, b) => b.saved - a.saved);
  }

  async load(id: string): Promise<SavedRun | null> {
    let meta: RunMeta | undefined;
    let state: RunState | undefined;
    await this.transaction([RUNS, STATES], 'readonly', (tx) => {
      const m = tx.objectStore(RUNS).get(id);
      const s = tx.objectStore(STATES).get(id);
      m.onsuccess = () => (meta = m.result as RunMeta | undefined);
      s.onsuccess = () => (state = s.result as RunState | undefined);
    });
    return meta && state ? { meta, state } : null;
  }

  rename(id: string, name: string): Promise<void> {
    return this.transaction([RUNS], 'readwrite', (tx) => {
      const store = tx.objectStore(RUNS);
      const request = store.get(id);
      request.onsuccess = () => {
        const meta = request.result as RunMeta | undefined;
        if (meta) store.put({ ...meta, name });
      };
    });
  }

  /** Copies a run (meta and state, in one transaction) under `copy.id`, with the copy's name and dates. */
  duplicate(id: string, copy: Pick<RunMeta, 'id' | 'name' | 'created' | 'saved'>): Promise<void> {
    return this.transaction([RUNS, STATES], 'readwrite', (tx) => {
      const runs = tx.objectStore(RUNS);
      const states = tx.objectStore(STATES);
      const meta = runs.get(id);
      const state = states.get(id);
      // Both reads land before either write: requests in one transaction complete in order.
      state.onsuccess = () => {
        if (!meta.result || !state.result) return;
        runs.put({ ...(meta.result as RunMeta), ...copy });
        states.put({ ...(state.result as RunState), id: copy.id });
      };
    });
  }

  remove(id: string): Promise<void> {
    return this.transaction([RUNS, STATES], 'readwrite', (tx) => {
      tx.objectStore(RUNS).delete(id);
      tx.objectStore(STATES).delete(id);
    });
  }

  close(): void {
    this.db.close();
  }

  /** Runs `body` in one transaction; resolves when it commits, rejects with its error when it aborts. */
  private transaction(stores: string[], mode: IDBTransactionMode, body: (tx: IDBTransaction) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      let tx: IDBTransaction | null = null;
      try {
        tx = this.db.transaction(stores, mode);
        body(tx);
      } catch (error) {
        // A put that throws (a value that cannot be stored) takes the puts before it back too.
        try {
          tx?.abort();
        } catch {
          // Already finished or aborted.
        }
        reject(error);
        return;
      }
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('The saved runs could not be written.'));
      tx.onabort = () => reject(tx.error ?? new Error('Saving the run was aborted.'));
    });
  }
}

/** A failed save in words a person can act on. */
export function saveErrorMessage(error: unknown): string {
  const name = (error as { name?: string })?.name;
  if (name === 'QuotaExceededError') return 'The browser has no room left to save this run: delete saved runs you no longer need. The run goes on, unsaved.';
  return `The run could not be saved (${(error as Error)?.message ?? String(error)}). It goes on, unsaved.`;
}
