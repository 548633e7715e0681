import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseFile } from './index';
import { DataError, isDataError, type DataErrorCode } from '../errors';
import { MAX_FILE_BYTES } from '../limits';

const dir = fileURLToPath(new URL('../testdata/', import.meta.url));
const fixture = (name: string) => readFileSync(dir + name);

async function rejection(name: string, bytes: Uint8Array, opts = {}): Promise<DataError> {
  try {
    await parseFile(name, bytes, opts);
  } catch (e) {
    if (isDataError(e)) return e;
    throw e;
  }
  throw new Error(`${name} was accepted`);
}

// Each bad file, the error code it must raise, and its exact message.
const corpus: [string, DataErrorCode, string][] = [
  ['empty.csv', 'empty', 'empty.csv: the file is empty.'],
  ['blank.csv', 'empty', 'blank.csv: the file contains only blank lines.'],
  ['header-only.csv', 'header-only', 'header-only.csv: the file has a header row ("date", "price") but no data rows.'],
  ['sales.csv', 'not-a-number', 'sales.csv: line 14, column "price": "abc" is not a number.'],
  [
    'nan.csv',
    'not-finite',
    'nan.csv: line 4, column "value": "NaN" is not a finite number; leave the cell empty to mark a missing value.',
  ],
  [
    'infinity.csv',
    'not-finite',
    'infinity.csv: line 3, column "a": "-Infinity" is not a finite number; leave the cell empty to mark a missing value.',
  ],
  ['overflow.csv', 'overflow', 'overflow.csv: line 3, column "x": "1e400" is too large; 32-bit floats stop at ±3.4e38.'],
  [
    'float32-overflow.csv',
    'overflow',
    'float32-overflow.csv: line 4, column "x": "-1e39" is too large; 32-bit floats stop at ±3.4e38.',
  ],
  ['ragged.csv', 'ragged', 'ragged.csv: line 5 has 2 fields, expected 3 (as in the header on line 1).'],
  ['ragged-noheader.csv', 'ragged', 'ragged-noheader.csv: line 3 has 4 fields, expected 3 (as on line 1).'],
  [
    'unclosed-quote.csv',
    'bad-quotes',
    'unclosed-quote.csv: line 3: a quoted field is never closed (a " without its closing ").',
  ],
  ['no-numbers.csv', 'no-numeric-columns', 'no-numbers.csv: no column holds numbers (columns: "name", "city").'],
  [
    'latin1.csv',
    'not-utf8',
    'latin1.csv: line 2 is not valid UTF-8 (byte 0xE9 at offset 14). Save the file as UTF-8, or read it as Windows-1252 (Western European) instead.',
  ],
  [
    'utf16-nobom.csv',
    'utf16-no-bom',
    'utf16-nobom.csv: this looks like UTF-16 (little-endian) text without a byte-order mark. Save it as UTF-8 and try again.',
  ],
  [
    'binary.bin',
    'binary',
    'binary.bin: this looks like a binary file, not text (a NUL byte at offset 7). Timestep reads CSV, TSV, JSON and plain-text files.',
  ],
  ['image.png', 'binary', 'image.png: this is a PNG image, not text. Timestep reads CSV, TSV, JSON and plain-text files.'],
  ['workbook.xlsx', 'binary', 'workbook.xlsx: this is an Excel workbook, not text. Save it as CSV (UTF-8) and load that.'],
  ['bad-syntax.json', 'json-syntax', 'bad-syntax.json: line 3, column 6: invalid JSON: expected "," or "]" but found "4".'],
  ['nan.json', 'json-syntax', 'nan.json: line 3, column 2: NaN is not valid JSON; write null for a missing value.'],
  ['trailing-comma.json', 'json-syntax', 'trailing-comma.json: line 1, column 10: invalid JSON: a trailing comma before "]".'],
  ['ragged.json', 'ragged', 'ragged.json: item [2] has 1 value, expected 2 (like item [0]).'],
  ['string.json', 'not-a-number', 'string.json: item [2] is "x", not a number.'],
  [
    'object.json',
    'json-shape',
    'object.json: expected an array of numbers, of equal-length arrays, or of objects; the top level is an object without an array.',
  ],
  ['empty-array.json', 'empty', 'empty-array.json: the array is empty.'],
];

