// C = op(A)·op(B) in fp32 through the project's tiled matmul (shaders/matmul.wgsl), square sizes.
// Rate: 2·M·N·K flops per iteration. The check recomputes a few entries of C in float64.

import { createTensor } from '../../src/gpu/tensor';
import { matmulOp } from '../../src/kernels/linear';
import type { BenchCase, BenchEnv, PreparedCase } from '../suite';
import { mismatch, readSlice, uniformF32 } from './data';

interface Layout {
  transA: boolean;
  transB: boolean;
}

async function prepareMatmul(env: BenchEnv, size: number, { transA, transB }: Layout): Promise<PreparedCase> {
  const M = size;
  const N = size;
  const K = size;
  const { device } = env.gpu;
  const a = uniformF32(M * K, -1, 1, 11); // (M, K), or (K, M) when transA
  const b = uniformF32(K * N, -1, 1, 12); // (K, N), or (N, K) when transB
  const A = createTensor(device, 'bench.A', transA ? [K, M] : [M, K], a);
  const B = createTensor(device, 'bench.B', transB ? [N, K] : [K, N], b);
  const C = createTensor(device, 'bench.C', [M, N]); // (M, N)
  const op = await matmulOp(env.ctx, { A, B, C, M, N, K, transA, transB, label: `bench matmul ${size}` });
  const opA = (m: number, k: number) => (transA ? a[k * M + m] : a[m * K + k]);
  const opB = (k: number, n: number) => (transB ? b[n * K + k] : b[k * N + n]);
  return {
    ops: [op],
    work: { flops: 2 * M * N * K },
    shape: `${M}x${N}x${K}`,
    peer: { op: 'matmul', M, N, K, transA, transB },
    async verify() {
      // C is overwritten by every iteration, so it holds op(A)·op(B) however many ran.
      const rows = [...new Set([0, M >> 1, M - 1])];
      const cols = [...new Set([0, 1, N >> 1, N - 1])];
      for (const m of rows) {
        const row = await readSlice(device, C, m * N, N);
        const got = cols.map((n) => row[n]);
        const want = cols.map((n) => {
          let s = 0;
          for (let k = 0; k < K; k++) s += opA(m, k) * opB(k, n);
          return s;
        });
        const bad = mismatch(got, want, 1e-5 * K, 1e-5);
        if (bad) return `row ${m}: ${bad}`;
      }
      return null;
    },
    destroy() {
      A.buffer.destroy();
      B.buffer.destroy();
      C.buffer.destroy();
    },
  };
}

export const matmulCases: BenchCase[] = [
  {
    id: 'matmul',
    group: 'matmul',
    sizes: { full: [256, 512, 1024, 2048, 4096], quick: [256, 512, 1024], fallback: [128, 256, 512, 1024], 'fallback-quick': [128, 256] },
    prepare: (env, size) => prepareMatmul(env, size, { transA: false, transB: false }),
  },
  {
    // dW = dYᵀ·X in a backward pass.
    id: 'matmul-tA',
    group: 'matmul',
    sizes: { full: [2048], quick: [512], fallback: [256], 'fallback-quick': [128] },
    prepare: (env, size) => prepareMatmul(env, size, { transA: true, transB: false }),
  },
  {
    // y = x·Wᵀ in a forward pass.
    id: 'matmul-tB',
    group: 'matmul',
    sizes: { full: [2048], quick: [512], fallback: [256], 'fallback-quick': [128] },
    prepare: (env, size) => prepareMatmul(env, size, { transA: false, transB: true }),
  },
];
