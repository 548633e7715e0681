// The CPU backend's counterpart of acquireGpu: the same Gpu shape, so the worker, the trainer
// and the tests take either.

import { RAISED_LIMITS, type Gpu, type GpuInfo } from '../device';
import { watchDevice, type GpuError } from '../errors';
import { installWebGpuGlobals } from './buffer';
import { CpuDevice, type TwinLookup } from './device';

export interface AcquireCpuOptions {
  /** Called for every uncaptured error and when the device is lost (as acquireGpu's). */
  onProblem?: (problem: GpuError) => void;
}

export function acquireCpuWith(twins: TwinLookup, options: AcquireCpuOptions = {}): Gpu {
  installWebGpuGlobals();
  const device = new CpuDevice(twins) as unknown as GPUDevice;
  if (options.onProblem) watchDevice(device, options.onProblem);
  const limits = {} as GpuInfo['limits'];
  for (const name of [...RAISED_LIMITS, 'minStorageBufferOffsetAlignment', 'minUniformBufferOffsetAlignment'] as const) {
    limits[name] = device.limits[name] as number;
  }
  const info: GpuInfo = {
    backend: 'cpu',
    vendor: 'cpu',
    architecture: '',
    device: '',
    description: 'CPU (float32, in the worker)',
    isFallback: false,
    features: [],
    limits,
  };
  return { device, info, has: () => false };
}
