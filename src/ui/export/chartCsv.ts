// What each chart downloads as CSV, built from the data the chart is drawn from (not from its
// downsampled curve): every step kept, one column per model and series, training and validation
// in columns of their own, the table's own x axis (dates where a column reads as time) and the
// data's units where the chart has them. Plain functions of plain data: the views pass their
// telemetry in, the tests pass arrays.

import type { Series } from '../views/comparison';
import { joinOnX, type Cell, type Table, type XSeries } from './csv';

/** Reads a Series (a telemetry ring, or an array in a test) into an array. */
function values(s: Series): number[] {
  return Array.from({ length: s.length }, (_, i) => s.get(i));
}

/** Column names made unique: two models of the same label get their ids added. */
function distinct(labels: Array<{ id: string; label: string }>): Map<string, string> {
  const count = new Map<string, number>();
  for (const l of labels) count.set(l.label, (count.get(l.label) ?? 0) + 1);
  return new Map(labels.map((l) => [l.id, count.get(l.label)! > 1 ? `${l.label} [${l.id}]` : l.label]));
}

export interface LossInput {
  id: string;
  label: string;
  steps: Series;
  loss: Series;
  valSteps: Series;
  valLoss: Series;
  /** False when the run has no validation part: no validation column. */
  validation: boolean;
}

/** Every kept step's training loss and every validation loss, per model, by the model's step. */
export function lossTable(models: LossInput[], lossKind: string): Table {
  const names = distinct(models);
  const series: XSeries[] = models.flatMap((m) => [
    { name: `${names.get(m.id)} training loss (${lossKind})`, xs: values(m.steps), ys: values(m.loss) },
    ...(m.validation ? [{ name: `${names.get(m.id)} validation loss (${lossKind})`, xs: values(m.valSteps), ys: values(m.valLoss) }] : []),
  ]);
  return joinOnX('step', series);
}

/** A chart's lines as drawn (predictions, forecast): x as the axis labels it, a column per line. */
export function linesTable(xTitle: string, lines: XSeries[], formatX?: (x: number) => string): Table {
  return joinOnX(xTitle, lines, formatX);
}

export interface GradTimeInput {
  id: string;
  label: string;
  /** Each probed curve ‖∂L/∂h_t‖ in time order (t = 0 … T-1), oldest snapshot first. */
  curves: Array<{ step: number; norms: ArrayLike<number> }>;
}

/** ‖∂L/∂h_t‖ by distance back from the window's end, a column per model and probed step (zeros kept). */
export function gradTimeTable(models: GradTimeInput[]): Table {
  const names = distinct(models);
  const series = models.flatMap((m) =>
    m.curves.map((c) => {
      const T = c.norms.length;
      return { name: `${names.get(m.id)} at step ${c.step}`, xs: Array.from({ length: T }, (_, back) => back), ys: Array.from({ length: T }, (_, back) => c.norms[T - 1 - back]) };
    }),
  );
  return joinOnX('steps back (T-1-t)', series);
}

export interface NormsInput {
  steps: Series;
  gradNorm: Series;
  clipScale: Series;
  /** Each parameter's gradient norm, index-aligned with `steps`. */
  params: Array<[name: string, norms: Series]>;
}

/** One model's gradient norms per step: the global norm, each parameter's, and the clipping factor. */
export function normsTable(t: NormsInput): Table {
  const steps = values(t.steps);
  return joinOnX('step', [
    { name: 'gradient norm (global)', xs: steps, ys: values(t.gradNorm) },
    ...t.params.map(([name, ring]) => ({ name: `gradient norm ${name}`, xs: steps, ys: values(ring) })),
    { name: 'clip factor', xs: steps, ys: values(t.clipScale) },
  ]);
}

export interface ComparisonRow {
  label: string;
  parameters: number | null;
  msPerStep: number | null;
  trainLoss: number;
  /** False when the run has no validation part. */
  validation: boolean;
  best: { loss: number; step: number } | null;
  backtest: { mae: number | null; rmse: number | null; column: string; step: number } | null;
  leader: boolean;
}

/** The comparison table's numbers unrounded; on a table, the backtest's errors in the named column's units. */
export function comparisonTable(rows: ComparisonRow[], table: boolean, recentSteps: number): Table {
  const header = ['model', 'parameters', 'ms per step', `training loss (mean of last ${recentSteps} steps)`, 'best validation loss', 'step of best validation loss'];
  if (table) header.push('backtest MAE', 'backtest RMSE', 'backtest column', 'backtest step');
  header.push('leader');
  return {
    header,
    rows: rows.map((r): Cell[] => [
      r.label,
      r.parameters,
      r.msPerStep,
      r.trainLoss,
      r.validation ? (r.best?.loss ?? null) : 'no validation',
      r.best?.step ?? null,
      ...(table ? [r.backtest?.mae ?? null, r.backtest?.rmse ?? null, r.backtest?.column ?? null, r.backtest?.step ?? null] : []),
      r.leader ? 'yes' : '',
    ]),
  };
}

/** A heatmap (T, units) in time-major order: a row per timestep, a column per unit. */
export function heatmapTable(map: string, values: ArrayLike<number>, T: number, units: number): Table {
  const header = ['t', ...Array.from({ length: units }, (_, u) => `${map} unit ${u}`)];
  return { header, rows: Array.from({ length: T }, (_, t): Cell[] => [t, ...Array.from({ length: units }, (_, u) => values[t * units + u])]) };
}
