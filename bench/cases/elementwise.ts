// Memory-bound kernels: an activation forward and backward (shaders/activations.wgsl) and the Adam
// update over a whole parameter slab (shaders/optim.wgsl). Rate: bytes read + written per
// iteration, the figure to hold against the card's memory bandwidth.

import { createTensor, F32, type Tensor } from '../../src/gpu/tensor';
import { activationGradOp, activationOp } from '../../src/kernels/activations';
import { ADAM_DEFAULTS, adamOp } from '../../src/kernels/optim';
import type { BenchCase, PreparedCase } from '../suite';
import { countLabel, mismatch, readSlice, sampleRanges, uniformF32 } from './data';

const M = 1 << 20;
const ELEMENTWISE_SIZES: BenchCase['sizes'] = {
  full: [M, 4 * M, 16 * M],
  quick: [M, 4 * M],
  fallback: [M, 4 * M, 16 * M],
  'fallback-quick': [M / 4, M],
};

function destroyAll(tensors: readonly Tensor[]): void {
  for (const t of tensors) t.buffer.destroy();
}

async function checkSamples(device: GPUDevice, t: Tensor, expected: (i: number) => number, atol: number, rtol: number): Promise<string | null> {
  for (const [start, count] of sampleRanges(t.size, 256)) {
    const got = await readSlice(device, t, start, count);
    const want = Array.from({ length: count }, (_, j) => expected(start + j));
    const bad = mismatch(got, want, atol, rtol);
    if (bad) return `${t.label} at ${start}: ${bad}`;
  }
  return null;
}

export const elementwiseCases: BenchCase[] = [
  {
    id: 'tanh-forward',
    group: 'elementwise',
    sizes: ELEMENTWISE_SIZES,
    async prepare(env, n): Promise<PreparedCase> {
      const { device } = env.gpu;
      const x = uniformF32(n, -4, 4, 21);
      const X = createTensor(device, 'bench.x', [n], x); // (n)
      const Y = createTensor(device, 'bench.y', [n]); // (n)
      return {
        ops: [await activationOp(env.ctx, 'tanh', X, Y)],
        work: { bytes: 2 * n * F32 },
        shape: countLabel(n),
        peer: { op: 'activation', fn: 'tanh', n },
        verify: () => checkSamples(device, Y, (i) => Math.tanh(x[i]), 1e-6, 1e-5),
        destroy: () => destroyAll([X, Y]),
      };
    },
  },
  {
    id: 'tanh-backward',
    group: 'elementwise',
    sizes: ELEMENTWISE_SIZES,
    async prepare(env, n): Promise<PreparedCase> {
      const { device } = env.gpu;
      const x = uniformF32(n, -4, 4, 22);
      const dy = uniformF32(n, -1, 1, 23);
      const X = createTensor(device, 'bench.x', [n], x); // (n)
      const DY = createTensor(device, 'bench.dy', [n], dy); // (n)
      const DX = createTensor(device, 'bench.dx', [n]); // (n)
      return {
        ops: [await activationGradOp(env.ctx, 'tanh', X, DY, DX)],
        work: { bytes: 3 * n * F32 },
        shape: countLabel(n),
        verify: () => checkSamples(device, DX, (i) => dy[i] * (1 - Math.tanh(x[i]) ** 2), 1e-6, 1e-5),
        destroy: () => destroyAll([X, DY, DX]),
      };
    },
  },
  {
    // Reads param, grad, m, v; writes param, m, v: 7 floats per parameter.
    id: 'adam',
    group: 'optimizer',
    sizes: ELEMENTWISE_SIZES,
    async prepare(env, n): Promise<PreparedCase> {
      const { device } = env.gpu;
      const param0 = uniformF32(n, -1, 1, 31);
      const grad = uniformF32(n, -1, 1, 32);
      const param = createTensor(device, 'bench.param', [n], param0); // (n)
      const gradT = createTensor(device, 'bench.grad', [n], grad); // (n)
      const expAvg = createTensor(device, 'bench.exp_avg', [n]); // (n)
      const expAvgSq = createTensor(device, 'bench.exp_avg_sq', [n]); // (n)
      // clipScale's stats as the optimizer reads them: [clip factor, grad norm, non-finite flag, pad].
      const scale = createTensor(device, 'bench.stats', [4], [1, 0, 0, 0]); // (4)
      const h = ADAM_DEFAULTS;
      // The uniform stays at step 1: every iteration applies the same bias correction.
      const adam = await adamOp(env.ctx, { param, grad: gradT, expAvg, expAvgSq, scale }, h);
      return {
        ops: [adam.op],
        work: { bytes: 7 * n * F32 },
        shape: countLabel(n),
        peer: { op: 'adam', n },
        verify(iterations) {
          // Replays `iterations` identical Adam steps in float64 for the sampled parameters.
          const bc1 = 1 - h.beta1;
          const bc2Sqrt = Math.sqrt(1 - h.beta2);
          const expected = (i: number) => {
            let p = param0[i];
            let m = 0;
            let v = 0;
            const g = grad[i];
            for (let s = 0; s < iterations; s++) {
              m += (g - m) * (1 - h.beta1);
              v = h.beta2 * v + (1 - h.beta2) * g * g;
              p -= ((h.lr / bc1) * m) / (Math.sqrt(v) / bc2Sqrt + h.eps);
            }
            return p;
          };
          return checkSamples(device, param, expected, 1e-3 + 1e-7 * iterations, 1e-4);
        },
        destroy: () => destroyAll([param, gradT, expAvg, expAvgSq, scale]),
      };
    },
  },
];
