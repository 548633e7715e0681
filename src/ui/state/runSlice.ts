// The run's lifecycle as the worker reports it (configured, running, halted) — not its telemetry,
// which changes every step and lives in ring buffers outside React (../telemetry). The worker
// decides the run's life; this slice only mirrors what it said, for the run of `generation`.

import type { StateCreator } from 'zustand';
import type { FitNote } from '../../data/fitWindow';
import type { ConfiguredModel, SettingRef } from '../../worker/protocol';
import type { Store } from '../store';

export type { ConfiguredModel } from '../../worker/protocol';

export interface NonFiniteAlert {
  modelId: string;
  step: number;
  params: string[];
}

export interface ConfigError {
  message: string;
  /** The setting to change, shown next to it; null when no one setting is the reason. */
  setting: SettingRef | null;
}

export interface RunSlice {
  /** The generation of the run replies are taken from: the last configuration sent, or the run kept when it was refused. */
  generation: number;
  /** The highest generation ever sent: a new configuration takes the next one, never one reused. */
  sentGeneration: number;
  /** The generation of the run `configured` describes. */
  configuredGeneration: number | null;
  running: boolean;
  /** Why the worker last paused by itself (a stop condition), until the run plays again. */
  pauseReason: string | null;
  /** A configure message is on its way; controls wait for the answer. */
  configuring: boolean;
  /** The models of the run in place (kept when a new configuration is refused). */
  configured: ConfiguredModel[] | null;
  configError: ConfigError | null;
  /** What preparing the data for the run noticed (e.g. no validation split). */
  runWarnings: string[];
  /** Settings the run uses other than asked, to fit a short series (shown beside each field). */
  fitNotes: FitNote[];
  /** Why the run has no validation loss (the loss legend says so), or null. */
  noValidation: string | null;
  /** A request on the run that the worker refused (the run itself is unchanged). */
  actionError: { action: string; message: string } | null;
  nonFinite: NonFiniteAlert | null;
  /** Models stopped by a non-finite step; they stay stopped until a reset or a new configuration. */
  halted: string[];
  /** Each model's latest generation (text or melody), in progress or done. */
  generations: Record<string, Generation>;
  setRunning(running: boolean, reason?: string): void;
  /** A configuration of `generation` is on its way. */
  setConfiguring(generation: number): void;
  setConfigured(models: ConfiguredModel[], warnings: string[], generation: number, fit?: { fitNotes: FitNote[]; noValidation: string | null }): void;
  /** The worker refused the configuration; `live` is the generation still in place (null: none). */
  setConfigError(error: ConfigError | null, live?: number | null): void;
  setActionError(error: { action: string; message: string } | null): void;
  setNonFinite(alert: NonFiniteAlert | null): void;
  halt(modelId: string): void;
  /** Merges into a model's generation (a new one starts from `started`). */
  setGeneration(modelId: string, patch: Partial<Generation>): void;
  /** Every generation in progress stops (cancelled, refused, or the run changed). */
  stopGenerations(): void;
}

/** A generation as the page shows it: the primer read and the tokens made (so far, while busy). */
export interface Generation {
  busy: boolean;
  made: number;
  total: number;
  primer: Int32Array;
  /** Where the primer starts in the data's stream; -1 when it is not from the data. */
  primerStart: number;
  ids: Int32Array;
  cancelled: boolean;
  /** The model's step when it generated. */
  step: number;
}

export const startedGeneration = (total: number): Generation => ({ busy: true, made: 0, total, primer: new Int32Array(0), primerStart: -1, ids: new Int32Array(0), cancelled: false, step: 0 });

export const runSlice: StateCreator<Store, [], [], RunSlice> = (set) => ({
  generation: 0,
  sentGeneration: 0,
  configuredGeneration: null,
  running: false,
  pauseReason: null,
  configuring: false,
  configured: null,
  configError: null,
  runWarnings: [],
  fitNotes: [],
  noValidation: null,
  actionError: null,
  nonFinite: null,
  halted: [],
  generations: {},
  setRunning: (running, reason) => set({ running, pauseReason: running ? null : (reason ?? null) }),
  setConfiguring: (generation) => set((s) => ({ generation, sentGeneration: Math.max(s.sentGeneration, generation), configuring: true })),
  setConfigured: (configured, runWarnings, configuredGeneration, fit = { fitNotes: [], noValidation: null }) =>
    set((s) => {
      // Kept models keep their halted state and generations (stopped: a new run cancels them); newcomers start clean.
      const kept = new Set(configured.filter((m) => m.kept).map((m) => m.id));
      const generations = Object.fromEntries(Object.entries(s.generations).filter(([id]) => kept.has(id)).map(([id, g]) => [id, { ...g, busy: false }]));
      const halted = s.halted.filter((id) => kept.has(id));
      const nonFinite = s.nonFinite && kept.has(s.nonFinite.modelId) ? s.nonFinite : null;
      return { configured, configuredGeneration, runWarnings, fitNotes: fit.fitNotes, noValidation: fit.noValidation, configuring: false, configError: null, actionError: null, nonFinite, halted, generations };
    }),
  setConfigError: (configError, live) =>
    set((s) => {
      if (!configError) return { configError };
      // The run in place goes on: replies about it are welcome again.
      if (live === null) return { configError, configuring: false, configured: null, configuredGeneration: null, running: false };
      return { configError, configuring: false, generation: live ?? s.generation };
    }),
  setActionError: (actionError) => set({ actionError }),
  setNonFinite: (nonFinite) => set({ nonFinite }),
  halt: (modelId) => set((s) => ({ halted: s.halted.includes(modelId) ? s.halted : [...s.halted, modelId] })),
  setGeneration: (modelId, patch) => set((s) => ({ generations: { ...s.generations, [modelId]: { ...(s.generations[modelId] ?? startedGeneration(0)), ...patch } } })),
  stopGenerations: () => set((s) => ({ generations: Object.fromEntries(Object.entries(s.generations).map(([id, g]) => [id, { ...g, busy: false }])) })),
});
