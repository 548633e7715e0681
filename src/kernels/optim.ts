// Host side of shaders/optim.wgsl: gradient clipping factor, Adam and SGD over whole slabs.
// Each op owns its uniform; `setStep` rewrites it (queue.writeBuffer, ordered before the next
// submit) so one recorded op serves every training step.

import { createUniform, grid1d, makeOp, writeUniform, type GpuOp, type UniformField } from '../gpu/dispatch';
import type { Tensor } from '../gpu/tensor';
import { KERNELS, type KernelContext } from './registry';

/**
 * stats[0] = clip factor, stats[1] = global gradient norm, stats[2] = 1 if that norm is not finite,
 * from per-segment sums of squares. The optimizers read `stats` as their `scale` input.
 */
export async function clipScaleOp(ctx: KernelContext, sumsq: Tensor, segments: number, stats: Tensor, maxNorm: number): Promise<GpuOp> {
  const pipeline = await ctx.pipelines.get(KERNELS.optim, 'clipScale', {});
  const uniform = createUniform(ctx.device, 'clipScale', [
    ['u32', segments],
    ['f32', maxNorm > 0 && Number.isFinite(maxNorm) ? maxNorm : 0],
  ]);
  return makeOp(ctx.device, pipeline, 'clipScale', [sumsq, stats, uniform], [1]);
}

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const ADAM_DEFAULTS: AdamHyper = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

export interface SteppedOp {
  op: GpuOp;
  /** Rewrites the uniform for optimizer step `step` (1-based, as PyTorch counts). */
  setStep(step: number, hyper?: Partial<AdamHyper & SgdHyper>): void;
}

function adamFields(n: number, h: AdamHyper, step: number): UniformField[] {
  const bc1 = 1 - h.beta1 ** step;
  const bc2 = 1 - h.beta2 ** step;
  return [
    ['u32', n],
    ['f32', h.lr],
    ['f32', 1 - h.beta1],
    ['f32', h.beta2],
    ['f32', 1 - h.beta2],
    ['f32', h.eps],
    ['f32', h.weightDecay],
    ['f32', bc1],
    ['f32', Math.sqrt(bc2)],
  ];
}

/** Adam over `param` with gradients `grad` scaled by scale[0] (the clip factor); skipped if scale[2] != 0. */
export async function adamOp(
  ctx: KernelContext,
  tensors: { param: Tensor; grad: Tensor; expAvg: Tensor; expAvgSq: Tensor; scale: Tensor },
  hyper: AdamHyper,
): Promise<SteppedOp> {
  const n = tensors.param.size;
  const pipeline = await ctx.pipelines.get(KERNELS.optim, 'adam', {});
  let current = { ...hyper };
  const uniform = createUniform(ctx.device, 'adam', adamFields(n, current, 1));
  const op = makeOp(ctx.device, pipeline, 'adam', [tensors.param, tensors.grad, tensors.expAvg, tensors.expAvgSq, tensors.scale, uniform], grid1d(n, 256));
  return {
    op,
    setStep(step, h) {
      current = { ...current, ...pickDefined(h) };
      writeUniform(ctx.device, uniform, adamFields(n, current, step));
    },
  };
}

export interface SgdHyper {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

export const SGD_DEFAULTS: SgdHyper = { lr: 1e-2, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false };

function sgdFields(n: number, h: SgdHyper, step: number): UniformField[] {
  return [
    ['u32', n],
    ['f32', h.lr],
    ['f32', h.momentum],
    ['f32', 1 - h.dampening],
    ['f32', h.weightDecay],
    ['u32', h.nesterov ? 1 : 0],
    ['u32', step <= 1 ? 1 : 0],
  ];
}

export async function sgdOp(
  ctx: KernelContext,
  tensors: { param: Tensor; grad: Tensor; momentumBuffer: Tensor; scale: Tensor },
  hyper: SgdHyper,
): Promise<SteppedOp> {
  const n = tensors.param.size;
  const pipeline = await ctx.pipelines.get(KERNELS.optim, 'sgd', {});
  let current = { ...hyper };
  const uniform = createUniform(ctx.device, 'sgd', sgdFields(n, current, 1));
  const op = makeOp(ctx.device, pipeline, 'sgd', [tensors.param, tensors.grad, tensors.momentumBuffer, tensors.scale, uniform], grid1d(n, 256));
  return {
    op,
    setStep(step, h) {
      current = { ...current, ...pickDefined(h) };
      writeUniform(ctx.device, uniform, sgdFields(n, current, step));
    },
  };
}

function pickDefined<T extends object>(h: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (!h) return out;
  for (const [k, v] of Object.entries(h)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
