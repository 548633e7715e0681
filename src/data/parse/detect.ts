// Guessing the shape of a delimited text from its first lines: the delimiter, whether row 0 is a
// header, and the decimal mark. delimited.ts parses with what these return.

import Papa from 'papaparse';
import { isMissingCell, isNumberLike, looksDecimalComma, looksDecimalPoint } from '../numbers';

/** How much of the text the guesses read (parseDelimited samples column kinds from as much). */
export const SAMPLE_CHARS = 256 * 1024;
const SAMPLE_LINES = 200;

export type Delim = ',' | ';' | '\t' | '|';
const CANDIDATES: Delim[] = ['\t', ';', ',', '|'];

export function parseRows(text: string, delimiter: string): string[][] {
  return new Papa.Parser({ delimiter, newline: '\n' }).parse(text, 0, false).data as string[][];
}

/** The first lines of the text that are neither blank nor comments, quote-unaware. */
export function sampleLines(text: string): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < text.length && pos < SAMPLE_CHARS && out.length < SAMPLE_LINES) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const line = text.slice(pos, nl);
    const t = line.trim();
    if (t !== '' && !t.startsWith('#')) out.push(line);
    pos = nl + 1;
  }
  return out;
}

/** The most common field count and the share of rows that have it. */
export function consistency(counts: number[]): { modal: number; share: number } {
  const freq = new Map<number, number>();
  for (const c of counts) freq.set(c, (freq.get(c) ?? 0) + 1);
  let modal = 0;
  let best = 0;
  for (const [c, f] of freq) {
    if (f > best || (f === best && c > modal)) {
      modal = c;
      best = f;
    }
  }
  return { modal, share: counts.length ? best / counts.length : 0 };
}

export function detectDelimiter(lines: string[], allowComma: boolean): Delim | 'whitespace' | 'none' {
  if (lines.length === 0) return 'none';
  const joined = lines.join('\n');
  for (const d of CANDIDATES) {
    if (d === ',' && !allowComma) continue;
    if (joined.indexOf(d) < 0) continue;
    const counts = parseRows(joined, d).map((r) => r.length);
    const { modal, share } = consistency(counts);
    if (modal >= 2 && share >= 0.9) return d;
  }
  const ws = lines.map((l) => l.trim().split(/[ \t]+/).length);
  const { modal, share } = consistency(ws);
  if (modal >= 2 && share >= 0.9) return 'whitespace';
  return 'none';
}

/**
 * Whether text reads as a table of numbers: most of its first lines split (on commas, semicolons,
 * tabs, pipes or spaces) into cells that are all numbers or missing. Used to tell a numeric .txt
 * file from prose.
 */
export function looksNumericTable(text: string): boolean {
  const lines = sampleLines(text.slice(0, 64 * 1024)).slice(0, 50);
  if (lines.length === 0) return false;
  let numeric = 0;
  for (const l of lines) {
    const cells = l.trim().split(/[,;\t| ]+/);
    if (cells.every((c) => isMissingCell(c) || isNumberLike(c, false))) numeric++;
  }
  return numeric >= Math.max(1, 0.8 * lines.length - 1);
}

/** Header guess: row 0 names columns whose other cells are numbers. */
export function detectHeader(rows: string[][], decimalComma: boolean): boolean {
  const row0 = rows[0];
  const rest = rows.slice(1);
  if (rest.length === 0) return row0.some((c) => !isMissingCell(c) && !isNumberLike(c, decimalComma));
  let namesEvidence = 0;
  let dataEvidence = 0;
  let numericColumns = 0;
  for (let j = 0; j < row0.length; j++) {
    let num = 0;
    let txt = 0;
    for (const r of rest) {
      const c = r[j];
      if (c === undefined || isMissingCell(c)) continue;
      if (isNumberLike(c, decimalComma)) num++;
      else txt++;
    }
    if (num === 0 || num < txt) continue;
    numericColumns++;
    const c = row0[j];
    if (isMissingCell(c)) continue;
    if (isNumberLike(c, decimalComma)) dataEvidence++;
    else namesEvidence++;
  }
  if (numericColumns === 0) return row0.every((c) => !isNumberLike(c, decimalComma));
  return namesEvidence > 0 && namesEvidence >= dataEvidence;
}

export function detectDecimalComma(rows: string[][]): boolean {
  let comma = 0;
  let point = 0;
  for (const r of rows) {
    for (const c of r) {
      if (looksDecimalComma(c)) comma++;
      else if (looksDecimalPoint(c)) point++;
    }
  }
  return comma > 0 && comma >= point;
}
