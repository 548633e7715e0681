// For tests only: the Dawn device a test file runs on, opened in beforeAll and destroyed in afterAll.
// What useNodeGpu returns stands in for that Gpu, so a file can hold it in a const at the top; read
// it inside tests and hooks (before beforeAll has run there is no device, and reading it throws).

import { afterAll, beforeAll } from 'vitest';
import type { Gpu } from './device';
import { nodeGpu } from './node';

/** `backend`: this device's, whatever the run's (TIMESTEP_BACKEND); by default the run's. */
export function useNodeGpu(backend?: 'cpu' | 'webgpu'): Gpu {
  let opened: Gpu | undefined;
  beforeAll(async () => {
    opened = await nodeGpu({ backend });
  });
  afterAll(() => opened?.device.destroy());
  const gpu = (): Gpu => {
    if (!opened) throw new Error('useNodeGpu: the device is opened in beforeAll; read it inside a test or a hook.');
    return opened;
  };
  return {
    get device() {
      return gpu().device;
    },
    get info() {
      return gpu().info;
    },
    has: (feature) => gpu().has(feature),
  };
}
