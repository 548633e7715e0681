// A probe as the page shows it. On a table the head's predictions and targets go out in the
// data's own units (the normalisation inverted), with the table row of the first target, so the
// page can draw them on the table's own x axis; on other data they go out as they are.

import type { BatchSource, SourceBatch } from '../data';
import type { ProbeData } from '../train/probes';
import type { ProbeReport } from './protocol';

/** The batch a model's trainer holds now, and the step of its windows where the steps it holds begin (a truncated-BPTT chunk). */
export interface LoadedBatch {
  rows: SourceBatch['rows'];
  offset: number;
}

/** (rows, width) values of table rows firstRow.. with column j back in the data's units, for every j (changes: each from the true level before it). */
function denormalizeColumns(source: BatchSource, values: Float32Array, width: number, firstRow: number): Float32Array {
  const out = new Float32Array(values.length);
  const rows = values.length / width;
  for (let j = 0; j < width; j++) {
    const column = source.denormalize(j, Float32Array.from({ length: rows }, (_, t) => values[t * width + j]), { firstRow, how: 'each' });
    for (let t = 0; t < rows; t++) out[t * width + j] = column[t];
  }
  return out;
}

export function probeReport(modelId: string, probe: ProbeData, source: BatchSource | null, loaded: LoadedBatch | null): ProbeReport {
  const rows = loaded?.rows;
  if (!source?.table || source.loss !== 'mse' || !rows || probe.sample >= rows.length) return { ...probe, modelId, firstRow: null };
  // The model reading row r predicts the targets of row r + 1.
  const firstRow = rows[probe.sample] + loaded.offset + 1;
  return {
    ...probe,
    modelId,
    prediction: denormalizeColumns(source, probe.prediction, probe.outputs, firstRow),
    target: denormalizeColumns(source, probe.target, probe.outputs, firstRow),
    firstRow,
  };
}
