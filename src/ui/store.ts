// The zustand store: configuration and UI state only. No GPU objects live here (the worker owns
// them); per-step telemetry goes into ring buffers outside React.

import { create } from 'zustand';
import type { GpuInfo } from '../gpu/device';
import type { GpuProblemKind } from '../gpu/errors';
import type { SelfTestResult } from '../worker/protocol';

export type GpuStatus =
  | { state: 'unsupported' }
  | { state: 'connecting' }
  | { state: 'ready'; info: GpuInfo; selfTest: SelfTestResult }
  | { state: 'problem'; kind: GpuProblemKind; message: string; detail: string };

export interface GpuSlice {
  gpu: GpuStatus;
  setGpu(status: GpuStatus): void;
}

export const useStore = create<GpuSlice>()((set) => ({
  gpu: { state: 'connecting' },
  setGpu: (gpu) => set({ gpu }),
}));
