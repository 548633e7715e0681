// Forecasts in the page: train a little, forecast past the end of the data (the view draws the
// last window and the model's continuation), then backtest the last rows (the truth beside the
// forecast, scored).

import { expect, test } from '@playwright/test';

test('a trained LSTM forecasts past the end of the data and backtests its last rows', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });
  for (let k = 0; k < 5; k++) await page.keyboard.press('ArrowRight');
  const view = page.getByTestId('view-forecast');
  await view.scrollIntoViewIfNeeded();
  await expect(view).toContainText('Forecast past the end: each model reads the last');
  await view.getByTestId('forecast').click();
  await expect(view.locator('canvas')).toBeVisible({ timeout: 30_000 });
  await expect(view).toContainText('LSTM 32 forecast');
  await expect(view).toContainText('value (data)');
  // The canvas has the LSTM's orange in it (the forecast line), not just axes.
  const orange = await view.locator('canvas').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0xf5) + Math.abs(d[i + 1] - 0xa5) + Math.abs(d[i + 2] - 0x24) < 60 && d[i + 3] > 200) n++;
    return n;
  });
  expect(orange).toBeGreaterThan(100);
  await view.getByTestId('backtest').click();
  await expect(view).toContainText('the hidden rows (truth)', { timeout: 30_000 });
  await expect(view.getByTestId('forecast-scores')).toContainText(/backtest of the last \d+ rows.*MAE [\d.]+, RMSE [\d.]+ value/);
  expect(errors).toEqual([]);
});
