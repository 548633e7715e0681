import type { StateCreator } from 'zustand';
import type { GpuInfo } from '../../gpu/device';
import type { GpuProblemKind } from '../../gpu/errors';
import type { SelfTestResult } from '../../worker/protocol';
import type { RunProbeReport } from '../../worker/runProbe';
import type { Store } from '../store';

export type GpuStatus =
  | { state: 'connecting' }
  | { state: 'ready'; info: GpuInfo; selfTest: SelfTestResult }
  | { state: 'problem'; kind: GpuProblemKind; message: string; detail: string };

/** A GPU error the device survived (a rejected command, out of memory): shown until dismissed. */
export interface GpuErrorAlert {
  kind: GpuProblemKind;
  message: string;
  detail: string;
}

export interface GpuSlice {
  gpu: GpuStatus;
  gpuError: GpuErrorAlert | null;
  /** The configured run timed on the backends (src/worker/runProbe.ts), for the GPU panel; null until one comes. */
  runProbe: RunProbeReport | null;
  setGpu(status: GpuStatus): void;
  setRunProbe(report: RunProbeReport): void;
  setGpuError(error: GpuErrorAlert | null): void;
}

/** Problems after which there is no device to train on: the page offers Reconnect. */
export function isFatal(kind: GpuProblemKind): boolean {
  return kind === 'device-lost' || kind === 'no-adapter' || kind === 'no-webgpu';
}

export const gpuSlice: StateCreator<Store, [], [], GpuSlice> = (set) => ({
  gpu: { state: 'connecting' },
  gpuError: null,
  runProbe: null,
  // A report belongs to the device it timed: a new one (a switch, a reconnect) is timed again.
  setGpu: (gpu) => set(gpu.state === 'ready' ? { gpu, gpuError: null } : gpu.state === 'connecting' ? { gpu, gpuError: null, runProbe: null } : { gpu, runProbe: null }),
  setRunProbe: (runProbe) => set({ runProbe }),
  setGpuError: (gpuError) => set({ gpuError }),
});
