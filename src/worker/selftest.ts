// A first proof that the GPU computes what we expect: a matmul of odd size against the float64
// reference. Run by the worker when the device is acquired, shown in the GPU panel.

import { runOps } from '../gpu/dispatch';
import { readTensor } from '../gpu/readback';
import { createTensor } from '../gpu/tensor';
import { Random, toF32Values } from '../data/random';
import { matmulOp } from '../kernels/linear';
import type { KernelContext } from '../kernels/registry';
import { relErr } from '../reference/compare';
import { matmul } from '../reference/kernels';
import type { SelfTestResult } from './protocol';

export async function gpuSelfTest(ctx: KernelContext): Promise<SelfTestResult> {
  const [M, N, K] = [33, 17, 65];
  const rng = new Random(7);
  const A = toF32Values(rng.uniformArray(M * K, -1, 1));
  const B = toF32Values(rng.uniformArray(K * N, -1, 1));
  const tA = createTensor(ctx.device, 'selftest.A', [M, K], A);
  const tB = createTensor(ctx.device, 'selftest.B', [K, N], B);
  const tC = createTensor(ctx.device, 'selftest.C', [M, N]);
  const start = performance.now();
  await runOps(ctx.device, [await matmulOp(ctx, { A: tA, B: tB, C: tC, M, N, K })]);
  const got = await readTensor(ctx.device, tC);
  const ms = performance.now() - start;
  const err = relErr(got, matmul(A, B, M, N, K));
  for (const t of [tA, tB, tC]) t.buffer.destroy();
  return { ok: err <= 1e-5, what: `matmul ${M}x${N}x${K} vs float64 reference`, maxRelErr: err, ms };
}
