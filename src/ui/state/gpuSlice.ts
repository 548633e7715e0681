import type { StateCreator } from 'zustand';
import type { GpuInfo } from '../../gpu/device';
import type { GpuProblemKind } from '../../gpu/errors';
import type { SelfTestResult } from '../../worker/protocol';
import type { Store } from '../store';

export type GpuStatus =
  | { state: 'unsupported' }
  | { state: 'connecting' }
  | { state: 'ready'; info: GpuInfo; selfTest: SelfTestResult }
  | { state: 'problem'; kind: GpuProblemKind; message: string; detail: string };

export interface GpuSlice {
  gpu: GpuStatus;
  setGpu(status: GpuStatus): void;
}

export const gpuSlice: StateCreator<Store, [], [], GpuSlice> = (set) => ({
  gpu: { state: 'connecting' },
  setGpu: (gpu) => set({ gpu }),
});
