import { describe, expect, it } from 'vitest';
import { analyzeTable, type TableLayout } from './columnRoles';
import { indexReason } from './indexColumn';
import { columnStats } from './stats';
import { realTable, tableFrom } from './tablesForTests';

const roles = (l: TableLayout) => l.columns.map((c) => [c.name, c.role]);
const reason = (l: TableLayout, name: string) => l.columns.find((c) => c.name === name)?.reason;

describe('analyzeTable on the real files', () => {
  it('global-temp.csv: year is the time axis, never an input; temp is the target', async () => {
    const l = analyzeTable(await realTable('global-temp.csv'));
    expect(roles(l)).toEqual([
      ['year', 'time'],
      ['temp', 'value'],
    ]);
    expect(l.time?.column).toBe('year');
    expect(reason(l, 'year')).toBe('years 1880–2023: the time axis');
    expect(reason(l, 'temp')).toBe('numbers -0.48 to 1.17: an input and the target');
    expect(l.defaultInputs).toEqual(['temp']);
    expect(l.defaultTarget).toBe('temp');
    expect(l.keys).toEqual([]);
  });

  it('global-temp-short.csv (6 rows) reads the same way', async () => {
    const l = analyzeTable(await realTable('global-temp-short.csv'));
    expect(roles(l)).toEqual([
      ['year', 'time'],
      ['temp', 'value'],
    ]);
    expect(reason(l, 'year')).toBe('years 1880–1885: the time axis');
    expect(l.defaultTarget).toBe('temp');
  });

  it('co2-concentration.csv: Date is the time axis, the two CO2 columns the inputs, the last the target', async () => {
    const l = analyzeTable(await realTable('co2-concentration.csv'));
    expect(roles(l)).toEqual([
      ['Date', 'time'],
      ['CO2', 'value'],
      ['adjusted CO2', 'value'],
    ]);
    expect(reason(l, 'Date')).toBe('months 1958-03–2020-04: the time axis');
    expect(l.defaultInputs).toEqual(['CO2', 'adjusted CO2']);
    expect(l.defaultTarget).toBe('adjusted CO2');
  });

  it('unemployment.tsv: id is an identifier, rate the target, no time axis', async () => {
    const l = analyzeTable(await realTable('unemployment.tsv'));
    expect(roles(l)).toEqual([
      ['id', 'index'],
      ['rate', 'value'],
    ]);
    expect(reason(l, 'id')).toBe('ids 1001–72153, every one different: an identifier, not a measurement');
    expect(l.time).toBeNull();
    expect(l.timeCandidates).toEqual([]);
    expect(l.defaultInputs).toEqual(['rate']);
    expect(l.defaultTarget).toBe('rate');
  });

  it('iowa-electricity.csv: year is time, source the long-format key, net_generation the target', async () => {
    const l = analyzeTable(await realTable('iowa-electricity.csv'));
    expect(roles(l)).toEqual([
      ['year', 'time'],
      ['source', 'key'],
      ['net_generation', 'value'],
    ]);
    expect(reason(l, 'year')).toBe('years 2001–2017, repeated per series: the time axis');
    expect(reason(l, 'source')).toBe('3 series (Fossil Fuels, Nuclear Energy, …): the long-format key');
    expect(l.keys.map((k) => k.name)).toEqual(['source']);
    expect(l.defaultInputs).toEqual(['net_generation']);
    expect(l.defaultTarget).toBe('net_generation');
  });

  it('weather.csv: location is the key, the weather text a label, wind the target', async () => {
    const l = analyzeTable(await realTable('weather.csv'));
    expect(roles(l)).toEqual([
      ['location', 'key'],
      ['date', 'time'],
      ['precipitation', 'value'],
      ['temp_max', 'value'],
      ['temp_min', 'value'],
      ['wind', 'value'],
      ['weather', 'label'],
    ]);
    expect(reason(l, 'weather')).toBe('text with 5 distinct values: not an input');
    expect(reason(l, 'date')).toBe('dates 2012-01-01–2015-12-31, repeated per series: the time axis');
    expect(l.defaultInputs).toEqual(['precipitation', 'temp_max', 'temp_min', 'wind']);
    expect(l.defaultTarget).toBe('wind');
  });

  it('seattle-weather-hourly-normals.csv: the ISO date-times are the time axis', async () => {
    const l = analyzeTable(await realTable('seattle-weather-hourly-normals.csv'));
    expect(l.time?.column).toBe('date');
    expect(reason(l, 'date')).toBe('times 2010-01-01 01:00–2010-12-31 23:00: the time axis');
    expect(l.defaultInputs).toEqual(['pressure', 'temperature', 'wind']);
    expect(l.defaultTarget).toBe('wind');
  });
});

