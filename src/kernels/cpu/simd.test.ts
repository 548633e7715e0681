// The CPU backend's WebAssembly (wasm/cpu.ts through ./simd.ts) against the float64 reference:
// the matrix product at every block shape of the kernel (4 × 8, 4 × 4, single columns, single rows)
// at odd sizes, A read in place in both layouts, extreme and non-finite values; FixedRight as the
// recurrences use it; the scan's vector exp over its whole range (the scan itself is tested as
// the CPU backend's scan, src/kernels/scan.test.ts); and the committed bytes against a fresh build.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Random } from '../../data/random';
import * as ref from '../../reference/kernels';
import { cpuWasm, FixedRight, simdGemm, type Gemm } from './simd';

const rng = new Random(77);

function values(n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
}

/** Float32 sums of K products: each element within K·2⁻²³ of Σ|a||b| (plus rounding of the result). */
function expectProduct(actual: ArrayLike<number>, A: Float32Array, B: Float32Array, M: number, N: number, K: number, transA: boolean, what: string): void {
  const want = ref.matmul(A, B, M, N, K, { transA });
  const size = ref.matmul(A.map(Math.abs), B.map(Math.abs), M, N, K, { transA });
  for (let i = 0; i < M * N; i++) {
    const bound = (K + 1) * 2 ** -23 * size[i] + 1e-30;
    if (!(Math.abs(actual[i] - want[i]) <= bound)) throw new Error(`${what}: C[${Math.floor(i / N)}, ${i % N}] is ${actual[i]}, expected ${want[i]} (within ${bound})`);
  }
}

/** C = A·B through the module, A row-major (M × K) or stored transposed (K × M). */
function product(g: Gemm, A: Float32Array, B: Float32Array, M: number, N: number, K: number, transA: boolean): Float32Array {
  const area = g.area(A.length, B.length, M * N);
  area.heap.set(A, area.a);
  area.heap.set(B, area.b);
  area.heap.fill(Number.NaN, area.c, area.c + M * N); // every element must be written
  g.run(area, transA ? 1 : K, transA ? M : 1, M, N, K);
  return area.heap.slice(area.c, area.c + M * N);
}

const simdOff = typeof process !== 'undefined' && process.env.TIMESTEP_CPU_SIMD === 'off';

describe('the SIMD matrix product', () => {
  it(simdOff ? 'is off (TIMESTEP_CPU_SIMD=off): the plain loops run' : 'runs in this Node (WebAssembly SIMD), so the CPU backend tests cover it', () => {
    expect(simdGemm() === null).toBe(simdOff);
  });

  const g = simdGemm();
  it.skipIf(!g)('matches the float64 product at every block shape, A in both layouts', () => {
    for (const M of [1, 3, 4, 5, 9]) {
      for (const N of [1, 3, 4, 7, 8, 9, 12, 17]) {
        for (const K of [1, 2, 13]) {
          for (const transA of [false, true]) {
            const A = values(M * K);
            const B = values(K * N);
            expectProduct(product(g!, A, B, M, N, K, transA), A, B, M, N, K, transA, `${M}x${N}x${K}${transA ? ' transA' : ''}`);
          }
        }
      }
    }
  });

  it.skipIf(!g)('a larger product, as a training step has them (1152 × 36 × 128), and after the memory grew', () => {
    const [M, N, K] = [1152, 36, 128];
    const A = values(M * K);
    const B = values(K * N);
    expectProduct(product(g!, A, B, M, N, K, false), A, B, M, N, K, false, 'large');
    g!.area(1 << 22, 0, 0); // grows the memory: later areas must see the new buffer
    const A2 = values(5 * 3);
    const B2 = values(3 * 9);
    expectProduct(product(g!, A2, B2, 5, 9, 3, false), A2, B2, 5, 9, 3, false, 'after growing');
  });

  it.skipIf(!g)('extreme values: products near float32 range stay finite, beyond it overflow to ±Infinity, and a NaN reaches its row only', () => {
    const [M, N, K] = [5, 9, 3];
    const A = values(M * K, 1e18);
    const B = values(K * N, 1e18);
    expectProduct(product(g!, A, B, M, N, K, false), A, B, M, N, K, false, 'near 1e36');
    const tiny = values(M * K, 1e-20);
    expectProduct(product(g!, tiny, B, M, N, K, false), tiny, B, M, N, K, false, 'tiny');
    const big = values(M * K, 1e30).map((v) => (v === 0 ? 1e30 : v));
    const huge = product(g!, big, Float32Array.from({ length: K * N }, () => 1e30), M, N, K, false);
    expect(huge.every((v) => v === Infinity || v === -Infinity || Number.isNaN(v))).toBe(true); // inf - inf is NaN, as on a GPU
    const withNaN = values(M * K);
    withNaN[2 * K + 1] = Number.NaN; // row 2
    const C = product(g!, withNaN, B, M, N, K, false);
    for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) expect(Number.isNaN(C[m * N + n])).toBe(m === 2);
  });

  it.skipIf(!g)('FixedRight multiplies rows taken from anywhere in a float32 or float64 array by the matrix it holds', () => {
    const [K, N, rows] = [13, 10, 7];
    const R = values(K * N);
    const right = new FixedRight(g!, R, K, N, rows);
    for (const source of [values(50 + rows * K), Float64Array.from(values(50 + rows * K))]) {
      const out = right.times(source, 50, 5);
      const A = Float32Array.from(source.subarray(50, 50 + 5 * K));
      expectProduct(out, A, R, 5, N, K, false, `FixedRight ${source.constructor.name}`);
    }
  });
});

describe("the scan's vector exp", () => {
  const wasm = cpuWasm();
  it.skipIf(!wasm)('is exp to 3 float32 ulps from -87 to 88, 0 below -87.3, exact at 0, NaN for NaN', () => {
    const xs = [0, -0, 1, -1, 1e-8, -1e-8, 0.5, -0.5, 88, -87, -87.4, -100, -1e30, Number.NaN];
    for (let i = 0; i < 4000; i++) xs.push(-87 + 175 * rng.next());
    while (xs.length % 4) xs.push(0);
    const x = Float32Array.from(xs);
    const [at, out] = wasm!.reserve([x.length, x.length]);
    wasm!.heap.set(x, at);
    wasm!.exports.expBlock(at * 4, out * 4, x.length);
    const got = wasm!.heap.slice(out, out + x.length);
    for (let i = 0; i < x.length; i++) {
      const want = Math.exp(x[i]);
      if (Number.isNaN(x[i])) expect(Number.isNaN(got[i])).toBe(true);
      else if (x[i] < -87.3) expect(got[i]).toBe(0);
      else if (!(Math.abs(got[i] - want) <= 3 * 2 ** -23 * want)) throw new Error(`exp(${x[i]}) is ${got[i]}, expected ${want}`);
    }
  });
});

describe('the committed WebAssembly', () => {
  it('is the build of wasm/cpu.ts (node scripts/build-wasm.mjs --check)', () => {
    const r = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toMatch(/matches/);
    expect(r.status).toBe(0);
  }, 60_000);
});
