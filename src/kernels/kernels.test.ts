// Every kernel in shaders/ against its float64 reference, at odd sizes and extreme values,
// running the real WGSL through Dawn (SwiftShader without a GPU).

import { describe, expect, it } from 'vitest';
import { runOps } from '../gpu/dispatch';
import { readTensor } from '../gpu/readback';
import { createTensor, type Tensor } from '../gpu/tensor';
import { Random, toF32Values } from '../data/random';
import * as ref from '../reference/kernels';
import { firstMismatch } from '../reference/compare';
import { KERNELS } from './registry';
import { matmulOp, biasAddOp, biasGradOp } from './linear';
import { ACTIVATIONS, activationOp, activationGradOp } from './activations';
import { segmentReduceOp, totalReduceOps, chunkSegments } from './reduce';
import { adamOp, clipScaleOp, sgdOp } from './optim';
import { useKernelContext } from './testing';
import { registerTwins } from './cpu';
import { MATMUL_TWINS } from './cpu/matmul';

const { gpu, ctx } = useKernelContext();
const rng = new Random(1234);

function tensor(label: string, values: ArrayLike<number>): Tensor {
  return createTensor(gpu.device, label, [values.length], values);
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  const i = firstMismatch(actual, expected, rtol, atol);
  if (i >= 0) {
    throw new Error(`${what}: index ${i} is ${actual[i]}, expected ${expected[i]} (rtol ${rtol}, atol ${atol})`);
  }
}

describe('matmul', () => {
  const sizes: Array<[number, number, number]> = [
    [1, 1, 1],
    [7, 7, 7],
    [33, 33, 33],
    [1, 257, 7],
    [257, 33, 70],
    [65, 129, 17],
  ];
  for (const [M, N, K] of sizes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const accumulate of [false, true]) {
          it(`${M}x${N}x${K} transA=${transA} transB=${transB} accumulate=${accumulate}`, async () => {
            const A = toF32Values(rng.uniformArray(M * K, -1, 1));
            const B = toF32Values(rng.uniformArray(K * N, -1, 1));
            const C0 = toF32Values(rng.uniformArray(M * N, -1, 1));
            const tA = tensor('A', A);
            const tB = tensor('B', B);
            const tC = tensor('C', accumulate ? C0 : new Float64Array(M * N).fill(NaN));
            await runOps(gpu.device, [await matmulOp(ctx, { A: tA, B: tB, C: tC, M, N, K, transA, transB, accumulate })]);
            const got = await readTensor(gpu.device, tC);
            const want = ref.matmul(A, B, M, N, K, { transA, transB, C: accumulate ? C0 : undefined });
            expectClose(got, want, 1e-5, 1e-5 * Math.sqrt(K), 'matmul');
          });
        }
      }
    }
  }

  it('reads and writes slices through element offsets', async () => {
    const M = 5, N = 3, K = 7, aOff = 11, bOff = 3, cOff = 6;
    const A = toF32Values(rng.uniformArray(aOff + M * K, -1, 1));
    const B = toF32Values(rng.uniformArray(bOff + K * N, -1, 1));
    const C0 = toF32Values(rng.uniformArray(cOff + M * N + 4, -1, 1));
    const tC = tensor('C', C0);
    await runOps(gpu.device, [await matmulOp(ctx, { A: tensor('A', A), B: tensor('B', B), C: tC, M, N, K, aOffset: aOff, bOffset: bOff, cOffset: cOff, accumulate: true })]);
    const want = Float64Array.from(C0);
    const prod = ref.matmul(A.subarray(aOff), B.subarray(bOff), M, N, K);
    for (let i = 0; i < M * N; i++) want[cOff + i] += prod[i];
    expectClose(await readTensor(gpu.device, tC), want, 1e-5, 1e-5, 'matmul offsets');
  });

  it('handles large magnitudes without overflow', async () => {
    const M = 9, N = 11, K = 13;
    const A = toF32Values(rng.uniformArray(M * K, -3e3, 3e3));
    const B = toF32Values(rng.uniformArray(K * N, -3e3, 3e3));
    const tC = tensor('C', new Float64Array(M * N));
    await runOps(gpu.device, [await matmulOp(ctx, { A: tensor('A', A), B: tensor('B', B), C: tC, M, N, K })]);
    const want = ref.matmul(A, B, M, N, K);
    expectClose(await readTensor(gpu.device, tC), want, 1e-5, 1e-5 * 9e6 * K, 'matmul large');
  });
});

