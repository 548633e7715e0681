// A CPU implementation of the part of the WebGPU API Timestep calls, so that every model, view,
// weights file and saved run works unchanged on machines with no usable GPU. Everything the engine
// records (pipelines from PipelineCache, bind groups, passes, copies, clears) is kept as given and
// run in order at queue.submit, synchronously, over ArrayBuffers. A compute pipeline resolves its
// CPU twin from the shader module's label (the KernelSource name), the entry point and the
// override constants; the WGSL text itself is never read.

import { CpuBuffer } from './buffer';
import { CpuBindGroup, CpuCommandEncoder, CpuPipeline, execute, type CpuCommandBuffer } from './commands';
import type { Bound, FamilyTwins } from './twin';

/** Looks up a family's twins; the registry in src/kernels/cpu/index.ts is one. */
export type TwinLookup = (family: string) => FamilyTwins | undefined;

/** Generous limits: nothing on the CPU is bounded by workgroup memory or grid size. */
export const CPU_LIMITS = {
  maxStorageBufferBindingSize: 2 ** 31 - 4,
  maxBufferSize: 2 ** 31 - 4,
  maxComputeWorkgroupStorageSize: 1 << 20,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupSizeY: 256,
  maxComputeWorkgroupSizeZ: 64,
  maxComputeWorkgroupsPerDimension: 65535,
  maxStorageBuffersPerShaderStage: 32,
  maxUniformBuffersPerShaderStage: 12,
  maxBindingsPerBindGroup: 1000,
  maxBindGroups: 4,
  minStorageBufferOffsetAlignment: 256,
  minUniformBufferOffsetAlignment: 256,
  maxUniformBufferBindingSize: 65536,
} as const;

class CpuShaderModule {
  readonly __brand = 'GPUShaderModule' as const;
  constructor(
    readonly label: string,
    readonly code: string,
  ) {}

  getCompilationInfo(): Promise<GPUCompilationInfo> {
    return Promise.resolve({ __brand: 'GPUCompilationInfo', messages: [] } as unknown as GPUCompilationInfo);
  }
}

/** An error as WebGPU reports one: a message (GPUValidationError and friends do not exist without WebGPU). */
class CpuError {
  constructor(readonly message: string) {}
}

class CpuQueue {
  readonly __brand = 'GPUQueue' as const;
  label = '';
  constructor(private readonly device: CpuDevice) {}

  submit(buffers: Iterable<GPUCommandBuffer>): void {
    for (const cb of buffers) {
      for (const c of (cb as unknown as CpuCommandBuffer).commands) {
        try {
          execute(c);
        } catch (error) {
          this.device.report(error);
          return; // WebGPU drops a submit that fails validation as a whole; later commands would read garbage.
        }
      }
    }
  }

