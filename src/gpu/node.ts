// WebGPU in Node through Dawn (the `webgpu` package): for tests, check:torch and the Node bench.
// Never imported by the browser bundle. Without a GPU, scripts/with-gpu-env.mjs points Vulkan at
// SwiftShader before Node starts. With env TIMESTEP_BACKEND=cpu it returns the CPU backend
// instead (src/gpu/cpu), so the same suites run on both.

import { acquireGpu, type AcquireOptions, type Gpu } from './device';

let dawn: Promise<GPU> | null = null;
let opened = false;

/** Whether this process has opened a device (the test runner runs the CPU-backend passes on those files). */
export function deviceOpenedHere(): boolean {
  return opened;
}

async function loadDawn(): Promise<GPU> {
  const mod = (await import('webgpu')) as unknown as { create: (flags: string[]) => GPU; globals: object };
  // GPUBufferUsage, GPUMapMode, ... as globals, the way a browser has them.
  Object.assign(globalThis, mod.globals);
  return mod.create([]);
}

/** The backend a Node run asked for: env TIMESTEP_BACKEND=cpu, else WebGPU through Dawn. */
export function nodeBackend(): 'cpu' | 'webgpu' {
  return process.env.TIMESTEP_BACKEND === 'cpu' ? 'cpu' : 'webgpu';
}

/**
 * A device on the backend the run asked for, or on `backend` when given: a test about the run
 * rather than about WebGPU names 'cpu', and only devices of the run's own backend mark the file
 * as one the CPU-backend passes must run again.
 */
export async function nodeGpu(options: AcquireOptions & { backend?: 'cpu' | 'webgpu' } = {}): Promise<Gpu> {
  const backend = options.backend ?? nodeBackend();
  if (!options.backend) opened = true;
  if (backend === 'cpu') {
    const { acquireCpu } = await import('../kernels/cpu');
    return acquireCpu({ onProblem: options.onProblem });
  }
  dawn ??= loadDawn();
  const gpu = await dawn;
  try {
    return await acquireGpu(gpu, options);
  } catch (error) {
    const icd = process.env.VK_ICD_FILENAMES;
    throw new Error(
      `${(error as Error).message}\nNo WebGPU adapter in Node. ` +
        (icd
          ? `Vulkan was pointed at ${icd}; check that it exists and that libvulkan1 is installed (apt-get install libvulkan1).`
          : 'Without a GPU, install Debian\'s chromium and libvulkan1 and run through `node scripts/with-gpu-env.mjs`, which uses its SwiftShader.'),
    );
  }
}
