// A GPUBuffer on the CPU: an ArrayBuffer with the mapping rules our code relies on. Views of it
// are made once per binding (bind groups are recorded once and reused), so a dispatch never
// allocates.

import type { Bound } from './twin';

/** The GPUBufferUsage and GPUMapMode flags (the browser's values), for where WebGPU has none. */
export const BUFFER_USAGE = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  INDEX: 0x0010,
  VERTEX: 0x0020,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  INDIRECT: 0x0100,
  QUERY_RESOLVE: 0x0200,
} as const;
export const MAP_MODE = { READ: 0x0001, WRITE: 0x0002 } as const;
export const SHADER_STAGE = { VERTEX: 0x1, FRAGMENT: 0x2, COMPUTE: 0x4 } as const;

/** Installs the flag objects as globals where the environment lacks them (a browser without WebGPU). */
export function installWebGpuGlobals(): void {
  const g = globalThis as Record<string, unknown>;
  g.GPUBufferUsage ??= BUFFER_USAGE;
  g.GPUMapMode ??= MAP_MODE;
  g.GPUShaderStage ??= SHADER_STAGE;
}

export class CpuBuffer {
  readonly __brand = 'GPUBuffer' as const;
  readonly data: ArrayBuffer;
  readonly f32: Float32Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  mapState: GPUBufferMapState;
  destroyed = false;
  /** Ranges handed out by getMappedRange, copied back on unmap when the mapping is writable. */
  private ranges: Array<[offset: number, copy: ArrayBuffer]> = [];
  private writable: boolean;

  constructor(
    readonly label: string,
    readonly size: number,
    readonly usage: number,
    mappedAtCreation: boolean,
  ) {
    if (!Number.isInteger(size) || size < 0) throw new Error(`createBuffer ${label}: size ${size} is not a non-negative integer`);
    // Rounded up to whole words so every view covers the buffer.
    this.data = new ArrayBuffer(Math.ceil(size / 4) * 4);
    this.f32 = new Float32Array(this.data);
    this.u32 = new Uint32Array(this.data);
    this.i32 = new Int32Array(this.data);
    this.mapState = mappedAtCreation ? 'mapped' : 'unmapped';
    this.writable = mappedAtCreation;
  }

  mapAsync(mode: number, offset = 0, size?: number): Promise<undefined> {
    if (this.destroyed) return Promise.reject(new Error(`mapAsync: buffer ${this.label} is destroyed`));
    if (this.mapState !== 'unmapped') return Promise.reject(new Error(`mapAsync: buffer ${this.label} is already ${this.mapState}`));
    if (offset + (size ?? this.size - offset) > this.size) return Promise.reject(new Error(`mapAsync: range outside buffer ${this.label}`));
    this.mapState = 'pending';
    this.writable = (mode & MAP_MODE.WRITE) !== 0;
    // Work runs at submit, so the data is ready now; resolving later keeps the promise's order.
    return Promise.resolve().then(() => {
      if (this.destroyed) throw new Error(`mapAsync: buffer ${this.label} was destroyed`);
      this.mapState = 'mapped';
      return undefined;
    });
  }

  getMappedRange(offset = 0, size?: number): ArrayBuffer {
    if (this.mapState !== 'mapped') throw new Error(`getMappedRange: buffer ${this.label} is not mapped`);
    const bytes = size ?? this.size - offset;
    if (offset + bytes > this.data.byteLength) throw new Error(`getMappedRange: [${offset}, +${bytes}) is outside buffer ${this.label} (${this.size} bytes)`);
    const copy = this.data.slice(offset, offset + bytes);
    this.ranges.push([offset, copy]);
    return copy;
  }

  unmap(): void {
    if (this.writable) for (const [offset, copy] of this.ranges) new Uint8Array(this.data, offset, copy.byteLength).set(new Uint8Array(copy));
    this.ranges = [];
    this.mapState = 'unmapped';
    this.writable = false;
  }

  destroy(): void {
    this.destroyed = true;
    this.ranges = [];
    this.mapState = 'unmapped';
  }

  /** Views of [offset, offset + size) for a binding. */
  view(offset: number, size: number): Bound {
    if (offset % 4 !== 0 || size % 4 !== 0) throw new Error(`binding of ${this.label}: offset ${offset} and size ${size} must be multiples of 4`);
    if (offset + size > this.data.byteLength) throw new Error(`binding of ${this.label}: [${offset}, +${size}) is outside the buffer (${this.size} bytes)`);
    const at = offset / 4;
    const n = size / 4;
    return { f32: this.f32.subarray(at, at + n), u32: this.u32.subarray(at, at + n), i32: this.i32.subarray(at, at + n) };
  }
}
