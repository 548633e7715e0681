// For tests only: the test file's Dawn device (gpu/testing.ts) and one kernel context on it, whose
// pipeline cache every test in the file shares. Both stand in for the real ones until beforeAll has
// opened the device.

import type { Gpu } from '../gpu/device';
import { useNodeGpu } from '../gpu/testing';
import { kernelContext, type KernelContext } from './registry';

export function useKernelContext(): { gpu: Gpu; ctx: KernelContext } {
  const gpu = useNodeGpu();
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
