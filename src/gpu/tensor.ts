// Tensors (a buffer range plus a shape) and slabs (many named tensors in one buffer, offsets
// aligned to the device's storage offset alignment so each can be bound on its own).

export const F32 = 4;

export interface Tensor {
  readonly label: string;
  readonly buffer: GPUBuffer;
  /** Byte offset into `buffer`; a multiple of minStorageBufferOffsetAlignment. */
  readonly offset: number;
  readonly shape: readonly number[];
  /** Number of f32 elements. */
  readonly size: number;
}

/** GPUBufferUsage is read lazily: in Node it exists only once Dawn's globals are installed. */
export function storageUsage(): number {
  return GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Bytes actually bound for a tensor: never zero (WebGPU rejects empty bindings). */
export function bindingBytes(t: Tensor): number {
  return Math.max(t.size, 1) * F32;
}

export function binding(t: Tensor): GPUBufferBinding {
  return { buffer: t.buffer, offset: t.offset, size: bindingBytes(t) };
}

export function createTensor(device: GPUDevice, label: string, shape: readonly number[], data?: ArrayLike<number>): Tensor {
  const size = numel(shape);
  const buffer = device.createBuffer({
    label,
    size: alignUp(Math.max(size, 1) * F32, 16),
    usage: storageUsage(),
    mappedAtCreation: data !== undefined,
  });
  if (data !== undefined) {
    if (data.length !== size) throw new Error(`${label}: ${data.length} values for shape [${shape}] (${size})`);
    new Float32Array(buffer.getMappedRange(0, size * F32)).set(data);
    buffer.unmap();
  }
  return { label, buffer, offset: 0, shape: [...shape], size };
}

export function writeTensor(device: GPUDevice, t: Tensor, data: ArrayLike<number>): void {
  if (data.length !== t.size) throw new Error(`${t.label}: ${data.length} values for shape [${t.shape}] (${t.size})`);
  const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
  device.queue.writeBuffer(t.buffer, t.offset, f32.buffer, f32.byteOffset, t.size * F32);
}

export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

export interface SlabField {
  name: string;
  shape: readonly number[];
  /** Offset in f32 elements from the start of the slab. */
  offset: number;
  size: number;
}

/**
 * A slab: one buffer holding many named tensors, laid out by a size table. Parameters, their
 * gradients and the optimizer's moments share one layout, so the optimizer and the gradient norm
 * each run as a single dispatch over the whole slab. Padding between fields stays zero.
 */
export class Slab {
  readonly buffer: GPUBuffer;
  readonly fields: readonly SlabField[];
  /** Total length in f32 elements, padding included. */
  readonly length: number;
  private readonly byName = new Map<string, SlabField>();

  constructor(
    device: GPUDevice,
    readonly label: string,
    layout: SlabLayout,
  ) {
    this.fields = layout.fields;
    this.length = layout.length;
    for (const f of this.fields) this.byName.set(f.name, f);
    this.buffer = device.createBuffer({ label, size: Math.max(this.length, 1) * F32, usage: storageUsage() });
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  field(name: string): SlabField {
    const f = this.byName.get(name);
    if (!f) throw new Error(`${this.label}: no field "${name}" (has ${[...this.byName.keys()].join(', ')})`);
    return f;
  }

  tensor(name: string): Tensor {
    const f = this.field(name);
    return { label: `${this.label}.${name}`, buffer: this.buffer, offset: f.offset * F32, shape: f.shape, size: f.size };
  }

  /** The whole slab as one flat tensor (for the optimizer and norms). */
  all(): Tensor {
    return { label: this.label, buffer: this.buffer, offset: 0, shape: [this.length], size: this.length };
  }

  destroy(): void {
    this.buffer.destroy();
  }
}

export interface SlabLayout {
  fields: SlabField[];
  length: number;
}

/** Lays out named shapes back to back, each starting on `alignmentBytes`. */
export function slabLayout(shapes: ReadonlyArray<readonly [string, readonly number[]]>, alignmentBytes: number): SlabLayout {
  const step = Math.max(1, alignmentBytes / F32);
  const fields: SlabField[] = [];
  let offset = 0;
  for (const [name, shape] of shapes) {
    const size = numel(shape);
    fields.push({ name, shape: [...shape], offset, size });
    offset = alignUp(offset + Math.max(size, 1), step);
  }
  return { fields, length: offset };
}

/** Packs a flat host array per field into one Float32Array laid out like the slab. */
export function packSlab(layout: SlabLayout, values: Record<string, ArrayLike<number>>): Float32Array {
  const out = new Float32Array(layout.length);
  for (const f of layout.fields) {
    const v = values[f.name];
    if (!v) continue;
    if (v.length !== f.size) throw new Error(`slab field ${f.name}: ${v.length} values for shape [${f.shape}]`);
    out.set(v, f.offset);
  }
  return out;
}

export function unpackSlab(layout: SlabLayout, data: Float32Array): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const f of layout.fields) out[f.name] = data.slice(f.offset, f.offset + f.size);
  return out;
}
