// Host side of shaders/matmul.wgsl: builds recorded ops for C (+)= op(A)·op(B), bias add and the
// bias gradient.

import { createUniform, grid1d, makeOp, type GpuOp } from '../gpu/dispatch';
import type { Tensor } from '../gpu/tensor';
import { KERNELS, type KernelContext } from './registry';

export interface MatmulArgs {
  A: Tensor;
  B: Tensor;
  C: Tensor;
  M: number;
  N: number;
  K: number;
  /** A is stored [K, M] and used transposed. */
  transA?: boolean;
  /** B is stored [N, K] and used transposed. */
  transB?: boolean;
  /** C += op(A)·op(B) instead of C = op(A)·op(B). */
  accumulate?: boolean;
  /** Element offsets into A, B, C (a slice of a larger tensor). */
  aOffset?: number;
  bOffset?: number;
  cOffset?: number;
  label?: string;
}

const TILE = 64;

function expectSize(t: Tensor, n: number, what: string): void {
  if (t.size < n) throw new Error(`${what}: ${t.label} holds ${t.size} values, needs ${n}`);
}

export async function matmulOp(ctx: KernelContext, a: MatmulArgs): Promise<GpuOp> {
  expectSize(a.A, (a.aOffset ?? 0) + a.M * a.K, 'matmul A');
  expectSize(a.B, (a.bOffset ?? 0) + a.K * a.N, 'matmul B');
  expectSize(a.C, (a.cOffset ?? 0) + a.M * a.N, 'matmul C');
  const pipeline = await ctx.pipelines.get(KERNELS.matmul, 'matmul', {
    TRANS_A: Boolean(a.transA),
    TRANS_B: Boolean(a.transB),
    ACCUMULATE: Boolean(a.accumulate),
  });
  const label = a.label ?? `matmul ${a.M}x${a.N}x${a.K}`;
  const uniform = createUniform(ctx.device, label, [
    ['u32', a.M],
    ['u32', a.N],
    ['u32', a.K],
    ['u32', a.aOffset ?? 0],
    ['u32', a.bOffset ?? 0],
    ['u32', a.cOffset ?? 0],
  ]);
  return makeOp(ctx.device, pipeline, label, [a.A, a.B, a.C, uniform], [Math.ceil(a.N / TILE), Math.ceil(a.M / TILE)]);
}

/** Y[r, c] += bias[c] for a (rows, cols) Y. */
export async function biasAddOp(ctx: KernelContext, Y: Tensor, bias: Tensor, rows: number, cols: number): Promise<GpuOp> {
  expectSize(Y, rows * cols, 'biasAdd Y');
  expectSize(bias, cols, 'biasAdd bias');
  const pipeline = await ctx.pipelines.get(KERNELS.matmul, 'biasAdd', {});
  const uniform = createUniform(ctx.device, 'biasAdd', [
    ['u32', rows],
    ['u32', cols],
  ]);
  return makeOp(ctx.device, pipeline, `biasAdd ${rows}x${cols}`, [Y, bias, uniform], grid1d(rows * cols, 256));
}

/** dBias[c] (+)= Σ_r dY[r, c]. */
export async function biasGradOp(ctx: KernelContext, dY: Tensor, dBias: Tensor, rows: number, cols: number, accumulate = false): Promise<GpuOp> {
  expectSize(dY, rows * cols, 'biasGrad dY');
  expectSize(dBias, cols, 'biasGrad dBias');
  const pipeline = await ctx.pipelines.get(KERNELS.matmul, 'biasGrad', { ACCUMULATE: accumulate });
  const uniform = createUniform(ctx.device, 'biasGrad', [
    ['u32', rows],
    ['u32', cols],
  ]);
  return makeOp(ctx.device, pipeline, `biasGrad ${rows}x${cols}`, [dY, dBias, uniform], [Math.ceil(cols / 16)]);
}
