// Overfitting, noticed in the page: a large LSTM on 200 noisy rows memorises its training windows,
// its validation loss turns up while its training loss keeps falling, and the loss view says so,
// naming and marking the best validation step (the one the comparison table reports).

import { expect, test } from '@playwright/test';
import { expectNoPageErrors, ready } from './helpers';

expectNoPageErrors();

test('a model that memorises gets a notice naming its best validation step, marked on the loss chart', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/#d=sine-mix&dp=length:200,noise:1&m=lstm.1.64.16.2.0.z&o=adam&lr=0.01&b=8&T=16&ve=1&vf=0.3&s=1');
  await ready(page);
  const loss = page.getByTestId('view-loss');
  const notice = page.getByTestId('overfitting-a');
  await expect(notice).toHaveCount(0);
  // Train until the notice shows, then pause; a new best validation loss can retract it before the pause lands.
  for (let tries = 0; tries < 5; tries++) {
    await page.getByTestId('play').click();
    await expect(notice).toBeVisible({ timeout: 150_000 });
    await page.getByTestId('play').click();
    await expect(page.getByTestId('play')).toHaveAttribute('aria-label', 'Play');
    if ((await notice.count()) > 0) break;
  }
  await expect(notice).toContainText(/is memorising its training data: validation loss has risen for \d+ evaluations since its best \([\d.]+ at step \d+, now [\d.]+\) while training loss kept falling/);
  const best = await notice.getAttribute('data-best-step');
  expect(Number(best)).toBeGreaterThan(0);
  await expect(notice).toContainText(`The weights at step ${best} generalised best`);
  await expect(page.getByTestId('comparison-a')).toContainText(`(${best})`);
  // The best step is marked on the loss chart (a dotted line, a dot and a label in the LSTM's colour).
  await loss.scrollIntoViewIfNeeded();
  await expect(loss.locator('.line-canvas')).toHaveAttribute('data-marks', best!);
  await loss.screenshot({ path: 'test-results/overfitting.png' });
});