describe('bad files: typed errors with exact messages', () => {
  it.each(corpus)('%s', async (name, code, message) => {
    const e = await rejection(name, fixture(name));
    expect(e).toBeInstanceOf(DataError);
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
    expect(e.file).toBe(name);
  });

  it('carries line, column and value where they apply, and survives a round trip as plain data', async () => {
    const e = await rejection('sales.csv', fixture('sales.csv'));
    expect([e.line, e.column, e.value]).toEqual([14, 'price', 'abc']);
    const info = structuredClone(e.toInfo());
    const back = DataError.fromInfo(info);
    expect(back).toBeInstanceOf(DataError);
    expect([back.code, back.message, back.line, back.column, back.value]).toEqual([
      'not-a-number',
      e.message,
      14,
      'price',
      'abc',
    ]);
  });

  it('rejects a file over the size limit before reading it', async () => {
    const big = new Uint8Array(60 * 1024 * 1024); // zeros: would also be "binary" if it were read
    const e = await rejection('big.csv', big);
    expect(e.code).toBe('too-large');
    expect(e.message).toBe('big.csv: the file is 60.0 MB; the limit is 50 MB.');
    expect(MAX_FILE_BYTES).toBe(50 * 1024 * 1024);
    const bytes = new TextEncoder().encode('a\n1\n2\n');
    const exact = await parseFile('exact.csv', bytes, { maxBytes: bytes.length });
    expect(exact.dataset.kind).toBe('table');
    const small = await rejection('small.csv', new TextEncoder().encode('a\n1\n2\n'), { maxBytes: 4 });
    expect(small.message).toBe('small.csv: the file is 6 bytes; the limit is 4 bytes.');
  });

  it('rejects text with too many distinct characters', async () => {
    let s = '';
    for (let i = 0; i < 1100; i++) s += String.fromCharCode(0x4e00 + i);
    const e = await rejection('chinese.txt', new TextEncoder().encode(s));
    expect(e.code).toBe('vocab-too-large');
    expect(e.message).toBe(
      'chinese.txt: the text uses 1100 different characters; the limit is 1024. A character-level model needs a small alphabet.',
    );
  });

  it('reports a ragged row on its real line when quoted fields span lines and lines end in CRLF', async () => {
    const csv = 'id,note,value\r\n1,"two\r\nlines",3\r\n2,"x",4\r\n3,5\r\n';
    const e = await rejection('notes.csv', new TextEncoder().encode(csv));
    expect(e.message).toBe('notes.csv: line 5 has 2 fields, expected 3 (as in the header on line 1).');
  });

  it('flags a bad cell after a quoted newline on its own line', async () => {
    const csv2 = 'a,b,c\n1,"x\ny",3\n2,"z",oops\n4,"w",5\n';
    const e2 = await rejection('q2.csv', new TextEncoder().encode(csv2));
    expect(e2.message).toBe('q2.csv: line 4, column "c": "oops" is not a number.');
  });

  it('says when a decimal-comma file holds a decimal point', async () => {
    const csv = 'a;b\n1,5;2\n2,5;3\n3.5;4\n';
    const e = await rejection('dc.csv', new TextEncoder().encode(csv));
    expect(e.message).toBe('dc.csv: line 4, column "a": "3.5" is not a number (this file uses decimal commas).');
  });

  it('names the path of a bad JSON value', async () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect((await rejection('a.json', enc('[[1, 2], [3, "y"]]'))).message).toBe('a.json: item [1][1] is "y", not a number.');
    expect((await rejection('b.json', enc('[{"t": 1, "v": 2}, {"t": 2, "v": true}]'))).message).toBe(
      'b.json: item [1].v is true, not a number.',
    );
    expect((await rejection('c.json', enc('{"data": [1, 1e400]}'))).message).toBe(
      'c.json: "data" item [1] is too large; 32-bit floats stop at ±3.4e38.',
    );
    expect((await rejection('d.json', enc('[1, [2]]'))).message).toBe(
      'd.json: item [1] is an array; expected a number like item [0].',
    );
    expect((await rejection('e.json', enc('"hello"'))).message).toBe(
      'e.json: expected an array of numbers, of equal-length arrays, or of objects; the top level is "hello".',
    );
    expect((await rejection('f.json', enc("[1, 'a']"))).message).toBe(
      'f.json: line 1, column 5: invalid JSON: strings need double quotes.',
    );
    expect((await rejection('g.json', enc('[1, 2'))).message).toBe('g.json: line 1, column 6: invalid JSON: the file ends too early.');
  });
});
