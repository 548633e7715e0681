// Reading a table as the page asks (time column, long-format key and series) on real files:
// the shape applied is stated, the pivoted values are the file's own, and a link's column that
// a file lacks falls back to detection with a warning.

import { describe, expect, it } from 'vitest';
import { AUTO_SHAPE, applyShape } from './shape';
import { realTable, realText } from './tablesForTests';
import type { TableDataset } from './types';

function table(shaped: ReturnType<typeof applyShape>): TableDataset {
  if (shaped.dataset.kind !== 'table') throw new Error('not a table');
  return shaped.dataset;
}

/** iowa-electricity.csv as {source: {year: value}}, read straight from the text. */
function iowaValues(): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const line of realText('iowa-electricity.csv').trim().split('\n').slice(1)) {
    const [date, source, value] = line.split(',');
    if (!out.has(source)) out.set(source, new Map());
    out.get(source)!.set(Number(date.slice(0, 4)), Number(value));
  }
  return out;
}

describe('applyShape', () => {
  it('reads a long-format file as one series by default, saying so, on its time axis', async () => {
    const shaped = applyShape(await realTable('iowa-electricity.csv'), AUTO_SHAPE);
    const t = table(shaped);
    const first = [...iowaValues().keys()][0];
    expect(shaped.layout?.applied).toEqual({ time: 'year', key: 'source', keys: [first] });
    expect(shaped.layout?.keyCandidates.map((k) => k.name)).toEqual(['source']);
    expect(t.rowCount).toBe(17);
    expect(t.columns.map((c) => c.name)).toEqual(['net_generation']);
    expect(shaped.layout?.defaultTarget).toBe('net_generation');
    expect(shaped.warnings.map((w) => w.message).join(' ')).toMatch(/long format, 3 series by source; taking Fossil Fuels \(2 more/);
    // Row k is year 2001 + k, in the file's own numbers.
    const want = iowaValues().get(first)!;
    const years = Array.from(shaped.layout!.time!.ms, (ms) => new Date(ms).getUTCFullYear());
    expect(years).toEqual(Array.from({ length: 17 }, (_, k) => 2001 + k));
    years.forEach((y, k) => expect(t.columns[0].values[k]).toBe(want.get(y)));
  });

  it('takes several series as columns aligned on time, each the file\'s values', async () => {
    const all = [...iowaValues().keys()];
    const shaped = applyShape(await realTable('iowa-electricity.csv'), { time: 'auto', key: 'source', keys: [all[2], all[0]] });
    const t = table(shaped);
    // In the key's own order, whatever order they were ticked in.
    expect(shaped.layout?.applied.keys).toEqual([all[0], all[2]]);
    expect(t.columns.map((c) => c.name).sort()).toEqual([all[0], all[2]].sort());
    const years = Array.from(shaped.layout!.time!.ms, (ms) => new Date(ms).getUTCFullYear());
    for (const c of t.columns) years.forEach((y, k) => expect(c.values[k]).toBe(iowaValues().get(c.name)!.get(y)));
    expect(shaped.layout?.defaultInputs.sort()).toEqual([all[0], all[2]].sort());
  });

  it('leaves a wide file as it is, with its time column as the axis and an id never an input', async () => {
    const co2 = applyShape(await realTable('co2-concentration.csv'), AUTO_SHAPE);
    expect(co2.layout?.applied).toEqual({ time: 'Date', key: '', keys: [] });
    expect(co2.layout?.defaultInputs).toEqual(['CO2', 'adjusted CO2']);
    const counties = applyShape(await realTable('unemployment.tsv'), AUTO_SHAPE);
    expect(counties.layout?.defaultInputs).toEqual(['rate']);
    expect(counties.layout?.columns.find((c) => c.name === 'id')?.role).toBe('index');
  });

  it('reads by rows when asked for no time column, and splits by no key when asked for none', async () => {
    const weather = await realTable('weather.csv');
    const auto = applyShape(weather, AUTO_SHAPE);
    expect(auto.layout?.applied.key).toBe('location');
    const flat = applyShape(weather, { time: '', key: '', keys: [] });
    expect(flat.layout?.applied).toEqual({ time: '', key: '', keys: [] });
    expect(flat.layout?.time).toBeNull();
    expect(flat.dataset).toBe(weather);
  });

  it('detects instead, with a warning, when a link names a column this file lacks', async () => {
    const shaped = applyShape(await realTable('global-temp.csv'), { time: 'Date', key: 'symbol', keys: ['MSFT'] });
    expect(shaped.layout?.applied).toEqual({ time: 'year', key: '', keys: [] });
    expect(shaped.warnings[0].message).toMatch(/global-temp\.csv has no column "Date" or "symbol"/);
  });

  it('refuses, naming it, a column that is there but does not read as time', async () => {
    const temps = await realTable('global-temp.csv');
    expect(() => applyShape(temps, { ...AUTO_SHAPE, time: 'temp' })).toThrow(/global-temp\.csv: .*"temp" does not read as time/);
  });
});

describe('timeWarnings', () => {
  it('reports gaps, repeated times and times going back, with where; a regular series none', async () => {
    expect(applyShape(await realTable('global-temp.csv'), AUTO_SHAPE).warnings).toEqual([]);
    // The CO2 record leaves out months without valid data: counted from the text itself.
    const months = realText('co2-concentration.csv').trim().split('\n').slice(1).map((l) => Number(l.slice(0, 4)) * 12 + Number(l.slice(5, 7)));
    const missing = months.slice(1).filter((m, i) => m - months[i] > 1).length;
    expect(missing).toBeGreaterThan(0);
    const co2 = applyShape(await realTable('co2-concentration.csv'), AUTO_SHAPE).warnings.map((w) => w.message);
    expect(co2).toEqual([`co2-concentration.csv: ${missing} gap${missing === 1 ? '' : 's'} in Date, where the usual step is 1 month; the model sees the rows side by side as if none were missing.`]);
    const { tableFrom } = await import('./tablesForTests');
    const rows = ['date,v', '2020-01-01,1', '2020-01-02,2', '2020-01-03,3', '2020-01-03,4', '2020-01-09,5', '2020-01-10,6', '2020-01-05,7', '2020-01-06,8'];
    const messages = applyShape(await tableFrom('odd.csv', rows.join('\n')), AUTO_SHAPE).warnings.map((w) => w.message);
    expect(messages).toContainEqual(expect.stringMatching(/odd\.csv: 1 row has the same date as the row before \(first at line 5\)/));
    expect(messages).toContainEqual(expect.stringMatching(/date goes back in time 1 time;/));
    expect(messages).toContainEqual(expect.stringMatching(/1 gap in date, where the usual step is 1 day/));
  });
});
