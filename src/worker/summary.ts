// What the page shows of a loaded dataset: its kind and task, column statistics and roles, a
// preview table, the time axis, and up to 2,000 points per column for the chart.

import type { Dataset, DataWarning } from '../data';
import type { ShapedLayout } from '../data/shape';
import { splitIndex } from '../data/prep';
import type { DataSummary } from './protocol';

/** The most melody tokens the page is sent to draw and play. */
const MUSIC_IDS = 20000;

const SERIES_POINTS = 2000;

/** The rows a chart of `n` rows draws: all of them, or `points` evenly spaced ones. */
function sampleRows(n: number, points: number): Int32Array {
  if (n <= points) return Int32Array.from({ length: n }, (_, i) => i);
  return Int32Array.from({ length: points }, (_, i) => Math.floor((i * n) / points));
}

function pick(values: ArrayLike<number>, rows: Int32Array): Float32Array {
  return Float32Array.from(rows, (r) => values[r]);
}

export function summarize(ds: Dataset, description: string, warnings: DataWarning[] = [], layout: ShapedLayout | null = null): DataSummary {
  // The column table says what each column is for: the parser's "kept as labels" is said there.
  const shown = layout ? warnings.filter((w) => w.code !== 'label-columns') : warnings;
  const common = { name: ds.name, description, warnings: shown.map((w) => w.message) };
  if (ds.kind === 'table') {
    const rows = sampleRows(ds.rowCount, SERIES_POINTS);
    const time = layout?.time ?? null;
    return {
      ...common,
      kind: 'table',
      task: 'many-to-many',
      loss: 'mse',
      length: ds.rowCount,
      columns: ds.columns.map((c) => ({ name: c.name, min: c.stats.min, max: c.stats.max, mean: c.stats.mean, missing: c.stats.missing })),
      preview: ds.preview,
      // The time column is the x axis, not a line of its own.
      series: ds.columns.filter((c) => c.name !== time?.column).map((c) => ({ name: c.name, values: pick(c.values, rows) })),
      seriesX: Float64Array.from(rows, (r) => (time ? time.ms[r] : r + 1)),
      time: time ? { column: time.column, described: time.described, unit: time.unit, ms: time.ms } : undefined,
      layout: layout
        ? {
            applied: layout.applied,
            columns: layout.columns,
            timeCandidates: layout.timeCandidates,
            keyCandidates: layout.keyCandidates.map((k) => ({ name: k.name, values: k.values, rows: k.rows })),
            defaultInputs: layout.defaultInputs,
            defaultTarget: layout.defaultTarget,
          }
        : undefined,
    };
  }
  if (ds.kind === 'tokens') {
    const rows = sampleRows(ds.ids.length, SERIES_POINTS);
    return {
      ...common,
      kind: 'tokens',
      task: 'many-to-many',
      loss: 'cross_entropy',
      length: ds.ids.length,
      columns: [],
      preview: { header: [ds.unit === 'character' ? 'text' : 'notes'], rows: [[ds.preview]] },
      series: [{ name: `${ds.unit} id`, values: pick(ds.ids, rows) }],
      vocab: ds.vocab,
      music:
        ds.notes || ds.music
          ? {
              encoding: ds.music?.encoding ?? 'melody',
              stepsPerBeat: ds.music?.stepsPerBeat ?? 4,
              notes: ds.notes ?? [],
              ids: ds.ids.slice(0, MUSIC_IDS),
              length: ds.ids.length,
              validationStart: splitIndex(ds.ids.length, 0.9),
              midi: ds.music ?? null,
            }
          : undefined,
    };
  }
  const first = Array.from(ds.inputs.subarray(0, ds.seqLen * ds.inputSize));
  return {
    ...common,
    kind: 'sequences',
    task: ds.task,
    loss: ds.target.kind === 'class' ? 'cross_entropy' : 'mse',
    length: ds.count,
    columns: [],
    preview: {
      header: ['step', ...ds.inputNames],
      rows: Array.from({ length: Math.min(ds.seqLen, 20) }, (_, t) => [String(t), ...first.slice(t * ds.inputSize, (t + 1) * ds.inputSize).map((v) => v.toFixed(3))]),
    },
    series: ds.inputNames.map((name, f) => ({ name, values: Float32Array.from({ length: ds.seqLen }, (_, t) => first[t * ds.inputSize + f]) })),
    vocab: ds.target.kind === 'class' ? ds.target.classNames : undefined,
  };
}
