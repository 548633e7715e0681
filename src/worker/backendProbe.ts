// The start-up probe on a software adapter: a few training steps of one small LSTM on each
// backend, timed from submit to the step's statistics coming back, so the worker can keep the
// faster (./backend.ts). The probe runs before any run is configured, so it times a fixed model
// of the size the issue measured SwiftShader at, not the page's own.

import type { Gpu } from '../gpu/device';
import { kernelContext } from '../kernels/registry';
import { defaultOptimizer } from '../train/optimizers';
import { Trainer, type TrainerConfig } from '../train/trainer';

const B = 8, T = 32, I = 16, H = 64;
export const PROBE_WHAT = `LSTM training step, batch ${B}, ${T} steps, input ${I}, hidden ${H}`;

function step(trainer: Trainer): Promise<void> {
  return new Promise((resolve) => trainer.step(() => resolve()));
}

/** Milliseconds per training step on `gpu`: one warm-up step, then the mean of `steps`. */
export async function timeTrainingStep(gpu: Gpu, steps = 3): Promise<number> {
  const cfg: TrainerConfig = {
    model: { kind: 'recurrent', cell: 'lstm', inputSize: I, hiddenSize: H, numLayers: 1, bidirectional: false, initialState: 'zeros' },
    inputSize: I,
    outputSize: I,
    task: 'many-to-many',
    loss: 'mse',
    batch: B,
    seqLen: T,
    optimizer: defaultOptimizer('adam', 1e-3),
    clipNorm: 1,
    carryState: false,
    seed: 1,
  };
  const trainer = await Trainer.create(kernelContext(gpu.device), cfg);
  try {
    const x = new Float32Array(B * T * I).map((_, i) => Math.sin(i * 0.37));
    trainer.setBatch(x, x);
    await step(trainer);
    const start = performance.now();
    for (let i = 0; i < steps - 1; i++) trainer.step();
    await step(trainer);
    return (performance.now() - start) / steps;
  } finally {
    await gpu.device.queue.onSubmittedWorkDone();
    trainer.destroy();
  }
}

export async function probeBackends(webgpu: Gpu, cpu: Gpu): Promise<{ webgpuMs: number; cpuMs: number; what: string }> {
  const cpuMs = await timeTrainingStep(cpu);
  const webgpuMs = await timeTrainingStep(webgpu);
  return { webgpuMs, cpuMs, what: PROBE_WHAT };
}
