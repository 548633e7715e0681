// JSON tables: an array of numbers (one column), an array of equal-length arrays (one column per
// position), or an array of objects (one column per key). An object with a single array-valued key
// (e.g. {"data": [...]}) is unwrapped. null is a missing value.

import { DataError, listNames, quoteValue, type DataWarning } from '../errors';
import { FLOAT32_MAX, PREVIEW_ROWS } from '../limits';
import { CELL_MISSING, CELL_NOT_FINITE, CELL_NUMBER, CELL_OVERFLOW, CELL_TEXT, classifyCell } from '../numbers';
import { columnStats } from '../stats';
import type { LabelColumn, NumericColumn, ProgressFn, TableDataset } from '../types';
import { missingWarning } from './warnings';

export interface JsonInfo {
  shape: 'numbers' | 'arrays' | 'objects';
  /** The key unwrapped from a top-level object, if any. */
  unwrapped: string | null;
}

export interface JsonResult {
  dataset: TableDataset;
  warnings: DataWarning[];
  info: JsonInfo;
}

// ---- Locating a syntax error (JSON.parse does not always say where) ----

interface SyntaxProblem {
  pos: number;
  message: string;
}

class JsonScan {
  i = 0;
  constructor(private readonly s: string) {}

  fail(message: string, pos = this.i): never {
    throw { pos, message } satisfies SyntaxProblem;
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else break;
    }
  }

  unexpected(): never {
    const s = this.s;
    if (this.i >= s.length) this.fail('invalid JSON: the file ends too early');
    const rest = s.slice(this.i, this.i + 9);
    const special = /^(-?Infinity|NaN)/.exec(rest);
    if (special) this.fail(`${special[1]} is not valid JSON; write null for a missing value`);
    if (s[this.i] === "'") this.fail('invalid JSON: strings need double quotes');
    this.fail(`invalid JSON: unexpected ${quoteValue(s[this.i])}`);
  }

  value(): void {
    this.ws();
    const s = this.s;
    const c = s[this.i];
    if (c === '[') return this.container(']');
    if (c === '{') return this.container('}');
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(s.slice(this.i, this.i + 400));
      if (!m || (c === '-' && s.startsWith('-Infinity', this.i))) this.unexpected();
      this.i += m[0].length;
      return;
    }
    for (const lit of ['true', 'false', 'null']) {
      if (s.startsWith(lit, this.i)) {
        this.i += lit.length;
        return;
      }
    }
    this.unexpected();
  }

  string(): void {
    const s = this.s;
    this.i++;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === '"') {
        this.i++;
        return;
      }
      if (c === '\\') this.i += 2;
      else if (c === '\n') this.fail('invalid JSON: a string runs past the end of the line');
      else this.i++;
    }
    this.fail('invalid JSON: a string is never closed');
  }

  container(close: ']' | '}'): void {
    const s = this.s;
    this.i++;
    this.ws();
    if (s[this.i] === close) {
      this.i++;
      return;
    }
    for (;;) {
      if (close === '}') {
        this.ws();
        if (s[this.i] !== '"') {
          if (s[this.i] === '}') this.fail('invalid JSON: a trailing comma before "}"');
          this.unexpected();
        }
        this.string();
        this.ws();
        if (s[this.i] !== ':') this.unexpected();
        this.i++;
      }
      this.ws();
      if (s[this.i] === close) this.fail(`invalid JSON: a trailing comma before "${close}"`);
      this.value();
      this.ws();
      if (s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (s[this.i] === close) {
        this.i++;
        return;
      }
      if (this.i >= s.length) this.fail('invalid JSON: the file ends too early');
      this.fail(`invalid JSON: expected "," or "${close}" but found ${quoteValue(s[this.i])}`);
    }
  }

  document(): void {
    this.value();
    this.ws();
    if (this.i < this.s.length) this.fail(`invalid JSON: unexpected ${quoteValue(this.s[this.i])} after the end`);
  }
}

function lineCol(s: string, pos: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < s.length; i++) {
    if (s.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: pos - lineStart + 1 };
}

function syntaxError(file: string, text: string, engineMessage: string): DataError {
  try {
    new JsonScan(text).document();
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'pos' in e) {
      const p = e as SyntaxProblem;
      const { line, col } = lineCol(text, p.pos);
      return new DataError('json-syntax', file, `${file}: line ${line}, column ${col}: ${p.message}.`, { line });
    }
  }
  return new DataError('json-syntax', file, `${file}: invalid JSON (${engineMessage}).`);
}

