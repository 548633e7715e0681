// Which dataset is loaded, which one is loading, and the choices about its columns. A failed load
// leaves the previous dataset in place: `dataRef` changes only when the worker reports success.

import type { StateCreator } from 'zustand';
import type { DataChoice, DataSummary } from '../../worker/protocol';
import type { Store } from '../store';
import { DEFAULT_CHOICE, DEFAULT_DATASET } from './defaults';
import { completeParams, type ParamValues } from '../data/catalog';

export type DataRef =
  | { kind: 'builtin'; id: string; params: ParamValues }
  | { kind: 'file'; name: string; size: number };

export interface LoadProgress {
  name: string;
  fraction: number;
  rows: number;
}

export interface DataSlice {
  /** The dataset the run uses (the last one loaded successfully, or the first one asked for). */
  dataRef: DataRef;
  /** A dataset on its way; becomes `dataRef` when it loads. */
  pendingRef: DataRef | null;
  /** The number of the latest load asked of the worker; answers to older ones are dropped. */
  dataRequest: number;
  summary: DataSummary | null;
  loading: LoadProgress | null;
  dataError: { message: string; detail: string } | null;
  choice: DataChoice;
  /** Marks a load as on its way and returns its request number. */
  startLoad(ref: DataRef): number;
  setProgress(fraction: number, rows: number): void;
  dataLoaded(summary: DataSummary, choice: DataChoice): void;
  dataFailed(message: string, detail: string): void;
  setChoice(patch: Partial<DataChoice>): void;
  dismissDataError(): void;
}

export function refName(ref: DataRef): string {
  return ref.kind === 'builtin' ? ref.id : ref.name;
}

export const dataSlice: StateCreator<Store, [], [], DataSlice> = (set, get) => ({
  dataRef: { kind: 'builtin', id: DEFAULT_DATASET, params: completeParams(DEFAULT_DATASET, {}) },
  pendingRef: null,
  dataRequest: 0,
  summary: null,
  loading: null,
  dataError: null,
  choice: DEFAULT_CHOICE,
  startLoad: (ref) => {
    const dataRequest = get().dataRequest + 1;
    set({ pendingRef: ref, dataRequest, loading: { name: refName(ref), fraction: 0, rows: 0 }, dataError: null });
    return dataRequest;
  },
  setProgress: (fraction, rows) => set((s) => (s.loading ? { loading: { ...s.loading, fraction, rows } } : {})),
  dataLoaded: (summary, choice) =>
    set((s) => ({ summary, choice, dataRef: s.pendingRef ?? s.dataRef, pendingRef: null, loading: null, dataError: null })),
  dataFailed: (message, detail) => set({ dataError: { message, detail }, pendingRef: null, loading: null }),
  setChoice: (patch) => set((s) => ({ choice: { ...s.choice, ...patch } })),
  dismissDataError: () => set({ dataError: null }),
});
