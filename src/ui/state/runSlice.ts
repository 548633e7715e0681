// The run's lifecycle as the worker reports it (configured, running, halted) — not its telemetry,
// which changes every step and lives in ring buffers outside React (../telemetry).

import type { StateCreator } from 'zustand';
import type { Store } from '../store';

export interface ConfiguredModel {
  id: string;
  parameters: number;
  names: string[];
  /** Steps per training window. */
  seqLen: number;
  /** How the GPU runs the model's sequence kernel, in a few words. */
  schedule: string;
}

export interface NonFiniteAlert {
  modelId: string;
  step: number;
  params: string[];
}

export interface RunSlice {
  running: boolean;
  /** A configure message is on its way; controls wait for the answer. */
  configuring: boolean;
  configured: ConfiguredModel[] | null;
  configError: string | null;
  /** A request on the run that the worker refused (the run itself is unchanged). */
  actionError: { action: string; message: string } | null;
  nonFinite: NonFiniteAlert | null;
  /** Models stopped by a non-finite step; they stay stopped until a reset or a new configuration. */
  halted: string[];
  textSamples: Record<string, string>;
  setRunning(running: boolean): void;
  setConfiguring(): void;
  setConfigured(models: ConfiguredModel[]): void;
  setConfigError(message: string): void;
  setActionError(error: { action: string; message: string } | null): void;
  setNonFinite(alert: NonFiniteAlert | null): void;
  halt(modelId: string): void;
  setTextSample(modelId: string, text: string): void;
}

export const runSlice: StateCreator<Store, [], [], RunSlice> = (set) => ({
  running: false,
  configuring: false,
  configured: null,
  configError: null,
  actionError: null,
  nonFinite: null,
  halted: [],
  textSamples: {},
  setRunning: (running) => set({ running }),
  setConfiguring: () => set({ configuring: true, configError: null }),
  setConfigured: (configured) => set({ configured, configuring: false, configError: null, actionError: null, nonFinite: null, halted: [], textSamples: {} }),
  setConfigError: (configError) => set({ configError, configuring: false, configured: null, running: false }),
  setActionError: (actionError) => set({ actionError }),
  setNonFinite: (nonFinite) => set({ nonFinite }),
  halt: (modelId) =>
    set((s) => {
      const halted = s.halted.includes(modelId) ? s.halted : [...s.halted, modelId];
      // The worker stops its loop once every model has halted.
      const allHalted = s.configured !== null && s.configured.every((m) => halted.includes(m.id));
      return { halted, running: allHalted ? false : s.running };
    }),
  setTextSample: (modelId, text) => set((s) => ({ textSamples: { ...s.textSamples, [modelId]: text } })),
});
