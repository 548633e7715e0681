// Bytes to text: byte-order marks, UTF-16, binary files and invalid UTF-8, each with a clear error.

import { DataError } from './errors';

export type EncodingChoice = 'auto' | 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface Decoded {
  text: string;
  encoding: Encoding;
  /** Whether the file began with a byte-order mark (which is not part of `text`). */
  bom: boolean;
}

const READS = 'Timestep reads CSV, TSV, JSON and plain-text files.';

/** Known binary formats by their first bytes. */
function sniffBinary(name: string, b: Uint8Array): string | null {
  const starts = (...sig: number[]) => sig.every((x, i) => b[i] === x);
  const ext = name.toLowerCase().split('.').pop() ?? '';
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'a PNG image';
  if (starts(0xff, 0xd8, 0xff)) return 'a JPEG image';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'a GIF image';
  if (starts(0x25, 0x50, 0x44, 0x46)) return 'a PDF document';
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) {
    if (ext === 'xlsx' || ext === 'xlsm') return 'an Excel workbook';
    if (ext === 'ods') return 'an OpenDocument spreadsheet';
    if (ext === 'numbers') return 'a Numbers spreadsheet';
    return 'a ZIP archive';
  }
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    return ext === 'xls' ? 'an Excel 97-2003 workbook' : 'a Microsoft Office document';
  }
  if (starts(0x1f, 0x8b)) return 'a gzip-compressed file';
  if (starts(0x50, 0x41, 0x52, 0x31)) return 'a Parquet file';
  if (starts(0x41, 0x52, 0x52, 0x4f, 0x57, 0x31)) return 'an Arrow file';
  if (starts(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59)) return 'a NumPy array file';
  if (starts(0x89, 0x48, 0x44, 0x46)) return 'an HDF5 file';
  return null;
}

function binaryError(file: string, what: string): DataError {
  const spreadsheet = /workbook|spreadsheet/.test(what);
  const advice = spreadsheet ? 'Save it as CSV (UTF-8) and load that.' : READS;
  return new DataError('binary', file, `${file}: this is ${what}, not text. ${advice}`);
}

/** UTF-16 without a BOM: ASCII text then has a zero byte in every other position. */
function sniffUtf16(b: Uint8Array): 'le' | 'be' | null {
  const n = Math.min(b.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenZero++;
    if (b[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > 0.3 * pairs && evenZero < 0.05 * pairs) return 'le';
  if (evenZero > 0.3 * pairs && oddZero < 0.05 * pairs) return 'be';
  return null;
}

/** Offset of the first byte that starts an invalid UTF-8 sequence, or -1 if all is valid. */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= n) return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line of a byte offset (counting LF bytes before it). */
function lineAtByte(b: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (b[i] === 0x0a) line++;
  return line;
}

const hex = (x: number) => `0x${x.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Decodes a file's bytes to text, or throws a DataError saying why it cannot be read as text.
 * `auto` reads a BOM (UTF-8, UTF-16 LE/BE) and otherwise requires valid UTF-8.
 */
export function decodeBytes(file: string, bytes: Uint8Array, choice: EncodingChoice = 'auto'): Decoded {
  if (bytes.length === 0) throw new DataError('empty', file, `${file}: the file is empty.`);

  let encoding: Encoding;
  let bom = false;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    encoding = 'utf-8';
    bom = true;
  } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    encoding = 'utf-16le';
    bom = true;
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    encoding = 'utf-16be';
    bom = true;
  } else {
    encoding = 'utf-8';
  }
  if (choice !== 'auto') encoding = choice;

  if (!bom && choice === 'auto') {
    const known = sniffBinary(file, bytes);
    if (known) throw binaryError(file, known);
    const u16 = sniffUtf16(bytes);
    if (u16) {
      const endian = u16 === 'le' ? 'little-endian' : 'big-endian';
      throw new DataError(
        'utf16-no-bom',
        file,
        `${file}: this looks like UTF-16 (${endian}) text without a byte-order mark. Save it as UTF-8 and try again.`,
      );
    }
  }

  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    try {
      const text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
      return { text, encoding, bom };
    } catch {
      const endian = encoding === 'utf-16le' ? 'little-endian' : 'big-endian';
      throw new DataError(
        'not-utf16',
        file,
        `${file}: the file starts with a UTF-16 (${endian}) byte-order mark but is not valid UTF-16. Save it as UTF-8 and try again.`,
      );
    }
  }

  if (encoding === 'utf-8') {
    const nul = bytes.indexOf(0);
    if (nul >= 0) {
      throw new DataError(
        'binary',
        file,
        `${file}: this looks like a binary file, not text (a NUL byte at offset ${nul}). ${READS}`,
      );
    }
    const sample = Math.min(bytes.length, 65536);
    let control = 0;
    for (let i = 0; i < sample; i++) {
      const c = bytes[i];
      if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f) control++;
    }
    if (control > 0.05 * sample) {
      const pct = Math.round((100 * control) / sample);
      throw new DataError(
        'binary',
        file,
        `${file}: this looks like a binary file, not text (${pct}% of the first ${sample} bytes are control characters). ${READS}`,
      );
    }
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      return { text, encoding, bom };
    } catch {
      const at = Math.max(0, firstInvalidUtf8(bytes));
      const line = lineAtByte(bytes, at);
      throw new DataError(
        'not-utf8',
        file,
        `${file}: line ${line} is not valid UTF-8 (byte ${hex(bytes[at])} at offset ${at}). ` +
          'Save the file as UTF-8, or read it as Windows-1252 (Western European) instead.',
        { line },
      );
    }
  }

  // windows-1252: every byte decodes.
  return { text: new TextDecoder('windows-1252').decode(bytes), encoding, bom };
}