/** JSON.parse with the place of a syntax error (line, column) in the DataError's message. */
export function parseJsonDocument(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw syntaxError(file, text, e instanceof Error ? e.message : String(e));
  }
}

// ---- Shapes ----

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return quoteValue(v);
  return String(v);
}

interface Col {
  name: string;
  values: Float64Array;
  labels: string[] | null;
  missing: number;
  firstMissing: number;
}

/** Parses JSON text into a table; throws DataError for syntax errors and wrong shapes. */
export function parseJson(
  file: string,
  text: string,
  onProgress?: ProgressFn,
  progress: [number, number] = [0, 1],
): JsonResult {
  if (text.trim() === '') throw new DataError('empty', file, `${file}: the file contains only blank space.`);
  let doc = parseJsonDocument(file, text);
  const [p0, p1] = progress;
  onProgress?.({ phase: 'parsing', fraction: p0 + (p1 - p0) * 0.5, rows: 0 });

  let unwrapped: string | null = null;
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    const arrays = Object.entries(doc).filter(([, v]) => Array.isArray(v));
    if (arrays.length !== 1) {
      throw new DataError(
        'json-shape',
        file,
        `${file}: expected an array of numbers, of equal-length arrays, or of objects; the top level is an object` +
          (arrays.length > 1 ? ` with ${arrays.length} arrays (${listNames(arrays.map(([k]) => k))}).` : ' without an array.'),
      );
    }
    [unwrapped, doc] = arrays[0];
  }
  if (!Array.isArray(doc)) {
    throw new DataError(
      'json-shape',
      file,
      `${file}: expected an array of numbers, of equal-length arrays, or of objects; the top level is ${describe(doc)}.`,
    );
  }
  const items = doc as unknown[];
  const where = (i: number, sub = '') => `${unwrapped ? `${JSON.stringify(unwrapped)} ` : ''}item [${i}]${sub}`;
  if (items.length === 0) throw new DataError('empty', file, `${file}: the array is empty.`);

  const first = items.find((v) => v !== null);
  if (first === undefined) throw new DataError('empty', file, `${file}: every item is null.`);
  const shape: JsonInfo['shape'] = Array.isArray(first) ? 'arrays' : typeof first === 'object' ? 'objects' : 'numbers';
  const firstIndex = items.indexOf(first);

  let names: string[];
  if (shape === 'numbers') names = ['value'];
  else if (shape === 'arrays') names = (first as unknown[]).map((_, j) => `column ${j + 1}`);
  else names = Object.keys(first as object);
  if (names.length === 0) {
    throw new DataError('json-shape', file, `${file}: ${where(firstIndex)} is empty; expected numbers.`);
  }

  const n = items.length;
  const cols: Col[] = names.map((name) => ({
    name,
    values: new Float64Array(n),
    labels: null,
    missing: 0,
    firstMissing: -1,
  }));
  // Objects: a key whose first non-null value is a non-numeric string is a label column.
  if (shape === 'objects') {
    const probe = { value: 0 };
    for (const c of cols) {
      for (const it of items) {
        const v = (it as Record<string, unknown> | null)?.[c.name];
        if (v === null || v === undefined) continue;
        if (typeof v === 'string' && classifyCell(v, false, probe) === CELL_TEXT) c.labels = new Array<string>(n).fill('');
        break;
      }
    }
  }

  const cell = { value: 0 };
  const put = (c: Col, i: number, v: unknown, path: string) => {
    if (c.labels) {
      c.labels[i] = v === null || v === undefined ? '' : String(v);
      return;
    }
    let k: number;
    if (v === null || v === undefined) k = CELL_MISSING;
    else if (typeof v === 'number') {
      k = Number.isFinite(v) && Math.abs(v) <= FLOAT32_MAX ? CELL_NUMBER : CELL_OVERFLOW;
      cell.value = v;
    } else if (typeof v === 'string') k = classifyCell(v, false, cell);
    else k = -1;
    if (k === CELL_NUMBER) {
      c.values[i] = cell.value;
      return;
    }
    if (k === CELL_MISSING) {
      c.values[i] = NaN;
      if (c.missing++ === 0) c.firstMissing = i;
      return;
    }
    const value = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
    const place = { column: c.name, value };
    if (k === CELL_OVERFLOW) {
      throw new DataError('overflow', file, `${file}: ${path} is too large; 32-bit floats stop at ±3.4e38.`, place);
    }
    if (k === CELL_NOT_FINITE) {
      throw new DataError(
        'not-finite',
        file,
        `${file}: ${path} is ${describe(v)}, not a finite number; write null for a missing value.`,
        place,
      );
    }
    throw new DataError('not-a-number', file, `${file}: ${path} is ${describe(v)}, not a number.`, place);
  };

  const width = names.length;
  for (let i = 0; i < n; i++) {
    const it = items[i];
    if (shape === 'numbers') {
      if (Array.isArray(it) || (it !== null && typeof it === 'object')) {
        throw new DataError(
          'json-shape',
          file,
          `${file}: ${where(i)} is ${describe(it)}; expected a number like ${where(firstIndex)}.`,
        );
      }
      put(cols[0], i, it, where(i));
    } else if (shape === 'arrays') {
      if (it === null) {
        for (const c of cols) put(c, i, null, where(i));
        continue;
      }
      if (!Array.isArray(it)) {
        throw new DataError(
          'json-shape',
          file,
          `${file}: ${where(i)} is ${describe(it)}; expected an array of ${width} numbers like ${where(firstIndex)}.`,
        );
      }
      if (it.length !== width) {
        throw new DataError(
          'ragged',
          file,
          `${file}: ${where(i)} has ${it.length} value${it.length === 1 ? '' : 's'}, expected ${width} (like ${where(firstIndex)}).`,
        );
      }
      for (let j = 0; j < width; j++) {
        const v = it[j];
        if (Array.isArray(v) || (v !== null && typeof v === 'object')) {
          throw new DataError('json-shape', file, `${file}: ${where(i, `[${j}]`)} is ${describe(v)}; expected a number.`);
        }
        put(cols[j], i, v, where(i, `[${j}]`));
      }
    } else {
      if (it === null) {
        for (const c of cols) put(c, i, null, where(i));
        continue;
      }
      if (typeof it !== 'object' || Array.isArray(it)) {
        throw new DataError(
          'json-shape',
          file,
          `${file}: ${where(i)} is ${describe(it)}; expected an object like ${where(firstIndex)}.`,
        );
      }
      const rec = it as Record<string, unknown>;
      for (const c of cols) {
        const v = rec[c.name];
        if (Array.isArray(v) || (v !== null && typeof v === 'object')) {
          throw new DataError(
            'json-shape',
            file,
            `${file}: ${where(i, `.${c.name}`)} is ${describe(v)}; expected a number.`,
          );
        }
        put(c, i, v, where(i, `.${c.name}`));
      }
    }
  }

  const columns: NumericColumn[] = [];
  const labels: LabelColumn[] = [];
  const missingCols: { name: string; count: number; firstRef: number }[] = [];
  for (const c of cols) {
    if (c.labels) {
      const distinct = new Set(c.labels.slice(0, 10000));
      labels.push({ name: c.name, values: c.labels, categories: distinct.size <= 64 ? [...distinct] : null });
      continue;
    }
    const stats = columnStats(c.values);
    if (stats.count === 0) continue;
    columns.push({ name: c.name, values: c.values, stats });
    if (c.missing > 0) missingCols.push({ name: c.name, count: c.missing, firstRef: c.firstMissing });
  }
  if (columns.length === 0) {
    throw new DataError('no-numeric-columns', file, `${file}: no field holds numbers (fields: ${listNames(names)}).`);
  }

  const warnings: DataWarning[] = [];
  if (missingCols.length) warnings.push(missingWarning(file, missingCols, 'item'));
  if (labels.length) {
    const ln = labels.map((l) => l.name);
    warnings.push({
      code: 'label-columns',
      message: `${file}: ${ln.length === 1 ? 'field' : 'fields'} ${listNames(ln)} ${ln.length === 1 ? 'is' : 'are'} not numeric; kept as labels, not used as inputs.`,
      fixes: [],
      columns: ln,
    });
  }

  const rows: string[][] = [];
  for (let i = 0; i < Math.min(n, PREVIEW_ROWS); i++) {
    rows.push(
      cols.map((c) => {
        if (c.labels) return c.labels[i];
        const v = c.values[i];
        return v === v ? String(v) : '';
      }),
    );
  }
  const rowRefs = new Int32Array(n);
  for (let i = 0; i < n; i++) rowRefs[i] = i;
  onProgress?.({ phase: 'parsing', fraction: p1, rows: n });

  return {
    dataset: {
      kind: 'table',
      name: file,
      rowCount: n,
      columns,
      labels,
      rowRefs,
      rowRefKind: 'item',
      preview: { header: names, rows },
    },
    warnings,
    info: { shape, unwrapped },
  };
}
