import { describe, expect, it } from 'vitest';
import { scaleWarnings, trendWarnings } from './scaleCheck';
import { splitIndex } from './prep';
import { realTable, tableFrom } from './tablesForTests';

describe('scaleWarnings', () => {
  it('warns, with the fix, about a column that reaches 1e4 or more without normalisation', async () => {
    const ds = await tableFrom('v.csv', 'price,volume,change\n1.5,1000000000,-20000\n2.5,3,0.5\n');
    expect(scaleWarnings(ds, ['price', 'volume'], 'none')).toEqual([
      'volume reaches 1.0e9 without normalisation: the model saturates and the loss stays huge. Choose z-score normalisation.',
      'price (up to 2.5e0) is 4.0e8 times smaller than volume (up to 1.0e9) without normalisation: the model hardly sees it. Choose z-score normalisation.',
    ]);
    expect(scaleWarnings(ds, ['change'], 'none')).toEqual([
      'change reaches -2.0e4 without normalisation: the model saturates and the loss stays huge. Choose z-score normalisation.',
    ]);
  });

  it('says nothing under normalisation, or under the limits', async () => {
    const ds = await tableFrom('v.csv', 'price,volume,small\n1.5,9999,0.001\n2.5,3,0.0005\n');
    expect(scaleWarnings(ds, ['price', 'volume'], 'zscore')).toEqual([]);
    expect(scaleWarnings(ds, ['price', 'volume'], 'minmax')).toEqual([]);
    expect(scaleWarnings(ds, ['price', 'volume'], 'none')).toEqual([]);
    expect(scaleWarnings(ds, ['price', 'small'], 'none')).toEqual([]);
    expect(scaleWarnings(ds, ['volume', 'small'], 'none')).toEqual([
      'small (up to 1.0e-3) is 1.0e7 times smaller than volume (up to 1.0e4) without normalisation: the model hardly sees it. Choose z-score normalisation.',
    ]);
    expect(scaleWarnings(ds, ['missing column'], 'none')).toEqual([]);
  });

  it('reads the real files: Iowa generation is large, CO2 and temperatures are not', async () => {
    const iowa = await realTable('iowa-electricity.csv');
    expect(scaleWarnings(iowa, ['net_generation'], 'none')).toEqual([
      'net_generation reaches 4.3e4 without normalisation: the model saturates and the loss stays huge. Choose z-score normalisation.',
    ]);
    const co2 = await realTable('co2-concentration.csv');
    expect(scaleWarnings(co2, ['CO2', 'adjusted CO2'], 'none')).toEqual([]);
  });
});

describe('trendWarnings', () => {
  it('warns when most validation rows of a rising series (CO2) lie above what it trains on, with the numbers and the fix', async () => {
    const co2 = await realTable('co2-concentration.csv');
    const rows = splitIndex(co2.rowCount, 0.8);
    const v = Array.from(co2.columns.find((c) => c.name === 'CO2')!.values);
    const train = v.slice(0, rows);
    const val = v.slice(rows);
    const above = val.filter((x) => x > Math.max(...train)).length;
    expect(above * 2).toBeGreaterThan(val.length);
    const [w, ...rest] = trendWarnings(co2, ['CO2'], rows, 'zscore');
    expect(rest).toEqual([]);
    expect(w).toContain(`CO2: ${above} of the ${val.length} validation rows lie outside the range it trains on (${Number(Math.min(...train).toPrecision(4))} to ${Number(Math.max(...train).toPrecision(4))}; it reaches ${Number(Math.max(...val).toPrecision(4))})`);
    expect(w).toContain('normalise by "changes"');
    expect(trendWarnings(co2, ['CO2'], rows, 'none')).toEqual([w]);
    expect(trendWarnings(co2, ['CO2'], rows, 'changes')).toEqual([]);
    // No validation part: nothing to compare.
    expect(trendWarnings(co2, ['CO2'], co2.rowCount, 'zscore')).toEqual([]);
  });

  it('says nothing for a series whose validation stays within its range, or half out at most', async () => {
    const lines = ['t,wave,half'];
    for (let i = 0; i < 40; i++) lines.push(`${i},${Math.sin(i)},${i < 30 ? i % 10 : i < 35 ? 20 : 1}`);
    const ds = await tableFrom('w.csv', lines.join('\n'));
    expect(trendWarnings(ds, ['wave', 'half'], 30, 'zscore')).toEqual([]);
    expect(trendWarnings(ds, ['half'], 29, 'minmax')).toHaveLength(0);
  });
});
