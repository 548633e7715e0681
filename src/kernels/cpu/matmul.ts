// CPU twins of shaders/matmul.wgsl and shaders/layout.wgsl: the matmul in its three layouts, the
// bias add and bias gradient, transpose and row broadcast. The matmul runs in WebAssembly with
// SIMD (./simd.ts; float32 sums, as in the shader) where the runtime has it, else in plain loops
// that keep the innermost index contiguous in memory, their sums in float64, rounded once when stored.

import { bound, constant, flatCount, type FamilyTwins } from '../../gpu/cpu/twin';
import { addRows, addRowsPair } from './axpy';
import { simdGemm, type Gemm } from './simd';

interface Product {
  A: Float32Array;
  B: Float32Array;
  C: Float32Array;
  M: number;
  N: number;
  K: number;
  ao: number;
  bo: number;
  co: number;
  /** The rows and columns of C the grid covers. */
  rows: number;
  cols: number;
  transA: boolean;
  transB: boolean;
  accumulate: boolean;
}

/** The matmul through the SIMD product: A copied as stored (read in place, transposed or not), B packed (K × cols). */
function simdMatmul(g: Gemm, q: Product): void {
  const { A, B, C, M, N, K, ao, bo, co, rows, cols } = q;
  const aLen = q.transA ? K * M : rows * K;
  const area = g.area(aLen, K * cols, rows * cols);
  const { heap } = area;
  heap.set(A.subarray(ao, ao + aLen), area.a);
  if (q.transB) {
    for (let n = 0; n < cols; n++) {
      const from = bo + n * K;
      for (let kk = 0; kk < K; kk++) heap[area.b + kk * cols + n] = B[from + kk];
    }
  } else if (cols === N) {
    heap.set(B.subarray(bo, bo + K * N), area.b);
  } else {
    for (let kk = 0; kk < K; kk++) heap.set(B.subarray(bo + kk * N, bo + kk * N + cols), area.b + kk * cols);
  }
  g.run(area, q.transA ? 1 : K, q.transA ? M : 1, rows, cols, K);
  for (let m = 0; m < rows; m++) {
    const to = co + m * N;
    const from = area.c + m * cols;
    if (q.accumulate) for (let n = 0; n < cols; n++) C[to + n] += heap[from + n];
    else C.set(heap.subarray(from, from + cols), to);
  }
}

const TILE = 64; // rows and columns of C per workgroup (TILE_M, TILE_N)

export const MATMUL_TWINS: FamilyTwins = {
  matmul: (k) => {
    const transA = constant(k, 'TRANS_A', 0) !== 0;
    const transB = constant(k, 'TRANS_B', 0) !== 0;
    const accumulate = constant(k, 'ACCUMULATE', 0) !== 0;
    let row = new Float64Array(0); // two rows of C: [0, cols) and [cols, 2·cols)
    let bT = new Float32Array(0);
    return (b, groups) => {
      const A = bound(b, 0, 'matmul.A').f32;
      const B = bound(b, 1, 'matmul.B').f32;
      const C = bound(b, 2, 'matmul.C').f32;
      const p = bound(b, 3, 'matmul.params').u32;
      const M = p[0], N = p[1], K = p[2], ao = p[3], bo = p[4], co = p[5];
      // The grid bounds what is written, as in the shader: rows wg.y·64.., columns wg.x·64..
      const rows = Math.min(M, groups[1] * TILE);
      const cols = Math.min(N, groups[0] * TILE);
      const gemm = simdGemm();
      if (gemm) return simdMatmul(gemm, { A, B, C, M, N, K, ao, bo, co, rows, cols, transA, transB, accumulate });
      if (row.length < 2 * cols) row = new Float64Array(2 * cols);
      // A(m, k) = A[ao + m·sm + k·sk]
      const sm = transA ? 1 : K;
      const sk = transA ? M : 1;
      // B stored (N, K) is transposed into scratch once, so every product below runs along rows.
      let Bk = B;
      let bOff = bo;
      if (transB) {
        if (bT.length < K * cols) bT = new Float32Array(K * cols);
        for (let n = 0; n < cols; n++) {
          const from = bo + n * K;
          for (let kk = 0; kk < K; kk++) bT[kk * cols + n] = B[from + kk];
        }
        Bk = bT;
        bOff = 0;
      }
      const bStride = transB ? cols : N;
      const store = (at: number, cRow: number): void => {
        if (accumulate) for (let n = 0; n < cols; n++) C[cRow + n] += row[at + n];
        else for (let n = 0; n < cols; n++) C[cRow + n] = row[at + n];
      };
      // Rows of C two at a time (A(m, :)·B and A(m + 1, :)·B), then the odd one.
      let m = 0;
      for (; m + 2 <= rows; m += 2) {
        row.fill(0, 0, 2 * cols);
        addRowsPair(row, 0, cols, cols, A, ao + m * sm, ao + (m + 1) * sm, sk, Bk, bOff, bStride, K);
        store(0, co + m * N);
        store(cols, co + (m + 1) * N);
      }
      if (m < rows) {
        row.fill(0, 0, cols);
        addRows(row, cols, A, ao + m * sm, sk, Bk, bOff, bStride, K);
        store(0, co + m * N);
      }
    };
  },

  biasAdd: () => (b, groups) => {
    const Y = bound(b, 0, 'biasAdd.Y').f32;
    const bias = bound(b, 1, 'biasAdd.bias').f32;
    const p = bound(b, 2, 'biasAdd.params').u32;
    const rows = p[0], cols = p[1];
    const n = Math.min(rows * cols, flatCount(groups, 256));
    for (let i = 0, c = 0; i < n; i++) {
      Y[i] += bias[c];
      if (++c === cols) c = 0;
    }
  },

  biasGrad: (k) => {
    const accumulate = constant(k, 'ACCUMULATE', 0) !== 0;
    return (b, groups) => {
      const dY = bound(b, 0, 'biasGrad.dY').f32;
      const dBias = bound(b, 1, 'biasGrad.dBias').f32;
      const p = bound(b, 2, 'biasGrad.params').u32;
      const rows = p[0], cols = p[1];
      const width = Math.min(cols, groups[0] * 16);
      const sums = new Float64Array(width);
      for (let r = 0; r < rows; r++) {
        const at = r * cols;
        for (let c = 0; c < width; c++) sums[c] += dY[at + c];
      }
      for (let c = 0; c < width; c++) dBias[c] = accumulate ? dBias[c] + sums[c] : sums[c];
    };
  },
};

export const LAYOUT_TWINS: FamilyTwins = {
  transpose: () => (b, groups) => {
    const src = bound(b, 0, 'transpose.src').f32;
    const dst = bound(b, 1, 'transpose.dst').f32;
    const p = bound(b, 2, 'transpose.params').u32;
    const rows = Math.min(p[0], groups[1] * 16), cols = Math.min(p[1], groups[0] * 16);
    const R = p[0];
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) dst[c * R + r] = src[r * p[1] + c];
  },

  broadcastRows: () => (b, groups) => {
    const from = bound(b, 0, 'broadcastRows.from').f32;
    const to = bound(b, 1, 'broadcastRows.to').f32;
    const p = bound(b, 2, 'broadcastRows.params').u32;
    const rows = p[0], cols = p[1], srcRows = p[2], dstOffset = p[3];
    const n = Math.min(rows * cols, flatCount(groups, 256));
    for (let i = 0; i < n; i++) {
      const r = Math.floor(i / cols);
      to[dstOffset + i] = from[(r % srcRows) * cols + (i - r * cols)];
    }
  },
};
