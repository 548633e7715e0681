// Reading one cell as a number: what counts as missing, as not-a-number, as not finite, as too large.

import { FLOAT32_MAX } from './limits';

export const CELL_NUMBER = 0;
export const CELL_MISSING = 1;
export const CELL_TEXT = 2;
export const CELL_NOT_FINITE = 3;
export const CELL_OVERFLOW = 4;
export type CellKind = 0 | 1 | 2 | 3 | 4;

/** Cell texts read as "missing" (compared lower-case, after trimming). NaN is not one: it is an error. */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  '',
  'na',
  'n/a',
  '#n/a',
  'null',
  'none',
  'nil',
  'missing',
  '-',
  '?',
  '.',
]);

const NUM_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NOT_FINITE_RE = /^[+-]?(?:nan|inf|infinity)$/i;
const DECIMAL_COMMA_RE = /^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$/;
const DECIMAL_POINT_RE = /^[+-]?\d*\.\d+(?:[eE][+-]?\d+)?$/;

function trimmed(raw: string): string {
  const n = raw.length;
  if (n === 0) return raw;
  return raw.charCodeAt(0) <= 32 || raw.charCodeAt(n - 1) <= 32 ? raw.trim() : raw;
}

/**
 * Classifies a cell; for CELL_NUMBER the value is written to `out.value`.
 * With `decimalComma`, "3,14" reads as 3.14 (and "3.14" is not a number).
 */
export function classifyCell(raw: string, decimalComma: boolean, out: { value: number }): CellKind {
  let s = trimmed(raw);
  if (s.length <= 7 && MISSING_TOKENS.has(s.toLowerCase())) return CELL_MISSING;
  if (decimalComma) {
    const comma = s.indexOf(',');
    if (comma >= 0) s = s.slice(0, comma) + '.' + s.slice(comma + 1);
    else if (s.indexOf('.') >= 0) return CELL_TEXT;
  }
  if (!NUM_RE.test(s)) return NOT_FINITE_RE.test(s) ? CELL_NOT_FINITE : CELL_TEXT;
  const v = Number(s);
  if (!Number.isFinite(v) || Math.abs(v) > FLOAT32_MAX) return CELL_OVERFLOW;
  out.value = v;
  return CELL_NUMBER;
}

/** Whether a cell would count as a number (or a number-like error) rather than as text. */
export function isNumberLike(raw: string, decimalComma: boolean): boolean {
  const k = classifyCell(raw, decimalComma, { value: 0 });
  return k === CELL_NUMBER || k === CELL_NOT_FINITE || k === CELL_OVERFLOW;
}

export function isMissingCell(raw: string): boolean {
  const s = trimmed(raw);
  return s.length <= 7 && MISSING_TOKENS.has(s.toLowerCase());
}

export function looksDecimalComma(raw: string): boolean {
  return DECIMAL_COMMA_RE.test(trimmed(raw));
}

export function looksDecimalPoint(raw: string): boolean {
  return DECIMAL_POINT_RE.test(trimmed(raw));
}
