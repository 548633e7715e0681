// Host side of shaders/mamba.wgsl: the elementwise glue around the selective scan in the Mamba
// block (A from A_log and back, and the Δ the scan used, for the probes).

import { createUniform, grid1d, makeOp, type GpuOp } from '../gpu/dispatch';
import type { Tensor } from '../gpu/tensor';
import { KERNELS, type KernelContext } from './registry';

function glueUniform(ctx: KernelContext, label: string, n: number, extra: [number, number, number, number] = [0, 0, 0, 0]): GPUBuffer {
  return createUniform(ctx.device, label, [['u32', n], ...extra.map((v): ['u32', number] => ['u32', v])]);
}

/** A = -exp(A_log), elementwise over A_log.size values. */
export async function aFromLogOp(ctx: KernelContext, aLog: Tensor, A: Tensor): Promise<GpuOp> {
  const n = aLog.size;
  const pipeline = await ctx.pipelines.get(KERNELS.mamba, 'aFromLog', {});
  return makeOp(ctx.device, pipeline, 'A = -exp(A_log)', [aLog, null, A, glueUniform(ctx, 'aFromLog', n)], grid1d(n, 64));
}

/** dA_log = dA · A (written). */
export async function aLogGradOp(ctx: KernelContext, dA: Tensor, A: Tensor, dALog: Tensor): Promise<GpuOp> {
  const n = dA.size;
  const pipeline = await ctx.pipelines.get(KERNELS.mamba, 'aLogGrad', {});
  return makeOp(ctx.device, pipeline, 'dA_log = dA·A', [dA, A, dALog, glueUniform(ctx, 'aLogGrad', n)], grid1d(n, 64));
}

/**
 * out (T, channels) = softplus(delta[t, sample, :] + bias) for a time-major delta (T, batch,
 * channels); the bias sits at element `biasOffset` of `biasSource` (the scan's workspace).
 */
export async function deltaProbeOp(
  ctx: KernelContext,
  s: { T: number; batch: number; channels: number; sample: number },
  delta: Tensor,
  biasSource: Tensor,
  biasOffset: number,
  out: Tensor,
): Promise<GpuOp> {
  const n = s.T * s.channels;
  if (out.size < n || delta.size < s.T * s.batch * s.channels || biasSource.size < biasOffset + s.channels) throw new Error('deltaProbe: a tensor is too small');
  const pipeline = await ctx.pipelines.get(KERNELS.mamba, 'deltaProbe', {});
  const uniform = glueUniform(ctx, 'deltaProbe', n, [s.batch, s.channels, s.sample, biasOffset]);
  return makeOp(ctx.device, pipeline, `Δ probe b${s.sample}`, [delta, biasSource, out, uniform], grid1d(n, 64));
}
