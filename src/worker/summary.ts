// What the page shows of a loaded dataset: its kind and task, column statistics, a preview table
// and up to 2,000 points per column for the chart.

import type { Dataset, DataWarning } from '../data';
import type { DataSummary } from './protocol';

const SERIES_POINTS = 2000;

function downsample(values: ArrayLike<number>, points: number): Float32Array {
  if (values.length <= points) return Float32Array.from(values);
  const out = new Float32Array(points);
  for (let i = 0; i < points; i++) out[i] = values[Math.floor((i * values.length) / points)];
  return out;
}

export function summarize(ds: Dataset, description: string, warnings: DataWarning[] = []): DataSummary {
  const common = { name: ds.name, description, warnings: warnings.map((w) => w.message) };
  if (ds.kind === 'table') {
    return {
      ...common,
      kind: 'table',
      task: 'many-to-many',
      loss: 'mse',
      length: ds.rowCount,
      columns: ds.columns.map((c) => ({ name: c.name, min: c.stats.min, max: c.stats.max, mean: c.stats.mean, missing: c.stats.missing })),
      preview: ds.preview,
      series: ds.columns.map((c) => ({ name: c.name, values: downsample(c.values, SERIES_POINTS) })),
    };
  }
  if (ds.kind === 'tokens') {
    return {
      ...common,
      kind: 'tokens',
      task: 'many-to-many',
      loss: 'cross_entropy',
      length: ds.ids.length,
      columns: [],
      preview: { header: [ds.unit === 'character' ? 'text' : 'notes'], rows: [[ds.preview]] },
      series: [{ name: `${ds.unit} id`, values: downsample(ds.ids, SERIES_POINTS) }],
      vocab: ds.vocab,
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
