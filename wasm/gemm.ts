// AssemblyScript source of the CPU backend's matrix product, built to WebAssembly with SIMD by
// scripts/build-wasm.mjs with ./scan.ts (output: src/kernels/cpu/cpuWasm.ts, committed; a test rebuilds it and
// compares). The host side, src/kernels/cpu/simd.ts, copies the operands into this module's memory
// and the result out.
//
// C (M × N, row-major) = A · B with A(m, k) at a + 4·(m·sm + k·sk) (so a row-major or a transposed
// A, read in place) and B (K × N, row-major). Sums run in float32, four columns to a vector, over
// blocks of 4 rows × 8 columns held in registers for the whole of K: each B vector loaded once per
// four rows, each A value once per eight columns.

@inline function aAt(a: usize, sm: i32, sk: i32, m: i32, k: i32): f32 {
  return load<f32>(a + (<usize>(m * sm + k * sk) << 2));
}

export function gemm(a: usize, sm: i32, sk: i32, b: usize, c: usize, M: i32, N: i32, K: i32): void {
  const bs = <usize>N << 2; // bytes from one row of B (or C) to the next
  let m = 0;
  for (; m + 4 <= M; m += 4) {
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let bp = b + (<usize>j << 2);
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        const x0 = f32x4.splat(aAt(a, sm, sk, m, k));
        const x1 = f32x4.splat(aAt(a, sm, sk, m + 1, k));
        const x2 = f32x4.splat(aAt(a, sm, sk, m + 2, k));
        const x3 = f32x4.splat(aAt(a, sm, sk, m + 3, k));
        c00 = f32x4.add(c00, f32x4.mul(x0, b0));
        c01 = f32x4.add(c01, f32x4.mul(x0, b1));
        c10 = f32x4.add(c10, f32x4.mul(x1, b0));
        c11 = f32x4.add(c11, f32x4.mul(x1, b1));
        c20 = f32x4.add(c20, f32x4.mul(x2, b0));
        c21 = f32x4.add(c21, f32x4.mul(x2, b1));
        c30 = f32x4.add(c30, f32x4.mul(x3, b0));
        c31 = f32x4.add(c31, f32x4.mul(x3, b1));
        bp += bs;
      }
      const cp = c + (<usize>(m * N + j) << 2);
      v128.store(cp, c00);
      v128.store(cp, c01, 16);
      v128.store(cp + bs, c10);
      v128.store(cp + bs, c11, 16);
      v128.store(cp + 2 * bs, c20);
      v128.store(cp + 2 * bs, c21, 16);
      v128.store(cp + 3 * bs, c30);
      v128.store(cp + 3 * bs, c31, 16);
    }
    for (; j + 4 <= N; j += 4) {
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      let bp = b + (<usize>j << 2);
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(bp);
        c0 = f32x4.add(c0, f32x4.mul(f32x4.splat(aAt(a, sm, sk, m, k)), b0));
        c1 = f32x4.add(c1, f32x4.mul(f32x4.splat(aAt(a, sm, sk, m + 1, k)), b0));
        c2 = f32x4.add(c2, f32x4.mul(f32x4.splat(aAt(a, sm, sk, m + 2, k)), b0));
        c3 = f32x4.add(c3, f32x4.mul(f32x4.splat(aAt(a, sm, sk, m + 3, k)), b0));
        bp += bs;
      }
      const cp = c + (<usize>(m * N + j) << 2);
      v128.store(cp, c0);
      v128.store(cp + bs, c1);
      v128.store(cp + 2 * bs, c2);
      v128.store(cp + 3 * bs, c3);
    }
    for (; j < N; j++) {
      for (let r = 0; r < 4; r++) store<f32>(c + (<usize>((m + r) * N + j) << 2), column(a, sm, sk, b, m + r, j, N, K));
    }
  }
  for (; m < M; m++) {
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      let c0 = f32x4.splat(0);
      let bp = b + (<usize>j << 2);
      for (let k = 0; k < K; k++) {
        c0 = f32x4.add(c0, f32x4.mul(f32x4.splat(aAt(a, sm, sk, m, k)), v128.load(bp)));
        bp += bs;
      }
      v128.store(c + (<usize>(m * N + j) << 2), c0);
    }
    for (; j < N; j++) store<f32>(c + (<usize>(m * N + j) << 2), column(a, sm, sk, b, m, j, N, K));
  }
}

/** One element of C: Σ_k A(m, k)·B(k, j). */
function column(a: usize, sm: i32, sk: i32, b: usize, m: i32, j: i32, N: i32, K: i32): f32 {
  let s: f32 = 0;
  for (let k = 0; k < K; k++) s += aAt(a, sm, sk, m, k) * load<f32>(b + (<usize>(k * N + j) << 2));
  return s;
}
