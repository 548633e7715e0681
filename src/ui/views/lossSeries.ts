// The loss chart's lines, as plain data: each model in its own colour, training solid and
// validation dashed, and a legend entry per model that says which line is which, with the
// numbers (first and latest loss), or "no validation" where the model gets none.

import type { LineSeries } from './LineCanvas';

export interface LossPoint {
  step: number;
  loss: number;
}

export interface LossCurves {
  id: string;
  label: string;
  color: string;
  train: LossPoint[];
  val: LossPoint[];
  /** False when the run has no validation part: the legend says so instead of leaving the line out. */
  validation: boolean;
}

/** Validation lines are dashed; training lines solid. */
export const VALIDATION_DASH = [4, 3];

/** Every model's training line (solid) and validation line (dashed), in the model's colour. */
export function lossSeries(curves: LossCurves[]): LineSeries[] {
  return curves.flatMap((c) => [
    { name: `${c.label} train`, color: c.color, xs: c.train.map((p) => p.step), ys: c.train.map((p) => p.loss) },
    ...(c.validation ? [{ name: `${c.label} validation`, color: c.color, dash: VALIDATION_DASH, xs: c.val.map((p) => p.step), ys: c.val.map((p) => p.loss) }] : []),
  ]);
}

/** First and latest raw loss of a series; null before any. */
export interface LossSpan {
  from: number;
  to: number;
  /** The step `to` is from (the legend says which step its latest value is). */
  at?: number;
}

export interface LossLegendEntry {
  id: string;
  label: string;
  color: string;
  train: LossSpan | null;
  /** 'none': the run has no validation part. */
  val: LossSpan | null | 'none';
}

/** A legend entry per model: its colour, its numbers, and "no validation" where it has none. */
export function lossLegend(curves: LossCurves[], spans: (id: string) => { train: LossSpan | null; val: LossSpan | null }): LossLegendEntry[] {
  return curves.map((c) => {
    const s = spans(c.id);
    return { id: c.id, label: c.label, color: c.color, train: s.train, val: c.validation ? s.val : 'none' };
  });
}
