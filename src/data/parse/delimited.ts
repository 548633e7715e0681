// CSV / TSV / semicolon / whitespace-separated tables, parsed in chunks with papaparse's low-level
// Parser (so progress can be reported and exact line numbers kept), into numeric columns.

import Papa from 'papaparse';
import { DataError, listNames, quoteValue, type DataWarning } from '../errors';
import { PREVIEW_ROWS } from '../limits';
import { CELL_MISSING, CELL_NOT_FINITE, CELL_NUMBER, CELL_OVERFLOW, classifyCell, isMissingCell, isNumberLike } from '../numbers';
import { columnStats } from '../stats';
import type { LabelColumn, NumericColumn, ProgressFn, TableDataset } from '../types';
import { SAMPLE_CHARS, detectDecimalComma, detectDelimiter, detectHeader, parseRows, sampleLines, type Delim } from './detect';
import { GrowF64, GrowI32 } from './grow';
import { missingWarning } from './warnings';

export type DelimiterChoice = 'auto' | ',' | ';' | '\t' | '|' | 'whitespace';

export interface DelimitedOptions {
  /** Field separator; `auto` tries tab, semicolon, comma and pipe, then runs of spaces. */
  delimiter?: DelimiterChoice;
  /** Whether the first row holds column names; `auto` guesses from the cells. */
  header?: 'auto' | boolean;
  /** Decimal mark; `auto` reads "3,14" as 3.14 in files not separated by commas. */
  decimal?: 'auto' | '.' | ',';
  /** Checked between chunks; parsing then yields to the event loop between chunks. */
  signal?: AbortSignal;
  /** Characters per parse chunk (default 1 Mi). */
  chunkChars?: number;
}

export interface DelimitedInfo {
  /** What separated the fields; `none` for a single column. */
  delimiter: ',' | ';' | '\t' | '|' | 'whitespace' | 'none';
  header: boolean;
  decimalComma: boolean;
  /** Lines starting with # that were skipped. */
  commentLines: number;
}

export interface DelimitedResult {
  dataset: TableDataset;
  warnings: DataWarning[];
  info: DelimitedInfo;
}

const SAMPLE_ROWS = 1000;
/** One row longer than this means a quote was never closed. */
const MAX_ROW_CHARS = 4 * 1024 * 1024;

const isBlankRow = (row: string[]) => row.every((c) => c.trim() === '');
const isCommentRow = (row: string[]) => row.length > 0 && row[0].trimStart().startsWith('#');

function uniqueNames(raw: string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((r, j) => {
    let name = r.trim() || `column ${j + 1}`;
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    if (n > 0) name = `${name} (${n + 1})`;
    return name;
  });
}

interface ColState {
  name: string;
  kind: 'num' | 'text' | 'undecided';
  num: GrowF64 | null;
  text: string[] | null;
}

const yieldToLoop = () => new Promise<void>((r) => setTimeout(r, 0));

/**
 * Parses delimited text into a table. Throws DataError for empty files, header-only files, ragged
 * rows, bad quotes, non-numeric / non-finite / overflowing cells and tables without numbers.
 * `progress` maps this parse onto [from, to] of the caller's progress bar.
 */
