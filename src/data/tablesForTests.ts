// Tables for the data-layer tests: the real public files in test-data/real/ (see its README) and
// small crafted CSV texts, both read by the app's own parser.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseFile } from './parse';
import type { TableDataset } from './types';

const realDir = fileURLToPath(new URL('../../test-data/real/', import.meta.url));

/** The text of a file in test-data/real/. */
export function realText(file: string): string {
  return readFileSync(realDir + file, 'utf8');
}

/** A CSV/TSV text parsed as a table (the name's extension picks the format). */
export async function tableFrom(name: string, text: string): Promise<TableDataset> {
  const r = await parseFile(name, new TextEncoder().encode(text));
  if (r.dataset.kind !== 'table') throw new Error(`${name} parsed as ${r.dataset.kind}, not a table`);
  return r.dataset;
}

/** A file in test-data/real/, parsed as a table. */
export function realTable(file: string): Promise<TableDataset> {
  return tableFrom(file, realText(file));
}
