import { describe, it, expect } from 'vitest';
import { decodeBytes, firstInvalidUtf8 } from './encoding';
import { DataError } from './errors';

const bytes = (...b: number[]) => Uint8Array.from(b);

function error(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('decoding', () => {
  it('finds the first invalid UTF-8 byte', () => {
    const enc = new TextEncoder();
    expect(firstInvalidUtf8(enc.encode('héllo 🙂 ok'))).toBe(-1);
    expect(firstInvalidUtf8(bytes(0x61, 0xc3))).toBe(1); // truncated 2-byte sequence
    expect(firstInvalidUtf8(bytes(0x61, 0xc0, 0xaf))).toBe(1); // overlong "/"
    expect(firstInvalidUtf8(bytes(0xe0, 0x80, 0xaf))).toBe(0); // overlong 3-byte
    expect(firstInvalidUtf8(bytes(0x61, 0x62, 0xed, 0xa0, 0x80))).toBe(2); // UTF-16 surrogate
    expect(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80))).toBe(0); // beyond U+10FFFF
    expect(firstInvalidUtf8(bytes(0x61, 0x80))).toBe(1); // stray continuation byte
    expect(firstInvalidUtf8(bytes(0xe2, 0x82, 0xac, 0xff))).toBe(3);
  });

  it('strips byte-order marks and decodes UTF-16 both ways', () => {
    expect(decodeBytes('a', bytes(0xef, 0xbb, 0xbf, 0x68, 0x69))).toEqual({ text: 'hi', encoding: 'utf-8', bom: true });
    expect(decodeBytes('a', bytes(0xff, 0xfe, 0x68, 0x00, 0x69, 0x00))).toEqual({ text: 'hi', encoding: 'utf-16le', bom: true });
    expect(decodeBytes('a', bytes(0xfe, 0xff, 0x00, 0x68, 0x00, 0x69))).toEqual({ text: 'hi', encoding: 'utf-16be', bom: true });
    expect(decodeBytes('a', bytes(0x68, 0x69))).toEqual({ text: 'hi', encoding: 'utf-8', bom: false });
  });

  it('rejects a UTF-16 BOM followed by broken UTF-16', () => {
    const e = error(() => decodeBytes('u.csv', bytes(0xff, 0xfe, 0x00, 0xd8, 0x41, 0x00)));
    expect(e.code).toBe('not-utf16');
    expect(e.message).toBe(
      'u.csv: the file starts with a UTF-16 (little-endian) byte-order mark but is not valid UTF-16. Save it as UTF-8 and try again.',
    );
  });

  it('spots big-endian UTF-16 without a BOM', () => {
    const be = new Uint8Array(40);
    for (let i = 0; i < 20; i++) be[2 * i + 1] = 0x31;
    expect(error(() => decodeBytes('b.csv', be)).message).toBe(
      'b.csv: this looks like UTF-16 (big-endian) text without a byte-order mark. Save it as UTF-8 and try again.',
    );
  });

  it('calls a file of control characters binary, but allows tabs, form feeds and CRLF', () => {
    const junk = new Uint8Array(200).fill(0x41);
    for (let i = 0; i < 200; i += 4) junk[i] = 0x01;
    expect(error(() => decodeBytes('j.dat', junk)).message).toBe(
      'j.dat: this looks like a binary file, not text (25% of the first 200 bytes are control characters). Timestep reads CSV, TSV, JSON and plain-text files.',
    );
    expect(decodeBytes('ok.txt', new TextEncoder().encode('a\tb\r\n\fc')).text).toBe('a\tb\r\n\fc');
  });

  it('names common binary formats', () => {
    const msg = (name: string, ...b: number[]) => error(() => decodeBytes(name, bytes(...b, 0x41, 0x41, 0x41))).message;
    expect(msg('x.gz', 0x1f, 0x8b, 0x08)).toBe('x.gz: this is a gzip-compressed file, not text. Timestep reads CSV, TSV, JSON and plain-text files.');
    expect(msg('x.pdf', 0x25, 0x50, 0x44, 0x46)).toBe('x.pdf: this is a PDF document, not text. Timestep reads CSV, TSV, JSON and plain-text files.');
    expect(msg('old.xls', 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)).toBe(
      'old.xls: this is an Excel 97-2003 workbook, not text. Save it as CSV (UTF-8) and load that.',
    );
    expect(msg('a.zip', 0x50, 0x4b, 0x03, 0x04)).toBe('a.zip: this is a ZIP archive, not text. Timestep reads CSV, TSV, JSON and plain-text files.');
  });
});
