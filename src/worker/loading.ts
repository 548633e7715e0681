// Making a dataset from what the page asked for (a built-in and its seed, or an uploaded file's
// bytes), off the owner's queue: parsing touches no GPU. The owner (./owner.ts) shapes and keeps it.

import { builtinInfo, makeBuiltin, parseFile, type BuiltinId, type Dataset, type DataWarning } from '../data';
import type { DataSource } from './protocol';
import type { DataOrigin } from './saver';

export interface Loaded {
  /** What was asked for, to make the same dataset again (a saved run). */
  source: DataOrigin['source'];
  dataset: Dataset;
  description: string;
  warnings: DataWarning[];
}

export async function loadDataset(source: Exclude<DataSource, { kind: 'same' }>, progress: (fraction: number, rows: number) => void): Promise<Loaded> {
  if (source.kind === 'builtin') {
    const info = builtinInfo(source.id);
    return { source, dataset: await makeBuiltin(source.id as BuiltinId, source.params, source.seed), description: info.blurb, warnings: [] };
  }
  const result = await parseFile(source.name, source.bytes, {}, (p) => progress(p.fraction, p.rows));
  return { source, dataset: result.dataset, warnings: result.warnings, description: `Uploaded ${source.name} (${result.detected.format.toUpperCase()}, ${result.detected.encoding}).` };
}
