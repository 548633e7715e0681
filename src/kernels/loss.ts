// Host side of shaders/loss.wgsl.

import { createUniform, grid1d, makeOp, type GpuOp } from '../gpu/dispatch';
import type { Tensor } from '../gpu/tensor';
import { KERNELS, type KernelContext } from './registry';

export type LossKind = 'mse' | 'cross_entropy';

/**
 * MSE over `n` = pred.size elements, or cross-entropy over `rows` rows of `classes` logits with
 * class ids (as f32) in `target`. `inverseCount` is 1/n (1/rows for cross-entropy) for a mean.
 */
export async function lossOp(
  ctx: KernelContext,
  kind: LossKind,
  t: { pred: Tensor; target: Tensor; grad: Tensor; terms: Tensor },
  shape: { rows: number; classes: number },
  inverseCount: number,
): Promise<GpuOp> {
  const entry = kind === 'mse' ? 'mse' : 'crossEntropy';
  const n = kind === 'mse' ? shape.rows * shape.classes : shape.rows;
  const pipeline = await ctx.pipelines.get(KERNELS.loss, entry, {});
  const uniform = createUniform(ctx.device, entry, [
    ['u32', n],
    ['u32', shape.classes],
    ['f32', inverseCount],
  ]);
  return makeOp(ctx.device, pipeline, `${entry} loss`, [t.pred, t.target, t.grad, t.terms, uniform], grid1d(n, kind === 'mse' ? 256 : 64));
}
