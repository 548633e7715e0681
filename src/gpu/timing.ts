// GPU timing. With `timestamp-query` the GPU stamps the start and end of a compute pass and we
// resolve the pair into a buffer; without it we fall back to wall-clock time from submit to
// `onSubmittedWorkDone`, which includes queue latency (and says so in `source`).

export interface GpuTiming {
  ms: number;
  source: 'timestamp-query' | 'wall-clock';
}

/**
 * Two GPU timestamps (query indices 0 and 1), resolved into a buffer and read back as the time
 * between them. Null where the device has no `timestamp-query`.
 */
export class TimestampPair {
  readonly querySet: GPUQuerySet;
  private readonly resolveBuffer: GPUBuffer;
  private readonly readBuffer: GPUBuffer;

  private constructor(device: GPUDevice) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
    this.resolveBuffer = device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.readBuffer = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  static create(device: GPUDevice): TimestampPair | null {
    return device.features.has('timestamp-query') ? new TimestampPair(device) : null;
  }

  /** Records the resolve and the copy to the readable buffer at the end of `encoder`. */
  resolve(encoder: GPUCommandEncoder): void {
    encoder.resolveQuerySet(this.querySet, 0, 2, this.resolveBuffer, 0);
    encoder.copyBufferToBuffer(this.resolveBuffer, 0, this.readBuffer, 0, 16);
  }

  /** Milliseconds from timestamp 0 to 1, once the submit holding `resolve` has run (0 or less: says nothing). */
  async readMs(): Promise<number> {
    await this.readBuffer.mapAsync(GPUMapMode.READ);
    const [begin, end] = new BigUint64Array(this.readBuffer.getMappedRange().slice(0));
    this.readBuffer.unmap();
    return Number(end - begin) / 1e6;
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolveBuffer.destroy();
    this.readBuffer.destroy();
  }
}

export class GpuTimer {
  private readonly stamps: TimestampPair | null;

  constructor(private readonly device: GPUDevice) {
    this.stamps = TimestampPair.create(device);
  }

  get usesTimestamps(): boolean {
    return this.stamps !== null;
  }

  /** Pass descriptor that stamps the beginning and end of the one pass being timed. */
  passDescriptor(): GPUComputePassDescriptor {
    if (!this.stamps) return {};
    return { timestampWrites: { querySet: this.stamps.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } };
  }

  /**
   * Times `encode` (which must record exactly one compute pass using `passDescriptor()`).
   * Waits for the GPU: for benchmarks, not for training steps.
   */
  async time(encode: (encoder: GPUCommandEncoder, pass: GPUComputePassDescriptor) => void): Promise<GpuTiming> {
    const encoder = this.device.createCommandEncoder();
    encode(encoder, this.passDescriptor());
    this.stamps?.resolve(encoder);
    const start = performance.now();
    this.device.queue.submit([encoder.finish()]);
    if (this.stamps) {
      const ms = await this.stamps.readMs();
      // Some implementations quantise or zero timestamps; fall back when they say nothing.
      if (ms > 0) return { ms, source: 'timestamp-query' };
    }
    await this.device.queue.onSubmittedWorkDone();
    return { ms: performance.now() - start, source: 'wall-clock' };
  }

  destroy(): void {
    this.stamps?.destroy();
  }
}
