// Timing training steps on one backend, for choosing between WebGPU on a software adapter and the
// CPU backend. The start-up probe (probeBackends) runs before any run is configured, so it times a
// fixed small LSTM of the size the issue measured SwiftShader at, and ./backend.ts keeps the faster;
// the run's own probe (./runProbe.ts) times the configured run's models with timeSteps.

import type { Gpu } from '../gpu/device';
import type { KernelContext } from '../kernels/registry';
import { kernelContext } from '../kernels/registry';
import { defaultOptimizer } from '../train/optimizers';
import { Trainer, type TrainerConfig } from '../train/trainer';
import { START_PROBE } from './comfort';

const { batch: B, seqLen: T, inputSize: I, hidden: H } = START_PROBE;
export const PROBE_WHAT = `LSTM training step, batch ${B}, ${T} steps, input ${I}, hidden ${H}`;

/** One model's trainer settings and a batch to train it on (x, y as Trainer.setBatch takes them). */
export interface TimedModel {
  cfg: TrainerConfig;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

export interface StepTiming {
  /** Milliseconds per step (every model one step), GPU work included. */
  ms: number;
  /** The warm-up step alone took longer than the cap: `ms` is that step, and nothing more was timed. */
  capped: boolean;
}

export interface TimeOptions {
  /** Timed steps after the warm-up. */
  steps?: number;
  /** A warm-up step over this many ms is the answer: a slow backend is not timed further. */
  capMs?: number;
}

/** One step of every trainer, done when the device has done it (a skipped readback never hangs it). */
function stepAll(ctx: KernelContext, trainers: readonly Trainer[]): Promise<void> {
  for (const t of trainers) t.step();
  return ctx.device.queue.onSubmittedWorkDone();
}

/**
 * Milliseconds per training step of `models` together on `ctx`'s device: throwaway trainers built
 * from their configurations, one warm-up step (pipelines, first buffers), then the mean of `steps`,
 * from submit to the device having done them. The trainers are destroyed once the device has
 * done their work. Callers run it between the run's own steps, never beside them (the worker's queue).
 */
export async function timeSteps(ctx: KernelContext, models: readonly TimedModel[], options: TimeOptions = {}): Promise<StepTiming> {
  const steps = Math.max(1, options.steps ?? 3);
  const trainers: Trainer[] = [];
  try {
    for (const m of models) {
      const trainer = await Trainer.create(ctx, m.cfg);
      trainers.push(trainer);
      trainer.setBatch(m.x, m.y);
    }
    const warm = performance.now();
    await stepAll(ctx, trainers);
    const warmMs = performance.now() - warm;
    if (options.capMs !== undefined && warmMs > options.capMs) return { ms: warmMs, capped: true };
    const start = performance.now();
    for (let i = 0; i < steps - 1; i++) for (const t of trainers) t.step();
    await stepAll(ctx, trainers);
    return { ms: (performance.now() - start) / steps, capped: false };
  } finally {
    await ctx.device.queue.onSubmittedWorkDone();
    for (const t of trainers) t.destroy();
  }
}

/** Milliseconds per training step of the start-up probe's LSTM on `gpu`: one warm-up step, then the mean of `steps`. */
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
  const x = new Float32Array(B * T * I).map((_, i) => Math.sin(i * 0.37));
  return (await timeSteps(kernelContext(gpu.device), [{ cfg, x, y: x }], { steps })).ms;
}

export async function probeBackends(webgpu: Gpu, cpu: Gpu): Promise<{ webgpuMs: number; cpuMs: number; what: string }> {
  const cpuMs = await timeTrainingStep(cpu);
  const webgpuMs = await timeTrainingStep(webgpu);
  return { webgpuMs, cpuMs, what: PROBE_WHAT };
}
