// Host side of shaders/norm.wgsl: RMSNorm over rows, forward (saving 1/rms per row) and backward.

import { createUniform, grid1d, makeOp, type GpuOp } from '../gpu/dispatch';
import type { Tensor } from '../gpu/tensor';
import { KERNELS, type KernelContext } from './registry';

/** mamba_ssm's RMSNorm default. */
export const RMS_EPS = 1e-5;

export interface NormShape {
  rows: number;
  width: number;
  eps?: number;
}

function expectSize(t: Tensor, n: number, what: string): void {
  if (t.size < n) throw new Error(`rmsnorm ${what}: ${t.label} holds ${t.size} values, needs ${n}`);
}

function uniform(ctx: KernelContext, label: string, s: NormShape): GPUBuffer {
  return createUniform(ctx.device, label, [
    ['u32', s.rows],
    ['u32', s.width],
    ['f32', s.eps ?? RMS_EPS],
  ]);
}

/** y = x / rms(x) · weight per row; rstd (rows) keeps 1/rms for the backward. */
export async function rmsNormForwardOp(ctx: KernelContext, s: NormShape, io: { x: Tensor; weight: Tensor; y: Tensor; rstd: Tensor }): Promise<GpuOp> {
  const n = s.rows * s.width;
  expectSize(io.x, n, 'x');
  expectSize(io.y, n, 'y');
  expectSize(io.weight, s.width, 'weight');
  expectSize(io.rstd, s.rows, 'rstd');
  const label = `rmsnorm forward ${s.rows}x${s.width}`;
  const pipeline = await ctx.pipelines.get(KERNELS.norm, 'forward', {});
  return makeOp(ctx.device, pipeline, label, [io.x, io.weight, null, io.rstd, io.y, uniform(ctx, label, s)], grid1d(s.rows, 64));
}

/** dx (+)= ∂/∂x and dweight = ∂/∂weight of sum(y·dy); two ops (dx and dweight may share a buffer). */
export async function rmsNormBackwardOps(
  ctx: KernelContext,
  s: NormShape,
  g: { x: Tensor; weight: Tensor; rstd: Tensor; dy: Tensor; dx: Tensor; dWeight: Tensor; accumulate?: boolean },
): Promise<GpuOp[]> {
  const n = s.rows * s.width;
  expectSize(g.dy, n, 'dy');
  expectSize(g.dx, n, 'dx');
  expectSize(g.dWeight, s.width, 'dweight');
  const label = `rmsnorm backward ${s.rows}x${s.width}`;
  const u = uniform(ctx, label, s);
  const dx = await ctx.pipelines.get(KERNELS.norm, 'backwardX', { ACCUMULATE: Boolean(g.accumulate) });
  const dw = await ctx.pipelines.get(KERNELS.norm, 'weightGrad', {});
  const groups: [number, number] = s.width <= 65535 ? [s.width, 1] : [65535, Math.ceil(s.width / 65535)];
  return [
    makeOp(ctx.device, dx, `${label} dx`, [g.x, g.weight, g.dy, g.rstd, g.dx, u], grid1d(s.rows, 64)),
    makeOp(ctx.device, dw, `${label} dweight`, [g.x, null, g.dy, g.rstd, g.dWeight, u], groups),
  ];
}
