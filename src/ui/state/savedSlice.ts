// Saved runs as the worker reports them: whether the run in place is saved (and why not, when a
// save failed), and the list of runs this browser keeps. The worker writes them (src/worker/saver.ts);
// this slice only mirrors what it said.

import type { StateCreator } from 'zustand';
import type { RunMeta, SaveState } from '../../worker/protocol';
import type { Store } from '../store';

export interface SavedSlice {
  /** null until the run in place has changed or been saved once. */
  saveState: SaveState | null;
  /** The step saved last. */
  savedStep: number;
  /** Why the last save failed, until dismissed (the run goes on in memory). */
  saveError: string | null;
  savedRuns: RunMeta[];
  /** The saved run the run in place saves into (null: not saved yet). */
  currentRunId: string | null;
  /** False when this browser offers no IndexedDB (nothing is saved). */
  storageAvailable: boolean;
  setSaveState(state: SaveState, step: number, id: string | null, message: string): void;
  dismissSaveError(): void;
  setSavedRuns(runs: RunMeta[], current: string | null, available: boolean): void;
}

export const savedSlice: StateCreator<Store, [], [], SavedSlice> = (set) => ({
  saveState: null,
  savedStep: 0,
  saveError: null,
  savedRuns: [],
  currentRunId: null,
  storageAvailable: true,
  setSaveState: (saveState, savedStep, currentRunId, message) =>
    set((s) => ({ saveState, savedStep, currentRunId, saveError: saveState === 'failed' ? message : saveState === 'saved' ? null : s.saveError })),
  dismissSaveError: () => set({ saveError: null }),
  setSavedRuns: (savedRuns, currentRunId, storageAvailable) => set({ savedRuns, currentRunId, storageAvailable }),
});