describe('bias', () => {
  for (const [rows, cols] of [[1, 1], [7, 33], [257, 7], [33, 257]] as const) {
    it(`biasAdd and biasGrad ${rows}x${cols}`, async () => {
      const Y = toF32Values(rng.uniformArray(rows * cols, -2, 2));
      const b = toF32Values(rng.uniformArray(cols, -2, 2));
      const tY = tensor('Y', Y);
      await runOps(gpu.device, [await biasAddOp(ctx, tY, tensor('b', b), rows, cols)]);
      expectClose(await readTensor(gpu.device, tY), ref.biasAdd(Y, b, rows, cols), 1e-6, 1e-6, 'biasAdd');

      const start = toF32Values(rng.uniformArray(cols, -1, 1));
      for (const accumulate of [false, true]) {
        const db = tensor('db', start);
        await runOps(gpu.device, [await biasGradOp(ctx, tensor('dY', Y), db, rows, cols, accumulate)]);
        const want = ref.biasGrad(Y, rows, cols);
        if (accumulate) for (let i = 0; i < cols; i++) want[i] += start[i];
        expectClose(await readTensor(gpu.device, db), want, 1e-5, 1e-5 * rows, `biasGrad accumulate=${accumulate}`);
      }
    });
  }
});

describe('activations', () => {
  // Odd sizes, and the extremes: |x| up to 30 into every function, around softplus's threshold 20.
  const extremes = [-30, -29.5, -20.5, -20, -19.5, -10, -1, -1e-3, -1e-7, 0, 1e-7, 1e-3, 1, 10, 19.5, 20, 20.5, 29.5, 30];
  for (const n of [1, 7, 33, 257, 70001]) {
    for (const fn of ACTIVATIONS) {
      it(`${fn} forward and backward, n=${n}`, async () => {
        const x = toF32Values(n <= extremes.length ? extremes.slice(0, n) : [...extremes, ...rng.uniformArray(n - extremes.length, -30, 30)]);
        const dy = toF32Values(rng.uniformArray(n, -1, 1));
        const tx = tensor('x', x);
        const ty = tensor('y', new Float64Array(n));
        const tdx = tensor('dx', new Float64Array(n).fill(0.5));
        await runOps(gpu.device, [await activationOp(ctx, fn, tx, ty), await activationGradOp(ctx, fn, tx, tensor('dy', dy), tdx, true)]);
        const y = await readTensor(gpu.device, ty);
        const dx = await readTensor(gpu.device, tdx);
        const wantY = Float64Array.from(x, (v) => ref.activation[fn](v));
        const wantDx = Float64Array.from(x, (v, i) => 0.5 + dy[i] * ref.activationGrad[fn](v));
        expect(y.every(Number.isFinite)).toBe(true);
        expect(dx.every(Number.isFinite)).toBe(true);
        expectClose(y, wantY, 2e-6, 1e-6, `${fn} forward`);
        expectClose(dx, wantDx, 2e-6, 1e-6, `${fn} backward`);
      });
    }
  }
});

describe('reductions', () => {
  for (const n of [1, 7, 33, 257, 16385, 100003]) {
    it(`sum and sum of squares, n=${n}`, async () => {
      const x = toF32Values(rng.uniformArray(n, -1, 1));
      const tx = tensor('x', x);
      const out = tensor('out', [0, 0]);
      const sum = await totalReduceOps(ctx, 'sum', tx, { ...out, size: 1 });
      const sq = await totalReduceOps(ctx, 'sumsq', tx, { ...out, offset: 0, size: 1, label: 'sq' });
      await runOps(gpu.device, sum.ops);
      const s = (await readTensor(gpu.device, out))[0];
      await runOps(gpu.device, sq.ops);
      const q = (await readTensor(gpu.device, out))[0];
      expect(Math.abs(s - ref.sum(x))).toBeLessThanOrEqual(1e-6 * n + 1e-6);
      expect(Math.abs(q - ref.sumOfSquares(x))).toBeLessThanOrEqual(1e-6 * ref.sumOfSquares(x) + 1e-6);
    });
  }

  it('per-segment sums of squares (gradient norm per parameter)', async () => {
    const x = toF32Values(rng.uniformArray(1000, -5, 5));
    const segments = [
      { offset: 0, length: 1 },
      { offset: 1, length: 300 },
      { offset: 301, length: 0 },
      { offset: 301, length: 699 },
    ];
    const out = tensor('out', [9, 9, 9, 9]);
    await runOps(gpu.device, [await segmentReduceOp(ctx, 'sumsq', tensor('x', x), segments, out)]);
    const got = await readTensor(gpu.device, out);
    segments.forEach((s, i) => {
      const want = ref.sumOfSquares(x.subarray(s.offset, s.offset + s.length));
      expect(Math.abs(got[i] - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, want));
    });
  });

  it('chunks long arrays', () => {
    expect(chunkSegments(10, 40000, 16384)).toEqual([
      { offset: 10, length: 16384 },
      { offset: 16394, length: 16384 },
      { offset: 32778, length: 7232 },
    ]);
  });
});

