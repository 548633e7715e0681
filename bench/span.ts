// Times work that submits itself (a training step: its own command encoder and submit), as many
// submits back to back. With `timestamp-query`, two empty compute passes in submits of their own
// stamp the GPU clock before the first and after the last: the span the GPU spent on them, gaps
// included (the analogue of CUDA events recorded around a loop). The wall clock from the first
// submit to `onSubmittedWorkDone` is taken as well; it adds the CPU's encoding of the first
// submit and the completion callback's latency.

export interface SpanTiming {
  /** The timestamp span when there is one, else the wall clock. */
  ms: number;
  wallMs: number;
  source: 'timestamp-span' | 'wall-clock';
}

export class SpanTimer {
  private readonly querySet: GPUQuerySet | null;
  private readonly resolveBuffer: GPUBuffer | null;
  private readonly readBuffer: GPUBuffer | null;

  constructor(private readonly device: GPUDevice) {
    const supported = device.features.has('timestamp-query');
    this.querySet = supported ? device.createQuerySet({ type: 'timestamp', count: 2 }) : null;
    this.resolveBuffer = supported ? device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }) : null;
    this.readBuffer = supported ? device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }) : null;
  }

  /** An empty compute pass that writes timestamp `index` at its beginning (0) or end (1). */
  private mark(index: 0 | 1): GPUCommandEncoder {
    const encoder = this.device.createCommandEncoder({ label: `span mark ${index}` });
    const querySet = this.querySet as GPUQuerySet;
    const writes: GPUComputePassTimestampWrites = index === 0 ? { querySet, beginningOfPassWriteIndex: 0 } : { querySet, endOfPassWriteIndex: 1 };
    encoder.beginComputePass({ timestampWrites: writes }).end();
    return encoder;
  }

  /** Calls `submit` (which queues its work and returns without waiting) and waits for the GPU. */
  async time(submit: () => void): Promise<SpanTiming> {
    const { device } = this;
    if (this.querySet) device.queue.submit([this.mark(0).finish()]);
    const start = performance.now();
    submit();
    let end: GPUCommandEncoder | null = null;
    if (this.querySet && this.resolveBuffer && this.readBuffer) {
      end = this.mark(1);
      end.resolveQuerySet(this.querySet, 0, 2, this.resolveBuffer, 0);
      end.copyBufferToBuffer(this.resolveBuffer, 0, this.readBuffer, 0, 16);
      device.queue.submit([end.finish()]);
    }
    await device.queue.onSubmittedWorkDone();
    const wallMs = performance.now() - start;
    if (end && this.readBuffer) {
      await this.readBuffer.mapAsync(GPUMapMode.READ);
      const [begin, finish] = new BigUint64Array(this.readBuffer.getMappedRange().slice(0));
      this.readBuffer.unmap();
      const ns = Number(finish - begin);
      // Quantised, zeroed or unrelated timestamps say nothing: keep the wall clock then. (The span
      // may start a little before `start`: the first mark was submitted just before.)
      if (ns > 0 && ns / 1e6 < 2 * wallMs + 1) return { ms: ns / 1e6, wallMs, source: 'timestamp-span' };
    }
    return { ms: wallMs, wallMs, source: 'wall-clock' };
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolveBuffer?.destroy();
    this.readBuffer?.destroy();
  }
}
