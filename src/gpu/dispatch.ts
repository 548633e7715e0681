// Dispatch: a recorded GPU operation (pipeline + bind group + grid) that can be encoded any number
// of times. Models record their forward and backward passes as lists of ops once per shape; a
// training step then encodes the lists into one command encoder and submits once, with no await.

import { binding, type Tensor } from './tensor';

export interface GpuOp {
  readonly kind?: 'dispatch';
  readonly label: string;
  readonly pipeline: GPUComputePipeline;
  readonly bindGroup: GPUBindGroup;
  readonly workgroups: readonly [number, number, number];
}

/** A buffer-to-buffer copy recorded in the same stream (ends the current compute pass). */
export interface CopyOp {
  readonly kind: 'copy';
  readonly label: string;
  readonly src: GPUBuffer;
  readonly srcOffset: number;
  readonly dst: GPUBuffer;
  readonly dstOffset: number;
  readonly bytes: number;
}

/** Zero-fill of a buffer range (offset and size multiples of 4). */
export interface ClearOp {
  readonly kind: 'clear';
  readonly label: string;
  readonly buffer: GPUBuffer;
  readonly offset: number;
  readonly bytes: number;
}

/** Anything a recorded step can hold. */
export type StepOp = GpuOp | CopyOp | ClearOp;

/** The ops as dispatches, for callers that time them inside one compute pass; throws on a copy or clear. */
export function dispatchesOf(ops: readonly StepOp[], what: string): GpuOp[] {
  return ops.map((op) => {
    if (op.kind === 'copy' || op.kind === 'clear') throw new Error(`${what}: '${op.label}' is a ${op.kind}, not a dispatch`);
    return op;
  });
}

export function copyOp(label: string, src: Tensor, dst: Tensor, elements = Math.min(src.size, dst.size)): CopyOp {
  if (elements > src.size || elements > dst.size) throw new Error(`${label}: copying ${elements} values between ${src.label} (${src.size}) and ${dst.label} (${dst.size})`);
  return { kind: 'copy', label, src: src.buffer, srcOffset: src.offset, dst: dst.buffer, dstOffset: dst.offset, bytes: elements * 4 };
}

export function clearOp(label: string, t: Tensor): ClearOp {
  return { kind: 'clear', label, buffer: t.buffer, offset: t.offset, bytes: t.size * 4 };
}

export type Resource = Tensor | GPUBuffer;

function isTensor(r: Resource): r is Tensor {
  return (r as Tensor).shape !== undefined;
}

/**
 * Bind group for a pipeline whose binding i in group 0 is `resources[i]`; a null leaves binding i
 * out (an entry point that does not use it has no such slot in its 'auto' layout).
 */
export function bindGroupFor(device: GPUDevice, pipeline: GPUComputePipeline, label: string, resources: readonly (Resource | null)[]): GPUBindGroup {
  const entries: GPUBindGroupEntry[] = [];
  resources.forEach((r, i) => {
    if (r !== null) entries.push({ binding: i, resource: isTensor(r) ? binding(r) : { buffer: r } });
  });
  return device.createBindGroup({ label, layout: pipeline.getBindGroupLayout(0), entries });
}

export function makeOp(
  device: GPUDevice,
  pipeline: GPUComputePipeline,
  label: string,
  resources: readonly (Resource | null)[],
  workgroups: readonly [number, number?, number?],
): GpuOp {
  return {
    label,
    pipeline,
    bindGroup: bindGroupFor(device, pipeline, label, resources),
    workgroups: [workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1],
  };
}

/**
 * Encodes ops in order: consecutive dispatches share one compute pass (dispatches in a pass run
 * in order, their storage writes visible to the next); a copy or clear ends the pass. The first
 * pass gets `passDescriptor` (e.g. timestamp writes).
 */
export function encodeOps(encoder: GPUCommandEncoder, ops: readonly StepOp[], passDescriptor: GPUComputePassDescriptor = {}): void {
  let pass: GPUComputePassEncoder | null = null;
  let first = true;
  for (const op of ops) {
    if (op.kind === 'copy' || op.kind === 'clear') {
      pass?.end();
      pass = null;
      if (op.bytes === 0) continue;
      if (op.kind === 'copy') encoder.copyBufferToBuffer(op.src, op.srcOffset, op.dst, op.dstOffset, op.bytes);
      else encoder.clearBuffer(op.buffer, op.offset, op.bytes);
      continue;
    }
    if (op.workgroups[0] === 0 || op.workgroups[1] === 0 || op.workgroups[2] === 0) continue;
    if (!pass) {
      pass = encoder.beginComputePass(first ? passDescriptor : {});
      first = false;
    }
    pass.setPipeline(op.pipeline);
    pass.setBindGroup(0, op.bindGroup);
    pass.dispatchWorkgroups(op.workgroups[0], op.workgroups[1], op.workgroups[2]);
  }
  pass?.end();
}

/**
 * Encodes, submits and waits: for tests and setup, never inside a training step. A validation
 * error (an aliased binding, a buffer too small) is thrown here rather than leaving zeros behind.
 */
export async function runOps(device: GPUDevice, ops: readonly StepOp[]): Promise<void> {
  device.pushErrorScope('validation');
  const encoder = device.createCommandEncoder();
  encodeOps(encoder, ops);
  device.queue.submit([encoder.finish()]);
  const error = await device.popErrorScope();
  await device.queue.onSubmittedWorkDone();
  if (error) throw new Error(`GPU validation error: ${error.message}`);
}

/**
 * A 1D grid of `count` invocations as (x, y) workgroups that respects the per-dimension limit.
 * Kernels rebuild the flat index as `gid.x + gid.y * num_workgroups.x * WORKGROUP`.
 */
export function grid1d(count: number, workgroupSize: number, maxPerDimension = 65535): [number, number] {
  const groups = Math.ceil(count / workgroupSize);
  if (groups <= maxPerDimension) return [groups, 1];
  const y = Math.ceil(groups / maxPerDimension);
  return [Math.ceil(groups / y), y];
}

/** A uniform buffer from fields packed in order as u32 or f32 (each 4 bytes; WGSL struct of scalars). */
export type UniformField = readonly ['u32' | 'f32' | 'i32', number];

export function packUniform(fields: readonly UniformField[]): ArrayBuffer {
  const bytes = Math.max(16, Math.ceil((fields.length * 4) / 16) * 16);
  const buffer = new ArrayBuffer(bytes);
  const view = new DataView(buffer);
  fields.forEach(([type, value], i) => {
    if (type === 'u32') view.setUint32(i * 4, value, true);
    else if (type === 'i32') view.setInt32(i * 4, value, true);
    else view.setFloat32(i * 4, value, true);
  });
  return buffer;
}

export function createUniform(device: GPUDevice, label: string, fields: readonly UniformField[]): GPUBuffer {
  const data = packUniform(fields);
  const buffer = device.createBuffer({ label, size: data.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}

export function writeUniform(device: GPUDevice, buffer: GPUBuffer, fields: readonly UniformField[]): void {
  device.queue.writeBuffer(buffer, 0, packUniform(fields));
}
