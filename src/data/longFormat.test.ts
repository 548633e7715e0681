import { describe, expect, it } from 'vitest';
import { detectKeys, pivotLong } from './longFormat';
import { realTable, realText, tableFrom } from './tablesForTests';
import { detectTimeColumns, readTimeColumn, type TimeAxis } from './timeAxis';
import type { TableDataset } from './types';

const col = (ds: TableDataset, name: string) => {
  const c = ds.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name} in ${ds.columns.map((x) => x.name).join(', ')}`);
  return Array.from(c.values);
};
const timeOf = (ds: TableDataset, name: string): TimeAxis => {
  const t = readTimeColumn(ds, name);
  if (!t) throw new Error(`${name} does not read as time`);
  return t;
};

/** The CSV's own cells by line number (1-based, header on line 1), split naively (no quotes in these files). */
function csvLines(file: string): string[][] {
  return realText(file).split('\n').map((l) => l.split(','));
}

describe('iowa-electricity.csv: 3 sources × 17 years', () => {
  it('finds `source` as the key', async () => {
    const ds = await realTable('iowa-electricity.csv');
    const time = detectTimeColumns(ds)[0];
    expect(detectKeys(ds, time)).toEqual([
      { name: 'source', values: ['Fossil Fuels', 'Nuclear Energy', 'Renewables'], rows: [17, 17, 17] },
    ]);
    expect(detectKeys(ds, null).map((k) => k.name)).toEqual(['source']);
  });

  it('pivots to one column per source, each cell equal to its line in the CSV', async () => {
    const ds = await realTable('iowa-electricity.csv');
    const time = timeOf(ds, 'year');
    const sources = ['Fossil Fuels', 'Nuclear Energy', 'Renewables'];
    const p = pivotLong(ds, 'source', sources, time);
    expect(p.gaps).toBe(0);
    expect(p.duplicates).toBe(0);
    expect(p.warnings).toEqual([]);
    expect(p.table.rowCount).toBe(17);
    expect(p.table.columns.map((c) => c.name)).toEqual(sources);
    expect(p.table.labels.map((l) => l.name)).toEqual(['year']);
    expect(p.table.labels[0].values[0]).toBe('2001-01-01');
    expect(p.table.labels[0].values[16]).toBe('2017-01-01');
    expect(p.time?.ascending).toBe(true);
    expect(p.time?.ms[16]).toBe(Date.UTC(2017, 0, 1));
    expect(p.time?.unit).toBe('year');

    const lines = csvLines('iowa-electricity.csv');
    const expected = new Map<string, number>();
    for (const [year, source, value] of lines.slice(1, 52)) expected.set(`${source}|${year}`, Number(value));
    for (let r = 0; r < 17; r++) {
      const year = `${2001 + r}-01-01`;
      for (const s of sources) expect(col(p.table, s)[r]).toBe(expected.get(`${s}|${year}`));
      // rowRefs point at a line of that year.
      expect(lines[p.table.rowRefs[r] - 1][0]).toBe(year);
    }
    expect(col(p.table, 'Fossil Fuels')[0]).toBe(35361);
    expect(col(p.table, 'Renewables')[16]).toBe(21933);
    expect(p.table.columns[0].stats.count).toBe(17);
    expect(p.table.columns[2].stats.max).toBe(21933);
    expect(p.table.preview.header).toEqual(['year', ...sources]);
    expect(p.table.preview.rows[0]).toEqual(['2001-01-01', '35361', String(expected.get('Nuclear Energy|2001-01-01')), String(expected.get('Renewables|2001-01-01'))]);
    expect(p.table.preview.rows.length).toBe(17);
  });

  it('keeps the value column name when one source is chosen', async () => {
    const ds = await realTable('iowa-electricity.csv');
    const p = pivotLong(ds, 'source', ['Nuclear Energy'], timeOf(ds, 'year'));
    expect(p.table.columns.map((c) => c.name)).toEqual(['net_generation']);
    expect(p.table.rowCount).toBe(17);
    expect(Array.from(p.table.rowRefs).every((line) => csvLines('iowa-electricity.csv')[line - 1][1] === 'Nuclear Energy')).toBe(true);
  });
});

describe('weather.csv: 2 locations × 1461 days', () => {
  it('finds `location` as the only key: the `weather` category repeats under a key at the same date', async () => {
    const ds = await realTable('weather.csv');
    const time = detectTimeColumns(ds)[0];
    expect(time.column).toBe('date');
    const keys = detectKeys(ds, time);
    expect(keys.map((k) => k.name)).toEqual(['location']);
    expect(keys[0]).toEqual({ name: 'location', values: ['Seattle', 'New York'], rows: [1461, 1461] });
    expect(detectKeys(ds, null).map((k) => k.name)).toEqual(['location']);
  });

  it('pivots 4 value columns × 2 locations, named "value · location"', async () => {
    const ds = await realTable('weather.csv');
    const p = pivotLong(ds, 'location', ['Seattle', 'New York'], timeOf(ds, 'date'));
    expect(p.table.rowCount).toBe(1461);
    expect(p.table.columns.map((c) => c.name)).toEqual([
      'precipitation · Seattle',
      'precipitation · New York',
      'temp_max · Seattle',
      'temp_max · New York',
      'temp_min · Seattle',
      'temp_min · New York',
      'wind · Seattle',
      'wind · New York',
    ]);
    expect(p.table.labels.map((l) => l.name)).toEqual(['date']);
    expect(p.gaps).toBe(0);
    expect(p.duplicates).toBe(0);
    const lines = csvLines('weather.csv');
    // Seattle,2012-01-02,10.9,10.6,2.8,4.5,rain and New York's row of the same date.
    const ny = lines.find((l) => l[0] === 'New York' && l[1] === '2012-01-02')!;
    expect(col(p.table, 'precipitation · Seattle')[1]).toBe(10.9);
    expect(col(p.table, 'wind · Seattle')[1]).toBe(4.5);
    expect(col(p.table, 'temp_max · New York')[1]).toBe(Number(ny[3]));
    const last = lines[lines.length - 2];
    expect(last.slice(0, 2)).toEqual(['New York', '2015-12-31']);
    expect(col(p.table, 'temp_min · New York')[1460]).toBe(Number(last[4]));
  });
});

describe('pivotLong on crafted tables', () => {
  const long = 'day,city,temp,rain\n' +
    '2020-01-01,A,1,10\n' + // line 2
    '2020-01-01,B,2,20\n' +
    '2020-01-02,A,3,30\n' +
    '2020-01-03,A,5,50\n' + // B has no 01-02 and no 01-03
    '2020-01-03,A,6,60\n' + // line 6: a second A at 01-03
    'later,B,7,70\n' + // line 7: no readable day
    '2020-01-04,B,8,80\n' +
    '2020-01-04,A,9,90\n' +
    '2020-01-05,A,11,110\n' +
    '2020-01-05,B,12,120\n' +
    '2020-01-06,A,13,130\n' +
    '2020-01-06,B,14,140\n';

  it('makes gaps missing values, keeps the last of a duplicate, and leaves out rows without a time, each with a warning', async () => {
    const ds = await tableFrom('long.csv', long);
    const time = timeOf(ds, 'day');
    expect(time.unreadable).toBe(1);
    const p = pivotLong(ds, 'city', ['A', 'B'], time);
    expect(p.table.rowCount).toBe(6);
    expect(p.table.columns.map((c) => c.name)).toEqual(['temp · A', 'temp · B', 'rain · A', 'rain · B']);
    expect(col(p.table, 'temp · A')).toEqual([1, 3, 6, 9, 11, 13]);
    expect(col(p.table, 'temp · B')).toEqual([2, NaN, NaN, 8, 12, 14]);
    expect(col(p.table, 'rain · B')).toEqual([20, NaN, NaN, 80, 120, 140]);
    expect(p.table.columns[1].stats.missing).toBe(2);
    expect(p.gaps).toBe(2);
    expect(p.duplicates).toBe(1);
    expect(Array.from(p.table.rowRefs)).toEqual([2, 4, 5, 8, 10, 12]);
    expect(p.warnings.map((w) => [w.code, w.message])).toEqual([
      ['pivot-gaps', 'long.csv: B has no value at 2 of 6 times (first 2020-01-02); they are missing values.'],
      ['pivot-duplicates', 'long.csv: A has two rows at 2020-01-03 (lines 5 and 6); the last is kept.'],
      ['pivot-left-out', 'long.csv: 1 row has no readable day and was left out (on line 7).'],
    ]);
    expect(p.warnings[0].columns).toEqual(['temp · B', 'rain · B']);
    expect(p.warnings[0].fixes).toEqual(['drop-rows', 'fill-forward']);
  });

  it('sorts the times, and names columns by series when there is one value column', async () => {
    const ds = await tableFrom('s.csv', 'when,who,v\n2020-03,x,3\n2020-01,x,1\n2020-02,y,20\n2020-01,y,10\n2020-02,x,2\n2020-03,y,30\n');
    const p = pivotLong(ds, 'who', ['y', 'x'], timeOf(ds, 'when'));
    expect(p.table.columns.map((c) => c.name)).toEqual(['y', 'x']);
    expect(col(p.table, 'x')).toEqual([1, 2, 3]);
    expect(col(p.table, 'y')).toEqual([10, 20, 30]);
    expect(p.table.labels[0].values).toEqual(['2020-01', '2020-02', '2020-03']);
    expect(Array.from(p.time!.ms)).toEqual([Date.UTC(2020, 0, 1), Date.UTC(2020, 1, 1), Date.UTC(2020, 2, 1)]);
  });

  it('keeps a numeric time column as numbers and leaves index columns out', async () => {
    const ds = await tableFrom('y.csv', 'id,year,k,v\n1,2000,a,1.5\n2,2000,b,2\n3,2001,a,3\n4,2001,b,4\n');
    const p = pivotLong(ds, 'k', ['a', 'b'], timeOf(ds, 'year'));
    expect(p.table.columns.map((c) => c.name)).toEqual(['year', 'a', 'b']);
    expect(col(p.table, 'year')).toEqual([2000, 2001]);
    expect(col(p.table, 'b')).toEqual([2, 4]);
    expect(p.table.preview.rows).toEqual([['2000', '1.5', '2'], ['2001', '3', '4']]);
  });

  it('without a time axis, aligns series by position and reports the shorter one', async () => {
    const ds = await tableFrom('p.csv', 'g,v\na,1\na,2\na,3\nb,10\nb,20\n');
    expect(detectKeys(ds, null).map((k) => k.name)).toEqual(['g']);
    const p = pivotLong(ds, 'g', ['a', 'b'], null);
    expect(p.time).toBeNull();
    expect(col(p.table, 'a')).toEqual([1, 2, 3]);
    expect(col(p.table, 'b')).toEqual([10, 20, NaN]);
    expect(Array.from(p.table.rowRefs)).toEqual([2, 3, 4]);
    expect(p.table.preview).toEqual({ header: ['a', 'b'], rows: [['1', '10'], ['2', '20'], ['3', '']] });
    expect(p.gaps).toBe(1);
    expect(p.warnings.map((w) => w.message)).toEqual([
      'p.csv: b has 2 rows where the longest has 3: no value at its last 1; they are missing values.',
    ]);
  });

  it('leaves out rows without a series name, and sums up gaps when many series have them', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    let text = 'day,k,v\n';
    for (let d = 1; d <= 3; d++) {
      for (const [j, k] of names.entries()) if (!(d === 2 && j < 6)) text += `2020-01-0${d},${k},${d * 10 + j + 0.5}\n`;
    }
    text += '2020-01-03,,99.5\n';
    const ds = await tableFrom('many.csv', text);
    const p = pivotLong(ds, 'k', names, timeOf(ds, 'day'));
    expect(p.gaps).toBe(6);
    expect(col(p.table, 'g')).toEqual([16.5, 26.5, 36.5]);
    expect(col(p.table, 'a')).toEqual([10.5, NaN, 30.5]);
    expect(p.warnings.map((w) => [w.code, w.message])).toEqual([
      ['pivot-gaps', 'many.csv: 6 series have gaps, e.g. a (1), b (1), c (1); they are missing values.'],
      ['pivot-left-out', 'many.csv: 1 row has no k and was left out.'],
    ]);
    expect(p.warnings[0].columns).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('says what is wrong with a bad choice', async () => {
    const ds = await tableFrom('long.csv', long);
    const t = timeOf(ds, 'day');
    expect(() => pivotLong(ds, 'town', ['A'], t)).toThrow('long.csv: there is no text column "town" to take series names from.');
    expect(() => pivotLong(ds, 'city', [], t)).toThrow('long.csv: choose at least one series of column "city".');
    expect(() => pivotLong(ds, 'city', ['A', 'C'], t)).toThrow('long.csv: column "city" has no series "C".');
    expect(() => pivotLong(ds, 'city', ['A', 'A'], t)).toThrow('long.csv: a series is chosen twice ("A", "A").');
    const other = await tableFrom('o.csv', 'day,v\n2020-01-01,1\n');
    expect(() => pivotLong(ds, 'city', ['A'], timeOf(other, 'day'))).toThrow('the time axis "day" is not this table\'s.');
  });
});

describe('detectKeys on crafted tables', () => {
  it('wants each value on two rows or more, and series that come in blocks or take turns', async () => {
    const turns = await tableFrom('t.csv', 'g,v\na,1\nb,2\na,3\nb,4\n');
    expect(detectKeys(turns, null).map((k) => k.name)).toEqual(['g']);
    const mixed = await tableFrom('m.csv', 'g,v\na,1\nb,2\nb,3\na,4\na,5\n');
    expect(detectKeys(mixed, null)).toEqual([]);
    const single = await tableFrom('s.csv', 'g,v\na,1\na,2\nb,3\n');
    expect(detectKeys(single, null)).toEqual([]);
  });

  it('with a time axis, rejects a column whose values do not share times', async () => {
    const ds = await tableFrom('w.csv', 'day,tag,v\n2020-01-01,x,1\n2020-01-02,x,2\n2020-01-03,y,3\n2020-01-04,y,4\n');
    expect(detectKeys(ds, timeOf(ds, 'day'))).toEqual([]);
  });
});
