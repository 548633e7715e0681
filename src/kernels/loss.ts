// Host side of shaders/loss.wgsl.

import { createUniform, grid1d, makeOp, writeUniform, type GpuOp, type UniformField } from '../gpu/dispatch';
import type { Tensor } from '../gpu/tensor';
import { KERNELS, type KernelContext } from './registry';

export type LossKind = 'mse' | 'cross_entropy';

export interface LossOp {
  op: GpuOp;
  /** Sets the 1/count the terms and gradients are scaled by (written before the next submit). */
  setInverseCount(inverseCount: number): void;
}

/**
 * MSE over `n` = pred.size elements, or cross-entropy over `rows` rows of `classes` logits with
 * class ids (as f32) in `target`. `inverseCount` is 1/n for MSE; for cross-entropy, 1 over the
 * rows whose target is not -1 (PyTorch's mean with ignore_index), which changes with the batch.
 */
export async function lossOp(
  ctx: KernelContext,
  kind: LossKind,
  t: { pred: Tensor; target: Tensor; grad: Tensor; terms: Tensor },
  shape: { rows: number; classes: number },
  inverseCount: number,
): Promise<LossOp> {
  const entry = kind === 'mse' ? 'mse' : 'crossEntropy';
  const n = kind === 'mse' ? shape.rows * shape.classes : shape.rows;
  const pipeline = await ctx.pipelines.get(KERNELS.loss, entry, {});
  const fields = (inv: number): UniformField[] => [
    ['u32', n],
    ['u32', shape.classes],
    ['f32', inv],
  ];
  const uniform = createUniform(ctx.device, entry, fields(inverseCount));
  return {
    op: makeOp(ctx.device, pipeline, `${entry} loss`, [t.pred, t.target, t.grad, t.terms, uniform], grid1d(n, kind === 'mse' ? 256 : 64)),
    setInverseCount: (inv) => writeUniform(ctx.device, uniform, fields(inv)),
  };
}

/** 1 / the number of class targets that are not -1 (ignored), or 0 when every one is ignored. */
export function inverseTargetCount(target: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < target.length; i++) if (target[i] >= 0) count++;
  return count > 0 ? 1 / count : 0;
}