describe('optimizers', () => {
  it('clip factor matches torch.nn.utils.clip_grad_norm_', async () => {
    for (const maxNorm of [0.1, 1, 1e9, 0]) {
      const g = toF32Values(rng.uniformArray(77, -1, 1));
      const sumsq = tensor('sumsq', [ref.sumOfSquares(g.subarray(0, 40)), ref.sumOfSquares(g.subarray(40))]);
      const stats = tensor('stats', [0, 0, 9]);
      await runOps(gpu.device, [await clipScaleOp(ctx, sumsq, 2, stats, maxNorm)]);
      const [scale, norm, nonFinite] = await readTensor(gpu.device, stats);
      const want = ref.clipFactor([g], maxNorm);
      expect(nonFinite).toBe(0);
      expect(Math.abs(norm - want.norm)).toBeLessThanOrEqual(1e-6 * want.norm);
      expect(Math.abs(scale - want.scale)).toBeLessThanOrEqual(1e-6);
    }
  });

  for (const n of [1, 7, 257, 1000]) {
    it(`Adam, 5 steps with clipping scale and weight decay, n=${n}`, async () => {
      const h = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
      const p0 = toF32Values(rng.uniformArray(n, -1, 1));
      const param = tensor('p', p0);
      const grad = tensor('g', new Float64Array(n));
      const m = tensor('m', new Float64Array(n));
      const v = tensor('v', new Float64Array(n));
      const scale = tensor('scale', [0.5, 0, 0]);
      const adam = await adamOp(ctx, { param, grad, expAvg: m, expAvgSq: v, scale }, h);
      const want = Float64Array.from(p0);
      const state = ref.adamInit(n);
      for (let step = 1; step <= 5; step++) {
        // Gradients from tiny to large, so both ends of Adam's denominator are exercised.
        const g = toF32Values(rng.uniformArray(n, -1, 1).map((x, i) => x * 10 ** ((i % 7) - 3)));
        gpu.device.queue.writeBuffer(grad.buffer, 0, Float32Array.from(g));
        adam.setStep(step);
        await runOps(gpu.device, [adam.op]);
        ref.adamStep(want, g, state, h, 0.5);
      }
      expectClose(await readTensor(gpu.device, param), want, 1e-5, 1e-6, 'adam');
      expectClose(await readTensor(gpu.device, v), state.v, 1e-4, 1e-12, 'adam exp_avg_sq');
    });
  }

  for (const nesterov of [false, true]) {
    it(`SGD with momentum, nesterov=${nesterov}`, async () => {
      const n = 33;
      const h = { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.001, nesterov };
      const p0 = toF32Values(rng.uniformArray(n, -1, 1));
      const param = tensor('p', p0);
      const grad = tensor('g', new Float64Array(n));
      const buf = tensor('buf', new Float64Array(n));
      const scale = tensor('scale', [1, 0, 0]);
      const sgd = await sgdOp(ctx, { param, grad, momentumBuffer: buf, scale }, h);
      const want = Float64Array.from(p0);
      const state = { buf: new Float64Array(n), step: 0 };
      for (let step = 1; step <= 4; step++) {
        const g = toF32Values(rng.uniformArray(n, -1, 1));
        gpu.device.queue.writeBuffer(grad.buffer, 0, Float32Array.from(g));
        sgd.setStep(step);
        await runOps(gpu.device, [sgd.op]);
        ref.sgdStep(want, g, state, h);
      }
      expectClose(await readTensor(gpu.device, param), want, 1e-5, 1e-6, 'sgd');
    });
  }
});

