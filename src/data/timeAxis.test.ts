import { describe, expect, it } from 'vitest';
import { realTable, tableFrom } from './tablesForTests';
import { detectTimeColumns, formatTime, readTimeColumn, type TimeAxis } from './timeAxis';

/** A one-column CSV (plus a numeric column, so it parses as a table) whose `t` cells are `cells`. */
function csv(cells: string[], name = 't'): string {
  const q = (c: string) => (/[",]/.test(c) ? JSON.stringify(c) : c);
  return `${name},v\n${cells.map((c, i) => `${q(c)},${i}`).join('\n')}\n`;
}

async function axisOf(cells: string[], name = 't'): Promise<TimeAxis | null> {
  const ds = await tableFrom('t.csv', csv(cells, name));
  return readTimeColumn(ds, name);
}

async function mustRead(cells: string[], name = 't'): Promise<TimeAxis> {
  const a = await axisOf(cells, name);
  if (!a) throw new Error(`${cells.join(' | ')} did not read as time`);
  return a;
}

const utc = Date.UTC;

describe('text dates', () => {
  it('reads ISO dates, Feb 29 of leap years included, and counts Feb 30 and Feb 29 1900 unreadable', async () => {
    const good = Array.from({ length: 20 }, (_, i) => `2000-03-${String(i + 1).padStart(2, '0')}`);
    const a = await mustRead(['2000-02-29', '2400-02-29', ...good]);
    expect(a.format).toBe('iso-date');
    expect(a.described).toBe('ISO dates (YYYY-MM-DD)');
    expect(a.ms[0]).toBe(utc(2000, 1, 29));
    expect(a.ms[1]).toBe(utc(2400, 1, 29));
    expect(a.unit).toBe('day');
    expect(a.unreadable).toBe(0);

    const bad = await mustRead([...good, '2001-02-30', '1900-02-29']);
    expect(bad.unreadable).toBe(2);
    expect(Number.isNaN(bad.ms[20])).toBe(true);
    expect(Number.isNaN(bad.ms[21])).toBe(true);
    expect(bad.described).toBe('ISO dates (YYYY-MM-DD); 2 cells did not read (first on line 22)');
  });

  it('needs about 90% of the non-missing cells to read; missing cells are neither read nor counted', async () => {
    const dates = Array.from({ length: 9 }, (_, i) => `2020-01-0${i + 1}`);
    const nine = await mustRead([...dates, 'soon']);
    expect(nine.unreadable).toBe(1);
    expect(await axisOf([...dates.slice(0, 8), 'soon', 'later'])).toBeNull();
    const gappy = await mustRead(['2020-01-01', '', 'NA', '2020-01-04']);
    expect(gappy.unreadable).toBe(0);
    expect(Number.isNaN(gappy.ms[1]) && Number.isNaN(gappy.ms[2])).toBe(true);
    expect(gappy.ascending).toBe(true);
  });

  it('reads ISO date-times with T or a space, seconds, fractions, Z and ±hh:mm offsets, shifted to UTC', async () => {
    const a = await mustRead([
      '2020-03-01T10:00:00+05:30',
      '2020-03-01 10:00:00Z',
      '2020-03-01T10:00-08:00',
      '2020-03-01T23:59:59.250Z',
      '2020-03-01T10:00:00+0100',
    ]);
    expect(a.format).toBe('iso-datetime');
    expect(Array.from(a.ms)).toEqual([
      utc(2020, 2, 1, 4, 30),
      utc(2020, 2, 1, 10),
      utc(2020, 2, 1, 18),
      utc(2020, 2, 1, 23, 59, 59, 250),
      utc(2020, 2, 1, 9),
    ]);
    expect(a.unit).toBe('second');
    expect(a.ascending).toBe(false);
    expect(a.described).toBe('ISO date-times (YYYY-MM-DD hh:mm:ss), shifted to UTC');
  });

  it('says when date-times carry no zone, and finds the finest unit they use', async () => {
    const minutes = await mustRead(['2020-03-01 10:00:00', '2020-03-01 10:15:00', '2020-03-01 10:30:00']);
    expect(minutes.unit).toBe('minute');
    expect(minutes.described).toBe('ISO date-times (YYYY-MM-DD hh:mm:ss); no time zone given: read as UTC');
    expect(minutes.ms[1]).toBe(utc(2020, 2, 1, 10, 15));
    const midnights = await mustRead(['2020-03-01T00:00:00', '2020-03-02T00:00:00']);
    expect(midnights.unit).toBe('day');
    const months = await mustRead(['1958-03-01', '1958-04-01', '1959-01-01']);
    expect(months.unit).toBe('month');
    const years = await mustRead(['2001-01-01', '2002-01-01']);
    expect(years.unit).toBe('year');
    expect(await axisOf(['2020-03-01T25:00:00', '2020-03-01T10:61:00'])).toBeNull();
  });

  it('reads year-months (YYYY-MM), and refuses month 13', async () => {
    const a = await mustRead(['1999-11', '1999-12', '2000-01']);
    expect(a.format).toBe('iso-month');
    expect(a.unit).toBe('month');
    expect(Array.from(a.ms)).toEqual([utc(1999, 10, 1), utc(1999, 11, 1), utc(2000, 0, 1)]);
    expect(await axisOf(['1999-13', '1999-14'])).toBeNull();
  });

  it('reads dates with month names in the usual orders', async () => {
    const a = await mustRead(['Jan 1 2000', 'January 2, 2000', '3 Jan 2000', '4-Jan-2000', 'Sept 5 2000', '6th March 2000']);
    expect(a.format).toBe('month-name');
    expect(a.described).toBe('dates like Jan 1 2000');
    expect(Array.from(a.ms)).toEqual([
      utc(2000, 0, 1),
      utc(2000, 0, 2),
      utc(2000, 0, 3),
      utc(2000, 0, 4),
      utc(2000, 8, 5),
      utc(2000, 2, 6),
    ]);
    const feb30 = await mustRead([...Array.from({ length: 10 }, (_, i) => `Mar ${i + 1} 2001`), 'Feb 30 2001']);
    expect(feb30.unreadable).toBe(1);
    expect(await axisOf(['Foo 1 2000', 'Bar 2 2000'])).toBeNull();
  });

  it('tells day/month from month/day by a part above 12, and names the line that showed it', async () => {
    const dm = await mustRead(['01/02/2000', '13/02/2000', '14/02/2000']);
    expect(dm.format).toBe('day-month-slash');
    expect(dm.described).toBe('day/month/year (a first part above 12 was seen on line 3)');
    expect(dm.ms[0]).toBe(utc(2000, 1, 1));

    const md = await mustRead(['01/02/2000', '02/13/2000']);
    expect(md.format).toBe('month-day-slash');
    expect(md.described).toBe('month/day/year (a second part above 12 was seen on line 3)');
    expect(md.ms[0]).toBe(utc(2000, 0, 2));

    const slashTimes = await mustRead(['3/15/2020 14:30', '3/15/2020 15:45:10']);
    expect(Array.from(slashTimes.ms)).toEqual([utc(2020, 2, 15, 14, 30), utc(2020, 2, 15, 15, 45, 10)]);
  });

  it('says so when no part is above 12: ambiguous, read as month/day', async () => {
    const a = await mustRead(['01/02/2000', '03/04/2000', '12/12/2000']);
    expect(a.format).toBe('month-day-slash');
    expect(a.described.startsWith('ambiguous: read as month/day/year')).toBe(true);
    expect(a.ms[0]).toBe(utc(2000, 0, 2));
    expect(a.ms[1]).toBe(utc(2000, 2, 4));
  });

  it('refuses two-digit years', async () => {
    expect(await axisOf(['01/02/99', '03/04/99', '05/06/99'])).toBeNull();
    expect(await axisOf(['99-01-02', '99-01-03'])).toBeNull();
    expect(await axisOf(['Jan 1 99', 'Jan 2 99'])).toBeNull();
  });
});

describe('numeric time columns', () => {
  const numeric = async (name: string, values: number[]) => {
    const ds = await tableFrom('n.csv', `${name},v\n${values.map((x, i) => `${x},${i}`).join('\n')}\n`);
    return readTimeColumn(ds, name);
  };

  it('reads integer years under a time-ish name, rising or not', async () => {
    const a = await numeric('Year', [1990, 1990, 1991, 1989]);
    expect(a?.format).toBe('year');
    expect(a?.described).toBe('years (YYYY)');
    expect(Array.from(a!.ms)).toEqual([utc(1990, 0, 1), utc(1990, 0, 1), utc(1991, 0, 1), utc(1989, 0, 1)]);
    expect(a?.unit).toBe('year');
    expect(a?.ascending).toBe(false);
    expect((await numeric('fiscal_yr', [2001, 2002]))?.format).toBe('year');
  });

  it('reads strictly rising integers 1000–2999 as years only with a word saying so', async () => {
    const a = await numeric('x', [1995, 1996, 1998, 2001]);
    expect(a?.format).toBe('year');
    expect(a?.described).toBe('years (YYYY): whole numbers 1995–2001 rising row by row, read as years');
    expect(await numeric('x', [1995, 1995, 1996])).toBeNull();
    expect(await numeric('year', [1995.5, 1996])).toBeNull();
    expect(await numeric('year', [999, 1000])).toBeNull();
    expect(await numeric('price', [2999, 3000, 3001])).toBeNull();
  });

  it('reads Unix seconds and milliseconds by name, or when they rise strictly', async () => {
    const s = await numeric('timestamp', [1_599_999_960, 1_600_000_020, 1_599_999_900]);
    expect(s?.format).toBe('unix-seconds');
    expect(s?.described).toBe('Unix time in seconds');
    expect(s?.ms[0]).toBe(1_599_999_960_000);
    expect(s?.unit).toBe('minute');
    const ms = await numeric('time_ms', [1_600_000_000_123, 1_600_000_000_456]);
    expect(ms?.format).toBe('unix-milliseconds');
    expect(ms?.ms[1]).toBe(1_600_000_000_456);
    expect(ms?.unit).toBe('second');
    const unnamed = await numeric('v0', [1_599_955_200, 1_600_041_600]);
    expect(unnamed?.format).toBe('unix-seconds');
    expect(unnamed?.described).toContain('rising row by row');
    expect(unnamed?.unit).toBe('day');
    expect(await numeric('population', [300_000_000, 200_000_000])).toBeNull();
    expect(await numeric('ts', [5_000_000_000])).toBeNull();
  });
});

describe('detectTimeColumns', () => {
  it('puts sure, rising readings first', async () => {
    const ds = await tableFrom('two.csv', 'n,when,v\n1995,2020-01-03,1\n1996,2020-01-02,2\n1997,2020-01-01,3\n');
    expect(detectTimeColumns(ds).map((a) => a.column)).toEqual(['when', 'n']);
    const rising = await tableFrom('two.csv', 'n,when,v\n1995,2020-01-01,1\n1996,2020-01-02,2\n1997,2020-01-03,3\n');
    expect(detectTimeColumns(rising).map((a) => a.column)).toEqual(['when', 'n']);
    const yearFirst = await tableFrom('two.csv', 'year,when,v\n1995,2020-01-03,1\n1996,2020-01-02,2\n1997,2020-01-01,3\n');
    expect(detectTimeColumns(yearFirst).map((a) => a.column)).toEqual(['year', 'when']);
  });

  it('reads the real files', async () => {
    const co2 = detectTimeColumns(await realTable('co2-concentration.csv'));
    expect(co2.map((a) => [a.column, a.format, a.unit, a.ascending])).toEqual([['Date', 'iso-date', 'month', true]]);
    expect(co2[0].ms[0]).toBe(utc(1958, 2, 1));
    expect(co2[0].ms[740]).toBe(utc(2020, 3, 1));

    const temp = detectTimeColumns(await realTable('global-temp.csv'));
    expect(temp.map((a) => [a.column, a.format, a.unit, a.ascending])).toEqual([['year', 'year', 'year', true]]);
    expect(temp[0].ms[143]).toBe(utc(2023, 0, 1));

    const iowa = detectTimeColumns(await realTable('iowa-electricity.csv'));
    expect(iowa.map((a) => [a.column, a.format, a.unit, a.ascending])).toEqual([['year', 'iso-date', 'year', false]]);

    const weather = detectTimeColumns(await realTable('weather.csv'));
    expect(weather.map((a) => [a.column, a.format, a.unit])).toEqual([['date', 'iso-date', 'day']]);

    const hourly = detectTimeColumns(await realTable('seattle-weather-hourly-normals.csv'));
    expect(hourly.map((a) => [a.column, a.format, a.unit, a.ascending])).toEqual([['date', 'iso-datetime', 'minute', true]]);
    expect(hourly[0].ms[0]).toBe(utc(2010, 0, 1, 1));
    expect(hourly[0].ms.length).toBe(8759);

    expect(detectTimeColumns(await realTable('unemployment.tsv'))).toEqual([]);
  });
});

describe('formatTime', () => {
  it('writes a time at its unit, in UTC', () => {
    const t = utc(2001, 2, 15, 14, 5, 9);
    expect(['year', 'month', 'day', 'minute', 'second'].map((u) => formatTime(t, u as TimeAxis['unit']))).toEqual([
      '2001',
      '2001-03',
      '2001-03-15',
      '2001-03-15 14:05',
      '2001-03-15 14:05:09',
    ]);
    expect(formatTime(NaN, 'day')).toBe('–');
  });
});
