// Which backend the worker trains on. WebGPU when the browser offers an adapter; the CPU backend
// (src/gpu/cpu: the same API, over float32 arrays in this worker) when it offers none, so that
// every browser trains; and either one when the page asks (the GPU panel's switch, remembered by
// the page). On a software adapter (SwiftShader) 'auto' runs a short probe of both and keeps the
// faster (./backendProbe.ts); 'webgpu' keeps the software adapter without a probe.

import { acquireGpu, type Gpu } from '../gpu/device';
import { GpuError } from '../gpu/errors';
import { acquireCpu } from '../kernels/cpu';
import { loadCpuWasm } from '../kernels/cpu/simd';

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface BackendDeps {
  /** navigator.gpu, or undefined where the browser has no WebGPU. */
  webgpu: GPU | undefined;
  /** Times one backend against the other on a software adapter; null skips the probe. */
  probe?: ((webgpu: Gpu, cpu: Gpu) => Promise<{ webgpuMs: number; cpuMs: number; what: string }>) | null;
}

/**
 * A device on the backend asked for. 'auto' falls back to the CPU where WebGPU gives no device,
 * and on a software adapter keeps whichever the probe measured faster. Problems reach `onProblem`
 * as acquireGpu's do.
 */
export async function acquireBackend(deps: BackendDeps, choice: BackendChoice, onProblem: (problem: GpuError) => void): Promise<Gpu> {
  await loadCpuWasm(); // the CPU backend's WebAssembly, compiled off the thread's back
  // Only the device handed back reports problems: the one a probe loses is destroyed quietly.
  let kept: GPUDevice | null = null;
  const gate = (device: () => GPUDevice | undefined) => (problem: GpuError) => {
    if (kept === null || kept === device()) onProblem(problem);
  };
  const keep = (g: Gpu): Gpu => {
    kept = g.device;
    return g;
  };
  const cpu = (reason: string, alternative?: 'webgpu'): Gpu => {
    let made: Gpu | undefined;
    const g = (made = acquireCpu({ onProblem: gate(() => made?.device) }));
    g.info.cpuReason = reason;
    if (alternative) g.info.alternative = alternative;
    return g;
  };
  if (choice === 'cpu') return keep(cpu('You chose the CPU backend.', deps.webgpu ? 'webgpu' : undefined));
  let gpu: Gpu;
  try {
    let made: Gpu | undefined;
    gpu = made = await acquireGpu(deps.webgpu, { onProblem: gate(() => made?.device) });
  } catch (error) {
    // Even when WebGPU was asked for: a run on the CPU beats no run (the notice says why).
    const noDevice = error instanceof GpuError && (error.kind === 'no-webgpu' || error.kind === 'no-adapter');
    if (!noDevice) throw error;
    return keep(cpu(error.kind === 'no-webgpu' ? 'This browser has no WebGPU.' : 'WebGPU offered no GPU adapter.'));
  }
  if (!gpu.info.isFallback) return keep(gpu);
  gpu.info.alternative = 'cpu';
  if (choice === 'webgpu' || !deps.probe) return keep(gpu);
  // A software adapter: time a few training steps on each and keep the faster.
  const other = cpu('', 'webgpu');
  let probe: Awaited<ReturnType<NonNullable<BackendDeps['probe']>>>;
  try {
    probe = await deps.probe(gpu, other);
  } catch {
    keep(gpu);
    other.device.destroy();
    return gpu; // a failed probe decides nothing: stay on WebGPU, the switch is still offered
  }
  gpu.info.probe = probe;
  other.info.probe = probe;
  if (probe.cpuMs < probe.webgpuMs) {
    other.info.cpuReason = `The GPU adapter is a software one (${gpu.info.description || gpu.info.architecture || gpu.info.vendor}), and the CPU backend was faster in a probe.`;
    keep(other);
    gpu.device.destroy();
    return other;
  }
  keep(gpu);
  other.device.destroy();
  return gpu;
}

/** A bare device on `backend` for a probe's throwaway trainers (./runProbe.ts): no problems reported, destroyed by the caller. */
export function acquireProbeDevice(webgpu: GPU | undefined, backend: 'webgpu' | 'cpu'): Promise<Gpu> {
  return backend === 'cpu' ? Promise.resolve(acquireCpu()) : acquireGpu(webgpu);
}