  writeBuffer(buffer: GPUBuffer, bufferOffset: number, data: BufferSource | SharedArrayBuffer, dataOffset = 0, size?: number): void {
    const b = buffer as unknown as CpuBuffer;
    let bytes: Uint8Array;
    if (ArrayBuffer.isView(data)) {
      const per = (data as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
      const count = size ?? (data.byteLength / per - dataOffset);
      bytes = new Uint8Array(data.buffer, data.byteOffset + dataOffset * per, count * per);
    } else {
      const count = size ?? (data as ArrayBuffer).byteLength - dataOffset;
      bytes = new Uint8Array(data as ArrayBuffer, dataOffset, count);
    }
    if (b.destroyed) return this.device.report(new Error(`writeBuffer: buffer ${b.label} is destroyed`));
    if (bufferOffset + bytes.byteLength > b.size) return this.device.report(new Error(`writeBuffer: ${bytes.byteLength} bytes at ${bufferOffset} overflow ${b.label} (${b.size})`));
    new Uint8Array(b.data, bufferOffset, bytes.byteLength).set(bytes);
  }

  onSubmittedWorkDone(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
}

export class CpuDevice extends EventTarget {
  readonly __brand = 'GPUDevice' as const;
  label = 'cpu';
  readonly features = new Set<string>() as unknown as GPUSupportedFeatures;
  readonly limits = { ...CPU_LIMITS } as unknown as GPUSupportedLimits;
  readonly queue: CpuQueue;
  readonly lost: Promise<GPUDeviceLostInfo>;
  private markLost!: (info: GPUDeviceLostInfo) => void;
  private readonly scopes: Array<{ filter: GPUErrorFilter; error: CpuError | null }> = [];
  private destroyed = false;

  constructor(private readonly twins: TwinLookup) {
    super();
    this.queue = new CpuQueue(this);
    this.lost = new Promise((resolve) => (this.markLost = resolve));
  }

  /** An error from a command: into the innermost validation scope, else an 'uncapturederror' event. */
  report(error: unknown): void {
    const e = new CpuError(error instanceof Error ? error.message : String(error));
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      if (this.scopes[i].filter === 'validation') {
        this.scopes[i].error ??= e;
        return;
      }
    }
    const event = new Event('uncapturederror') as Event & { error: CpuError };
    event.error = e;
    this.dispatchEvent(event);
  }

  createBuffer(d: GPUBufferDescriptor): GPUBuffer {
    return new CpuBuffer(d.label ?? '', d.size, d.usage, d.mappedAtCreation ?? false) as unknown as GPUBuffer;
  }

  createShaderModule(d: GPUShaderModuleDescriptor): GPUShaderModule {
    return new CpuShaderModule(d.label ?? '', d.code) as unknown as GPUShaderModule;
  }

  createComputePipeline(d: GPUComputePipelineDescriptor): GPUComputePipeline {
    const module = d.compute.module as unknown as CpuShaderModule;
    const entry = d.compute.entryPoint ?? '';
    const family = this.twins(module.label);
    const twin = family?.[entry];
    if (!twin) {
      throw new Error(
        family
          ? `the CPU backend has no twin for ${module.label}.${entry} (it has ${Object.keys(family).join(', ')})`
          : `the CPU backend has no twins for the kernel family "${module.label}" (needed for ${module.label}.${entry})`,
      );
    }
    const constants: Record<string, number> = {};
    for (const [k, v] of Object.entries(d.compute.constants ?? {})) constants[k] = Number(v);
    return new CpuPipeline(d.label ?? `${module.label}.${entry}`, twin(constants)) as unknown as GPUComputePipeline;
  }

  createComputePipelineAsync(d: GPUComputePipelineDescriptor): Promise<GPUComputePipeline> {
    try {
      return Promise.resolve(this.createComputePipeline(d));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  createBindGroup(d: GPUBindGroupDescriptor): GPUBindGroup {
    const bindings: Array<Bound | undefined> = [];
    const buffers: CpuBuffer[] = [];
    for (const entry of d.entries) {
      const r = entry.resource as GPUBufferBinding | GPUBuffer;
      const binding = (r as GPUBufferBinding).buffer !== undefined ? (r as GPUBufferBinding) : { buffer: r as GPUBuffer };
      const buffer = binding.buffer as unknown as CpuBuffer;
      const offset = binding.offset ?? 0;
      const size = binding.size ?? Math.floor((buffer.size - offset) / 4) * 4;
      bindings[entry.binding] = buffer.view(offset, size);
      buffers.push(buffer);
    }
    return new CpuBindGroup(d.label ?? '', bindings, buffers) as unknown as GPUBindGroup;
  }

  createCommandEncoder(): GPUCommandEncoder {
    return new CpuCommandEncoder() as unknown as GPUCommandEncoder;
  }

  createQuerySet(): GPUQuerySet {
    throw new Error('createQuerySet: the CPU device has no timestamp-query');
  }

  pushErrorScope(filter: GPUErrorFilter): void {
    this.scopes.push({ filter, error: null });
  }

  popErrorScope(): Promise<GPUError | null> {
    const scope = this.scopes.pop();
    if (!scope) return Promise.reject(new Error('popErrorScope: no error scope is open'));
    return Promise.resolve(scope.error as unknown as GPUError | null);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.markLost({ __brand: 'GPUDeviceLostInfo', reason: 'destroyed', message: 'The CPU device was destroyed.' } as unknown as GPUDeviceLostInfo);
  }
}
