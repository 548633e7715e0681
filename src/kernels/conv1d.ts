// Host side of shaders/conv1d.wgsl: Mamba's causal depthwise conv1d (with bias), forward and the
// three gradients, on time-major rows whose layout (offset, row stride) each side names.

import { createUniform, grid1d, makeOp, type GpuOp } from '../gpu/dispatch';
import type { Tensor } from '../gpu/tensor';
import { KERNELS, type KernelContext } from './registry';

export interface ConvShape {
  T: number;
  B: number;
  channels: number;
  /** Kernel width K (d_conv). */
  width: number;
}

/** Element (t, b, c) is at offset + (t·B + b)·stride + c (f32 elements). */
export interface RowLayout {
  offset: number;
  stride: number;
}

export const denseRows = (channels: number): RowLayout => ({ offset: 0, stride: channels });

function extent(s: ConvShape, l: RowLayout): number {
  return l.offset + (s.T * s.B - 1) * l.stride + s.channels;
}

function expectSize(t: Tensor, n: number, what: string): void {
  if (t.size < n) throw new Error(`conv1d ${what}: ${t.label} holds ${t.size} values, needs ${n}`);
}

function uniform(ctx: KernelContext, label: string, s: ConvShape, x: RowLayout, y: RowLayout): GPUBuffer {
  if (x.stride < s.channels || y.stride < s.channels) throw new Error(`${label}: a row stride is shorter than ${s.channels} channels`);
  return createUniform(ctx.device, label, [
    ['u32', s.T],
    ['u32', s.B],
    ['u32', s.channels],
    ['u32', s.width],
    ['u32', x.offset],
    ['u32', x.stride],
    ['u32', y.offset],
    ['u32', y.stride],
  ]);
}

/**
 * y (layout yl) = bias + causal depthwise conv of x (layout xl) with weight (C, 1, K). With
 * `history` (K-1 rows in x's layout: x at t = -(K-1)..-1), the steps before t=0 are read from it
 * instead of being zeros.
 */
export async function conv1dForwardOp(
  ctx: KernelContext,
  s: ConvShape,
  io: { x: Tensor; xl: RowLayout; weight: Tensor; bias: Tensor; y: Tensor; yl: RowLayout; history?: Tensor },
): Promise<GpuOp> {
  expectSize(io.x, extent(s, io.xl), 'x');
  expectSize(io.y, extent(s, io.yl), 'y');
  expectSize(io.weight, s.channels * s.width, 'weight');
  expectSize(io.bias, s.channels, 'bias');
  const label = `conv1d forward ${s.T}x${s.B}x${s.channels} k${s.width}${io.history ? ' (with history)' : ''}`;
  const resources = [io.x, null, io.weight, io.bias, io.y, uniform(ctx, label, s, io.xl, io.yl)];
  if (io.history && s.width > 1) {
    expectSize(io.history, extent({ ...s, T: s.width - 1 }, io.xl), 'history');
    const pipeline = await ctx.pipelines.get(KERNELS.conv1d, 'forwardHistory', {});
    return makeOp(ctx.device, pipeline, label, [...resources, io.history], grid1d(s.T * s.B * s.channels, 64));
  }
  const pipeline = await ctx.pipelines.get(KERNELS.conv1d, 'forward', {});
  return makeOp(ctx.device, pipeline, label, resources, grid1d(s.T * s.B * s.channels, 64));
}

export interface ConvGrads {
  /** The forward's input (for the weight gradient) and the gradient of its output. */
  x: Tensor;
  xl: RowLayout;
  dy: Tensor;
  yl: RowLayout;
  weight: Tensor;
  /** Written (not accumulated): dx in x's layout, dweight (C, 1, K), dbias (C). */
  dx?: Tensor;
  dWeight: Tensor;
  dBias: Tensor;
}

/** dx, dweight and dbias: three ops, since dweight and dbias may share one (gradient) buffer. */
export async function conv1dBackwardOps(ctx: KernelContext, s: ConvShape, g: ConvGrads): Promise<GpuOp[]> {
  expectSize(g.x, extent(s, g.xl), 'x');
  expectSize(g.dy, extent(s, g.yl), 'dy');
  expectSize(g.dWeight, s.channels * s.width, 'dweight');
  expectSize(g.dBias, s.channels, 'dbias');
  const label = `conv1d backward ${s.T}x${s.B}x${s.channels} k${s.width}`;
  const u = uniform(ctx, label, s, g.xl, g.yl);
  const get = (entry: string) => ctx.pipelines.get(KERNELS.conv1d, entry, {});
  const groups = (n: number): [number, number] => (n <= 65535 ? [n, 1] : [65535, Math.ceil(n / 65535)]);
  const ops: GpuOp[] = [];
  if (g.dx) {
    expectSize(g.dx, extent(s, g.xl), 'dx');
    ops.push(makeOp(ctx.device, await get('backwardX'), `${label} dx`, [null, g.dy, g.weight, null, g.dx, u], grid1d(s.T * s.B * s.channels, 64)));
  }
  ops.push(makeOp(ctx.device, await get('weightGrad'), `${label} dweight`, [g.x, g.dy, null, null, g.dWeight, u], groups(s.channels * s.width)));
  ops.push(makeOp(ctx.device, await get('biasGrad'), `${label} dbias`, [null, g.dy, null, null, g.dBias, u], groups(s.channels)));
  return ops;
}