describe('non-finite gradients are never trained on', () => {
  for (const bad of [NaN, Infinity]) {
    it(`a ${bad} gradient norm flags the step and Adam and SGD leave the parameters alone`, async () => {
      const sumsq = tensor('sumsq', [1, bad]);
      const stats = tensor('stats', [0, 0, 0]);
      await runOps(gpu.device, [await clipScaleOp(ctx, sumsq, 2, stats, 1)]);
      expect((await readTensor(gpu.device, stats))[2]).toBe(1);
      const p0 = toF32Values(rng.uniformArray(9, -1, 1));
      const param = tensor('p', p0);
      const grad = tensor('g', new Float64Array(9).fill(bad));
      const adam = await adamOp(ctx, { param, grad, expAvg: tensor('m', new Float64Array(9)), expAvgSq: tensor('v', new Float64Array(9)), scale: stats }, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
      const sgd = await sgdOp(ctx, { param, grad, momentumBuffer: tensor('b', new Float64Array(9)), scale: stats }, { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false });
      await runOps(gpu.device, [adam.op, sgd.op]);
      expect(Array.from(await readTensor(gpu.device, param))).toEqual(Array.from(p0));
    });
  }
});

describe('the tests can fail', () => {
  it('a deliberately broken matmul is caught by the same comparison', async () => {
    const broken = { name: 'matmul-broken', code: KERNELS.matmul.code.replace('fma(a[i], b[j], acc[i * 4u + j])', 'fma(a[i], b[j] * 1.001, acc[i * 4u + j])') };
    expect(broken.code).not.toBe(KERNELS.matmul.code);
    if (gpu.info.backend === 'cpu') {
      // The CPU backend never reads WGSL: break its twin the same way (every product 0.1% off).
      registerTwins(broken.name, {
        matmul: (k) => (b, groups) => {
          MATMUL_TWINS.matmul(k)(b, groups);
          const C = b[2]!.f32;
          for (let i = 0; i < C.length; i++) C[i] *= 1.001;
        },
      });
    }
    const M = 7, N = 9, K = 33;
    const A = toF32Values(rng.uniformArray(M * K, -1, 1));
    const B = toF32Values(rng.uniformArray(K * N, -1, 1));
    const tC = tensor('C', new Float64Array(M * N));
    const pipeline = await ctx.pipelines.get(broken, 'matmul', { TRANS_A: false, TRANS_B: false, ACCUMULATE: false });
    const { makeOp, createUniform } = await import('../gpu/dispatch');
    const u = createUniform(gpu.device, 'u', [['u32', M], ['u32', N], ['u32', K], ['u32', 0], ['u32', 0], ['u32', 0]]);
    await runOps(gpu.device, [makeOp(gpu.device, pipeline, 'broken', [tensor('A', A), tensor('B', B), tC, u], [1, 1])]);
    const got = await readTensor(gpu.device, tC);
    expect(() => expectClose(got, ref.matmul(A, B, M, N, K), 1e-5, 1e-5 * Math.sqrt(K), 'broken')).toThrow(/broken: index/);
  });

  it('a WGSL compile error names the line and shows the source', async ({ skip }) => {
    skip(gpu.info.backend === 'cpu', 'the CPU backend runs twins and never compiles WGSL (see the next test)');
    const bad = { name: 'bad', code: 'fn ok() {}\n@compute @workgroup_size(1) fn main() {\n  let x: f32 = undefined_thing;\n}\n' };
    await expect(ctx.pipelines.get(bad, 'main')).rejects.toThrow(/bad\.wgsl:3:\d+ error: .*\n.*undefined_thing/);
  });

  it('on the CPU backend, a kernel without a twin names its family and entry point', async ({ skip }) => {
    skip(gpu.info.backend !== 'cpu', 'only the CPU backend resolves pipelines to twins');
    await expect(ctx.pipelines.get(KERNELS.matmul, 'noSuchEntry')).rejects.toThrow(/matmul\.noSuchEntry/);
    await expect(ctx.pipelines.get({ name: 'unknown-family', code: '' }, 'main')).rejects.toThrow(/unknown-family.*unknown-family\.main/);
  });
});
