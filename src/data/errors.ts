// Typed errors and warnings for everything the data layer can reject or flag.
// Every message starts with the file name and, where it applies, names the line, column and value,
// e.g. `sales.csv: line 14, column "price": "abc" is not a number.`

export type DataErrorCode =
  | 'too-large' // over MAX_FILE_BYTES
  | 'empty' // no bytes, only blank lines, or an empty JSON array
  | 'header-only' // a header row and nothing else
  | 'binary' // NUL bytes, many control characters, or a known binary format (PNG, ZIP, Excel...)
  | 'not-utf8' // bytes that are not valid UTF-8
  | 'not-utf16' // a UTF-16 BOM followed by invalid UTF-16
  | 'utf16-no-bom' // UTF-16 text without a byte-order mark
  | 'not-a-number' // a cell that is not a number in a numeric column
  | 'not-finite' // NaN, Infinity
  | 'overflow' // a number beyond the float32 range (e.g. 1e400, 1e39)
  | 'ragged' // a row with a different number of fields
  | 'bad-quotes' // a quoted field never closed, or text after its closing quote
  | 'no-numeric-columns' // a table without any numeric column
  | 'json-syntax' // JSON.parse failed
  | 'json-shape' // valid JSON of the wrong shape
  | 'vocab-too-large' // a text with too many distinct characters
  | 'too-few-rows' // not enough rows (or characters) for the sequence length
  | 'missing-values' // missing values left in columns chosen for training
  | 'bad-option' // an option out of range, or a column that does not exist
  | 'midi'; // a MIDI file that is not one, is cut off, corrupt, or holds no melody

/** Where in the file a problem is; all optional. `line` is 1-based. */
export interface DataErrorPlace {
  line?: number;
  column?: string;
  value?: string;
}

/** A plain-object form that survives postMessage (structured clone drops an Error's own fields). */
export interface DataErrorInfo extends DataErrorPlace {
  name: 'DataError';
  code: DataErrorCode;
  file: string;
  message: string;
}

export class DataError extends Error {
  override readonly name = 'DataError';
  readonly line?: number;
  readonly column?: string;
  readonly value?: string;

  constructor(
    readonly code: DataErrorCode,
    readonly file: string,
    message: string,
    place: DataErrorPlace = {},
  ) {
    super(message);
    if (place.line !== undefined) this.line = place.line;
    if (place.column !== undefined) this.column = place.column;
    if (place.value !== undefined) this.value = place.value;
  }

  toInfo(): DataErrorInfo {
    const info: DataErrorInfo = { name: 'DataError', code: this.code, file: this.file, message: this.message };
    if (this.line !== undefined) info.line = this.line;
    if (this.column !== undefined) info.column = this.column;
    if (this.value !== undefined) info.value = this.value;
    return info;
  }

  static fromInfo(info: DataErrorInfo): DataError {
    return new DataError(info.code, info.file, info.message, info);
  }
}

export function isDataError(e: unknown): e is DataError {
  return e instanceof DataError;
}

/** The fixes offered for missing values; both are implemented in fixes.ts. */
export type MissingFix = 'drop-rows' | 'fill-forward';

export type DataWarningCode =
  | 'missing-values' // empty or NA cells: offer drop-rows / fill-forward
  | 'label-columns' // non-numeric columns kept as labels only
  | 'empty-columns' // columns with no values at all, left out
  | 'few-rows' // too little data for a validation split
  | 'pivot-gaps' // a long table's series without a row at some times: missing values after the pivot
  | 'pivot-duplicates' // a series with two rows at one time: the last is kept
  | 'pivot-left-out' // rows of a long table without a readable time or a key, left out of the pivot
  | 'layout'; // how a table was read: its long-format key and series taken, a linked column it lacks

export interface DataWarning {
  code: DataWarningCode;
  message: string;
  /** Fixes the UI can offer as buttons; empty when the warning is informational. */
  fixes: MissingFix[];
  /** Columns the warning is about. */
  columns: string[];
}

/** Quotes a cell value for a message, cutting long ones: "abc", "a very long…". */
export function quoteValue(v: string, max = 40): string {
  const s = v.length > max ? `${v.slice(0, max)}…` : v;
  return JSON.stringify(s);
}

/** Lists names for a message: "a", "b" and 3 more. */
export function listNames(names: string[], max = 6): string {
  const shown = names.slice(0, max).map((n) => JSON.stringify(n));
  const rest = names.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}
