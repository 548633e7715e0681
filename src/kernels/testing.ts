// For tests only: the test file's Dawn device (gpu/testing.ts) and one kernel context on it, whose
// pipeline cache every test in the file shares. Both stand in for the real ones until beforeAll has
// opened the device.

import type { Gpu } from '../gpu/device';
import { useNodeGpu } from '../gpu/testing';
import { kernelContext, type KernelContext } from './registry';

/** `backend`: 'cpu' for tests about the run rather than about WebGPU (they run there in every pass). */
export function useKernelContext(backend?: 'cpu' | 'webgpu'): { gpu: Gpu; ctx: KernelContext } {
  const gpu = useNodeGpu(backend);
  let made: KernelContext | undefined;
  const real = () => (made ??= kernelContext(gpu.device));
  const ctx: KernelContext = {
    get device() {
      return real().device;
    },
    get pipelines() {
      return real().pipelines;
    },
  };
  return { gpu, ctx };
}
