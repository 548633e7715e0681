// Dispatch: a recorded GPU operation (pipeline + bind group + grid) that can be encoded any number
// of times. Models record their forward and backward passes as lists of ops once per shape; a
// training step then encodes the lists into one command encoder and submits once, with no await.

import { binding, type Tensor } from './tensor';

export interface GpuOp {
  readonly label: string;
  readonly pipeline: GPUComputePipeline;
  readonly bindGroup: GPUBindGroup;
  readonly workgroups: readonly [number, number, number];
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

/** Encodes ops into one compute pass (ops in one pass run in order, with storage barriers between). */
export function encodeOps(encoder: GPUCommandEncoder, ops: readonly GpuOp[], passDescriptor: GPUComputePassDescriptor = {}): void {
  if (ops.length === 0) return;
  const pass = encoder.beginComputePass(passDescriptor);
  for (const op of ops) {
    if (op.workgroups[0] === 0 || op.workgroups[1] === 0 || op.workgroups[2] === 0) continue;
    pass.setPipeline(op.pipeline);
    pass.setBindGroup(0, op.bindGroup);
    pass.dispatchWorkgroups(op.workgroups[0], op.workgroups[1], op.workgroups[2]);
  }
  pass.end();
}

/** Encodes, submits and waits: for tests and setup, never inside a training step. */
export async function runOps(device: GPUDevice, ops: readonly GpuOp[]): Promise<void> {
  const encoder = device.createCommandEncoder();
  encodeOps(encoder, ops);
  device.queue.submit([encoder.finish()]);
  await device.queue.onSubmittedWorkDone();
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