describe('choosing the time axis', () => {
  it('null: no axis, and a year column is still no input', async () => {
    const l = analyzeTable(await realTable('global-temp.csv'), null);
    expect(l.time).toBeNull();
    expect(l.timeCandidates.map((a) => a.column)).toEqual(['year']);
    expect(roles(l)).toEqual([
      ['year', 'index'],
      ['temp', 'value'],
    ]);
    expect(reason(l, 'year')).toBe('years 1880–2023: time, but not the axis in use; not an input');
    expect(l.defaultInputs).toEqual(['temp']);
  });

  it('a name: that column, or an error naming it', async () => {
    const ds = await tableFrom('two.csv', 'start,end,v\n2020-01-01,2020-02-01,1.5\n2020-01-02,2020-02-03,2.5\n2020-01-03,2020-02-02,3.5\n');
    expect(analyzeTable(ds).time?.column).toBe('start');
    const l = analyzeTable(ds, 'end');
    expect(l.time?.column).toBe('end');
    expect(l.time?.ascending).toBe(false);
    expect(roles(l)).toEqual([
      ['start', 'label'],
      ['end', 'time'],
      ['v', 'value'],
    ]);
    expect(reason(l, 'start')).toBe('dates 2020-01-01–2020-01-03: time, but not the axis in use; not an input');
    const temp = await realTable('global-temp.csv');
    expect(() => analyzeTable(temp, 'temp')).toThrow('global-temp.csv: column "temp" does not read as time: its numbers (-0.48 to 1.17)');
    expect(() => analyzeTable(temp, 'nope')).toThrow('global-temp.csv: there is no column "nope".');
    expect(() => analyzeTable(ds, 'v')).toThrow(/column "v" does not read as time/);
  });
});

describe('index columns', () => {
  const column = (name: string, values: number[]) => {
    const v = Float64Array.from(values);
    return { name, values: v, stats: columnStats(v) };
  };

  it('row numbers, unnamed rising columns and ids are indexes', () => {
    expect(indexReason(column('n', [1, 2, 3, 4]))).toBe('whole numbers 1–4 rising by 1: a row number, not a measurement');
    expect(indexReason(column('n', [9, 8, 7]))).toBe('whole numbers 7–9 falling by 1: a row number, not a measurement');
    expect(indexReason(column('column 1', [0, 3, 5, 9]))).toBe('whole numbers 0–9 rising row by row: a row number, not a measurement');
    expect(indexReason(column('Unnamed: 0', [0, 3, 5, 9]))).not.toBeNull();
    expect(indexReason(column('county_id', [5, 1, 9]))).toBe('ids 1–9, every one different: an identifier, not a measurement');
    expect(indexReason(column('#', [3, 1]))).not.toBeNull();
    expect(indexReason(column('rowId', [3, 1, 2]))).not.toBeNull();
  });

  it('measurements stay values: running totals, repeats, fractions, ids that repeat', () => {
    expect(indexReason(column('total_cases', [3, 7, 12, 40]))).toBeNull();
    expect(indexReason(column('n', [1, 2, 2, 3]))).toBeNull();
    expect(indexReason(column('column 1', [0.5, 1.5, 2.5]))).toBeNull();
    expect(indexReason(column('id', [1, 2, 2]))).toBeNull();
    expect(indexReason(column('n', [1, 2]))).toBeNull();
    expect(indexReason(column('no_of_visits', [5, 1, 9]))).toBeNull();
  });

  it('leaves index columns out of the inputs', async () => {
    const ds = await tableFrom('i.csv', ',price,qty\n0,1.5,3\n1,2.5,3\n2,5,1\n');
    const l = analyzeTable(ds);
    expect(roles(l)).toEqual([
      ['column 1', 'index'],
      ['price', 'value'],
      ['qty', 'value'],
    ]);
    expect(reason(l, 'qty')).toBe('numbers 1 to 3: an input and the target');
    expect(l.defaultInputs).toEqual(['price', 'qty']);
    expect(l.defaultTarget).toBe('qty');
  });

  it('a table with nothing but an index has no target', async () => {
    const l = analyzeTable(await tableFrom('only.csv', 'id,name\n1,a\n2,b\n3,c\n'));
    expect(l.defaultInputs).toEqual([]);
    expect(l.defaultTarget).toBeNull();
    expect(reason(l, 'name')).toBe('text with 3 distinct values: not an input');
  });
});
