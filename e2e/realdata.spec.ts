// Real public files (test-data/real, sources in its README) uploaded as a person would: the time
// column becomes the x axis, ids and years are never the default input or target, a long-format
// file is split by its key instead of glued end to end, and a short series trains on a window that
// fits it, with the change said beside the field.

import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { expectNoPageErrors, ready, stepCount } from './helpers';

expectNoPageErrors();

async function upload(page: Page, file: string): Promise<void> {
  await page.getByTestId('file-input').setInputFiles({ name: file, mimeType: 'text/csv', buffer: readFileSync(`test-data/real/${file}`) });
  await expect(page.getByTestId('data-preview')).toContainText(file);
}

test('a long-format file: one series by its key, then all three as columns, on its years; it trains', async ({ page }) => {
  await page.goto('/');
  await ready(page);
  await upload(page, 'iowa-electricity.csv');
  const preview = page.getByTestId('data-preview');
  await expect(preview).toContainText('long format, 3 series by source; taking Fossil Fuels');
  await expect(page.getByTestId('key-column')).toHaveValue('source');
  await expect(page.getByTestId('time-column')).toHaveValue('year');
  await expect(page.getByLabel('series Fossil Fuels')).toBeChecked();
  await expect(page.getByLabel('series Renewables')).not.toBeChecked();
  const chart = page.getByTestId('data-chart');
  await expect(chart).toHaveAttribute('data-x', 'time');
  await expect(chart).toHaveAttribute('data-x-range', '2001 – 2017');
  await expect(page.getByTestId('column-stats')).toContainText('net_generation');
  await page.getByTestId('keys-all').click();
  const stats = page.getByTestId('column-stats');
  for (const source of ['Fossil Fuels', 'Nuclear Energy', 'Renewables']) await expect(page.getByLabel(`${source} as input`)).toBeChecked();
  await expect(stats).not.toContainText('net_generation');
  await expect(page.getByLabel('Renewables as target')).toBeChecked();
  // How the table is read is in the link.
  await expect.poll(() => page.evaluate(() => decodeURIComponent(location.hash))).toContain('keys=Fossil Fuels|Nuclear Energy|Renewables');
  // 17 yearly rows: the window is fitted to the validation part, said beside the field.
  await ready(page);
  await expect(page.getByTestId('fit-note-seqLen')).toContainText('not 32');
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(1);
  // Judged on the rows it never trained on, in the data's units. All three series go in and one is
  // predicted, so the backtest predicts each hidden row one step ahead from its true inputs.
  const forecast = page.getByTestId('view-forecast');
  await forecast.scrollIntoViewIfNeeded();
  await forecast.getByTestId('backtest').click();
  await expect(forecast.getByTestId('forecast-scores')).toContainText(/one step ahead over the last \d+ rows, reading their true inputs.*MAE [\d.]+, RMSE [\d.]+ Renewables/);
  await expect(page.getByTestId('comparison-table')).not.toContainText('no validation');
});

test('a yearly series: the year is the x axis, never the target; validation is kept', async ({ page }) => {
  await page.goto('/');
  await ready(page);
  await upload(page, 'global-temp.csv');
  await expect(page.getByTestId('data-chart')).toHaveAttribute('data-x-range', '1880 – 2023');
  await expect(page.getByLabel('temp as target')).toBeChecked();
  await expect(page.getByLabel('year as target')).not.toBeChecked();
  await expect(page.getByLabel('year as input')).not.toBeChecked();
  await expect(page.getByTestId('column-stats')).toContainText('the time axis');
  await ready(page);
  await expect(page.getByTestId('fit-note-seqLen')).toContainText('Using');
  await expect(page.getByTestId('no-validation')).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(1);
  // The forecast's x axis is the years, past the end of the data.
  const forecast = page.getByTestId('view-forecast');
  await forecast.scrollIntoViewIfNeeded();
  await forecast.getByTestId('backtest').click();
  await expect(forecast.getByTestId('forecast-scores')).toContainText(/MAE [\d.]+, RMSE [\d.]+ temp/);
  await forecast.getByTestId('forecast').click();
  await expect(forecast.getByTestId('forecast-scores')).toContainText('past the end of the data, from 2024');
});

test('six rows train on a window that fits them; the page says there is no validation and why', async ({ page }) => {
  await page.goto('/');
  await ready(page);
  await upload(page, 'global-temp-short.csv');
  await ready(page);
  await expect(page.getByTestId('fit-note-seqLen')).toContainText('Using 5, not 32');
  await expect(page.getByTestId('fit-note-validationFraction')).toContainText('too few for a validation window');
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(1);
});

test('a county table: the id is an identifier, the rate is predicted', async ({ page }) => {
  await page.goto('/');
  await ready(page);
  await page.getByTestId('file-input').setInputFiles({ name: 'unemployment.tsv', mimeType: 'text/tab-separated-values', buffer: readFileSync('test-data/real/unemployment.tsv') });
  await expect(page.getByLabel('rate as target')).toBeChecked();
  await expect(page.getByLabel('id as input')).not.toBeChecked();
  await expect(page.getByTestId('column-stats')).toContainText('an identifier, not a measurement');
  await expect(page.getByTestId('data-chart')).toHaveAttribute('data-x', 'row');
});

test('a rising series (CO2): the page warns that levels leave their range, and modelling changes keeps the forecast rising', async ({ page }) => {
  test.setTimeout(360_000);
  await page.goto('/');
  await ready(page);
  await upload(page, 'co2-concentration.csv');
  // One series that forecasts itself: CO2 in, CO2 out.
  await page.getByLabel('CO2 as target', { exact: true }).check();
  await page.getByLabel('adjusted CO2 as target').uncheck();
  await page.getByLabel('adjusted CO2 as input').uncheck();
  await expect(page.getByLabel('CO2 as input', { exact: true })).toBeChecked();
  await ready(page);
  const warnings = page.getByTestId('run-warnings');
  await expect(warnings).toContainText(/CO2: \d+ of the \d+ validation rows lie outside the range it trains on/);
  await expect(warnings).toContainText('normalise by "changes"');
  const forecastEnd = async (): Promise<{ last: number; end: number }> => {
    await page.getByTestId('play').click();
    await expect.poll(() => stepCount(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(20);
    await page.getByTestId('play').click();
    const view = page.getByTestId('view-forecast');
    await view.scrollIntoViewIfNeeded();
    await view.getByTestId('forecast-rows').fill('36');
    await view.getByTestId('forecast').click();
    const line = view.getByTestId('forecast-scores');
    await expect(line).toContainText(/36 rows past the end of the data/, { timeout: 60_000 });
    const m = /CO2 ([\d.]+) at the end, ([\d.]+) by/.exec(await line.innerText());
    expect(m, await line.innerText()).not.toBeNull();
    return { last: Number(m![1]), end: Number(m![2]) };
  };
  // Levels, z-scored: three years on, the forecast has fallen back below the last value.
  const levels = await forecastEnd();
  expect(levels.end).toBeLessThan(levels.last);
  // Changes: the warning goes, and the forecast three years on lies above the last value.
  await page.getByLabel('Normalise').selectOption('changes');
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('norm=changes');
  await expect(warnings).toHaveCount(0);
  await ready(page);
  expect(await stepCount(page)).toBe(0);
  const changes = await forecastEnd();
  expect(changes.last).toBe(levels.last);
  expect(changes.end).toBeGreaterThan(changes.last);
});
