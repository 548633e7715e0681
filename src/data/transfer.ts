// The buffers under a dataset or a batch, for postMessage's transfer list (moving them between the
// worker and the page instead of copying). Transferring detaches them on the sending side.

import type { Batch } from './prep';
import type { Dataset } from './types';

function collect(views: (ArrayBufferView | null | undefined)[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const v of views) if (v && v.buffer instanceof ArrayBuffer) out.add(v.buffer);
  return [...out];
}

export function datasetBuffers(ds: Dataset): ArrayBuffer[] {
  if (ds.kind === 'table') return collect([...ds.columns.map((c) => c.values), ds.rowRefs]);
  if (ds.kind === 'tokens') return collect([ds.ids, ds.counts]);
  const t = ds.target;
  return collect([ds.inputs, t.kind === 'real' ? t.values : t.ids, ds.mask]);
}

export function batchBuffers(b: Batch): ArrayBuffer[] {
  return collect([b.x, b.y, b.xIds, b.yIds, b.mask, b.indices]);
}
