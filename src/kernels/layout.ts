// Host side of shaders/layout.wgsl.

import { createUniform, grid1d, makeOp, type GpuOp } from '../gpu/dispatch';
import type { Tensor } from '../gpu/tensor';
import { KERNELS, type KernelContext } from './registry';

/** dst (cols, rows) = srcᵀ for a (rows, cols) src. */
export async function transposeOp(ctx: KernelContext, src: Tensor, dst: Tensor, rows: number, cols: number): Promise<GpuOp> {
  if (src.size < rows * cols || dst.size < rows * cols) throw new Error(`transpose: ${src.label} or ${dst.label} smaller than ${rows}x${cols}`);
  const pipeline = await ctx.pipelines.get(KERNELS.layout, 'transpose', {});
  const uniform = createUniform(ctx.device, 'transpose', [
    ['u32', rows],
    ['u32', cols],
  ]);
  return makeOp(ctx.device, pipeline, `transpose ${rows}x${cols}`, [src, dst, uniform], [Math.ceil(cols / 16), Math.ceil(rows / 16)]);
}

/** dst row r = src row (r mod srcRows), for `rows` rows of `cols` values, from element `dstOffset`. */
export async function broadcastRowsOp(ctx: KernelContext, src: Tensor, dst: Tensor, rows: number, cols: number, srcRows: number, dstOffset = 0): Promise<GpuOp> {
  if (src.size < srcRows * cols || dst.size < dstOffset + rows * cols) throw new Error(`broadcastRows: ${src.label} or ${dst.label} too small`);
  const pipeline = await ctx.pipelines.get(KERNELS.layout, 'broadcastRows', {});
  const uniform = createUniform(ctx.device, 'broadcastRows', [
    ['u32', rows],
    ['u32', cols],
    ['u32', srcRows],
    ['u32', dstOffset],
  ]);
  return makeOp(ctx.device, pipeline, `broadcastRows ${rows}x${cols}`, [src, dst, uniform], grid1d(rows * cols, 256));
}
