// The one inner loop the CPU backend spends most of its time in: acc[0..n) += Σ_q s_q·x_q[..]
// over rows of a matrix. Four rows per pass read and write `acc` a quarter as often as one row
// at a time, which is what bounds a plain JS loop (measured: about 2x on an LSTM step).

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
