// CPU twins of shaders/matmul.wgsl and shaders/layout.wgsl: the matmul in its three layouts, the
// bias add and bias gradient, transpose and row broadcast. Loops keep the innermost index
// contiguous in memory; sums run in float64 and are rounded once when stored.

import { bound, constant, flatCount, type FamilyTwins } from '../../gpu/cpu/twin';
import { addRows } from './axpy';

const TILE = 64; // rows and columns of C per workgroup (TILE_M, TILE_N)

export const MATMUL_TWINS: FamilyTwins = {
  matmul: (k) => {
    const transA = constant(k, 'TRANS_A', 0) !== 0;
    const transB = constant(k, 'TRANS_B', 0) !== 0;
    const accumulate = constant(k, 'ACCUMULATE', 0) !== 0;
    let row = new Float64Array(0);
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
      if (row.length < cols) row = new Float64Array(cols);
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
      for (let m = 0; m < rows; m++) {
        const cRow = co + m * N;
        row.fill(0, 0, cols);
        addRows(row, cols, A, ao + m * sm, sk, Bk, bOff, bStride, K); // row = A(m, :)·B
        if (accumulate) for (let n = 0; n < cols; n++) C[cRow + n] += row[n];
        else for (let n = 0; n < cols; n++) C[cRow + n] = row[n];
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
