import { describe, expect, it } from 'vitest';
import { scaleWarnings } from './scaleCheck';
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
