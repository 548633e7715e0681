// Overfitting, noticed: validation loss rising for several evaluations in a row since its best
// while the training loss keeps falling means the model is memorising its training windows. The
// loss view says so beside the chart and marks the best validation step on it (the weights worth
// keeping, the step to stop at).

import { bestValidation, type Series } from './comparison';

/** Evaluations after the best that must all lie above it before anything is said. */
export const PATIENCE = 5;
/** The mean of the last PATIENCE validation losses must be this much above the best (relative): a rise, not noise. */
export const RISE = 0.03;
/** Training steps averaged for "the training loss then" and "now". */
export const WINDOW = 20;

export interface Overfitting {
  best: { step: number; loss: number };
  /** The validation loss now. */
  latest: number;
  /** Evaluations since the best. */
  since: number;
  /** Mean training loss around the best step, and over the latest steps. */
  trainThen: number;
  trainNow: number;
}

/** The fall of the training loss, in standard errors, that counts as a fall and not batch-to-batch noise. */
export const SIGNIFICANT = 3;

/** The finite values of series[from, to). */
function values(s: Series, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = Math.max(0, from); i < Math.min(to, s.length); i++) {
    const v = s.get(i);
    if (Number.isFinite(v)) out.push(v);
  }
  return out;
}

function mean(s: Series, from: number, to: number): number {
  const v = values(s, from, to);
  return v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}

/**
 * The standard error of the mean of series[from, to) (0 for fewer than two values), its variance
 * estimated from successive differences (half their mean square): the batch-to-batch noise, not
 * the fall of the loss across the window, which a plain variance would count as noise too.
 */
function standardError(s: Series, from: number, to: number): number {
  const v = values(s, from, to);
  if (v.length < 2) return 0;
  let sq = 0;
  for (let i = 1; i < v.length; i++) sq += (v[i] - v[i - 1]) ** 2;
  return Math.sqrt(sq / (2 * (v.length - 1)) / v.length);
}

/** The least-squares slope of series[from, to) against its index. */
function slope(s: Series, from: number, to: number): number {
  const v = values(s, from, to);
  const n = v.length;
  if (n < 2) return NaN;
  const mx = (n - 1) / 2;
  const my = v.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  v.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) * (x - mx);
  });
  return num / den;
}

/** The index of the last step ≤ step (steps ascending); -1 when none is. */
function indexAtOrBefore(steps: Series, step: number): number {
  let lo = 0;
  let hi = steps.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (steps.get(mid) <= step) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Whether a model overfits now: at least PATIENCE evaluations since its best validation loss, every
 * one of them above the best, the last PATIENCE by RISE or more on average, rising since the best
 * (a positive trend: on a plateau the best is only its lowest wobble, and what follows is level),
 * and the training loss of the last WINDOW steps lower by RISE than that of the WINDOW steps up to
 * the best (so at least WINDOW steps since it) and by SIGNIFICANT standard errors of those means:
 * a model stuck at a baseline has noisy batch losses whose windows differ by a few percent anyway.
 * Null otherwise.
 */
export function detectOverfitting(trainSteps: Series, trainLoss: Series, valSteps: Series, valLoss: Series): Overfitting | null {
  const best = bestValidation(valSteps, valLoss);
  if (!best) return null;
  const n = Math.min(valSteps.length, valLoss.length);
  let b = -1;
  for (let i = 0; i < n; i++) if (valSteps.get(i) === best.step) b = i;
  const since = n - 1 - b;
  if (since < PATIENCE) return null;
  for (let i = b + 1; i < n; i++) if (!(valLoss.get(i) > best.loss)) return null;
  const latest = valLoss.get(n - 1);
  if (!(mean(valLoss, n - PATIENCE, n) >= best.loss * (1 + RISE))) return null;
  if (!(slope(valLoss, b, n) > 0)) return null;
  const at = indexAtOrBefore(trainSteps, best.step);
  // The training loss then and now over windows that do not overlap, and fallen by more than noise.
  if (at < 0 || trainLoss.length - 1 - at < WINDOW) return null;
  const trainThen = mean(trainLoss, at + 1 - WINDOW, at + 1);
  const trainNow = mean(trainLoss, trainLoss.length - WINDOW, trainLoss.length);
  if (!(trainNow < trainThen * (1 - RISE))) return null;
  const noise = Math.hypot(standardError(trainLoss, at + 1 - WINDOW, at + 1), standardError(trainLoss, trainLoss.length - WINDOW, trainLoss.length));
  if (!(trainThen - trainNow >= SIGNIFICANT * noise)) return null;
  return { best, latest, since, trainThen, trainNow };
}

const fmt = (v: number) => v.toPrecision(3);

/** The notice, in words: what is happening, since when, and what to do. */
export function overfittingNotice(label: string, o: Overfitting): string {
  return (
    `${label} is memorising its training data: validation loss has risen for ${o.since} evaluations since its best ` +
    `(${fmt(o.best.loss)} at step ${o.best.step}, now ${fmt(o.latest)}) while training loss kept falling ` +
    `(${fmt(o.trainThen)} → ${fmt(o.trainNow)}). The weights at step ${o.best.step} generalised best: stop there, ` +
    'or give it more data, a smaller model or fewer steps.'
  );
}
