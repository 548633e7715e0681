// parseFile: bytes of a user's file in, a dataset (or a DataError saying exactly what is wrong) out.
// Pure and DOM-free, so it runs in a Web Worker.

import { DataError, type DataWarning } from '../errors';
import { decodeBytes, type Encoding, type EncodingChoice } from '../encoding';
import { MAX_FILE_BYTES, MAX_FILE_LABEL, formatBytes } from '../limits';
import type { ProgressFn, TableDataset, TokenDataset } from '../types';
import { parseDelimited, type DelimitedInfo, type DelimitedOptions } from './delimited';
import { looksNumericTable } from './detect';
import { parseJson, type JsonInfo } from './json';
import { isMidiName, looksLikeMidi, parseMidiFile, type MidiOptions, type MusicInfo } from '../midi/parse';
import { parseText, type TextOptions } from './text';

export type FileFormat = 'csv' | 'tsv' | 'json' | 'text' | 'midi';

export interface ParseOptions extends DelimitedOptions, TextOptions {
  /** For a MIDI file: which track and grid (../midi/parse.ts). */
  midi?: MidiOptions;
  /** `auto` goes by the extension (.csv, .tsv, .json, .txt) and then by the content. */
  format?: 'auto' | FileFormat;
  /** `auto` reads a byte-order mark and otherwise requires UTF-8. */
  encoding?: EncodingChoice;
  /** Size limit in bytes (default MAX_FILE_BYTES). */
  maxBytes?: number;
}

export interface Detected {
  format: FileFormat;
  encoding: Encoding;
  bom: boolean;
  /** For csv/tsv. */
  table?: DelimitedInfo;
  /** For json. */
  json?: JsonInfo;
  /** For midi: its tracks, the one taken, tempo and metre. */
  music?: MusicInfo;
}

export interface ParseResult {
  dataset: TableDataset | TokenDataset;
  warnings: DataWarning[];
  detected: Detected;
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The format a file will be read as, from its name and (for .txt and unknown extensions) its text. */
export function detectFormat(name: string, text: string): FileFormat {
  const ext = extension(name);
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  if (ext === 'json') return 'json';
  const head = text.trimStart();
  if (ext !== 'txt' && ext !== 'text' && ext !== 'md' && (head.startsWith('[') || head.startsWith('{'))) {
    try {
      JSON.parse(text);
      return 'json';
    } catch {
      // not JSON after all
    }
  }
  return looksNumericTable(text) ? 'csv' : 'text';
}

/**
 * Reads a file: checks its size, decodes it (BOM, UTF-16, binary and invalid UTF-8 are caught),
 * picks the format and parses it. Rejects with a DataError whose message names the file and,
 * where it applies, the line, column and value. `onProgress` gets fractions from 0 to 1.
 */
export async function parseFile(
  name: string,
  bytes: ArrayBuffer | Uint8Array,
  opts: ParseOptions = {},
  onProgress?: ProgressFn,
): Promise<ParseResult> {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const limit = opts.maxBytes ?? MAX_FILE_BYTES;
  if (data.length > limit) {
    const label = limit === MAX_FILE_BYTES ? MAX_FILE_LABEL : formatBytes(limit);
    throw new DataError('too-large', name, `${name}: the file is ${formatBytes(data.length)}; the limit is ${label}.`);
  }
  // MIDI is binary: it is read before any text decoding (which would refuse it as binary).
  if (isMidiName(name) || looksLikeMidi(data)) {
    const { dataset, music } = parseMidiFile(name, data, opts.midi);
    onProgress?.({ phase: 'finishing', fraction: 1, rows: dataset.ids.length });
    return { dataset, warnings: [], detected: { format: 'midi', encoding: 'utf-8', bom: false, music } };
  }
  onProgress?.({ phase: 'decoding', fraction: 0, rows: 0 });
  const decoded = decodeBytes(name, data, opts.encoding ?? 'auto');
  onProgress?.({ phase: 'decoding', fraction: 0.05, rows: 0 });

  const format = opts.format && opts.format !== 'auto' ? opts.format : detectFormat(name, decoded.text);
  const span: [number, number] = [0.05, 0.98];
  const base = { encoding: decoded.encoding, bom: decoded.bom };
  let result: ParseResult;
  if (format === 'json') {
    const r = parseJson(name, decoded.text, onProgress, span);
    result = { dataset: r.dataset, warnings: r.warnings, detected: { format, ...base, json: r.info } };
  } else if (format === 'text') {
    const dataset = parseText(name, decoded.text, opts, onProgress, span);
    result = { dataset, warnings: [], detected: { format, ...base } };
  } else {
    const delimOpts: DelimitedOptions =
      format === 'tsv' && (opts.delimiter === undefined || opts.delimiter === 'auto')
        ? { ...opts, delimiter: '\t' }
        : opts;
    const r = await parseDelimited(name, decoded.text, delimOpts, onProgress, span);
    result = { dataset: r.dataset, warnings: r.warnings, detected: { format, ...base, table: r.info } };
  }
  const rows = result.dataset.kind === 'table' ? result.dataset.rowCount : result.dataset.ids.length;
  onProgress?.({ phase: 'finishing', fraction: 1, rows });
  return result;
}
