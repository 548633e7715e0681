// Reading results back. `readTensor` waits (tests, one-off probes). `AsyncReader` is for the
// training loop: it copies into one of a ring of staging buffers inside the step's own command
// encoder, maps it after the submit, and hands the data to a callback later. When every staging
// buffer is still in flight it skips the copy instead of waiting: a step is never stalled.

import { F32, type Tensor } from './tensor';

export async function readBuffer(device: GPUDevice, buffer: GPUBuffer, offset: number, bytes: number): Promise<Float32Array> {
  const staging = device.createBuffer({ label: 'readback', size: Math.max(4, bytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  if (bytes > 0) encoder.copyBufferToBuffer(buffer, offset, staging, 0, bytes);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
  staging.unmap();
  staging.destroy();
  return out;
}

export function readTensor(device: GPUDevice, t: Tensor): Promise<Float32Array> {
  return readBuffer(device, t.buffer, t.offset, t.size * F32);
}

export interface ReadRequest {
  tensor: Tensor;
  /** Called with a copy of the tensor's values as they were when the step ran. */
  onData: (data: Float32Array) => void;
}

export class AsyncReader {
  private readonly free: GPUBuffer[] = [];
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly bytes: number,
    private readonly depth = 3,
  ) {}

  /** True when a staging buffer is free for this step. */
  get ready(): boolean {
    return this.free.length > 0 || this.inFlight < this.depth;
  }

  /**
   * Records copies of the requested tensors into a staging buffer and returns a function to call
   * right after `queue.submit`; or null (nothing recorded) when all staging buffers are busy.
   */
  record(encoder: GPUCommandEncoder, requests: readonly ReadRequest[]): (() => void) | null {
    const total = requests.reduce((s, r) => s + r.tensor.size * F32, 0);
    if (total > this.bytes) throw new Error(`AsyncReader: ${total} bytes requested, ${this.bytes} reserved`);
    if (!this.ready) return null;
    const staging =
      this.free.pop() ??
      this.device.createBuffer({ label: 'async-readback', size: Math.max(4, this.bytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.inFlight++;
    let at = 0;
    const spans: Array<[ReadRequest, number]> = [];
    for (const r of requests) {
      const bytes = r.tensor.size * F32;
      if (bytes > 0) encoder.copyBufferToBuffer(r.tensor.buffer, r.tensor.offset, staging, at, bytes);
      spans.push([r, at]);
      at += bytes;
    }
    return () => {
      staging.mapAsync(GPUMapMode.READ).then(
        () => {
          const all = staging.getMappedRange(0, Math.max(4, at));
          for (const [r, start] of spans) r.onData(new Float32Array(all.slice(start, start + r.tensor.size * F32)));
          staging.unmap();
          this.free.push(staging);
          this.landed();
        },
        () => {
          // The device was lost or destroyed: drop the buffer, the device handler reports it.
          this.landed();
        },
      );
    };
  }

  /** Resolves once no staging buffer is mapped or waiting to be (then destroy() frees them all). */
  settled(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private landed(): void {
    this.inFlight--;
    if (this.inFlight > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  destroy(): void {
    for (const b of this.free) b.destroy();
    this.free.length = 0;
  }
}