export async function parseDelimited(
  file: string,
  input: string,
  opts: DelimitedOptions = {},
  onProgress?: ProgressFn,
  progress: [number, number] = [0, 1],
): Promise<DelimitedResult> {
  let text = input.indexOf('\r') >= 0 ? input.replace(/\r\n?/g, '\n') : input;
  if (text.trim() === '') {
    throw new DataError('empty', file, `${file}: the file contains only blank lines.`);
  }

  // 1. Delimiter and decimal mark, from the first lines.
  const lines = sampleLines(text);
  const decimalChoice = opts.decimal ?? 'auto';
  const delim: Delim | 'whitespace' | 'none' =
    opts.delimiter && opts.delimiter !== 'auto' ? opts.delimiter : detectDelimiter(lines, decimalChoice !== ',');
  if (delim === 'whitespace') {
    // Runs of spaces and tabs become one tab; line numbers do not change.
    text = text.replace(/^[ \t]+|[ \t]+$/gm, '').replace(/[ \t]+/g, '\t');
  }
  // A single column: any delimiter that is not in the cells (a comma may be a decimal mark).
  const papaDelim: Delim = delim === 'whitespace' ? '\t' : delim === 'none' ? (decimalChoice === ',' ? ';' : ',') : delim;

  // 2. Sample rows (quote-aware) for the header, decimal mark and column kinds.
  let sampleText = text.slice(0, SAMPLE_CHARS);
  if (sampleText.length < text.length) sampleText = sampleText.slice(0, sampleText.lastIndexOf('\n') + 1);
  const sample = parseRows(sampleText, papaDelim)
    .filter((r) => !isBlankRow(r) && !isCommentRow(r))
    .slice(0, SAMPLE_ROWS + 1);
  if (sample.length === 0) {
    throw new DataError('empty', file, `${file}: the file has no data, only comment lines.`);
  }
  const decimalComma =
    decimalChoice === ',' ? true : decimalChoice === '.' ? false : papaDelim !== ',' && detectDecimalComma(sample);
  const header = opts.header === undefined || opts.header === 'auto' ? detectHeader(sample, decimalComma) : opts.header;
  const width = sample[0].length;
  const names = header ? uniqueNames(sample[0]) : Array.from({ length: width }, (_, j) => `column ${j + 1}`);

  const body = header ? sample.slice(1) : sample;
  const cols: ColState[] = names.map((name, j) => {
    let num = 0;
    let txt = 0;
    for (const r of body) {
      const c = r[j];
      if (c === undefined || isMissingCell(c)) continue;
      if (isNumberLike(c, decimalComma)) num++;
      else txt++;
    }
    const kind = num + txt === 0 ? 'undecided' : num >= txt ? 'num' : 'text';
    return { name, kind, num: kind === 'text' ? null : new GrowF64(), text: kind === 'text' ? [] : null };
  });

  // 3. The full parse, chunk by chunk.
  const rowRefs = new GrowI32();
  const missing = new Int32Array(width);
  const firstMissing = new Int32Array(width).fill(-1);
  const previewRows: string[][] = [];
  const cell = { value: 0 };
  let rowCount = 0;
  let commentLines = 0;
  let headerLine = 0;
  let firstDataLine = 0;
  let sawHeader = !header;

  const handleRow = (row: string[], line: number) => {
    if (isBlankRow(row)) return;
    if (isCommentRow(row)) {
      commentLines++;
      return;
    }
    if (!sawHeader) {
      sawHeader = true;
      headerLine = line;
      return;
    }
    if (row.length !== width) {
      let ragged = row.length < width;
      for (let j = width; j < row.length && !ragged; j++) if (row[j].trim() !== '') ragged = true;
      if (ragged) {
        const ref = header ? `as in the header on line ${headerLine}` : `as on line ${firstDataLine}`;
        throw new DataError(
          'ragged',
          file,
          `${file}: line ${line} has ${row.length} field${row.length === 1 ? '' : 's'}, expected ${width} (${ref}).`,
          { line },
        );
      }
    }
    if (rowCount === 0) firstDataLine = line;
    for (let j = 0; j < width; j++) {
      const c = cols[j];
      const raw = row[j];
      if (c.kind === 'text') {
        c.text!.push(raw.trim());
        continue;
      }
      const k = classifyCell(raw, decimalComma, cell);
      if (k === CELL_NUMBER) {
        if (c.kind === 'undecided') c.kind = 'num';
        c.num!.push(cell.value);
      } else if (k === CELL_MISSING) {
        c.num!.push(NaN);
        if (missing[j]++ === 0) firstMissing[j] = line;
      } else if (c.kind === 'undecided' && k !== CELL_NOT_FINITE && k !== CELL_OVERFLOW) {
        // The first value of a column that was empty so far is text: a label column.
        c.kind = 'text';
        c.text = new Array<string>(rowCount).fill('');
        c.text.push(raw.trim());
        c.num = null;
        missing[j] = 0;
        firstMissing[j] = -1;
      } else {
        const v = raw.trim();
        const at = `${file}: line ${line}, column ${JSON.stringify(c.name)}: ${quoteValue(v)}`;
        const place = { line, column: c.name, value: v };
        if (k === CELL_NOT_FINITE) {
          throw new DataError(
            'not-finite',
            file,
            `${at} is not a finite number; leave the cell empty to mark a missing value.`,
            place,
          );
        }
        if (k === CELL_OVERFLOW) {
          throw new DataError('overflow', file, `${at} is too large; 32-bit floats stop at ±3.4e38.`, place);
        }
        const hint = decimalComma && v.indexOf('.') >= 0 ? ' (this file uses decimal commas)' : '';
        throw new DataError('not-a-number', file, `${at} is not a number${hint}.`, place);
      }
    }
    if (previewRows.length < PREVIEW_ROWS) previewRows.push(row.slice(0, width).map((c) => c.trim()));
    rowRefs.push(line);
    rowCount++;
  };

  const chunkChars = Math.max(1024, opts.chunkChars ?? 1 << 20);
  const parser = new Papa.Parser({ delimiter: papaDelim, newline: '\n' });
  const [p0, p1] = progress;
  let pos = 0;
  let base = 0;
  let partial = '';
  let line = 1;
  for (;;) {
    opts.signal?.throwIfAborted();
    const end = Math.min(text.length, pos + chunkChars);
    const last = end >= text.length;
    const aggregate = partial + text.slice(pos, end);
    pos = end;
    const res = parser.parse(aggregate, base, !last);
    const rows = res.data as string[][];
    const errorRow = res.errors.length ? (res.errors[0].row ?? 0) : -1;
    const quoted = aggregate.indexOf('"') >= 0;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const rowLine = line;
      if (r === errorRow) {
        const what =
          res.errors[0].code === 'MissingQuotes'
            ? 'a quoted field is never closed (a " without its closing ")'
            : 'a quoted field has text after its closing quote';
        throw new DataError('bad-quotes', file, `${file}: line ${rowLine}: ${what}.`, { line: rowLine });
      }
      line++;
      if (quoted) {
        for (const c of row) for (let i = c.indexOf('\n'); i >= 0; i = c.indexOf('\n', i + 1)) line++;
      }
      handleRow(row, rowLine);
    }
    if (!last) {
      const cursor = res.meta.cursor as number;
      partial = aggregate.slice(cursor - base);
      base = cursor;
      if (partial.length > MAX_ROW_CHARS) {
        throw new DataError(
          'bad-quotes',
          file,
          `${file}: line ${line}: a quoted field is never closed (a " without its closing ").`,
          { line },
        );
      }
    }
    onProgress?.({ phase: 'parsing', fraction: p0 + ((p1 - p0) * pos) / text.length, rows: rowCount });
    if (last) break;
    if (opts.signal) await yieldToLoop();
  }

  if (rowCount === 0) {
    if (header) {
      throw new DataError(
        'header-only',
        file,
        `${file}: the file has a header row (${listNames(names)}) but no data rows.`,
      );
    }
    throw new DataError('empty', file, `${file}: the file has no data rows.`);
  }

  // 4. Columns, stats and warnings.
  const columns: NumericColumn[] = [];
  const labels: LabelColumn[] = [];
  const emptyNamed: string[] = [];
  const missingCols: { name: string; count: number; firstRef: number }[] = [];
  cols.forEach((c, j) => {
    if (c.kind === 'text') {
      const values = c.text!;
      const distinct = new Set<string>();
      for (const v of values) {
        distinct.add(v);
        if (distinct.size > 64) break;
      }
      labels.push({ name: c.name, values, categories: distinct.size <= 64 ? [...distinct] : null });
      return;
    }
    const values = c.num!.toArray();
    const stats = columnStats(values);
    if (stats.count === 0) {
      if (!(header && sample[0][j].trim() === '')) emptyNamed.push(c.name);
      return;
    }
    columns.push({ name: c.name, values, stats });
    if (missing[j] > 0) missingCols.push({ name: c.name, count: missing[j], firstRef: firstMissing[j] });
  });

  if (columns.length === 0) {
    throw new DataError('no-numeric-columns', file, `${file}: no column holds numbers (columns: ${listNames(names)}).`);
  }

  const warnings: DataWarning[] = [];
  if (missingCols.length) warnings.push(missingWarning(file, missingCols, 'line'));
  if (labels.length) {
    const ln = labels.map((l) => l.name);
    const msg =
      ln.length === 1
        ? `${file}: column ${listNames(ln)} is not numeric; it is kept as labels, not used as an input.`
        : `${file}: columns ${listNames(ln)} are not numeric; they are kept as labels, not used as inputs.`;
    warnings.push({ code: 'label-columns', message: msg, fixes: [], columns: ln });
  }
  if (emptyNamed.length) {
    const msg =
      emptyNamed.length === 1
        ? `${file}: column ${listNames(emptyNamed)} is empty and was left out.`
        : `${file}: columns ${listNames(emptyNamed)} are empty and were left out.`;
    warnings.push({ code: 'empty-columns', message: msg, fixes: [], columns: emptyNamed });
  }

  const dataset: TableDataset = {
    kind: 'table',
    name: file,
    rowCount,
    columns,
    labels,
    rowRefs: rowRefs.toArray(),
    rowRefKind: 'line',
    preview: { header: names, rows: previewRows },
  };
  return {
    dataset,
    warnings,
    info: { delimiter: delim, header, decimalComma, commentLines },
  };
}
