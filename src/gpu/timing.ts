// GPU timing. With `timestamp-query` the GPU stamps the start and end of a compute pass and we
// resolve the pair into a buffer; without it we fall back to wall-clock time from submit to
// `onSubmittedWorkDone`, which includes queue latency (and says so in `source`).

export interface GpuTiming {
  ms: number;
  source: 'timestamp-query' | 'wall-clock';
}

export class GpuTimer {
  private readonly querySet: GPUQuerySet | null;
  private readonly resolveBuffer: GPUBuffer | null;
  private readonly readBuffer: GPUBuffer | null;

  constructor(private readonly device: GPUDevice) {
    const supported = device.features.has('timestamp-query');
    this.querySet = supported ? device.createQuerySet({ type: 'timestamp', count: 2 }) : null;
    this.resolveBuffer = supported
      ? device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC })
      : null;
    this.readBuffer = supported ? device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }) : null;
  }

  get usesTimestamps(): boolean {
    return this.querySet !== null;
  }

  /** Pass descriptor that stamps the beginning and end of the one pass being timed. */
  passDescriptor(): GPUComputePassDescriptor {
    if (!this.querySet) return {};
    return { timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } };
  }

  /**
   * Times `encode` (which must record exactly one compute pass using `passDescriptor()`).
   * Waits for the GPU: for benchmarks, not for training steps.
   */
  async time(encode: (encoder: GPUCommandEncoder, pass: GPUComputePassDescriptor) => void): Promise<GpuTiming> {
    const encoder = this.device.createCommandEncoder();
    encode(encoder, this.passDescriptor());
    if (this.querySet && this.resolveBuffer && this.readBuffer) {
      encoder.resolveQuerySet(this.querySet, 0, 2, this.resolveBuffer, 0);
      encoder.copyBufferToBuffer(this.resolveBuffer, 0, this.readBuffer, 0, 16);
    }
    const start = performance.now();
    this.device.queue.submit([encoder.finish()]);
    if (this.readBuffer) {
      await this.readBuffer.mapAsync(GPUMapMode.READ);
      const [begin, end] = new BigUint64Array(this.readBuffer.getMappedRange().slice(0));
      this.readBuffer.unmap();
      const ns = Number(end - begin);
      // Some implementations quantise or zero timestamps; fall back when they say nothing.
      if (ns > 0) return { ms: ns / 1e6, source: 'timestamp-query' };
    }
    await this.device.queue.onSubmittedWorkDone();
    return { ms: performance.now() - start, source: 'wall-clock' };
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolveBuffer?.destroy();
    this.readBuffer?.destroy();
  }
}
