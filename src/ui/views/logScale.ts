// A log axis in whole decades that holds still: the step-through view sets it once from the first
// norm of a walk (six decades below it) and widens it, in whole decades, only when a value falls
// outside; the bars never rescale on a click that stays within it.

/** log10 of the axis ends: [bottom, top], whole numbers. */
export type Decades = readonly [number, number];

/** How far below the first value the axis starts: a vanishing gradient falls a few decades in 30 steps. */
export const INITIAL_SPAN = 6;

/** The decades that hold every positive finite value, starting from `previous` and never shrinking. */
export function widenDecades(previous: Decades | null, values: ArrayLike<number>): Decades | null {
  let lo = previous ? previous[0] : Infinity;
  let hi = previous ? previous[1] : -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v > 0 && Number.isFinite(v))) continue;
    const d = Math.log10(v);
    if (!previous && hi === -Infinity) {
      hi = Math.ceil(d - 1e-9);
      lo = hi - INITIAL_SPAN;
    }
    if (d > hi) hi = Math.ceil(d);
    // Widened downwards with a decade to spare, so the smallest bar is seen (and the next click likely fits).
    if (d < lo) lo = Math.floor(d) - 1;
  }
  if (hi === -Infinity) return null;
  return previous && previous[0] === lo && previous[1] === hi ? previous : [lo, hi];
}

/** Where a positive value sits on the axis: 0 at the bottom, 1 at the top (clamped). */
export function decadeFraction(decades: Decades, v: number): number {
  const f = (Math.log10(v) - decades[0]) / (decades[1] - decades[0]);
  return Math.min(1, Math.max(0, f));
}

/** The decades to label, from the top down: every one when few, else every second or more. */
export function decadeTicks(decades: Decades, most = 7): number[] {
  const [lo, hi] = decades;
  const every = Math.max(1, Math.ceil((hi - lo) / (most - 1)));
  const ticks: number[] = [];
  for (let d = hi; d >= lo; d -= every) ticks.push(d);
  return ticks;
}

/** 1e-3, 1, 10, 1e4: how a decade is written on the axis. */
export function decadeLabel(d: number): string {
  if (d === 0) return '1';
  if (d === 1) return '10';
  return `1e${d}`;
}

/**
 * The mean factor per step of a walk from its last step back to t: the geometric mean of
 * norms[k] / norms[k + 1] over k = t .. T-2, i.e. (norms[t] / norms[T-1])^(1 / (T-1-t)); null
 * before the walk has taken a step back or when a norm is not positive.
 */
export function meanStepFactor(norms: ArrayLike<number>, t: number): number | null {
  const last = norms.length - 1;
  const end = norms[last];
  const now = norms[t];
  if (last - t < 1 || !(end > 0) || !(now > 0)) return null;
  return Math.pow(now / end, 1 / (last - t));
}
