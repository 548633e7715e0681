// Host side of shaders/activations.wgsl.

import { createUniform, grid1d, makeOp, type GpuOp } from '../gpu/dispatch';
import type { Tensor } from '../gpu/tensor';
import { KERNELS, type KernelContext } from './registry';

export const ACTIVATIONS = ['sigmoid', 'tanh', 'softplus', 'silu', 'exp'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

function opCode(fn: Activation): number {
  return ACTIVATIONS.indexOf(fn);
}

/** y = f(x), elementwise over x.size values. */
export async function activationOp(ctx: KernelContext, fn: Activation, x: Tensor, y: Tensor): Promise<GpuOp> {
  const pipeline = await ctx.pipelines.get(KERNELS.activations, 'forward', { OP: opCode(fn) });
  const uniform = createUniform(ctx.device, `${fn} forward`, [['u32', x.size]]);
  return makeOp(ctx.device, pipeline, `${fn} forward`, [x, null, y, uniform], grid1d(x.size, 256));
}

/** dx (+)= dy · f'(x). */
export async function activationGradOp(ctx: KernelContext, fn: Activation, x: Tensor, dy: Tensor, dx: Tensor, accumulate = false): Promise<GpuOp> {
  const pipeline = await ctx.pipelines.get(KERNELS.activations, 'backward', { OP: opCode(fn), ACCUMULATE: accumulate });
  const uniform = createUniform(ctx.device, `${fn} backward`, [['u32', x.size]]);
  return makeOp(ctx.device, pipeline, `${fn} backward`, [x, dy, dx, uniform], grid1d(x.size, 256));
}
