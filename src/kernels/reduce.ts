// Host side of shaders/reduce.wgsl: segmented sums and sums of squares, and a two-pass total
// for arrays of any length.

import { makeOp, type GpuOp } from '../gpu/dispatch';
import { createTensor, type Tensor } from '../gpu/tensor';
import { KERNELS, type KernelContext } from './registry';

export type ReduceKind = 'sum' | 'sumsq';

export interface Segment {
  /** In f32 elements from the start of the data tensor. */
  offset: number;
  length: number;
}

/** Longest run one workgroup reduces; longer arrays are split so f32 partial sums stay short. */
export const SEGMENT_CHUNK = 16384;

function segmentGrid(count: number): [number, number] {
  return count <= 65535 ? [count, 1] : [65535, Math.ceil(count / 65535)];
}

function segmentBuffer(device: GPUDevice, segments: readonly Segment[]): GPUBuffer {
  const data = new Uint32Array(Math.max(2, segments.length * 2));
  segments.forEach((s, i) => {
    data[2 * i] = s.offset;
    data[2 * i + 1] = s.length;
  });
  const buffer = device.createBuffer({ label: 'segments', size: data.byteLength, usage: GPUBufferUsage.STORAGE, mappedAtCreation: true });
  new Uint32Array(buffer.getMappedRange()).set(data);
  buffer.unmap();
  return buffer;
}

/** out[s] (+)= Σ over segment s of x (sum) or x² (sumsq). */
export async function segmentReduceOp(
  ctx: KernelContext,
  kind: ReduceKind,
  data: Tensor,
  segments: readonly Segment[],
  out: Tensor,
  accumulate = false,
): Promise<GpuOp> {
  if (segments.length === 0) throw new Error('segmentReduce: no segments');
  if (out.size < segments.length) throw new Error(`segmentReduce: ${out.label} too small for ${segments.length} segments`);
  for (const s of segments) {
    if (s.offset + s.length > data.size) throw new Error(`segmentReduce: segment [${s.offset}, +${s.length}) outside ${data.label} (${data.size})`);
  }
  const pipeline = await ctx.pipelines.get(KERNELS.reduce, 'segmentReduce', { OP: kind === 'sumsq' ? 1 : 0, ACCUMULATE: accumulate });
  return makeOp(ctx.device, pipeline, `${kind} x${segments.length}`, [data, segmentBuffer(ctx.device, segments), out], segmentGrid(segments.length));
}

/** Splits [offset, offset+length) into chunks of at most SEGMENT_CHUNK. */
export function chunkSegments(offset: number, length: number, chunk = SEGMENT_CHUNK): Segment[] {
  const out: Segment[] = [];
  for (let at = 0; at < length; at += chunk) out.push({ offset: offset + at, length: Math.min(chunk, length - at) });
  if (out.length === 0) out.push({ offset, length: 0 });
  return out;
}

/**
 * out[0] = Σ x (or Σ x²) over all of `data`, as two ops: chunk partials, then their sum.
 * Returns the ops and the partials tensor (owned by the caller).
 */
export async function totalReduceOps(ctx: KernelContext, kind: ReduceKind, data: Tensor, out: Tensor): Promise<{ ops: GpuOp[]; partials: Tensor }> {
  const chunks = chunkSegments(0, data.size);
  const partials = createTensor(ctx.device, `${data.label}.partials`, [chunks.length]);
  const first = await segmentReduceOp(ctx, kind, data, chunks, partials);
  const second = await segmentReduceOp(ctx, 'sum', partials, chunkSegments(0, chunks.length, Number.MAX_SAFE_INTEGER), out);
  return { ops: [first, second], partials };
}
