// The one inner loop the CPU backend spends most of its time in: acc[0..n) += Σ_q s_q·x_q[..]
// over rows of a matrix. Four rows per pass read and write `acc` a quarter as often as one row
// at a time, which is what bounds a plain JS loop (measured: about 2x on an LSTM step); two
// accumulators per pass (addRowsPair) share each element read of the matrix between two sums,
// 1.3x to 3x again on the matmul shapes of the LSTM and Mamba training steps (measured in Node).

/**
 * acc[i] += Σ_{r < rows} coef[cOff + r·cStride] · m[mOff + r·mStride + i], i < n, skipping rows
 * whose coefficient is zero (a sparse row of ∂ or a zero state costs nothing).
 */
export function addRows(
  acc: Float64Array,
  n: number,
  coef: ArrayLike<number>,
  cOff: number,
  cStride: number,
  m: Float32Array,
  mOff: number,
  mStride: number,
  rows: number,
): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const c0 = coef[cOff + r * cStride];
    const c1 = coef[cOff + (r + 1) * cStride];
    const c2 = coef[cOff + (r + 2) * cStride];
    const c3 = coef[cOff + (r + 3) * cStride];
    if (c0 === 0 && c1 === 0 && c2 === 0 && c3 === 0) continue;
    const o0 = mOff + r * mStride;
    const o1 = o0 + mStride;
    const o2 = o1 + mStride;
    const o3 = o2 + mStride;
    for (let i = 0; i < n; i++) acc[i] += c0 * m[o0 + i] + c1 * m[o1 + i] + c2 * m[o2 + i] + c3 * m[o3 + i];
  }
  for (; r < rows; r++) {
    const c = coef[cOff + r * cStride];
    if (c === 0) continue;
    const o = mOff + r * mStride;
    for (let i = 0; i < n; i++) acc[i] += c * m[o + i];
  }
}

/**
 * addRows for two coefficient rows at once: acc[at0 + i] += Σ_r a[a0 + r·sk]·m[..] and
 * acc[at1 + i] += Σ_r a[a1 + r·sk]·m[..] (i < n, r < rows), each element of `m` read once for
 * both. A block of four rows is skipped when all eight coefficients are zero.
 */
export function addRowsPair(
  acc: Float64Array,
  at0: number,
  at1: number,
  n: number,
  a: ArrayLike<number>,
  a0: number,
  a1: number,
  sk: number,
  m: Float32Array,
  mOff: number,
  mStride: number,
  rows: number,
): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const p = r * sk;
    const x0 = a[a0 + p], x1 = a[a0 + p + sk], x2 = a[a0 + p + 2 * sk], x3 = a[a0 + p + 3 * sk];
    const y0 = a[a1 + p], y1 = a[a1 + p + sk], y2 = a[a1 + p + 2 * sk], y3 = a[a1 + p + 3 * sk];
    if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0 && y0 === 0 && y1 === 0 && y2 === 0 && y3 === 0) continue;
    const o0 = mOff + r * mStride;
    const o1 = o0 + mStride;
    const o2 = o1 + mStride;
    const o3 = o2 + mStride;
    for (let i = 0; i < n; i++) {
      const b0 = m[o0 + i], b1 = m[o1 + i], b2 = m[o2 + i], b3 = m[o3 + i];
      acc[at0 + i] += x0 * b0 + x1 * b1 + x2 * b2 + x3 * b3;
      acc[at1 + i] += y0 * b0 + y1 * b1 + y2 * b2 + y3 * b3;
    }
  }
  for (; r < rows; r++) {
    const x = a[a0 + r * sk];
    const y = a[a1 + r * sk];
    if (x === 0 && y === 0) continue;
    const o = mOff + r * mStride;
    for (let i = 0; i < n; i++) {
      const b = m[o + i];
      acc[at0 + i] += x * b;
      acc[at1 + i] += y * b;
    }
  }
}
