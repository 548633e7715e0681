import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { detectFormat, parseFile, type ParseOptions, type ParseResult } from './index';
import { idsToText } from './text';
import { Random } from '../random';
import type { ParseProgress, TableDataset, TokenDataset } from '../types';

const dir = fileURLToPath(new URL('../testdata/', import.meta.url));
const enc = (s: string) => new TextEncoder().encode(s);

async function table(name: string, text: string | Uint8Array, opts: ParseOptions = {}): Promise<[TableDataset, ParseResult]> {
  const r = await parseFile(name, typeof text === 'string' ? enc(text) : text, opts);
  if (r.dataset.kind !== 'table') throw new Error(`${name} parsed as ${r.dataset.kind}`);
  return [r.dataset, r];
}
const col = (ds: TableDataset, name: string) => {
  const c = ds.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name} in ${ds.columns.map((x) => x.name).join(', ')}`);
  return Array.from(c.values);
};

describe('CSV and friends', () => {
  it('reads a comma-separated table with a header, a date column as labels, and exact stats', async () => {
    const [ds, r] = await table('t.csv', 'date,price,qty\n2024-01-01,1.5,3\n2024-01-02,2.5,-4\n2024-01-03,5,1e2\n');
    expect(r.detected).toEqual({
      format: 'csv',
      encoding: 'utf-8',
      bom: false,
      table: { delimiter: ',', header: true, decimalComma: false, commentLines: 0 },
    });
    expect(ds.rowCount).toBe(3);
    expect(ds.columns.map((c) => c.name)).toEqual(['price', 'qty']);
    expect(col(ds, 'price')).toEqual([1.5, 2.5, 5]);
    expect(col(ds, 'qty')).toEqual([3, -4, 100]);
    expect(ds.columns[0].stats).toEqual({ count: 3, missing: 0, min: 1.5, max: 5, mean: 3, std: Math.sqrt(13 / 6) });
    expect(ds.labels).toEqual([
      { name: 'date', values: ['2024-01-01', '2024-01-02', '2024-01-03'], categories: ['2024-01-01', '2024-01-02', '2024-01-03'] },
    ]);
    expect(Array.from(ds.rowRefs)).toEqual([2, 3, 4]);
    expect(ds.preview.header).toEqual(['date', 'price', 'qty']);
    expect(ds.preview.rows[2]).toEqual(['2024-01-03', '5', '1e2']);
    expect(r.warnings.map((w) => w.code)).toEqual(['label-columns']);
    expect(r.warnings[0].message).toBe('t.csv: column "date" is not numeric; it is kept as labels, not used as an input.');
  });

  it('understands semicolons with decimal commas', async () => {
    const [ds, r] = await table('eu.csv', 'Zeit;Wert;Menge\n1;3,25;10\n2;-0,5;11\n3;1,0e3;12\n');
    expect(r.detected.table).toMatchObject({ delimiter: ';', header: true, decimalComma: true });
    expect(col(ds, 'Wert')).toEqual([3.25, -0.5, 1000]);
    expect(col(ds, 'Menge')).toEqual([10, 11, 12]);
  });

  it('keeps decimal points in semicolon files that use them', async () => {
    const [ds, r] = await table('pt.csv', 'a;b\n1.5;2\n2.5;3\n');
    expect(r.detected.table?.decimalComma).toBe(false);
    expect(col(ds, 'a')).toEqual([1.5, 2.5]);
  });

  it('reads tabs (.tsv), pipes and runs of spaces', async () => {
    const [tsv] = await table('t.tsv', 'x\ty\n1\t2\n3\t4\n');
    expect(col(tsv, 'y')).toEqual([2, 4]);
    const [pipe, rp] = await table('p.csv', 'x|y\n1|2\n3|4\n');
    expect(rp.detected.table?.delimiter).toBe('|');
    expect(col(pipe, 'x')).toEqual([1, 3]);
    const [ws, rw] = await table('w.txt', '  1.0   2.0\n  3.5\t 4.5  \n5 6\n');
    expect(rw.detected).toMatchObject({ format: 'csv', table: { delimiter: 'whitespace', header: false } });
    expect(col(ws, 'column 1')).toEqual([1, 3.5, 5]);
    expect(col(ws, 'column 2')).toEqual([2, 4.5, 6]);
  });

  it('reads a single column with and without a header', async () => {
    const [a, ra] = await table('a.csv', '1\n2\n3.5\n');
    expect(ra.detected.table).toMatchObject({ delimiter: 'none', header: false });
    expect(col(a, 'column 1')).toEqual([1, 2, 3.5]);
    const [dc] = await table('dc.csv', 'Wert\n1,5\n-2,25\n', { decimal: ',' });
    expect(col(dc, 'Wert')).toEqual([1.5, -2.25]);
    const [b, rb] = await table('b.csv', 'temperature\n1\n2\n');
    expect(rb.detected.table?.header).toBe(true);
    expect(col(b, 'temperature')).toEqual([1, 2]);
  });

  it('guesses the header from the cells, and obeys an explicit choice', async () => {
    const [noHeader] = await table('n.csv', '2024-01-01,5\n2024-01-02,6\n');
    expect(col(noHeader, 'column 2')).toEqual([5, 6]);
    expect(noHeader.labels[0].name).toBe('column 1');
    const [forced] = await table('f.csv', '10,20\n1,2\n3,4\n', { header: true });
    expect(forced.columns.map((c) => c.name)).toEqual(['10', '20']);
    expect(col(forced, '10')).toEqual([1, 3]);
  });

  it('names empty and duplicate header cells', async () => {
    const [ds] = await table('d.csv', 'x,,x\n1,2,3\n4,5,6\n');
    expect(ds.columns.map((c) => c.name)).toEqual(['x', 'column 2', 'x (2)']);
  });

  it('handles byte-order marks and UTF-16', async () => {
    for (const name of ['utf8-bom.csv', 'utf16-bom.csv', 'utf16be-bom.csv']) {
      const [ds, r] = await table(name, readFileSync(dir + name));
      expect(r.detected.bom).toBe(true);
      if (name === 'utf8-bom.csv') expect(col(ds, 'temp')).toEqual([1.5, 2.5]);
      else expect(col(ds, 'value')).toEqual([1, 2, 3]);
    }
  });

  it('reads Windows-1252 when asked', async () => {
    const [ds, r] = await table('latin1.csv', readFileSync(dir + 'latin1.csv'), { encoding: 'windows-1252' });
    expect(r.detected.encoding).toBe('windows-1252');
    expect(ds.labels[0].values).toEqual(['café']);
  });

  it('normalises CRLF and CR line ends, skips comments and blank lines, keeping line numbers', async () => {
    const [ds, r] = await table('c.csv', '# exported by a logger\r\n# units: C\r\nt,v\r\n0,1\r\n\r\n1,2\r\n');
    expect(r.detected.table?.commentLines).toBe(2);
    expect(col(ds, 'v')).toEqual([1, 2]);
    expect(Array.from(ds.rowRefs)).toEqual([4, 6]);
    const [cr] = await table('cr.csv', 't,v\r0,1\r1,2\r');
    expect(col(cr, 'v')).toEqual([1, 2]);
  });

  it('reads quoted fields holding delimiters, quotes and newlines', async () => {
    const [ds] = await table('q.csv', 'name,v\n"a, b",1\n"say ""hi""",2\n"two\nlines",3\n');
    expect(ds.labels[0].values).toEqual(['a, b', 'say "hi"', 'two\nlines']);
    expect(col(ds, 'v')).toEqual([1, 2, 3]);
    expect(Array.from(ds.rowRefs)).toEqual([2, 3, 4]);
  });

  it('tolerates empty trailing fields but not missing ones', async () => {
    const [ds] = await table('t.csv', 'a,b\n1,2,\n3,4,,\n');
    expect(col(ds, 'b')).toEqual([2, 4]);
  });

  it('marks missing values as NaN with a warning offering both fixes', async () => {
    const [ds, r] = await table('missing.csv', readFileSync(dir + 'missing.csv'));
    expect(col(ds, 'price')).toEqual([1, NaN, 3, NaN, 5]);
    expect(col(ds, 'qty')).toEqual([5, 6, NaN, 8, 9]);
    expect(ds.columns.find((c) => c.name === 'price')?.stats).toMatchObject({ count: 3, missing: 2, min: 1, max: 5, mean: 3 });
    expect(r.warnings).toEqual([
      {
        code: 'missing-values',
        message:
          'missing.csv: 3 missing values: 2 in column "price" (first on line 3), 1 in column "qty" (on line 4). ' +
          'Drop the rows that have them, or fill forward (repeat the last value before each gap).',
        fixes: ['drop-rows', 'fill-forward'],
        columns: ['price', 'qty'],
      },
    ]);
  });

  it('reads every missing-value marker, leaves out empty columns and says so', async () => {
    const [ds, r] = await table('m.csv', 'a,b,notes\n1,,\nNA,2,\nn/a,3,\nnull,4,\n-,5,\n?,6,\n7,.,\n');
    expect(col(ds, 'a')).toEqual([1, NaN, NaN, NaN, NaN, NaN, 7]);
    expect(col(ds, 'b')).toEqual([NaN, 2, 3, 4, 5, 6, NaN]);
    expect(ds.columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(r.warnings.find((w) => w.code === 'empty-columns')?.message).toBe('m.csv: column "notes" is empty and was left out.');
  });

  it('turns a column that is empty at first and text later into labels', async () => {
    const rows = ['v,tag'];
    for (let i = 0; i < 1500; i++) rows.push(`${i},${i < 1200 ? '' : 'late'}`);
    const [ds] = await table('late.csv', rows.join('\n'));
    expect(ds.labels[0].name).toBe('tag');
    expect(ds.labels[0].values[0]).toBe('');
    expect(ds.labels[0].values[1499]).toBe('late');
    expect(ds.labels[0].categories).toEqual(['', 'late']);
  });

  it('gives the same result and the same error line whatever the chunk size', async () => {
    const rng = new Random(7);
    const lines = ['id,"label, quoted",value'];
    for (let i = 0; i < 3000; i++) {
      const label = rng.next() < 0.2 ? `"multi\nline ${i}"` : rng.next() < 0.5 ? `"a ""q"" ${i}"` : `plain${i}`;
      lines.push(`${i},${label},${(rng.normal() * 100).toFixed(3)}`);
    }
    const text = lines.join('\r\n');
    const [big] = await table('r.csv', text);
    const [small] = await table('r.csv', text, { chunkChars: 1024 });
    expect(small.rowCount).toBe(3000);
    expect(Array.from(small.columns[1].values)).toEqual(Array.from(big.columns[1].values));
    expect(small.labels[0].values).toEqual(big.labels[0].values);
    expect(Array.from(small.rowRefs)).toEqual(Array.from(big.rowRefs));

    // Break row 2500's value (lines[2501]); both chunkings must name the line it starts on.
    const before = lines.slice(0, 2501).join('\r\n') + '\r\n';
    const target = before.split('\n').length;
    expect(big.rowRefs[2500]).toBe(target);
    lines[2501] = lines[2501].replace(/,[-0-9.]+$/, ',x1');
    const broken = lines.join('\r\n');
    const msg = `r.csv: line ${target}, column "value": "x1" is not a number.`;
    await expect(parseFile('r.csv', enc(broken))).rejects.toThrow(msg);
    await expect(parseFile('r.csv', enc(broken), { chunkChars: 1024 })).rejects.toThrow(msg);
  });

  it('reports progress from 0 to 1 in order, and stops when aborted', async () => {
    const rows = ['a,b'];
    for (let i = 0; i < 20000; i++) rows.push(`${i},${i * 0.5}`);
    const seen: ParseProgress[] = [];
    await parseFile('p.csv', enc(rows.join('\n')), { chunkChars: 16384 }, (p) => seen.push(p));
    expect(seen.length).toBeGreaterThan(10);
    for (let i = 1; i < seen.length; i++) expect(seen[i].fraction).toBeGreaterThanOrEqual(seen[i - 1].fraction);
    expect(seen[0].fraction).toBe(0);
    expect(seen.at(-1)).toEqual({ phase: 'finishing', fraction: 1, rows: 20000 });

    const ctl = new AbortController();
    let calls = 0;
    const run = parseFile('p.csv', enc(rows.join('\n')), { chunkChars: 16384, signal: ctl.signal }, (p) => {
      if (p.phase === 'parsing' && ++calls === 2) ctl.abort();
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(2);
  });
});

describe('format detection', () => {
  it('goes by extension, then by content', () => {
    expect(detectFormat('a.csv', 'hello world')).toBe('csv');
    expect(detectFormat('a.TSV', '')).toBe('tsv');
    expect(detectFormat('a.json', '')).toBe('json');
    expect(detectFormat('a.txt', 'It is a truth universally acknowledged,\nthat a single man')).toBe('text');
    expect(detectFormat('a.txt', '1.5\n2.5\n3\n')).toBe('csv');
    expect(detectFormat('a.txt', 'value\n1.5\n2.5\n3\n')).toBe('csv');
    expect(detectFormat('data', '[1, 2, 3]')).toBe('json');
    expect(detectFormat('data.dat', '[not json')).toBe('text');
    expect(detectFormat('notes.txt', '[1, 2, 3]')).toBe('text');
  });
});

describe('plain text', () => {
  async function text(name: string, s: string): Promise<TokenDataset> {
    const r = await parseFile(name, enc(s));
    if (r.dataset.kind !== 'tokens') throw new Error('not text');
    return r.dataset;
  }

  it('builds a sorted character vocabulary and ids that spell the text back', async () => {
    const ds = await text('t.txt', 'hello, world\r\nhello!');
    expect(ds.vocab).toEqual(['\n', ' ', '!', ',', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
    expect(idsToText(ds.vocab, ds.ids)).toBe('hello, world\nhello!');
    expect(ds.ids.length).toBe(19);
    expect(ds.counts[ds.vocab.indexOf('l')]).toBe(5);
    expect(ds.unit).toBe('character');
    expect(ds.preview).toBe('hello, world\nhello!');
  });

  it('keeps characters outside the BMP whole', async () => {
    const ds = await text('e.txt', 'a🙂b🙂é');
    expect(ds.vocab).toEqual(['a', 'b', 'é', '🙂']);
    expect(Array.from(ds.ids)).toEqual([0, 3, 1, 3, 2]);
  });

  it('rejects an empty or blank text', async () => {
    await expect(parseFile('e.csv', enc('  \n \n'))).rejects.toThrow('e.csv: the file contains only blank lines.');
    await expect(parseFile('e.txt', enc('  \n \n'), { format: 'text' })).rejects.toThrow(
      'e.txt: the file contains only blank space.',
    );
  });
});

describe('JSON', () => {
  it('reads an array of numbers, with null as missing', async () => {
    const [ds, r] = await table('a.json', '[1, 2.5, null, -4]');
    expect(r.detected.json).toEqual({ shape: 'numbers', unwrapped: null });
    expect(col(ds, 'value')).toEqual([1, 2.5, NaN, -4]);
    expect(ds.rowRefKind).toBe('item');
    expect(r.warnings[0].message).toBe(
      'a.json: 1 missing value: 1 in column "value" (at item [2]). Drop the rows that have them, or fill forward (repeat the last value before each gap).',
    );
  });

  it('reads an array of equal-length arrays as columns', async () => {
    const [ds] = await table('b.json', '[[1, 10], [2, 20], [3, "30"]]');
    expect(col(ds, 'column 1')).toEqual([1, 2, 3]);
    expect(col(ds, 'column 2')).toEqual([10, 20, 30]);
    expect(ds.preview.rows).toEqual([['1', '10'], ['2', '20'], ['3', '30']]);
  });

  it('reads records, with string fields as labels, and unwraps {"data": [...]}', async () => {
    const [ds, r] = await table('c.json', '{"meta": {"v": 1}, "data": [{"t": "2020-01", "y": 1}, {"t": "2020-02", "y": 2}]}');
    expect(r.detected.json).toEqual({ shape: 'objects', unwrapped: 'data' });
    expect(col(ds, 'y')).toEqual([1, 2]);
    expect(ds.labels[0]).toMatchObject({ name: 't', values: ['2020-01', '2020-02'] });
  });
});
