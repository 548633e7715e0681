// Times work that submits itself (a training step: its own command encoder and submit), as many
// submits back to back. With `timestamp-query`, two empty compute passes in submits of their own
// stamp the GPU clock before the first and after the last: the span the GPU spent on them, gaps
// included (the analogue of CUDA events recorded around a loop). The wall clock from the first
// submit to `onSubmittedWorkDone` is taken as well; it adds the CPU's encoding of the first
// submit and the completion callback's latency.

import { TimestampPair } from '../src/gpu/timing';

export interface SpanTiming {
  /** The timestamp span when there is one, else the wall clock. */
  ms: number;
  wallMs: number;
  source: 'timestamp-span' | 'wall-clock';
}

export class SpanTimer {
  private readonly stamps: TimestampPair | null;

  constructor(private readonly device: GPUDevice) {
    this.stamps = TimestampPair.create(device);
  }

  /** An empty compute pass that writes timestamp `index` at its beginning (0) or end (1). */
  private mark(stamps: TimestampPair, index: 0 | 1): GPUCommandEncoder {
    const encoder = this.device.createCommandEncoder({ label: `span mark ${index}` });
    const { querySet } = stamps;
    const writes: GPUComputePassTimestampWrites = index === 0 ? { querySet, beginningOfPassWriteIndex: 0 } : { querySet, endOfPassWriteIndex: 1 };
    encoder.beginComputePass({ timestampWrites: writes }).end();
    return encoder;
  }

  /** Calls `submit` (which queues its work and returns without waiting) and waits for the GPU. */
  async time(submit: () => void): Promise<SpanTiming> {
    const { device, stamps } = this;
    if (stamps) device.queue.submit([this.mark(stamps, 0).finish()]);
    const start = performance.now();
    submit();
    if (stamps) {
      const end = this.mark(stamps, 1);
      stamps.resolve(end);
      device.queue.submit([end.finish()]);
    }
    await device.queue.onSubmittedWorkDone();
    const wallMs = performance.now() - start;
    if (stamps) {
      const ms = await stamps.readMs();
      // Quantised, zeroed or unrelated timestamps say nothing: keep the wall clock then. (The span
      // may start a little before `start`: the first mark was submitted just before.)
      if (ms > 0 && ms < 2 * wallMs + 1) return { ms, wallMs, source: 'timestamp-span' };
    }
    return { ms: wallMs, wallMs, source: 'wall-clock' };
  }

  destroy(): void {
    this.stamps?.destroy();
  }
}
