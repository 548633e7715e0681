// The CPU backend in the browser. Chromium started WITHOUT --enable-unsafe-webgpu (the default on
// most Linux desktops) offers no WebGPU adapter: the default run must still train, its loss falling
// within 20 seconds of opening the page, every view must draw, and the GPU panel must say it is
// training on the CPU. (The probe on a software adapter: backend-probe.spec.ts.)

import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../scripts/browser.mjs';
import { expectNoPageErrors, pixelStats, ready, stepCount } from './helpers';

expectNoPageErrors();

// No remembered backend choice (the config presets WebGPU for the other specs).
const NO_CHOICE = { cookies: [], origins: [] };

test.use({
  storageState: NO_CHOICE,
  launchOptions: { executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS.filter((a) => a !== '--enable-unsafe-webgpu') },
});

test.describe('without the WebGPU flag', () => {
  test('the default run trains on the CPU within 20 s, and every view draws', async ({ page }) => {
    test.setTimeout(120_000);
    const opened = Date.now();
    await page.goto('/');
    const notice = page.getByTestId('cpu-backend-notice');
    await expect(notice).toContainText('Training on the CPU');
    await expect(notice).toContainText(/WebGPU offered no GPU adapter|This browser has no WebGPU/);
    await expect(notice).toContainText('Comfortable here');
    await expect(page.getByTestId('cpu-notice')).toHaveText('training on the CPU');
    await ready(page);
    // The sizes that stay comfortable, from the run's own measured step (no other backend to offer).
    await expect(page.getByTestId('cpu-comfort')).toContainText(/^Comfortable here: your run takes [\d.,]+ ms a step \(about .+\)/);
    console.log(await page.getByTestId('cpu-comfort').innerText());
    await expect(page.getByTestId('run-probe')).toHaveCount(0);
    const emptyLoss = await pixelStats(page, page.getByTestId('view-loss'));
    await page.keyboard.press('Space');
    await expect(page.getByTestId('run-state')).toHaveText('training');
    const span = page.getByTestId('loss-span-a');
    const falling = async () => {
      const first = Number(await span.getAttribute('data-first'));
      const last = Number(await span.getAttribute('data-last'));
      return first > 0 && last > 0 && last < first * 0.8;
    };
    await expect.poll(falling, { timeout: Math.max(1000, 20_000 - (Date.now() - opened)), intervals: [250] }).toBe(true);
    const seconds = (Date.now() - opened) / 1000;
    console.log(`loss falling ${seconds.toFixed(1)} s after opening the page, step ${await stepCount(page)}`);
    expect(seconds).toBeLessThan(20);
    // Some more training, then every view is measured after a probe taken while paused.
    await expect.poll(() => stepCount(page), { timeout: 60_000 }).toBeGreaterThan(150);
    await page.keyboard.press('Space');
    await expect(page.getByTestId('run-state')).toHaveText('paused');
    await expect(page.getByTestId('gradtime-a')).toBeVisible();
    await page.waitForTimeout(1500);
    const loss = await pixelStats(page, page.getByTestId('view-loss'));
    expect(loss.colored).toBeGreaterThan(emptyLoss.colored + 400);
    for (const id of ['view-predictions', 'gradtime-a']) {
      const stats = await pixelStats(page, page.getByTestId(id));
      expect(stats.colored, `${id}: the LSTM's line`).toBeGreaterThan(300);
    }
    const norms = await pixelStats(page, page.getByTestId('view-norms'));
    expect(norms.distinct).toBeGreaterThan(40);
    const hidden = await pixelStats(page, page.getByTestId('heatmap-canvas'));
    expect(hidden.distinct, 'hidden-state heatmap colours').toBeGreaterThan(30);
    await page.screenshot({ path: 'test-results/cpu-backend.png', fullPage: true });
  });
});
