// Command recording and execution for the CPU device: a command encoder records passes, copies
// and clears; the queue runs them in order, synchronously, at submit. A dispatch calls the twin
// the pipeline resolved with the bind group's views.

import { CpuBuffer } from './buffer';
import type { Bindings, TwinRun, Workgroups } from './twin';

export class CpuPipeline {
  readonly __brand = 'GPUComputePipeline' as const;
  constructor(
    readonly label: string,
    readonly run: TwinRun,
  ) {}

  getBindGroupLayout(index: number): GPUBindGroupLayout {
    return { __brand: 'GPUBindGroupLayout', label: `${this.label} layout ${index}` } as GPUBindGroupLayout;
  }
}

export class CpuBindGroup {
  readonly __brand = 'GPUBindGroup' as const;
  constructor(
    readonly label: string,
    readonly bindings: Bindings,
    /** Every buffer bound, to refuse a dispatch that reads a destroyed one (as WebGPU does). */
    readonly buffers: readonly CpuBuffer[],
  ) {}
}

type Command =
  | { kind: 'dispatch'; pipeline: CpuPipeline; group: CpuBindGroup; workgroups: Workgroups }
  | { kind: 'copy'; src: CpuBuffer; srcOffset: number; dst: CpuBuffer; dstOffset: number; bytes: number }
  | { kind: 'clear'; buffer: CpuBuffer; offset: number; bytes: number };

export class CpuCommandBuffer {
  readonly __brand = 'GPUCommandBuffer' as const;
  label = '';
  constructor(readonly commands: readonly Command[]) {}
}

export class CpuComputePass {
  readonly __brand = 'GPUComputePassEncoder' as const;
  label = '';
  private pipeline: CpuPipeline | null = null;
  private group: CpuBindGroup | null = null;
  constructor(private readonly commands: Command[]) {}

  setPipeline(pipeline: GPUComputePipeline): void {
    this.pipeline = pipeline as unknown as CpuPipeline;
  }

  setBindGroup(index: number, group: GPUBindGroup | null): void {
    if (index !== 0) throw new Error(`setBindGroup(${index}): the CPU device has bind group 0 only`);
    this.group = group as unknown as CpuBindGroup | null;
  }

  dispatchWorkgroups(x: number, y = 1, z = 1): void {
    if (!this.pipeline || !this.group) throw new Error('dispatchWorkgroups: set a pipeline and a bind group first');
    if (x === 0 || y === 0 || z === 0) return;
    this.commands.push({ kind: 'dispatch', pipeline: this.pipeline, group: this.group, workgroups: [x, y, z] });
  }

  end(): void {}
}

export class CpuCommandEncoder {
  readonly __brand = 'GPUCommandEncoder' as const;
  label = '';
  private readonly commands: Command[] = [];

  beginComputePass(descriptor: GPUComputePassDescriptor = {}): GPUComputePassEncoder {
    if (descriptor.timestampWrites) throw new Error('beginComputePass: the CPU device has no timestamp-query');
    return new CpuComputePass(this.commands) as unknown as GPUComputePassEncoder;
  }

  copyBufferToBuffer(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.commands.push({ kind: 'copy', src: src as unknown as CpuBuffer, srcOffset, dst: dst as unknown as CpuBuffer, dstOffset, bytes });
  }

  clearBuffer(buffer: GPUBuffer, offset = 0, size?: number): void {
    const b = buffer as unknown as CpuBuffer;
    this.commands.push({ kind: 'clear', buffer: b, offset, bytes: size ?? b.size - offset });
  }

  resolveQuerySet(): void {
    throw new Error('resolveQuerySet: the CPU device has no query sets');
  }

  finish(): GPUCommandBuffer {
    return new CpuCommandBuffer([...this.commands]) as unknown as GPUCommandBuffer;
  }
}

function alive(b: CpuBuffer, what: string): void {
  if (b.destroyed) throw new Error(`${what}: buffer ${b.label} is destroyed`);
  if (b.mapState !== 'unmapped') throw new Error(`${what}: buffer ${b.label} is ${b.mapState}`);
}

/** Runs one command; a problem throws an Error for the device to report. */
export function execute(c: Command): void {
  if (c.kind === 'dispatch') {
    for (const b of c.group.buffers) alive(b, c.pipeline.label);
    c.pipeline.run(c.group.bindings, c.workgroups);
  } else if (c.kind === 'copy') {
    alive(c.src, 'copyBufferToBuffer');
    alive(c.dst, 'copyBufferToBuffer');
    if (c.srcOffset + c.bytes > c.src.size || c.dstOffset + c.bytes > c.dst.size) {
      throw new Error(`copyBufferToBuffer: ${c.bytes} bytes from ${c.src.label}+${c.srcOffset} (${c.src.size}) to ${c.dst.label}+${c.dstOffset} (${c.dst.size}) is out of range`);
    }
    // copyWithin when both are one buffer (overlap is invalid in WebGPU; this stays defined).
    if (c.src === c.dst) new Uint8Array(c.src.data).copyWithin(c.dstOffset, c.srcOffset, c.srcOffset + c.bytes);
    else new Uint8Array(c.dst.data, c.dstOffset, c.bytes).set(new Uint8Array(c.src.data, c.srcOffset, c.bytes));
  } else {
    alive(c.buffer, 'clearBuffer');
    if (c.offset + c.bytes > c.buffer.size) throw new Error(`clearBuffer: [${c.offset}, +${c.bytes}) is outside ${c.buffer.label} (${c.buffer.size})`);
    new Uint8Array(c.buffer.data, c.offset, c.bytes).fill(0);
  }
}
