// How close is close enough: the fixtures' measure, err = max|a - b| / max(max|b|, 1e-6).

export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

/** Relative error of `actual` against `expected`; Infinity for NaN, Inf or a length mismatch. */
export function relErr(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!Number.isFinite(actual[i]) || Number.isNaN(d)) return Infinity;
    worst = Math.max(worst, d);
  }
  return worst / Math.max(maxAbs(expected), 1e-6);
}

/** Elementwise check |a - b| <= atol + rtol·|b|; returns the first failing index or -1. */
export function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): number {
  if (actual.length !== expected.length) return 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (!Number.isFinite(a) || !(Math.abs(a - b) <= atol + rtol * Math.abs(b))) return i;
  }
  return -1;
}
